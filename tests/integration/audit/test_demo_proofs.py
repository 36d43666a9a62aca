"""The demo's portal records, proven to an auditor: a bot run through `clerk run`
collects the Acme portal's invoices in Chromium with the shipped recipe (user
"acme", 4 characters, resolved from a file reference), ends on a signed
checkpoint; `clerk audit prove` writes a record's proof and the offline
verifier accepts it in a separate process without the project folder. The user
name stays readable in document keys; the portal password never appears."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from clerk.cli import app
from clerk.store import open_store
from clerk.store.schema import audit_events, work_items
from tests.helpers.offline_verifier import auditor_folder, verify_offline

pytestmark = [pytest.mark.integration, pytest.mark.browser]
REPO = Path(__file__).resolve().parents[3]
ROBOT = """*** Settings ***
Library    clerk.keywords.ClerkLibrary

*** Tasks ***
Collect invoices from the supplier portal
    Collect Documents From Portal    acme-portal
"""


def portal_project(root: Path, portal, browser: Path) -> Path:  # noqa: ANN001
    shutil.copytree(REPO / "config" / "portals", root / "config" / "portals")
    secrets = root / "var" / "demo" / "portal"          # where the shipped recipe points
    secrets.mkdir(parents=True)
    (secrets / "acme.user").write_text(portal.user)
    (secrets / "acme.password").write_text(portal.password)
    shipped_audit = (REPO / "config" / "clerk.toml").read_text().split("[audit]", 1)[1].split("\n[", 1)[0]
    (root / "config" / "clerk.toml").write_text(f'''[audit]{shipped_audit}
[sources.acme-portal]
type = "portal"
recipe = "config/portals/acme.toml"
base_url = "{portal.url}"
[sources.acme-portal.browser]
executable_path = "{browser}"
''')
    (root / "bots").mkdir()
    (root / "bots" / "portal_invoices.toml").write_text(
        'robot = "robots/portal_invoices.robot"\nsources = ["acme-portal"]\n')
    (root / "robots").mkdir()
    (root / "robots" / "portal_invoices.robot").write_text(ROBOT)
    return root


def clerk(project: Path, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "-C", str(project)])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_portal_records_are_proven_offline_and_keys_stay_readable(
        tmp_path, demo_portal, browser_executable, caplog):
    project = portal_project(tmp_path / "project", demo_portal, browser_executable)
    outputs = [clerk(project, "audit", "key", "generate")]
    with caplog.at_level(logging.DEBUG):
        outputs.append(clerk(project, "run", "portal_invoices"))
        outputs.append(clerk(project, "run", "portal_invoices"))     # nothing new: still a run, events
    auditor = auditor_folder(tmp_path / "auditor")
    filed = (project / "var" / "audit" / "checkpoints.jsonl").read_text().splitlines()
    assert len(filed) >= 2                                          # each run ended on a checkpoint
    (auditor / "held.json").write_text(filed[0])                   # the first one, kept by the auditor
    outputs.append(clerk(project, "audit", "key", "export", "-o", str(auditor / "auditor.pub")))

    store = open_store(f"sqlite:///{project / 'var' / 'clerk.db'}")
    try:
        with store.read() as conn:
            items = conn.execute(select(work_items.c.id, work_items.c.document_key)
                                 .order_by(work_items.c.id)).all()
            trail = [f"{row.actor} {row.data}" for row in conn.execute(select(audit_events))]
    finally:
        store.dispose()
    assert len(items) == 6 and all(key.startswith("portal:acme:doc-") for _, key in items)
    keyed = [line for line in trail if "portal:" in line]
    assert keyed and all("portal:acme:" in line for line in keyed)  # the queue's keys, unmasked

    for item_id, _ in items[:2]:
        proof = auditor / f"proof-{item_id}.json"
        outputs.append(clerk(project, "audit", "prove", str(item_id), "-o", str(proof),
                             "--held", str(auditor / "held.json")))
        outcome = verify_offline(auditor, proof, auditor / "auditor.pub", auditor / "held.json")
        assert outcome.kind == "valid", outcome.out
        assert "portal:acme:doc-" in proof.read_text()

    canary = demo_portal.password
    assert all(canary not in line for line in trail)
    artifacts = [p for p in (project / "output").rglob("*") if p.is_file()]
    assert {"output.xml", "log.html", "clerk.log"} <= {p.name for p in artifacts}
    for path in [*artifacts, *auditor.glob("*.json"), project / "var" / "audit" / "checkpoints.jsonl"]:
        assert canary.encode() not in path.read_bytes(), f"the portal password leaked into {path}"
    assert all(canary not in text for text in outputs) and canary not in caplog.text
    assert json.loads(filed[-1])["key_id"]

"""The auditor's proof page: the latest signed checkpoint, the public key, and a
proof download that the offline verifier accepts in a process of its own."""

from __future__ import annotations

import json

import pytest

from clerk.audit.sealer import project_sealer
from clerk.audit.settings import AuditSettings
from clerk.audit.signing import generate_key_file
from clerk.config import Settings
from clerk.project import open_project
from clerk.queue import ItemState
from tests.helpers.offline_verifier import auditor_folder, verify_offline
from tests.unit.web.conftest import item_in, login


@pytest.fixture
def project(store_url, tmp_path, clock, directory):  # noqa: ANN001, ANN201
    """The web tests' project, with a checkpoint key by reference."""
    proj = open_project(Settings(project_dir=tmp_path, database_url=store_url,
                                 audit=AuditSettings(signing_key="file:keys/signing.key")))
    proj.queue.clock = clock
    yield proj
    proj.close()


def test_proof_page_checkpoint_key_and_download(app, project, people, tmp_path):  # noqa: ANN001
    auditor = login(app, "audrey")
    assert "No signed checkpoint yet" in auditor.get("/audit/proofs").text
    assert auditor.get("/audit/checkpoint.json").status_code == 404
    assert auditor.get("/audit/key.pub").status_code == 404       # no key file yet: a page, not a 500
    signer = generate_key_file(tmp_path / "keys" / "signing.key")
    item_id = item_in(project.queue, ItemState.NEEDS_REVIEW)
    project_sealer(project).seal_all()

    page = auditor.get("/audit/proofs").text
    assert signer.key_id in page and 'id="checkpoint-download"' in page
    folder = auditor_folder(tmp_path / "auditor")
    (folder / "auditor.pub").write_bytes(auditor.get("/audit/key.pub").content)
    held = auditor.get("/audit/checkpoint.json")
    (folder / "held.json").write_bytes(held.content)
    answer = auditor.get("/audit/proof", params={"ref": str(item_id),
                                                 "held_size": json.loads(held.content)["tree_size"]})
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    (folder / "proof.json").write_bytes(answer.content)
    outcome = verify_offline(folder, folder / "proof.json", folder / "auditor.pub", folder / "held.json")
    assert outcome.kind == "valid", outcome.out
    assert f'href="/audit/proof?ref={item_id}"' in auditor.get(f"/audit/lineage?ref={item_id}").text
    trail = auditor.get("/audit", params={"action": "audit_proof_downloaded"}).text
    assert "audit_proof_downloaded" in trail and "audrey" in trail


def test_bad_proof_requests_are_pages_not_errors(app, project, people):  # noqa: ANN001
    auditor = login(app, "audrey")
    assert auditor.get("/audit/proof").status_code == 400
    assert auditor.get("/audit/proof", params={"ref": "1", "held_size": 0}).status_code == 400
    assert auditor.get("/audit/proof", params={"ref": "1", "held_size": "x"}).status_code in (400, 422)
    missing = auditor.get("/audit/proof", params={"ref": "INV-404"})
    assert missing.status_code == 404 and "no work item or ERP record" in missing.text
    assert login(app, "rita").get("/audit/proofs").status_code == 403

"""Running bots through Robot Framework for real: artifacts, run records,
keyword failures in the audit trail, and secrets masked everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from clerk.audit.redact import MASK
from clerk.bots import load_bots
from clerk.config import load_settings
from clerk.project import open_project
from clerk.runner import run_bot
from clerk.runner.records import get_run
from clerk.runner.tables import runs
from clerk.store.schema import audit_events

CANARY = "canary-Xq7-resolved-by-clerk"
CANARY_CONFIGURED = "canary-Zr9-only-in-config"

LEAKY_LIBRARY = '''
import logging
from robot.api import logger

def leak_secret(value):
    logger.info(f"the password is {value}")
    logger.debug(f"debug: {value}")
    logging.getLogger("clerk.test").warning("python logging saw %s", value)
    return value

def fail_with_secret(value):
    raise AssertionError(f"login refused for {value}")
'''

LEAKY_ROBOT = '''*** Settings ***
Documentation    A robot that tries every way to leak its secrets.
Library    clerk.keywords.ClerkLibrary
Library    leaky

*** Tasks ***
Use the secret
    ${secret}=    Get Secret    env:CLERK_TEST_CANARY
    ${plain}=    Leak Secret    ${secret.value}
    Log    ${plain}
    Log    ${secret}
    Log To Console    console: ${plain}
    Set Test Message    message with ${plain}
    Set Suite Metadata    Token    ${plain}
    Log    %{CLERK_TEST_CONFIGURED}

Fail with the secret
    ${secret}=    Get Secret    env:CLERK_TEST_CANARY
    Fail With Secret    ${secret.value}
'''


def make_project(tmp_path: Path, store_url: str, bots: dict[str, str], *,
                 files: dict[str, str] | None = None, config: str = "") -> Path:
    for name, text in bots.items():
        (tmp_path / "bots").mkdir(exist_ok=True)
        (tmp_path / "bots" / f"{name}.toml").write_text(text)
    for relative, text in (files or {}).items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "clerk.toml").write_text(f'database_url = "{store_url}"\n{config}')
    return tmp_path


@pytest.fixture
def project_factory(tmp_path, clean_store):  # noqa: ANN001, ANN201
    opened = []

    def factory(bots, **kwargs):  # noqa: ANN001, ANN202
        directory = make_project(tmp_path, clean_store.engine.url.render_as_string(
            hide_password=False), bots, **kwargs)
        project = open_project(load_settings(directory))
        opened.append(project)
        return project

    yield factory
    for project in opened:
        project.close()


def test_python_only_bot_runs_through_robot_framework(project_factory):
    project = project_factory({"py": 'handler = "tests.unit.runner.handlers:walk_to_posted"\n'})
    for key in ("a", "b", "c-review"):
        project.queue.enqueue("py", key, {"path": key})
    outcome = run_bot(project, load_bots(project.settings.project_dir)["py"], trigger="test")

    assert outcome.ok, outcome.counts
    assert outcome.counts["items"] == {"posted": 2, "needs_review": 1}
    assert outcome.counts["tasks"] == {"total": 1, "pass": 1}
    assert outcome.output_dir == project.settings.output_dir / "py" / outcome.run_id
    for name in ("output.xml", "log.html", "report.html", "clerk.log"):
        assert (outcome.output_dir / name).is_file()
    assert "Process Work Items With Handler" in (outcome.output_dir / "output.xml").read_text()
    record = get_run(project.store, outcome.run_id)
    assert (record["status"], record["trigger"], record["bot"]) == ("passed", "test", "py")
    assert record["ended_at"] is not None and record["counts"]["items"]["posted"] == 2
    with project.store.read() as conn:
        actions = [row.action for row in conn.execute(
            select(audit_events.c.action).where(audit_events.c.item_id.is_(None)))]
    assert "run_started" in actions and "run_finished" in actions


def test_a_robot_that_cannot_start_is_recorded_as_an_error(project_factory):
    project = project_factory({"broken": 'robot = "robots/broken.robot"\n'},
                              files={"robots/broken.robot": "*** Tasks ***\nOnly\n    No Such Keyword\n"})
    outcome = run_bot(project, load_bots(project.settings.project_dir)["broken"])
    assert outcome.status == "failed"
    with project.store.read() as conn:
        failures = conn.execute(select(audit_events.c.data).where(
            audit_events.c.action == "keyword_failed")).scalars().all()
    assert any("No keyword with name 'No Such Keyword' found" in data for data in failures)


def test_no_secret_in_any_output_at_trace_level(project_factory, monkeypatch):
    monkeypatch.setenv("CLERK_TEST_CANARY", CANARY)
    monkeypatch.setenv("CLERK_TEST_CONFIGURED", CANARY_CONFIGURED)
    project = project_factory(
        {"leaky": 'robot = "robots/leaky.robot"\nsources = ["mailbox"]\n'},
        files={"robots/leaky.robot": LEAKY_ROBOT, "keywords/leaky.py": LEAKY_LIBRARY},
        config='[sources.mailbox]\nkind = "email"\npassword = "env:CLERK_TEST_CONFIGURED"\n')
    outcome = run_bot(project, load_bots(project.settings.project_dir)["leaky"], loglevel="TRACE")

    assert outcome.status == "failed"  # the second task fails, with the secret in its message
    files = [path for path in outcome.output_dir.rglob("*") if path.is_file()]
    assert {p.name for p in files} >= {"output.xml", "log.html", "report.html", "clerk.log"}
    for path in files:
        content = path.read_bytes()
        for canary in (CANARY, CANARY_CONFIGURED):
            assert canary.encode() not in content, f"{canary} leaked into {path.name}"
    output = (outcome.output_dir / "output.xml").read_text()
    # The secrets were really logged, and masked: the test can fail.
    assert f"the password is {MASK}" in output and f"login refused for {MASK}" in output
    assert "&lt;secret&gt;" in output  # the Secret object itself prints as <secret>
    assert f"python logging saw {MASK}" in (outcome.output_dir / "clerk.log").read_text() or \
        f"python logging saw {MASK}" in output
    with project.store.read() as conn:
        audit = "\n".join(conn.execute(select(audit_events.c.data)).scalars())
        run_rows = "\n".join(str(row._mapping) for row in conn.execute(select(runs)))
    assert CANARY not in audit and CANARY_CONFIGURED not in audit
    assert CANARY not in run_rows and CANARY_CONFIGURED not in run_rows
    assert f"login refused for {MASK}" in audit  # the failure was mirrored, masked

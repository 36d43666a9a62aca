"""The project's sealer: checkpoints signed with the key by reference, copied to
the append-only file, the run-end one mailed to the auditors (a real SMTP
server on loopback), and every run and worker ending on a checkpoint."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from clerk.audit.checkpoint import latest_checkpoint
from clerk.audit.offline import check_checkpoint, load_public_key
from clerk.audit.sealer import project_sealer
from clerk.audit.signing import generate_key_file
from clerk.bots import load_bots
from clerk.config import load_settings
from clerk.errors import ConfigError
from clerk.project import open_project
from clerk.runner import run_bot
from clerk.runner.tables import run_requests, runs
from clerk.runtime import build_worker
from clerk.store.schema import audit_events
from tests.fixtures.services import free_port

CANARY = "canary-Km2-smtp-password"


@pytest.fixture
def smtp_inbox():  # noqa: ANN201
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message
    from aiosmtpd.smtp import AuthResult

    received, logins = [], []

    class Keep(Message):
        def handle_message(self, message):  # noqa: ANN001, ANN202
            received.append(message)

    def authenticate(server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN202
        logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port(),
                            authenticator=authenticate, auth_require_tls=False)
    controller.start()
    yield controller.port, received, logins
    controller.stop()


def open_with(root: Path, store_url: str, audit: str, bots: dict[str, str] | None = None):  # noqa: ANN201
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "config" / "clerk.toml").write_text(f'database_url = "{store_url}"\n[audit]\n{audit}\n')
    for name, text in (bots or {}).items():
        (root / "bots").mkdir(exist_ok=True)
        (root / "bots" / f"{name}.toml").write_text(text)
    project = open_project(load_settings(root))
    with project.store.write() as conn:      # runner tables are not in the shared fixture's list
        conn.execute(delete(run_requests))
        conn.execute(delete(runs))
    return project


def sealed_count(project) -> int:  # noqa: ANN001
    with project.store.read() as conn:
        return conn.scalar(select(func.count()).select_from(audit_events)
                           .where(audit_events.c.seq.is_not(None)))


def test_checkpoints_are_signed_filed_and_the_run_end_one_mailed(tmp_path, store_url, smtp_inbox):
    port, received, logins = smtp_inbox
    (tmp_path / "smtp.password").write_text(CANARY)
    project = open_with(tmp_path, store_url, f'''signing_key = "file:keys/signing.key"
checkpoint_every = 3
seal_batch = 3
checkpoint_file = "var/audit/checkpoints.jsonl"
[audit.checkpoint_mail]
to = ["auditor@example.test"]
host = "127.0.0.1"
port = {port}
sender = "clerk@example.test"
user = "clerk"
password = "file:smtp.password"''')
    try:
        signer = generate_key_file(tmp_path / "keys" / "signing.key")
        for n in range(7):
            project.queue.enqueue("ap", f"doc-{n}", {})
        assert project_sealer(project).seal_all() == 7
    finally:
        project.close()
    lines = (tmp_path / "var" / "audit" / "checkpoints.jsonl").read_text().splitlines()
    points = [json.loads(line) for line in lines]
    assert [p["tree_size"] for p in points] == [3, 6, 7]          # every 3, then the run's end
    public = load_public_key(signer.public_pem())
    for point in points:
        check_checkpoint(point, public, "filed checkpoint")          # raises if not signed
    (mail,) = received                                              # only the run-end checkpoint
    assert mail["To"] == "auditor@example.test" and "7 events" in mail["Subject"]
    attachment = next(part for part in mail.walk() if part.get_filename() == "checkpoint-7.json")
    assert json.loads(attachment.get_payload(decode=True)) == points[-1]
    assert logins == [("clerk", CANARY)] and CANARY not in mail.as_string()


def test_a_mail_that_fails_is_logged_and_sealing_goes_on(tmp_path, store_url, caplog):
    project = open_with(tmp_path, store_url, f'''signing_key = "file:keys/signing.key"
checkpoint_mail = {{ to = ["auditor@example.test"], host = "127.0.0.1", port = {free_port()} }}''')
    try:
        generate_key_file(tmp_path / "keys" / "signing.key")
        project.queue.enqueue("ap", "doc", {})
        with caplog.at_level(logging.ERROR, logger="clerk.audit"):
            assert project_sealer(project).seal_all() == 1
        assert latest_checkpoint(project.store).tree_size == 1
    finally:
        project.close()
    assert "checkpoint 1 not mailed to auditor@example.test" in caplog.text


def test_an_unreadable_key_is_a_config_error_that_never_shows_the_key(tmp_path, store_url):
    (tmp_path / "bad.key").write_text(f"-----BEGIN PRIVATE KEY-----\n{CANARY}\n-----END PRIVATE KEY-----\n")
    project = open_with(tmp_path, store_url, 'signing_key = "file:bad.key"')
    try:
        with pytest.raises(ConfigError) as caught:
            build_worker(project)
    finally:
        project.close()
    assert "not an unencrypted PEM private key" in str(caught.value) and CANARY not in str(caught.value)


def test_every_run_and_every_worker_ends_on_a_signed_checkpoint(tmp_path, store_url):
    project = open_with(tmp_path, store_url, 'signing_key = "file:keys/signing.key"\ncheckpoint_every = 1000',
                        bots={"py": 'handler = "tests.unit.runner.handlers:walk_to_posted"\n'})
    try:
        generate_key_file(tmp_path / "keys" / "signing.key")
        project.queue.enqueue("py", "a", {})
        run_bot(project, load_bots(tmp_path)["py"], trigger="test")
        after_run = latest_checkpoint(project.store)
        assert after_run.signed and after_run.tree_size == sealed_count(project) > 0
        project.queue.enqueue("py", "b", {})
        build_worker(project, run_requests=False).run(drain=True)
        after_worker = latest_checkpoint(project.store)
        assert after_worker.tree_size == sealed_count(project) > after_run.tree_size
    finally:
        project.close()


def test_a_run_with_a_missing_key_still_finishes_and_checkpoints_unsigned(tmp_path, store_url, caplog):
    project = open_with(tmp_path, store_url, 'signing_key = "file:keys/none.key"',
                        bots={"py": 'handler = "tests.unit.runner.handlers:walk_to_posted"\n'})
    try:
        project.queue.enqueue("py", "a", {})
        with caplog.at_level(logging.ERROR, logger="clerk.audit"):
            outcome = run_bot(project, load_bots(tmp_path)["py"], trigger="test")
        assert outcome.ok
        assert latest_checkpoint(project.store) is None                          # none signed
        assert latest_checkpoint(project.store, signed=False).tree_size == sealed_count(project)
    finally:
        project.close()
    assert "checkpoint at the end of the run not signed" in caplog.text

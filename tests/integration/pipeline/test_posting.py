"""Posting through the queue to a real Tryton: exactly once, whatever fails."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date

import pytest

from clerk.pipeline import idempotency_key
from clerk.runtime import build_worker, close_handlers
from tests.helpers.projects import (
    drain, enqueue_invoices, env_for, invoices_with_key, make_project, open_test_project,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def project_root(tmp_path, tryton_server):
    return make_project(tmp_path, tryton_server, f"sqlite:///{tmp_path / 'clerk.db'}")


def _drain(project, timeout: float = 180) -> None:  # noqa: ANN001
    drain(project, timeout)


def _state(project, item_id: int) -> dict:
    return project.queue.get(item_id)


def test_clean_invoices_are_posted_with_their_erp_numbers(project_root, tryton_connector):
    project = open_test_project(project_root)
    ids = enqueue_invoices(project, [f"POST-{os.getpid()}-{n}" for n in range(3)])
    _drain(project)
    for item_id in ids:
        row = _state(project, item_id)
        assert row["state"] == "posted", row
        found = invoices_with_key(tryton_connector, row["idempotency_key"])
        assert len(found) == 1 and found[0]["state"] == "posted" and found[0]["number"]
        assert row["erp_ref"]["number"] == found[0]["number"]


def test_erp_refusal_goes_to_review_with_trytons_message(project_root, tryton_connector):
    project = open_test_project(project_root)
    # No fiscal year covers 2031 in the demo ERP: Tryton refuses to post it.
    [item_id] = enqueue_invoices(project, [f"FY-{os.getpid()}"], issue_date=date(2031, 3, 1))
    _drain(project)
    row = _state(project, item_id)
    assert row["state"] == "needs_review", row
    assert row["reason_code"] == "erp_rejected"
    assert "create a period" in row["last_error"], row["last_error"]   # Tryton's own words


def test_killed_after_create_never_posts_twice(tmp_path, tryton_server, tryton_connector):
    project_root = make_project(tmp_path / "p", tryton_server, f"sqlite:///{tmp_path / 'clerk.db'}",
                                handler="tests.helpers.handlers:die_after_create")
    project = open_test_project(project_root)
    [item_id] = enqueue_invoices(project, [f"KILL-{os.getpid()}"])
    env = {**env_for(project_root), "CLERK_TEST_LOG_DIR": str(tmp_path)}
    victim = subprocess.run([sys.executable, "-m", "clerk", "worker", "-C", str(project_root),
                             "--drain", "--no-seal"], env={**env, "CLERK_WORKER__POLL_SECONDS": "0.05"},
                            capture_output=True, timeout=180)
    assert victim.returncode == -signal.SIGKILL, victim.stdout.decode() + victim.stderr.decode()
    assert (tmp_path / "created").exists()
    key = idempotency_key("ap", _state(project, item_id)["document_key"])
    assert len(invoices_with_key(tryton_connector, key)) == 1
    assert _state(project, item_id)["state"] == "posting"
    (project_root / "bots" / "ap.toml").write_text('name = "ap"\n')  # the standard pipeline
    _drain(open_test_project(project_root))    # a fresh worker, after the lease expired
    row = _state(project, item_id)
    assert row["state"] == "posted", row
    assert len(invoices_with_key(tryton_connector, key)) == 1


def test_erp_down_mid_run_then_back_posts_everything_once(project_root, tryton_server,
                                                          tryton_connector):
    project = open_test_project(project_root)
    ids = enqueue_invoices(project, [f"DOWN-{os.getpid()}-{n}" for n in range(6)])
    tryton_server.stop()
    worker = build_worker(project, seal_audit=False)
    thread = threading.Thread(target=worker.run, kwargs={"drain": True})
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not any(_state(project, i)["attempts"] for i in ids):
            assert time.monotonic() < deadline, "no item failed while the ERP was down"
            time.sleep(0.1)
        assert all(_state(project, i)["state"] != "posted" for i in ids)
    finally:
        tryton_server.start()
    thread.join(timeout=240)
    close_handlers(worker)
    assert not thread.is_alive()
    connector = tryton_connector
    for item_id in ids:
        row = _state(project, item_id)
        assert row["state"] == "posted", row
        assert len(invoices_with_key(connector, row["idempotency_key"])) == 1


def test_wrong_erp_password_stops_the_run_and_leaves_items_untouched(tmp_path, tryton_server):
    root = make_project(tmp_path, tryton_server, f"sqlite:///{tmp_path / 'clerk.db'}")
    (root / "erp.password").write_text("not-the-password")
    project = open_test_project(root)
    ids = enqueue_invoices(project, [f"AUTH-{os.getpid()}-{n}" for n in range(2)])
    attempts_before = _failed_logins(tryton_server)
    result = subprocess.run([sys.executable, "-m", "clerk", "worker", "-C", str(root), "--drain",
                             "--no-seal"], env=env_for(root), capture_output=True, text=True,
                            timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    assert "Traceback" not in output and "not-the-password" not in output
    assert "worker stopped before its first item" in output
    assert "refused the login" in output, output
    # One login, at the worker's start: not one per batch, which would lock the user out.
    assert _failed_logins(tryton_server) == attempts_before + 1
    for item_id in ids:
        row = _state(project, item_id)
        assert row["attempts"] == 0 and row["state"] == "collected", row
        assert row["lease_owner"] is None


def _failed_logins(tryton_server) -> int:
    import sqlite3

    path = tryton_server.directory / f"{tryton_server.database}.sqlite"
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM res_user_login_attempt").fetchone()[0]


def test_posting_state_validated_stops_short_of_posting(tmp_path, tryton_server,
                                                                 tryton_connector):
    root = make_project(tmp_path, tryton_server, f"sqlite:///{tmp_path / 'clerk.db'}")
    (root / "bots" / "ap.toml").write_text('name = "ap"\n[erp]\nposting_state = "validated"\n')
    project = open_test_project(root)
    [item_id] = enqueue_invoices(project, [f"VAL-{os.getpid()}"])
    _drain(project)
    row = _state(project, item_id)
    assert row["state"] == "posted" and row["erp_ref"]["state"] == "validated", row
    [found] = invoices_with_key(tryton_connector, row["idempotency_key"])
    assert found["state"] == "validated"

"""Outbound webhooks for real: events from real runs go into the outbox with
their audit events, the leading scheduler sends them signed to a local HTTP
receiver that is down for a while, and each arrives exactly once by id."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from clerk.config import load_settings
from clerk.errors import IllegalTransition
from clerk.project import open_project
from clerk.queue import ItemState
from clerk.runner.run import run_bot
from clerk.audit.events import as_utc
from clerk.bots import load_bots
from clerk.store.schema import webhook_outbox
from clerk.webhooks.delivery import outbox_rows
from tests.fixtures.services import free_port
from tests.integration.scheduler.conftest import clean_store, wait_for  # noqa: F401
from tests.integration.scheduler.test_service import HANDLER, Running
from tests.integration.webhooks.receiver import Receiver

pytestmark = pytest.mark.integration
SECRET = "whsec-test-7f3a9c"


@pytest.fixture
def hooked(tmp_path, clean_store, monkeypatch):  # noqa: ANN001, ANN201
    port = free_port()
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    (tmp_path / "bots").mkdir()
    (tmp_path / "robots").mkdir()
    (tmp_path / "config").mkdir()
    url = clean_store.engine.url.render_as_string(hide_password=False)
    (tmp_path / "config" / "clerk.toml").write_text(
        f'database_url = "{url}"\n\n[[webhooks]]\nname = "erp-events"\n'
        f'url = "http://127.0.0.1:{port}/hook"\n'
        'events = ["item.posted", "item.needs_review", "run.failed"]\n'
        'secret = "env:HOOK_SECRET"\nbackoff_base = "0.2s"\nbackoff_max = "0.5s"\ntimeout = "2s"\n')
    (tmp_path / "bots" / "invoices.toml").write_text(HANDLER)
    (tmp_path / "bots" / "broken.toml").write_text('robot = "robots/broken.robot"\n')
    (tmp_path / "robots" / "broken.robot").write_text("*** Tasks ***\nBreak\n    Fail    the ERP is down\n")
    project = open_project(load_settings(tmp_path))
    yield project, port
    project.close()


def test_every_event_is_delivered_once_by_id_after_the_receiver_was_down(hooked):  # noqa: ANN001
    project, port = hooked
    for key in ("INV-1", "INV-2", "review-INV-3"):
        project.queue.enqueue("invoices", key, {})
    bots = load_bots(project.settings.project_dir)
    assert run_bot(project, bots["invoices"]).ok
    assert not run_bot(project, bots["broken"]).ok
    events = sorted(row["event"] for row in outbox_rows(project.store))
    assert events == ["item.needs_review", "item.posted", "item.posted", "run.failed"]

    receiver = Receiver(port, SECRET)
    with Running(project):
        # Nobody listens yet: every event is tried, fails, and waits its backoff.
        wait_for(lambda: all(row["attempts"] >= 2 for row in outbox_rows(project.store)),
                 what="attempts while the receiver is down")
        assert outbox_rows(project.store, delivered=True) == []
        receiver.start()
        try:
            wait_for(lambda: not outbox_rows(project.store, delivered=False), what="all delivered")
        finally:
            receiver.stop()
    rows = outbox_rows(project.store)
    assert receiver.rejected == 0 and receiver.repeats == 0
    assert receiver.accepted == {row["event_id"]: 1 for row in rows}
    failed = next(e for e in receiver.events.values() if e["type"] == "run.failed")
    assert failed["data"]["status"] == "failed"
    assert SECRET not in "".join(row["body"] for row in rows)


def test_an_event_is_written_only_if_its_move_commits(hooked):  # noqa: ANN001
    project, _ = hooked
    item = project.queue.enqueue("invoices", "INV-9", {}).item_id
    with pytest.raises(IllegalTransition):
        with project.store.write() as conn:
            from clerk.queue._moves import move
            from datetime import UTC, datetime
            move(conn, project.audit, item_id=item, from_state=ItemState.COLLECTED,
                 to_state=ItemState.NEEDS_REVIEW, now=datetime.now(UTC), actor="test")
            assert conn.scalar(select(func.count()).select_from(webhook_outbox)) == 1
            raise IllegalTransition(item, "collected", "rolled back on purpose")
    assert outbox_rows(project.store) == []


def test_an_unreadable_secret_keeps_the_event_waiting_and_never_leaks(hooked, monkeypatch):  # noqa: ANN001
    import httpx

    from clerk.webhooks.delivery import send_due
    from clerk.webhooks.model import webhook_specs

    project, port = hooked
    bots = load_bots(project.settings.project_dir)
    assert not run_bot(project, bots["broken"]).ok
    monkeypatch.delenv("HOOK_SECRET")
    specs = webhook_specs(project.settings.webhooks)
    receiver = Receiver(port, SECRET)
    receiver.start()
    try:
        with httpx.Client() as client:
            sent = send_due(project.store, specs, project.secrets, "test", client)
            assert (sent.delivered, sent.failed) == (0, 1)
            [row] = outbox_rows(project.store)
            assert row["last_error"] == "secret env:HOOK_SECRET cannot be read"
            assert receiver.accepted == {}
            monkeypatch.setenv("HOOK_SECRET", SECRET)
            later = row["next_attempt_at"]
            sent = send_due(project.store, specs, project.secrets, "test", client, now=as_utc(later))
            assert sent.delivered == 1 and receiver.accepted == {row["event_id"]: 1}
            # Acknowledged: never sent again, however often the sender passes.
            assert send_due(project.store, specs, project.secrets, "test", client,
                            now=as_utc(later)).delivered == 0
    finally:
        receiver.stop()
    assert receiver.accepted == {row["event_id"]: 1}

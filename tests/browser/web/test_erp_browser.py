"""Journeys whose end is outside the browser: a corrected invoice that the bot
posts to the real Tryton, and a schedule paused and resumed by an operator
while a real scheduler leads."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from clerk.pipeline import idempotency_key
from clerk.queue import ItemState
from clerk.scheduler.control import list_schedules
from clerk.scheduler.service import SchedulerService
from clerk.store.schema import audit_events
from clerk.testing import plain_pdf
from tests.browser.web.conftest import shot
from tests.browser.web.test_review_browser import TOTAL_MISMATCH, _wrong_total
from tests.helpers.projects import drain, invoices_with_key

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _drain(project, timeout: float = 180) -> None:  # noqa: ANN001
    drain(project, timeout)


def test_corrected_total_is_posted_to_tryton_once(served_erp, erp_page_for, tryton_connector):
    right, wrong = _wrong_total("E-100")
    payload = served_erp.document("E-100.pdf", plain_pdf(wrong, "acme"), "application/pdf")
    item_id = served_erp.item("e100", payload, {"record_type": "invoice", **wrong.model_dump(mode="json")},
                              ItemState.NEEDS_REVIEW, TOTAL_MISMATCH, "total_mismatch")
    key = idempotency_key("invoices", "e100")
    assert invoices_with_key(tryton_connector, key) == []
    page = erp_page_for("rita")
    page.goto(f"{served_erp.url}/inbox")
    page.click(f"text=#{item_id}")
    page.wait_for_selector("img.page")
    page.fill("input[name='f:totals.gross']", "49.98")
    page.fill("#correct input[name=reason]", "gross misread from the PDF")
    page.click("#correct button[type=submit]")
    # The correction re-ran the rules in the request and passed them; an amount
    # changed by one person waits for a second person's confirmation.
    assert page.locator("#state").inner_text() == "awaiting_approval"
    shot(page, "erp-item-corrected")
    dana = erp_page_for("dana")
    dana.goto(f"{served_erp.url}/approvals")
    dana.click(f"text=#{item_id}")
    dana.click("#approve button[type=submit]")
    assert dana.locator("#state").inner_text() == "approved"

    _drain(served_erp.project)      # the bot validates the corrected record and posts it
    row = served_erp.project.queue.get(item_id)
    assert row["state"] == "posted", row
    [invoice] = invoices_with_key(tryton_connector, key)
    assert invoice["state"] == "posted" and invoice["number"] == row["erp_ref"]["number"]
    assert row["erp_ref"]["idempotency_key"] == key
    page.reload()
    assert page.locator("#state").inner_text() == "posted"
    shot(page, "erp-item-posted")
    _drain(served_erp.project)      # a second drain changes nothing in the ERP
    assert len(invoices_with_key(tryton_connector, key)) == 1
    assert row["record"]["totals"]["gross"] == str(right.totals.gross)


def _nightly(project) -> dict:
    [row] = [r for r in list_schedules(project) if r["bot"] == "nightly"]
    return row


@pytest.fixture
def scheduler(served_erp):
    """A real scheduling leader for the project; it puts ``nightly`` in the job store."""
    service = SchedulerService(served_erp.project, poll_seconds=0.2)
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not service.became_leader.wait(0.1):
        assert thread.is_alive() and time.monotonic() < deadline, "the scheduler did not lead"
    yield service
    service.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()


def _audited(project, action: str) -> list[tuple[str, dict]]:
    with project.store.read() as conn:
        rows = conn.execute(select(audit_events.c.actor, audit_events.c.data)
                            .where(audit_events.c.action == action)).all()
    return [(row.actor, json.loads(row.data)) for row in rows]


def test_operator_pauses_and_resumes_a_schedule(served_erp, erp_page_for, scheduler):
    project = served_erp.project
    assert _nightly(project)["paused"] is False
    page = erp_page_for("ops")
    page.goto(f"{served_erp.url}/ops/bots")
    row = page.locator("#bot-nightly")
    assert row.locator(".sched-state").inner_text() == "active"
    assert page.locator("#bot-invoices .sched-state").inner_text() == "—"     # not scheduled
    row.locator("form[action$='/pause'] button").click()
    assert "paused" in page.locator(".flash").inner_text()
    assert row.locator(".sched-state").inner_text() == "paused"
    assert row.locator("form[action$='/resume'] button").is_visible()
    shot(page, "ops-schedule-paused")
    nightly = _nightly(project)
    assert nightly["paused"] is True and nightly["next_run"] is None
    assert _audited(project, "schedule_paused") == [("ops", {"bot": "nightly"})]

    row.locator("form[action$='/resume'] button").click()
    assert "resumed" in page.locator(".flash").inner_text()
    assert row.locator(".sched-state").inner_text() == "active"
    shot(page, "ops-schedule-resumed")
    nightly = _nightly(project)
    assert nightly["paused"] is False
    # Resumed from now on: the next run is a day ahead, not a made-up missed one.
    assert nightly["next_run"] > datetime.now(UTC) + timedelta(hours=23)
    assert [actor for actor, _ in _audited(project, "schedule_resumed")] == ["ops"]
    assert scheduler.status.leader     # the leader kept running through both changes

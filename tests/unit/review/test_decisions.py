"""A reviewer's decisions on the real store (SQLite and PostgreSQL)."""

from decimal import Decimal

import pytest

from clerk.errors import IllegalTransition
from clerk.queue import ItemState
from clerk.review import decisions
from clerk.review.policy import approval_plan
from clerk.review.record_form import flatten, parse_record
from clerk.models.invoice import Invoice
from clerk.store.schema import audit_events
from tests.unit.review.conftest import BIG, invoice, item_in
from tests.unit.review.test_policy import POLICY


def _events(queue, item_id):  # noqa: ANN001, ANN202
    with queue.store.read() as conn:
        return [(r.actor, r.action, r.data) for r in conn.execute(
            audit_events.select().where(audit_events.c.item_id == item_id)
            .order_by(audit_events.c.id))]


def test_correct_saves_record_and_sends_back_to_validation(queue, people):  # noqa: ANN001
    right = invoice()
    wrong = right.model_copy(update={"totals": right.totals.model_copy(update={"gross": Decimal("59.98")})})
    item_id = item_in(queue, ItemState.NEEDS_REVIEW, record=wrong)
    stored = queue.get(item_id)["record"]
    form = flatten(stored) | {"totals.gross": "49.98"}
    record, errors = parse_record(Invoice, stored, form)
    assert errors == {}
    changed = decisions.correct(queue, item_id, "rita", record, reason="typo on the PDF")
    assert changed == {"totals.gross": ["59.98", "49.98"]}
    row = queue.get(item_id)
    assert row["state"] == "extracted" and row["review_status"] == "verified"
    assert row["record"]["totals"]["gross"] == "49.98"
    actor, action, data = _events(queue, item_id)[-1]
    assert (actor, action) == ("rita", "corrected") and "typo on the PDF" in data


def test_form_errors_are_reported_per_field(queue):  # noqa: ANN001
    stored = invoice().model_dump(mode="json")
    record, errors = parse_record(Invoice, stored, flatten(stored) | {
        "totals.gross": "forty", "issue_date": "2026-13-45", "evil": "x"})
    assert record is None
    assert set(errors) == {"totals.gross", "issue_date"}


def test_approve_despite_needs_justification_and_four_eyes(queue, people):  # noqa: ANN001
    item_id = item_in(queue, ItemState.NEEDS_REVIEW, reason_code="unknown_supplier")
    with pytest.raises(decisions.DecisionRefused):
        decisions.approve_despite(queue, item_id, "rob", "   ")
    stored = queue.get(item_id)["record"]
    record, _ = parse_record(Invoice, stored, flatten(stored) | {"note": "checked"})
    decisions.correct(queue, item_id, "rita", record)
    # the worker re-validates and finds the supplier still unknown
    (lease,) = queue.lease("w1")
    queue.advance(lease, ItemState.NEEDS_REVIEW, reason_code="unknown_supplier")
    with pytest.raises(decisions.DecisionRefused):
        decisions.approve_despite(queue, item_id, "rita", "I know them")
    assert decisions.approve_despite(queue, item_id, "rob", "new supplier, contract signed") \
        == ItemState.APPROVED
    assert queue.get(item_id)["state"] == "approved"


def test_approve_despite_with_plan_goes_to_approval(queue, people):  # noqa: ANN001
    record = invoice(BIG)
    item_id = item_in(queue, ItemState.NEEDS_REVIEW, record=record)
    plan = approval_plan(record, queue.get(item_id), POLICY, None)
    assert decisions.approve_despite(queue, item_id, "rob", "ok", plan=plan) \
        == ItemState.AWAITING_APPROVAL


def test_reject_reassign_comment(queue, people):  # noqa: ANN001
    first = item_in(queue, ItemState.NEEDS_REVIEW, key="a")
    second = item_in(queue, ItemState.NEEDS_REVIEW, key="b")
    assert decisions.assign(queue, [first, second], "rita", "rob") == [first, second]
    assert decisions.assign(queue, [first], "rita", "rob") == []
    assert decisions.assign(queue, [first], "rob", "rita", reason="holiday") == [first]
    decisions.comment(queue, first, "rob", "<script>alert(1)</script> asked supplier")
    with pytest.raises(decisions.DecisionRefused):
        decisions.reject(queue, first, "rob", "")
    decisions.reject(queue, first, "rob", "duplicate of INV-0")
    assert queue.get(first)["state"] == "rejected"
    with pytest.raises(IllegalTransition):
        decisions.reject(queue, first, "rob", "again")
    actions = [a for _, a, _ in _events(queue, first)]
    assert actions[-4:] == ["assigned", "assigned", "commented", "rejected"]
    assert queue.get(second)["assignee"] == "rita"

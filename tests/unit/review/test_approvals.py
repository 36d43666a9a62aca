"""Approvals on the real store (SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest

from clerk.queue import ItemState
from clerk.review.approvals import ApprovalRefused, Capacity, approve, reject, route_to_approval, steps_of
from clerk.review.policy import approval_plan
from clerk.store.schema import audit_events
from tests.unit.review.conftest import BIG, SMALL, invoice, item_in
from tests.unit.review.test_policy import POLICY


def _waiting(queue, record, facts=None):  # noqa: ANN001, ANN202
    item_id, lease = item_in(queue, ItemState.VALIDATED, record=record)
    plan = approval_plan(record, queue.get(item_id), POLICY, facts)
    assert plan
    route_to_approval(queue, lease, plan)
    assert queue.get(item_id)["state"] == "awaiting_approval"
    return item_id


def _as(people, name, directory=None, now=None):  # noqa: ANN001, ANN202
    represents = directory.represented_by(name, now) if directory else set()
    return Capacity(people[name], frozenset(represents))


def test_above_threshold_needs_head_then_finance(queue, people):  # noqa: ANN001
    item_id = _waiting(queue, invoice(BIG))
    with pytest.raises(ApprovalRefused):
        approve(queue, item_id, _as(people, "fin1"))            # finance step not open yet
    assert approve(queue, item_id, _as(people, "dana")) == ItemState.AWAITING_APPROVAL
    assert queue.get(item_id)["state"] == "awaiting_approval"
    assert approve(queue, item_id, _as(people, "fin2")) == ItemState.APPROVED
    assert queue.get(item_id)["state"] == "approved"
    with queue.store.read() as conn:
        assert [s["status"] for s in steps_of(conn, item_id)] == ["approved", "approved"]
        actions = [r.action for r in conn.execute(audit_events.select()
                   .where(audit_events.c.item_id == item_id).order_by(audit_events.c.id))]
    assert actions[-5:] == ["approval_requested", "approval_given", "approval_step_opened",
                            "approval_given", "approved"]


def test_any_of_group_ends_at_first_approval(queue, people):  # noqa: ANN001
    item_id = _waiting(queue, invoice(BIG))
    approve(queue, item_id, _as(people, "dana"))
    assert approve(queue, item_id, _as(people, "fin1")) == ItemState.APPROVED
    with pytest.raises(Exception):
        approve(queue, item_id, _as(people, "fin2"))            # nothing left to approve


def test_parallel_all_steps_need_both(queue, people):  # noqa: ANN001
    record = invoice(SMALL, iban="DE44500105175407324931")
    item_id = _waiting(queue, record, {"bank_accounts": ["DE89370400440532013000"]})
    assert approve(queue, item_id, _as(people, "fin2")) == ItemState.AWAITING_APPROVAL
    assert approve(queue, item_id, _as(people, "fin1")) == ItemState.APPROVED


def test_delegate_approves_for_absent_approver(queue, people, directory, clock):  # noqa: ANN001
    record = invoice(SMALL).model_copy(update={"buyer_reference": "CC-100"})   # needs amy
    item_id = _waiting(queue, record)
    with pytest.raises(ApprovalRefused):
        approve(queue, item_id, _as(people, "del", directory, clock()))
    directory.delegate("amy", "del", starts=clock() - timedelta(hours=1),
                       ends=clock() + timedelta(days=3), now=clock(), actor="root")
    assert approve(queue, item_id, _as(people, "del", directory, clock())) == ItemState.APPROVED
    with queue.store.read() as conn:
        row = conn.execute(audit_events.select().where(
            audit_events.c.item_id == item_id, audit_events.c.action == "approval_given")).one()
    assert row.actor == "del" and '"on_behalf_of":"amy"' in row.data


def test_expired_delegation_does_not_count(queue, people, directory, clock):  # noqa: ANN001
    directory.delegate("amy", "del", starts=clock() - timedelta(days=3),
                       ends=clock() - timedelta(days=1), now=clock(), actor="root")
    assert directory.represented_by("del", clock()) == set()


def test_rejection_at_first_step_never_reaches_approved(queue, people):  # noqa: ANN001
    item_id = _waiting(queue, invoice(BIG))
    with pytest.raises(ApprovalRefused):
        reject(queue, item_id, _as(people, "dana"), reason="  ")
    assert reject(queue, item_id, _as(people, "dana"), reason="not ordered") == ItemState.REJECTED
    row = queue.get(item_id)
    assert row["state"] == "rejected" and row["last_error"] == "not ordered"
    with queue.store.read() as conn:
        assert [s["status"] for s in steps_of(conn, item_id)] == ["rejected", "cancelled"]
    with pytest.raises(Exception):
        approve(queue, item_id, _as(people, "fin1"))


def test_one_person_cannot_approve_two_steps(queue, people, directory, clock):  # noqa: ANN001
    directory.set_roles("fin1", ["approver"], now=clock(), actor="root")
    item_id = _waiting(queue, invoice(BIG))
    # dana is also made a finance member: still only one step per person.
    from sqlalchemy import update
    from clerk.review.tables import users
    with queue.store.write() as conn:
        conn.execute(update(users).where(users.c.username == "dana").values(groups="heads,finance"))
    approve(queue, item_id, _as(people, "dana"))
    with pytest.raises(ApprovalRefused):
        approve(queue, item_id, _as(people, "dana"))
    assert queue.get(item_id)["state"] == "awaiting_approval"

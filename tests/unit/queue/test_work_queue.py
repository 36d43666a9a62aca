"""The queue's behaviour, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from clerk.errors import BusinessException, IllegalTransition, LeaseLost
from clerk.queue import ItemState, Priority, ReviewStatus
from clerk.queue.people import requeue, retry, retry_where


def test_second_enqueue_of_a_key_is_a_recorded_duplicate(queue):
    first = queue.enqueue("ap", "doc-1", {"n": 1})
    second = queue.enqueue("ap", "doc-1", {"n": 2})
    assert not first.duplicate and second.duplicate
    assert second.item_id == first.item_id
    assert queue.get(first.item_id)["duplicates"] == 1
    assert queue.count() == 1


def test_lease_order_is_priority_then_deadline_then_age(queue, clock):
    from datetime import timedelta

    low = queue.enqueue("ap", "low", {}, priority=Priority.LOW).item_id
    later = queue.enqueue("ap", "late-deadline", {}, deadline=clock.now + timedelta(days=2)).item_id
    sooner = queue.enqueue("ap", "soon-deadline", {}, deadline=clock.now + timedelta(days=1)).item_id
    plain = queue.enqueue("ap", "no-deadline", {}).item_id
    high = queue.enqueue("ap", "high", {}, priority=Priority.HIGH).item_id
    leased = [lease.item_id for lease in queue.lease("w", limit=10)]
    assert leased == [high, sooner, later, plain, low]


def test_deferred_item_waits_until_its_date(queue, clock):
    from datetime import timedelta

    queue.enqueue("ap", "later", {}, defer_until=clock.now + timedelta(hours=1))
    assert queue.lease("w") == []
    clock.advance(3601)
    assert len(queue.lease("w")) == 1


def test_system_failure_backs_off_then_goes_to_review(queue, clock):
    item = queue.enqueue("ap", "doc", {}).item_id
    [lease] = queue.lease("w")
    lease = queue.advance(lease, ItemState.EXTRACTED)
    assert queue.fail(lease, RuntimeError("ERP down")) == ItemState.FAILED
    assert queue.lease("w") == []                      # not before the backoff
    clock.advance(10)
    [lease] = queue.lease("w")
    assert lease.state == ItemState.EXTRACTED          # resumes where it failed
    assert queue.fail(lease, "again") == ItemState.FAILED
    clock.advance(20)
    [lease] = queue.lease("w")
    assert queue.fail(lease, "third") == ItemState.NEEDS_REVIEW
    row = queue.get(item)
    assert row["reason_code"] == "system_exception" and row["attempts"] == 3


def test_business_exception_is_never_retried(queue, clock):
    item = queue.enqueue("ap", "doc", {}).item_id
    [lease] = queue.lease("w")
    queue.business_exception(lease, BusinessException("wrong_total", "total 10 != 12", "totals.gross"))
    clock.advance(10_000)
    assert queue.lease("w") == []
    row = queue.get(item)
    assert row["state"] == "needs_review" and row["reason_code"] == "wrong_total"


def test_illegal_transition_raises_and_changes_nothing(queue):
    item = queue.enqueue("ap", "doc", {}).item_id
    [lease] = queue.lease("w")
    with pytest.raises(IllegalTransition):
        queue.advance(lease, ItemState.POSTED)
    assert queue.get(item)["state"] == "collected"


def test_retry_supersedes_and_keeps_the_place_in_the_queue(queue, clock):
    old = queue.enqueue("ap", "doc", {"x": 1}, priority=Priority.HIGH).item_id
    clock.advance(60)
    queue.enqueue("ap", "younger", {})
    [lease] = queue.lease("w")
    queue.business_exception(lease, BusinessException("unknown_supplier", "who?"))
    new = retry(queue, old, actor="operator")
    assert queue.get(old)["superseded_by"] == new
    assert queue.get(old)["review_status"] == ReviewStatus.RETRIED.value
    assert queue.get(new)["retry_of"] == old
    assert [lease.item_id for lease in queue.lease("w", limit=5)][0] == new
    # the unique key protects against a second *live* item, not a deliberate re-run
    assert queue.enqueue("ap", "doc", {}).duplicate


def test_bulk_retry_by_state(queue):
    for key in ("a", "b", "c"):
        queue.enqueue("ap", key, {})
    for lease in queue.lease("w", limit=2):
        queue.business_exception(lease, BusinessException("x", "y"))
    created = retry_where(queue, actor="op", state=ItemState.NEEDS_REVIEW)
    assert len(created) == 2


def test_requeue_returns_to_the_step_that_stopped(queue):
    item = queue.enqueue("ap", "doc", {}).item_id
    [lease] = queue.lease("w")
    lease = queue.advance(lease, ItemState.EXTRACTED)
    for _ in range(3):
        queue.fail(lease, "down")
        queue.clock.advance(10_000)
        leases = queue.lease("w")
        if not leases:
            break
        lease = leases[0]
    assert queue.get(item)["state"] == "needs_review"
    assert requeue(queue, item, actor="op") == ItemState.EXTRACTED
    assert queue.get(item)["attempts"] == 0


def test_progress_and_heartbeat_are_fenced(queue, clock):
    queue.enqueue("ap", "doc", {})
    [lease] = queue.lease("w1")
    queue.set_progress(lease, "page 1 of 3")
    lease = queue.heartbeat(lease)
    assert queue.get(lease.item_id)["progress"] == "page 1 of 3"


def test_stale_worker_is_fenced_out(queue, clock):
    """A worker whose lease expired and was re-leased can no longer move the item."""
    item = queue.enqueue("ap", "doc", {}).item_id
    [stale] = queue.lease("w1")
    clock.advance(31)
    [fresh] = queue.lease("w2")
    assert fresh.token > stale.token
    before = queue.get(item)
    for attempt in (lambda: queue.advance(stale, ItemState.EXTRACTED),
                    lambda: queue.fail(stale, "late"),
                    lambda: queue.heartbeat(stale),
                    lambda: queue.release(stale),
                    lambda: queue.set_progress(stale, "mine"),
                    lambda: queue.quarantine(stale, "x", "y"),
                    lambda: queue.business_exception(stale, BusinessException("x", "y"))):
        with pytest.raises(LeaseLost):
            attempt()
    after = queue.get(item)
    assert after == before
    assert queue.advance(fresh, ItemState.EXTRACTED).state == ItemState.EXTRACTED


def test_every_transition_writes_an_audit_event(queue, store):
    from sqlalchemy import select

    from clerk.store.schema import audit_events

    item = queue.enqueue("ap", "doc", {}).item_id
    [lease] = queue.lease("w")
    lease = queue.advance(lease, ItemState.EXTRACTED)
    queue.advance(lease, ItemState.VALIDATED)
    with store.read() as conn:
        actions = list(conn.scalars(select(audit_events.c.action)
                                    .where(audit_events.c.item_id == item)
                                    .order_by(audit_events.c.id)))
    assert actions == ["enqueued", "extracted", "validated"]


def test_advance_many_is_all_or_nothing(queue, clock):
    for key in ("a", "b", "c"):
        queue.enqueue("ap", key, {})
    leases = queue.lease("w1", limit=3)
    moved = queue.advance_many(leases[:2], ItemState.EXTRACTED)
    assert [lease.state for lease in moved] == [ItemState.EXTRACTED] * 2
    clock.advance(31)
    queue.lease("w2", limit=3)                  # takes all three over
    with pytest.raises(LeaseLost):
        queue.advance_many(moved, ItemState.VALIDATED)
    with pytest.raises(IllegalTransition):
        queue.advance_many([leases[2]], ItemState.VALIDATED)      # collected -> validated
    assert [queue.get(lease.item_id)["state"] for lease in leases] == [
        "extracted", "extracted", "collected"]


def test_a_failure_can_ask_for_a_longer_wait_than_the_backoff(queue, clock):
    queue.enqueue("ap", "doc", {})
    [lease] = queue.lease("w")
    queue.fail(lease, "ERP answer lost", not_before_seconds=60)
    clock.advance(30)                     # the backoff alone (10 s) has passed
    assert queue.lease("w") == []
    clock.advance(31)
    assert len(queue.lease("w")) == 1

"""Every item carries the state it left the happy path in; ``requeue`` resumes
there, and an item that left off while posting only ever resumes posting."""

from __future__ import annotations

import pytest

from clerk.errors import BusinessException, IllegalTransition
from clerk.queue import ItemState
from clerk.queue.people import decide, requeue


def _to_posting(queue):
    item = queue.enqueue("bot", "doc-1", {"path": "x"}).item_id
    lease = queue.lease("w1")[0]
    for state in (ItemState.EXTRACTED, ItemState.VALIDATED, ItemState.POSTING):
        lease = queue.advance(lease, state)
    return item, lease


def test_an_item_whose_leases_ran_out_while_posting_resumes_posting(queue, clock):
    item, lease = _to_posting(queue)
    for _ in range(queue.settings.max_attempts):   # its worker dies again and again
        clock.advance(queue.settings.lease_seconds + 1)
        queue.lease("w2")
    row = queue.get(item)
    assert row["state"] == "needs_review" and row["retry_state"] == "posting"
    assert requeue(queue, item, actor="ops") == ItemState.POSTING
    assert queue.get(item)["state"] == "posting"


def test_an_item_that_ran_out_of_attempts_while_posting_resumes_posting(queue):
    item, lease = _to_posting(queue)
    for attempt in range(queue.settings.max_attempts):
        queue.fail(lease, "ERP down")
        if attempt + 1 < queue.settings.max_attempts:
            queue.clock.advance(10_000)
            lease = queue.lease("w1")[0]
    assert queue.get(item)["retry_state"] == "posting"
    assert requeue(queue, item, actor="ops") == ItemState.POSTING


@pytest.mark.parametrize("earlier", [ItemState.COLLECTED, ItemState.EXTRACTED,
                                     ItemState.VALIDATED, ItemState.APPROVED])
def test_an_item_that_left_off_posting_cannot_be_sent_back_before_posting(queue, earlier):
    item, lease = _to_posting(queue)
    queue.business_exception(lease, BusinessException("erp_warning", "similar invoice"))
    with pytest.raises(IllegalTransition, match="resume posting"):
        requeue(queue, item, actor="ops", to_state=earlier)
    assert queue.get(item)["state"] == "needs_review"


def test_a_business_exception_records_where_it_stopped(queue):
    item = queue.enqueue("bot", "doc-1", {"path": "x"}).item_id
    lease = queue.advance(queue.lease("w1")[0], ItemState.EXTRACTED)
    queue.business_exception(lease, BusinessException("total_mismatch", "totals differ"))
    assert queue.get(item)["retry_state"] == "extracted"
    assert requeue(queue, item, actor="ops") == ItemState.EXTRACTED


def test_a_requeue_cannot_skip_ahead_of_where_the_item_stopped(queue):
    item = queue.enqueue("bot", "doc-1", {"path": "x"}).item_id
    lease = queue.advance(queue.lease("w1")[0], ItemState.EXTRACTED)
    queue.business_exception(lease, BusinessException("total_mismatch", "totals differ"))
    for ahead in (ItemState.VALIDATED, ItemState.APPROVED, ItemState.POSTING):
        with pytest.raises(IllegalTransition):
            requeue(queue, item, actor="ops", to_state=ahead)
    assert requeue(queue, item, actor="ops", to_state=ItemState.COLLECTED) == ItemState.COLLECTED


def test_no_decision_moves_a_reviewed_item_into_posting_unless_it_left_off_there(queue):
    item = queue.enqueue("bot", "doc-1", {"path": "x"}).item_id
    lease = queue.advance(queue.lease("w1")[0], ItemState.EXTRACTED)
    queue.business_exception(lease, BusinessException("total_mismatch", "totals differ"))
    with pytest.raises(IllegalTransition, match="left off while posting"):
        decide(queue, item, from_state=ItemState.NEEDS_REVIEW, to_state=ItemState.POSTING,
               actor="reviewer", action="approved")

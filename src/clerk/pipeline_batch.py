"""Batch posting through the queue: the ERP numbers posted invoices from one
locked sequence row, so clerk creates drafts item by item and posts them
many per ERP call. Exactly-once holds per item: each draft carries its key,
and ``find`` sees drafts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk.erp import ErpWarning
from clerk.erp.base import ErpRef, PostingState
from clerk.errors import BusinessException
from clerk.queue import ItemState, Lease, WorkQueue

if TYPE_CHECKING:
    from clerk.pipeline import BotPipeline

Outcome = Lease | BaseException


def process_batch(pipeline: BotPipeline, queue: WorkQueue, leases: list[Lease]) -> list[Outcome]:
    """Every item up to its draft, then one posting call for all drafts."""
    if pipeline.erp_settings.posting_state != PostingState.POSTED:
        return [_one(pipeline, queue, lease) for lease in leases]  # nothing to number: no batch
    outcomes: list[Outcome] = [_up_to_draft(pipeline, queue, lease) for lease in leases]
    waiting = [(index, outcome) for index, outcome in enumerate(outcomes)
               if isinstance(outcome, tuple)]
    if waiting:
        posted = _post_drafts(pipeline, [ref for _, (_, ref) in waiting])
        for (index, (lease, _)), result in zip(waiting, posted, strict=True):
            outcomes[index] = _settle(pipeline, queue, lease, result)
    return outcomes  # type: ignore[return-value]


def _one(pipeline: BotPipeline, queue: WorkQueue, lease: Lease) -> Outcome:
    try:
        return pipeline.process(queue, lease)
    except Exception as exc:  # noqa: BLE001 - settled per item by the worker
        return exc


def _up_to_draft(pipeline: BotPipeline, queue: WorkQueue, lease: Lease):  # noqa: ANN202
    """Run the steps before posting; in ``posting``, make sure a draft exists."""
    steps = {ItemState.COLLECTED: pipeline.extract, ItemState.EXTRACTED: pipeline.validate,
             ItemState.VALIDATED: pipeline.route, ItemState.APPROVED: pipeline.start_posting}
    try:
        while lease.state in steps:
            lease = steps[lease.state](queue, lease)
        if lease.state != ItemState.POSTING:
            return lease
        return lease, _draft_of(pipeline, queue, lease)
    except Exception as exc:  # noqa: BLE001 - handed back to the worker to settle per item
        return exc


def _draft_of(pipeline: BotPipeline, queue: WorkQueue, lease: Lease) -> ErpRef:
    row = queue.get(lease.item_id)
    key = row["idempotency_key"]
    ref = pipeline.connector.find(key)
    if ref is None:
        ref = pipeline.create_once(pipeline.invoice_of(row), key, PostingState.DRAFT)
        queue.set_progress(lease, f"draft {ref.id} created in the ERP")
    return ref


def _post_drafts(pipeline: BotPipeline, refs: list[ErpRef]) -> list[ErpRef | BaseException]:
    drafts = [ref for ref in refs if (ref.state or "draft") == "draft"]
    if not drafts:
        return list(refs)
    try:
        with pipeline.posting_turn():
            posted = pipeline.connector.post_many(drafts)
    except Exception as exc:  # noqa: BLE001 - the whole call failed: every item of it fails
        return [exc if (ref.state or "draft") == "draft" else ref for ref in refs]
    results = dict(zip((ref.id for ref in drafts), posted, strict=True))
    return [results.get(ref.id, ref) for ref in refs]


def _settle(pipeline: BotPipeline, queue: WorkQueue, lease: Lease,
            result: ErpRef | BaseException) -> Outcome:
    if isinstance(result, ErpWarning):
        return BusinessException("erp_warning", f"the ERP asks for a decision: {result.message}")
    if isinstance(result, BaseException):
        return result
    try:
        return pipeline.mark_posted(queue, lease, result)
    except Exception as exc:  # noqa: BLE001
        return exc

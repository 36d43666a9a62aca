"""Batch posting through the queue: the ERP numbers posted invoices from one
locked sequence row, so clerk looks up and creates the drafts of a whole leased
batch in one call each, then posts them many per call on the posting turn.
Exactly-once holds per item: each draft carries its key, and the look-up that
precedes every creation sees drafts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from clerk.erp import ErpWarning
from clerk.erp.base import ErpRef, PostingState
from clerk.errors import BusinessException, ErpUnavailable
from clerk.queue import ItemState, Lease, WorkQueue

if TYPE_CHECKING:
    from clerk.pipeline import BotPipeline

Outcome = Lease | BaseException


@dataclass
class PreparedBatch:
    """A batch whose items are ``posting`` with their drafts in the ERP: what is
    left is the posting call. ``outcomes`` holds, per lease, where its item got
    to (a Lease) or what stopped it; ``drafts`` the draft (or error) of each
    item waiting to be posted, by its index in ``outcomes``."""

    outcomes: list[Outcome]
    drafts: dict[int, ErpRef | BaseException] = field(default_factory=dict)


def process_batch(pipeline: BotPipeline, queue: WorkQueue, leases: list[Lease]) -> list[Outcome]:
    """Every item up to ``posting``, then drafts and posting for all of them at once."""
    return finish_batch(pipeline, queue, prepare_batch(pipeline, queue, leases))


def prepare_batch(pipeline: BotPipeline, queue: WorkQueue, leases: list[Lease]) -> PreparedBatch:
    """Every item up to ``posting``, and the drafts of those made in one ERP call.
    Needs no posting turn, so a worker runs it while its previous batch posts."""
    if pipeline.erp_settings.posting_state != PostingState.POSTED:
        return PreparedBatch([_one(pipeline, queue, lease) for lease in leases])  # nothing to number
    outcomes: list[Outcome] = [_up_to_posting(pipeline, queue, lease) for lease in leases]
    waiting = [index for index, outcome in enumerate(outcomes)
               if isinstance(outcome, Lease) and outcome.state == ItemState.POSTING]
    if not waiting:
        return PreparedBatch(outcomes)
    drafts = _drafts(pipeline, queue, [outcomes[index] for index in waiting])
    return PreparedBatch(outcomes, dict(zip(waiting, drafts, strict=True)))


def finish_batch(pipeline: BotPipeline, queue: WorkQueue, prepared: PreparedBatch) -> list[Outcome]:
    """Post the prepared drafts on the posting turn and mark their items posted."""
    outcomes = list(prepared.outcomes)
    if prepared.drafts:
        posted = _post_drafts(pipeline, list(prepared.drafts.values()))
        for index, result in zip(prepared.drafts, posted, strict=True):
            outcomes[index] = _settle(pipeline, queue, outcomes[index], result)
    return outcomes


def _one(pipeline: BotPipeline, queue: WorkQueue, lease: Lease) -> Outcome:
    try:
        return pipeline.process(queue, lease)
    except Exception as exc:  # noqa: BLE001 - settled per item by the worker
        return exc


def _up_to_posting(pipeline: BotPipeline, queue: WorkQueue, lease: Lease) -> Outcome:
    steps = pipeline.steps_before_posting()
    try:
        while lease.state in steps:
            lease = steps[lease.state](queue, lease)
        return lease
    except Exception as exc:  # noqa: BLE001 - handed back to the worker to settle per item
        return exc


def _drafts(pipeline: BotPipeline, queue: WorkQueue, leases: list[Lease]) -> list[ErpRef | BaseException]:
    """The ERP draft of each item: found by its key, else created (one call each)."""
    rows = [queue.get(lease.item_id) for lease in leases]
    keys = [row["idempotency_key"] for row in rows]
    connector = pipeline.connector
    try:
        found = connector.find_many(keys)
    except Exception as exc:  # noqa: BLE001 - nothing known: every item retries
        return [exc] * len(leases)
    missing = [index for index, key in enumerate(keys) if key not in found]
    created: dict[int, ErpRef | BaseException] = {}
    if missing:
        try:
            made = connector.create_drafts([(pipeline.invoice_of(rows[i]), keys[i]) for i in missing])
        except ErpUnavailable as exc:
            window = pipeline.erp_call_window if exc.answer_lost else None
            made = [ErpUnavailable(f"{exc.message} (the drafts may still be in the making)"
                                   if exc.answer_lost else exc.message,
                                   retry_after=window, answer_lost=exc.answer_lost)] * len(missing)
        except Exception as exc:  # noqa: BLE001
            made = [exc] * len(missing)
        created = dict(zip(missing, made, strict=True))
    return [found.get(key) or created[index] for index, key in enumerate(keys)]


def _post_drafts(pipeline: BotPipeline, refs: list[ErpRef | BaseException]) -> list[ErpRef | BaseException]:
    drafts = [ref for ref in refs if isinstance(ref, ErpRef) and (ref.state or "draft") == "draft"]
    if not drafts:
        return list(refs)
    try:
        with pipeline.posting_turn([ref.idempotency_key for ref in drafts]) as turn:
            if turn.reconcile:   # a predecessor's call may have posted some meanwhile
                drafts = _reread(pipeline, drafts)
            posted = pipeline.connector.post_many(drafts)
    except Exception as exc:  # noqa: BLE001 - the whole call failed: every draft of it fails
        posted = [exc] * len(drafts)
    results = dict(zip((ref.id for ref in drafts), posted, strict=True))
    return [results.get(ref.id, ref) if isinstance(ref, ErpRef) else ref for ref in refs]


def _reread(pipeline: BotPipeline, drafts: list[ErpRef]) -> list[ErpRef]:
    """The drafts as the ERP has them now (post_many posts only those still drafts)."""
    found = pipeline.connector.find_many([ref.idempotency_key for ref in drafts])
    return [found.get(ref.idempotency_key, ref) for ref in drafts]


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

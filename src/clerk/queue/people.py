"""Moves made by people (operators, reviewers), not by leased workers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from clerk.errors import IllegalTransition, ItemNotFound
from clerk.queue._moves import move
from clerk.queue.states import RESUMABLE, ItemState, ReviewStatus
from clerk.queue.work_queue import WorkQueue
from clerk.store.schema import work_items

wi = work_items.c
# A deliberate re-run is allowed from anywhere except while machine work is
# under way (that would race the worker holding it).
RERUNNABLE = frozenset({ItemState.FAILED, ItemState.NEEDS_REVIEW, ItemState.REJECTED,
                        ItemState.QUARANTINED, ItemState.POSTED})
_COPIED = ("bot", "document_key", "priority", "deadline", "queued_at", "payload",
           "idempotency_key", "max_attempts")


def retry(queue: WorkQueue, item_id: int, *, actor: str, reason: str | None = None) -> int:
    """Re-run an item from the start as a new item that supersedes it.

    The new item keeps the old one's priority, deadline and place in the
    queue (``queued_at``) and its idempotency key, so a re-run of an item the
    ERP already has is found there, never posted twice."""
    now = queue.clock()
    with queue.store.write() as conn:
        old = conn.execute(select(work_items).where(wi.id == item_id)).first()
        if old is None:
            raise ItemNotFound(f"no work item {item_id}")
        if old.superseded_by is not None or ItemState(old.state) not in RERUNNABLE:
            raise IllegalTransition(item_id, old.state, "retry (only a current item in "
                                    + ", ".join(sorted(s.value for s in RERUNNABLE)) + ")")
        conn.execute(update(work_items).where(wi.id == item_id, wi.superseded_by.is_(None))
                     .values(superseded_by=item_id))  # frees the unique key until the new id exists
        new_id = conn.execute(insert(work_items).values(
            **{name: getattr(old, name) for name in _COPIED},
            state=ItemState.COLLECTED.value, available_at=now, retry_of=item_id,
            created_at=now, updated_at=now).returning(wi.id)).scalar_one()
        conn.execute(update(work_items).where(wi.id == item_id).values(
            superseded_by=new_id, review_status=ReviewStatus.RETRIED.value, updated_at=now))
        queue.audit.append(conn, actor=actor, action="retried", item_id=item_id, at=now,
                           data={"new_item": new_id, "reason": reason, "state": old.state})
        queue.audit.append(conn, actor=actor, action="enqueued", item_id=new_id, at=now,
                           data={"retry_of": item_id, "document_key": old.document_key})
        return new_id


def retry_where(queue: WorkQueue, *, actor: str, state: ItemState | None = None,
                since: datetime | None = None, bot: str | None = None) -> list[int]:
    """Bulk re-run; returns the new item ids."""
    query = select(wi.id).where(wi.superseded_by.is_(None),
                                wi.state.in_([s.value for s in RERUNNABLE]))
    if state is not None:
        query = query.where(wi.state == state.value)
    if since is not None:
        query = query.where(wi.updated_at >= since)
    if bot is not None:
        query = query.where(wi.bot == bot)
    with queue.store.read() as conn:
        ids = list(conn.scalars(query.order_by(wi.id)))
    return [retry(queue, item_id, actor=actor) for item_id in ids]


def requeue(queue: WorkQueue, item_id: int, *, actor: str, to_state: ItemState | None = None,
            reason: str | None = None) -> ItemState:
    """Put an item waiting for people (or failed) back into machine work, on the
    step it stopped at (or ``to_state``), with its attempts reset."""
    row = queue.get(item_id)
    current = ItemState(row["state"])
    left_off = ItemState(row["retry_state"]) if row["retry_state"] else None
    target = to_state or left_off or ItemState.COLLECTED
    if target not in RESUMABLE:
        raise IllegalTransition(item_id, current.value, target.value)
    _refuse_skipping_ahead(item_id, left_off, target)
    decide(queue, item_id, from_state=current, to_state=target, actor=actor, action="requeued",
           values={"attempts": 0, "review_status": ReviewStatus.RETRIED.value},
           data={"reason": reason})
    return target


# The machine steps in order: a requeue may go back, never ahead of where the
# item left off (that would skip rules or approvals).
_STEP_ORDER = [ItemState.COLLECTED, ItemState.EXTRACTED, ItemState.VALIDATED, ItemState.APPROVED,
               ItemState.POSTING]


def _refuse_skipping_ahead(item_id: int, left_off: ItemState | None, target: ItemState) -> None:
    reached = left_off or ItemState.COLLECTED
    if left_off == ItemState.POSTING and target != ItemState.POSTING:
        # Its record may be in the ERP already: re-running the rules would find it
        # there and call it a duplicate of itself. Posting finds it first.
        raise IllegalTransition(item_id, "needs_review", f"{target.value} (it left off while "
                                "posting; it can only resume posting, which looks in the ERP first)")
    if _STEP_ORDER.index(target) > _STEP_ORDER.index(reached):
        raise IllegalTransition(item_id, "needs_review", f"{target.value} (it left off at "
                                f"{reached.value}; a requeue cannot skip steps)")


def decide(queue: WorkQueue, item_id: int, *, from_state: ItemState, to_state: ItemState,
           actor: str, action: str, values: dict[str, Any] | None = None,
           data: dict[str, Any] | None = None) -> None:
    """A person's decision moving an item that no worker holds."""
    with queue.store.write() as conn:
        move(conn, queue.audit, item_id=item_id, from_state=from_state, to_state=to_state,
             now=queue.clock(), actor=actor, action=action, values=values, data=data)

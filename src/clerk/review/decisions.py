"""A reviewer's decisions on an item in ``needs_review``: correct, approve
despite findings, reject, reassign, comment.

Each is one transaction holding the change and its audit event (who, when,
what changed, why). State moves go through the queue's one ``move``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, insert, select, update

from clerk.errors import BusinessException, IllegalTransition, ItemNotFound
from clerk.queue import ItemState, ReviewStatus, WorkQueue
from clerk.queue._moves import move
from clerk.review.approvals import open_approval
from clerk.review.policy import ApprovalPlan
from clerk.review.record_form import changes, with_record_type
from clerk.review.tables import item_comments
from clerk.store.schema import audit_events, work_items

wi = work_items.c
MAX_TEXT = 4000
ASSIGNABLE = (ItemState.NEEDS_REVIEW.value, ItemState.AWAITING_APPROVAL.value)


class DecisionRefused(BusinessException):
    def __init__(self, message: str):
        super().__init__("decision_refused", message)


def _text(value: str | None, what: str, *, required: bool) -> str | None:
    value = (value or "").strip()
    if required and not value:
        raise DecisionRefused(f"{what} is required")
    if len(value) > MAX_TEXT:
        raise DecisionRefused(f"{what} is longer than {MAX_TEXT} characters")
    return value or None


def correctors(conn: Connection, item_id: int) -> set[str]:
    """Everyone who corrected this item's record."""
    return set(conn.scalars(select(audit_events.c.actor).where(
        audit_events.c.item_id == item_id, audit_events.c.action == "corrected")))


def _waiting_row(conn: Connection, item_id: int) -> Any:
    row = conn.execute(select(work_items).where(wi.id == item_id).with_for_update()).first()
    if row is None:
        raise ItemNotFound(f"no work item {item_id}")
    if row.state != ItemState.NEEDS_REVIEW.value:
        raise IllegalTransition(item_id, row.state, "(a review decision needs needs_review)")
    return row


def correct(queue: WorkQueue, item_id: int, actor: str, record: BaseModel,
            reason: str | None = None) -> dict[str, list[str]]:
    """Save the corrected record and send the item back to validation
    (``needs_review -> extracted``); returns what changed."""
    reason = _text(reason, "the reason", required=False)
    with queue.store.write() as conn:
        row = _waiting_row(conn, item_id)
        new = with_record_type(row.record, record)
        diff = changes(row.record or {}, new)
        if not diff:
            raise DecisionRefused("nothing was changed")
        move(conn, queue.audit, item_id=item_id, from_state=ItemState.NEEDS_REVIEW,
             to_state=ItemState.EXTRACTED, now=queue.clock(), actor=actor, action="corrected",
             values={"record": new, "review_status": ReviewStatus.VERIFIED.value, "attempts": 0},
             data={"changes": diff, "reason": reason})
    return diff


def approve_despite(queue: WorkQueue, item_id: int, actor: str, justification: str, *,
                    plan: ApprovalPlan | None = None, four_eyes: bool = True) -> ItemState:
    """Accept the record as it is, findings notwithstanding: on to approval
    (when ``plan`` has steps) or straight to ``approved`` for posting."""
    justification = _text(justification, "a justification", required=True)
    with queue.store.write() as conn:
        row = _waiting_row(conn, item_id)
        if row.record is None:
            raise DecisionRefused("there is no record to post: correct the fields first")
        if four_eyes and actor in correctors(conn, item_id):
            raise DecisionRefused("four eyes: whoever corrected the record may not approve it")
        codes = sorted({f.get("code") for f in row.findings or [] if isinstance(f, dict)})
        conn.execute(update(work_items).where(wi.id == item_id)
                     .values(review_status=ReviewStatus.VERIFIED.value))
        queue.audit.append(conn, actor=actor, action="accepted_despite_findings",
                           item_id=item_id, at=queue.clock(),
                           data={"justification": justification, "findings": codes})
        if plan:
            open_approval(conn, queue, item_id, plan, actor=actor,
                          from_state=ItemState.NEEDS_REVIEW)
            return ItemState.AWAITING_APPROVAL
        move(conn, queue.audit, item_id=item_id, from_state=ItemState.NEEDS_REVIEW,
             to_state=ItemState.APPROVED, now=queue.clock(), actor=actor, action="approved",
             data={"justification": justification, "findings": codes})
    return ItemState.APPROVED


def reject(queue: WorkQueue, item_id: int, actor: str, reason: str) -> None:
    """End the item: it will never be posted."""
    reason = _text(reason, "a reason", required=True)
    with queue.store.write() as conn:
        _waiting_row(conn, item_id)
        move(conn, queue.audit, item_id=item_id, from_state=ItemState.NEEDS_REVIEW,
             to_state=ItemState.REJECTED, now=queue.clock(), actor=actor, action="rejected",
             values={"reason_code": "rejected_by_reviewer", "last_error": reason,
                     "review_status": ReviewStatus.VERIFIED.value},
             data={"reason": reason})


def assign(queue: WorkQueue, item_ids: list[int], assignee: str | None, actor: str,
           reason: str | None = None) -> list[int]:
    """(Re)assign items waiting for people; returns the ids actually assigned."""
    reason = _text(reason, "the reason", required=False)
    done = []
    with queue.store.write() as conn:
        rows = conn.execute(select(wi.id, wi.assignee).where(
            wi.id.in_(item_ids), wi.state.in_(ASSIGNABLE)).with_for_update()).all()
        for row in rows:
            if row.assignee == assignee:
                continue
            conn.execute(update(work_items).where(wi.id == row.id).values(assignee=assignee))
            queue.audit.append(conn, actor=actor, action="assigned", item_id=row.id,
                               at=queue.clock(),
                               data={"from": row.assignee, "to": assignee, "reason": reason})
            done.append(row.id)
    return done


def comment(queue: WorkQueue, item_id: int, actor: str, body: str) -> None:
    body = _text(body, "a comment", required=True)
    now = queue.clock()
    with queue.store.write() as conn:
        if conn.scalar(select(wi.id).where(wi.id == item_id)) is None:
            raise ItemNotFound(f"no work item {item_id}")
        conn.execute(insert(item_comments).values(item_id=item_id, author=actor, body=body, at=now))
        queue.audit.append(conn, actor=actor, action="commented", item_id=item_id, at=now,
                           data={"comment": body})


def comments_of(conn: Connection, item_id: int) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(
        select(item_comments).where(item_comments.c.item_id == item_id)
        .order_by(item_comments.c.id))]

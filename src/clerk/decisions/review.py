"""Decisions on an item waiting in ``needs_review``: correct (re-validated at
once), accept despite findings (through the policy and the duty steps),
reject. Each writes its change, its audit event (who, when, why, before and
after) and its state move in one transaction.

The ERP is asked before the transaction opens (a look-up must not hold the
item's row lock); the transaction then checks that the item is still the one
that was checked, or refuses with ``IllegalTransition``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select, update

from clerk.decisions.actions import Accept, Actor, Correct, FindingView, Outcome, RejectItem
from clerk.decisions.checks import Checked
from clerk.decisions.duties import ACCEPTED, CORRECTED, corrections_to_confirm, needs_confirmation
from clerk.decisions.planning import duties_of, plan_for
from clerk.errors import BusinessException, IllegalTransition, ItemNotFound
from clerk.queue import ItemState, ReviewStatus
from clerk.queue._moves import move
from clerk.review.approvals import open_approval
from clerk.review.record_form import changes, model_for, parse_record, with_record_type
from clerk.store.schema import work_items

if TYPE_CHECKING:
    from clerk.decisions.service import DecisionService

wi = work_items.c


class DecisionRefused(BusinessException):
    def __init__(self, message: str):
        super().__init__("decision_refused", message)


class ActionForbidden(BusinessException):
    """The actor's roles do not allow this action at all (HTTP 403)."""

    def __init__(self, message: str):
        super().__init__("action_forbidden", message)


class RecordInvalid(BusinessException):
    """The corrected fields do not make a valid record: ``fields`` says where."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("record_invalid", "the record is not valid: "
                         + "; ".join(f"{k or 'record'}: {v}" for k, v in list(fields.items())[:5]))
        self.fields = fields


def waiting_row(conn: Connection, item_id: int) -> Any:
    row = conn.execute(select(work_items).where(wi.id == item_id).with_for_update()).first()
    if row is None:
        raise ItemNotFound(f"no work item {item_id}")
    if row.state != ItemState.NEEDS_REVIEW.value:
        raise IllegalTransition(item_id, row.state, "(a review decision needs needs_review)")
    return row


def _still_same(row: Any, checked_record: Any, item_id: int) -> None:
    if row.record != checked_record:
        raise IllegalTransition(item_id, row.state, "(the record changed while it was checked)")


def record_of(row: dict[str, Any]) -> Any:
    stored = row["record"]
    if not stored:
        raise DecisionRefused("there is no record yet: the document could not be read")
    return model_for(stored).model_validate({k: v for k, v in stored.items() if k != "record_type"})


def views(findings: list[dict[str, Any]]) -> tuple[FindingView, ...]:
    return tuple(FindingView(**{k: f.get(k) for k in FindingView.model_fields if k in f})
                 for f in findings if isinstance(f, dict) and f.get("code"))


def correct(svc: DecisionService, actor: Actor, item_id: int, action: Correct) -> Outcome:
    row = svc.waiting(item_id)
    record, errors = parse_record(model_for(row["record"]), row["record"] or {}, action.fields)
    if record is None:
        raise RecordInvalid(errors)
    new = with_record_type(row["record"], record)
    diff = changes(row["record"] or {}, new)
    if not diff:
        raise DecisionRefused("nothing was changed")
    checked = svc.checks(row["bot"]).check(svc.queue, row, record)
    confirm = needs_confirmation(diff, duties_of(svc.bot(row["bot"])))
    now = svc.queue.clock()
    with svc.queue.store.write() as conn:
        _still_same(waiting_row(conn, item_id), row["record"], item_id)
        svc.queue.audit.append(conn, actor=actor.username, action=CORRECTED, item_id=item_id,
                               at=now, data={"changes": diff, "reason": action.reason,
                                             "needs_confirmation": confirm, "via": actor.via,
                                             "findings": checked.blocking})
        values = {"record": new, "findings": checked.findings, "attempts": 0,
                  "dedupe_key": _dedupe_key(record),
                  "review_status": ReviewStatus.VERIFIED.value}
        if checked.blocking or checked.held:
            conn.execute(update(work_items).where(wi.id == item_id).values(
                **values, reason_code=(",".join(checked.blocking) or row["reason_code"] or "")[:100],
                last_error=checked.reason[:4000]))
            return Outcome(item_id=item_id, action="correct", state=ItemState.NEEDS_REVIEW,
                           findings=views(checked.findings), changes=diff,
                           needs_confirmation=tuple(confirm))
        state, steps = _onward(svc, conn, actor, {**row, "findings": checked.findings}, record,
                               checked, values, confirm=corrections_to_confirm(conn, item_id),
                               overridden=[], corrected=True)
    return Outcome(item_id=item_id, action="correct", state=state, findings=views(checked.findings),
                   changes=diff, steps=steps, needs_confirmation=tuple(confirm))


def _dedupe_key(record: Any) -> str | None:
    from clerk.pipeline_validation import dedupe_key

    seller = getattr(record, "seller", None)
    return dedupe_key(getattr(seller, "tax_id", None), getattr(record, "number", None))


def _onward(svc: DecisionService, conn: Connection, actor: Actor, row: dict[str, Any], record: Any,
            checked: Checked, values: dict[str, Any], *, confirm: list[str],
            overridden: list[str], corrected: bool) -> tuple[ItemState, tuple[str, ...]]:
    """Out of review: to the plan's approvers, or on to the worker."""
    bot = svc.bot(row["bot"])
    plan, budget = plan_for(svc.queue.store, svc.budgets, bot, row, record, checked.facts,
                            confirm=confirm, overridden=overridden)
    if budget is not None:
        values = {**values, "findings": budget}
    if plan:
        open_approval(conn, svc.queue, row["id"], plan, actor=actor.username,
                      from_state=ItemState.NEEDS_REVIEW, values=values)
        return ItemState.AWAITING_APPROVAL, tuple(step.name for step in plan.steps)
    # Nobody to ask: a corrected record is validated (the worker routes it through
    # the policy again); an accepted one without blocking findings is approved.
    target = ItemState.VALIDATED if corrected else ItemState.APPROVED
    move(conn, svc.queue.audit, item_id=row["id"], from_state=ItemState.NEEDS_REVIEW,
         to_state=target, now=svc.queue.clock(), actor=actor.username, values=values,
         data={"plan": plan.describe()})
    return target, ()


def accept(svc: DecisionService, actor: Actor, item_id: int, action: Accept) -> Outcome:
    if not action.justification:
        raise DecisionRefused("a justification is required")
    row = svc.waiting(item_id)
    record = record_of(row)
    checked = svc.checks(row["bot"]).check(svc.queue, row, record)
    findings = checked.findings
    now = svc.queue.clock()
    with svc.queue.store.write() as conn:
        _still_same(waiting_row(conn, item_id), row["record"], item_id)
        svc.queue.audit.append(conn, actor=actor.username, action=ACCEPTED, item_id=item_id, at=now,
                               data={"justification": action.justification, "via": actor.via,
                                     "findings": [v.model_dump(mode="json") for v in views(findings)]})
        values = {"findings": findings, "review_status": ReviewStatus.VERIFIED.value}
        state, steps = _onward(svc, conn, actor, {**row, "findings": findings}, record, checked,
                               values, confirm=corrections_to_confirm(conn, item_id),
                               overridden=checked.blocking, corrected=False)
    return Outcome(item_id=item_id, action="accept", state=state, findings=views(findings),
                   steps=steps)


def reject(svc: DecisionService, actor: Actor, item_id: int, action: RejectItem) -> Outcome:
    if not action.reason:
        raise DecisionRefused("a reason is required")
    with svc.queue.store.write() as conn:
        waiting_row(conn, item_id)
        move(conn, svc.queue.audit, item_id=item_id, from_state=ItemState.NEEDS_REVIEW,
             to_state=ItemState.REJECTED, now=svc.queue.clock(), actor=actor.username,
             action="rejected",
             values={"reason_code": "rejected_by_reviewer", "last_error": action.reason,
                     "review_status": ReviewStatus.VERIFIED.value},
             data={"reason": action.reason, "via": actor.via})
    return Outcome(item_id=item_id, action="reject", state=ItemState.REJECTED)

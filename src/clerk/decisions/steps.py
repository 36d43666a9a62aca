"""Decisions at approval steps, with the bot's separation of duties."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clerk.decisions.actions import Actor, ApproveStep, Outcome, RejectStep
from clerk.decisions.duties import approvers_so_far, barred
from clerk.decisions.planning import duties_of
from clerk.decisions.review import DecisionRefused
from clerk.review import approvals
from clerk.review.settings import approval_policy

if TYPE_CHECKING:
    from clerk.decisions.service import DecisionService


def capacity(actor: Actor) -> approvals.Capacity:
    return approvals.Capacity(actor, actor.represents)  # type: ignore[arg-type] - has .username


def separate_duties(svc: DecisionService, bot_name: str) -> bool:
    """On unless the bot turns it off: ``[duties] separate_duties`` (or the older
    ``four_eyes`` flags of ``[approval]`` and ``[review]``) set to false."""
    bot = svc.bot(bot_name)
    return (duties_of(bot).separate_duties and approval_policy(bot).four_eyes
            and svc.review_four_eyes(bot_name))


def approve_step(svc: DecisionService, actor: Actor, item_id: int, action: ApproveStep) -> Outcome:
    bot = svc.item_bot(item_id)
    state = approvals.approve(svc.queue, item_id, capacity(actor), reason=action.reason,
                              step_id=action.step_id, separate_duties=separate_duties(svc, bot))
    return Outcome(item_id=item_id, action="approve_step", state=state)


def reject_step(svc: DecisionService, actor: Actor, item_id: int, action: RejectStep) -> Outcome:
    if not action.reason:
        raise DecisionRefused("a rejection needs a reason")
    state = approvals.reject(svc.queue, item_id, capacity(actor), reason=action.reason,
                             step_id=action.step_id)
    return Outcome(item_id=item_id, action="reject_step", state=state)


def my_steps(svc: DecisionService, actor: Actor, item_id: int) -> list[dict[str, Any]]:
    """The open steps ``actor`` may decide now (none if duties bar them)."""
    if not actor.has("approver"):
        return []
    with svc.queue.store.read() as conn:
        found = approvals.eligible_steps(conn, capacity(actor), [item_id])
        if found and separate_duties(svc, svc.item_bot(item_id)):
            excluded = barred(conn, item_id) | approvers_so_far(conn, item_id)
            found = [(step, who) for step, who in found
                     if actor.username not in excluded and who not in excluded]
    return [step for step, _ in found]

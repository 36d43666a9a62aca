"""The decision service: every human action on a work item goes through
``DecisionService.decide(actor, item_id, action)``. Pages, the JSON API and
``clerk queue`` build the actor and the action and render the outcome;
nothing else decides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import insert, select, update

from clerk.bots import BotDefinition
from clerk.decisions import review, steps
from clerk.decisions.actions import (
    ACTION_ROLES, Action, Actor, Comment, Outcome, Reassign, Requeue, Retry,
)
from clerk.decisions.checks import RecordChecks
from clerk.errors import IllegalTransition, ItemNotFound
from clerk.project import Project
from clerk.queue import ItemState
from clerk.review.settings import Budget, load_review_settings
from clerk.review.tables import item_comments
from clerk.store.schema import work_items

wi = work_items.c
ASSIGNABLE = (ItemState.NEEDS_REVIEW.value, ItemState.AWAITING_APPROVAL.value)
ACTIONS: TypeAdapter[Any] = TypeAdapter(Action)


class DecisionService:
    """Decisions on one project's items. ``connector_factory`` is for a caller
    that already holds an ERP connection (default: the project's ``[erp]``)."""

    def __init__(self, project: Project, bots: dict[str, BotDefinition], *,
                 budgets: Sequence[Budget] = (), directory: Any = None,
                 connector_factory: Callable[[], Any] | None = None):
        self.project = project
        self.bots = bots
        self.budgets = tuple(budgets)
        self.directory = directory
        self._connector_factory = connector_factory
        self._checks: dict[str, RecordChecks] = {}

    @property
    def queue(self):  # noqa: ANN201 - WorkQueue
        return self.project.queue

    # -- what decisions consult ----------------------------------------------------------
    def bot(self, name: str) -> BotDefinition:
        return self.bots.get(name) or BotDefinition(name=name)

    def item_bot(self, item_id: int) -> str:
        with self.queue.store.read() as conn:
            bot = conn.scalar(select(wi.bot).where(wi.id == item_id))
        if bot is None:
            raise ItemNotFound(f"no work item {item_id}")
        return bot

    def review_four_eyes(self, bot: str) -> bool:
        if bot not in self.bots:
            return True
        return load_review_settings(self.bot(bot), self.project.settings.project_dir).four_eyes

    def checks(self, bot: str) -> RecordChecks:
        if bot not in self._checks:
            from clerk.pipeline import BotPipeline

            self._checks[bot] = RecordChecks(BotPipeline(self.project, self.bot(bot),
                                                         self._connector_factory))
        return self._checks[bot]

    def waiting(self, item_id: int) -> dict[str, Any]:
        row = self.queue.get(item_id)
        if row["state"] != ItemState.NEEDS_REVIEW.value:
            raise IllegalTransition(item_id, row["state"], "(a review decision needs needs_review)")
        return row

    # -- the one entry ---------------------------------------------------------------------
    def decide(self, actor: Actor, item_id: int, action: Action) -> Outcome:
        """Take ``action`` on the item as ``actor``; raises ``DecisionRefused``,
        ``ApprovalRefused``, ``RecordInvalid``, ``IllegalTransition`` or
        ``ItemNotFound`` when it cannot be taken (nothing is written then)."""
        from clerk.decisions.review import ActionForbidden

        if not actor.has(*ACTION_ROLES[action.kind]):
            raise ActionForbidden(f"{actor.username}'s roles do not allow {action.kind}")
        handler = HANDLERS[action.kind]
        return handler(self, actor, item_id, action)

    def decide_many(self, actor: Actor, item_ids: list[int], action: Action) -> list[Outcome]:
        return [self.decide(actor, item_id, action) for item_id in item_ids]

    def my_steps(self, actor: Actor, item_id: int) -> list[dict[str, Any]]:
        return steps.my_steps(self, actor, item_id)

    def close(self) -> None:
        for checks in self._checks.values():
            checks.pipeline.close()


def _assign(svc: DecisionService, actor: Actor, item_id: int, action: Reassign) -> Outcome:
    assignee = action.assignee or actor.username
    if svc.directory is not None:
        # Only to someone who can review: enabled, with the reviewer role (names normalised).
        assignee = svc.directory.assignable(assignee).username
    now = svc.queue.clock()
    with svc.queue.store.write() as conn:
        row = conn.execute(select(wi.id, wi.assignee, wi.state).where(wi.id == item_id)
                           .with_for_update()).first()
        if row is None:
            raise ItemNotFound(f"no work item {item_id}")
        if row.state not in ASSIGNABLE:
            raise IllegalTransition(item_id, row.state, "(only items waiting for people are assigned)")
        done = ()
        if row.assignee != assignee:
            conn.execute(update(work_items).where(wi.id == item_id).values(assignee=assignee))
            svc.queue.audit.append(conn, actor=actor.username, action="assigned", item_id=item_id,
                                   at=now, data={"from": row.assignee, "to": assignee,
                                                 "reason": action.reason, "via": actor.via})
            done = (item_id,)
    return Outcome(item_id=item_id, action="assign", state=ItemState(row.state), assigned=done)


def _comment(svc: DecisionService, actor: Actor, item_id: int, action: Comment) -> Outcome:
    from clerk.decisions.review import DecisionRefused

    if not action.body:
        raise DecisionRefused("a comment is required")
    now = svc.queue.clock()
    with svc.queue.store.write() as conn:
        state = conn.scalar(select(wi.state).where(wi.id == item_id))
        if state is None:
            raise ItemNotFound(f"no work item {item_id}")
        conn.execute(insert(item_comments).values(item_id=item_id, author=actor.username,
                                                  body=action.body, at=now))
        svc.queue.audit.append(conn, actor=actor.username, action="commented", item_id=item_id,
                               at=now, data={"comment": action.body, "via": actor.via})
    return Outcome(item_id=item_id, action="comment", state=ItemState(state))


def _requeue(svc: DecisionService, actor: Actor, item_id: int, action: Requeue) -> Outcome:
    """Machine work again. An item waiting for a reviewer goes back to its rules
    (never past them: that would skip review); a failed one resumes where it failed.
    One that left off while posting had passed its rules and approvals and may be in
    the ERP already: it resumes posting, which looks in the ERP first."""
    from clerk.queue.people import requeue

    row = svc.queue.get(item_id)
    resumes = None
    left_off_posting = row["retry_state"] == ItemState.POSTING.value
    if row["state"] == ItemState.NEEDS_REVIEW.value and not left_off_posting:
        resumes = ItemState.EXTRACTED if row["record"] else ItemState.COLLECTED
    state = requeue(svc.queue, item_id, actor=actor.username, to_state=resumes, reason=action.reason)
    return Outcome(item_id=item_id, action="requeue", state=state)


def _retry(svc: DecisionService, actor: Actor, item_id: int, action: Retry) -> Outcome:
    from clerk.queue.people import retry

    new_id = retry(svc.queue, item_id, actor=actor.username, reason=action.reason)
    return Outcome(item_id=item_id, action="retry", state=ItemState.COLLECTED, new_item=new_id)


HANDLERS: dict[str, Callable[..., Outcome]] = {
    "correct": review.correct, "accept": review.accept, "reject": review.reject,
    "approve_step": steps.approve_step, "reject_step": steps.reject_step,
    "assign": _assign, "comment": _comment, "requeue": _requeue, "retry": _retry,
}

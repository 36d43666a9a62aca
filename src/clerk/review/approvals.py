"""Approvals before posting: open a plan's steps, record decisions, and move
the item ``awaiting_approval -> approved`` (a worker then posts it) when the
plan is satisfied, or ``-> rejected`` at the first rejection.

Each decision is one transaction: the decision row, the step changes, the
state move (if any) and the audit events commit together or not at all. The
item row is locked first, so two approvers deciding at once on parallel steps
cannot both conclude "the other step is still open".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from clerk.errors import BusinessException, IllegalTransition
from clerk.queue import ItemState, Lease, WorkQueue
from clerk.queue._moves import move
from clerk.review.policy import ApprovalPlan, ErpFacts, approval_plan
from clerk.review.tables import approval_decisions, approval_steps, users
from clerk.review.users import User
from clerk.store.schema import work_items

__all__ = ["ApprovalPlan", "ErpFacts", "approval_plan", "open_approval", "route_to_approval",
           "approve", "reject", "steps_of", "eligible_steps", "ApprovalRefused"]

wi = work_items.c
st = approval_steps.c
OPEN, WAITING, APPROVED, REJECTED, CANCELLED = "open", "waiting", "approved", "rejected", "cancelled"


class ApprovalRefused(BusinessException):
    """The person may not take this decision (not an approver, four eyes...)."""

    def __init__(self, message: str):
        super().__init__("approval_refused", message)


@dataclass(frozen=True)
class Capacity:
    """Who a person acts as: themselves, plus those they stand in for now."""

    user: User
    represents: frozenset[str] = frozenset()


def open_approval(conn: Connection, queue: WorkQueue, item_id: int, plan: ApprovalPlan, *,
                  actor: str, from_state: ItemState, lease: Lease | None = None,
                  values: dict[str, Any] | None = None) -> None:
    """Write the plan's steps and move the item to ``awaiting_approval``, in ``conn``
    (``values``: other columns written with the move, e.g. budget findings)."""
    now = queue.clock()
    write_steps(conn, item_id, plan, now)
    move(conn, queue.audit, item_id=item_id, from_state=from_state,
         to_state=ItemState.AWAITING_APPROVAL, now=now, actor=actor, lease=lease,
         action="approval_requested", values=values, data={"plan": plan.describe()})


def write_steps(conn: Connection, item_id: int, plan: ApprovalPlan, now: datetime) -> None:
    """The plan's steps: the first position open, the others waiting their turn."""
    first = min(step.position for step in plan.steps)
    for step in plan.steps:
        opened = step.position == first
        conn.execute(insert(approval_steps).values(
            item_id=item_id, position=step.position, name=step.name, mode=step.mode,
            approvers=list(step.approvers), status=OPEN if opened else WAITING,
            sla_hours=step.sla_hours, escalate_to=list(step.escalate_to),
            opened_at=now if opened else None,
            due_at=_due(now, step.sla_hours) if opened else None))


def route_to_approval(queue: WorkQueue, lease: Lease, plan: ApprovalPlan) -> Lease:
    """For the pipeline: a validated, leased item with a non-empty plan waits for people."""
    with queue.store.write() as conn:
        open_approval(conn, queue, lease.item_id, plan, actor=lease.worker,
                      from_state=lease.state, lease=lease)
    return lease.moved_to(ItemState.AWAITING_APPROVAL)


def _due(now: datetime, hours: float | None) -> datetime | None:
    return None if hours is None else now + timedelta(hours=hours)


def steps_of(conn: Connection, item_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(approval_steps).where(st.item_id == item_id)
                        .order_by(st.position, st.id))
    return [dict(row._mapping) for row in rows]


def _group_members(conn: Connection) -> dict[str, set[str]]:
    """Members of each ``group:<name>`` and each ``role:<name>`` (admins hold every role)."""
    from clerk.review.settings import ROLES

    members: dict[str, set[str]] = {}
    for row in conn.execute(select(users.c.username, users.c.groups, users.c.roles)
                            .where(users.c.disabled.is_(False))):
        for group in filter(None, row.groups.split(",")):
            members.setdefault(group, set()).add(row.username)
        roles = set(filter(None, row.roles.split(",")))
        for role in ROLES if "admin" in roles else roles:
            members.setdefault(f"role:{role}", set()).add(row.username)
    return members


def expand(approvers: list[str], members: dict[str, set[str]]) -> set[str]:
    """Usernames named by a step: plain names, ``group:<name>`` and ``role:<name>``."""
    names: set[str] = set()
    for entry in approvers:
        if entry.startswith("group:"):
            names |= members.get(entry[6:], set())
        elif entry.startswith("role:"):
            names |= members.get(entry, set())
        else:
            names.add(entry)
    return names


def eligible_steps(conn: Connection, capacity: Capacity,
                   item_ids: list[int] | None = None) -> list[tuple[dict[str, Any], str | None]]:
    """Open steps ``capacity`` may decide: (step, on_behalf_of or None)."""
    query = select(approval_steps).where(st.status == OPEN).order_by(st.item_id, st.position)
    if item_ids is not None:
        query = query.where(st.item_id.in_(item_ids))
    members = _group_members(conn)
    found = []
    for row in conn.execute(query):
        step = dict(row._mapping)
        people = expand(step["approvers"], members)
        if capacity.user.username in people:
            found.append((step, None))
        elif stand_in := sorted(people & capacity.represents):
            found.append((step, stand_in[0]))
    return found


def _lock_waiting_item(conn: Connection, item_id: int) -> Any:
    row = conn.execute(select(wi.id, wi.state).where(wi.id == item_id).with_for_update()).first()
    if row is None or row.state != ItemState.AWAITING_APPROVAL.value:
        raise IllegalTransition(item_id, row.state if row else "(missing)",
                                "(an approval decision needs awaiting_approval)")
    return row


def _choose_step(conn: Connection, capacity: Capacity, item_id: int,
                 step_id: int | None) -> tuple[dict[str, Any], str | None]:
    options = [(s, who) for s, who in eligible_steps(conn, capacity, [item_id])
               if step_id is None or s["id"] == step_id]
    if not options:
        raise ApprovalRefused(f"{capacity.user.username} is not an approver of an open step "
                              f"of item {item_id}")
    # Acting in one's own name beats acting for someone else.
    options.sort(key=lambda option: option[1] is not None)
    return options[0]


def _check_duties(conn: Connection, item_id: int, username: str, on_behalf: str | None,
                  separate_duties: bool) -> None:
    """Whoever corrected or accepted the record approves none of its steps, in
    their own name or for someone else; one person approves one step."""
    from clerk.decisions.duties import approvers_so_far, barred

    if not separate_duties:
        return
    excluded = barred(conn, item_id)
    if username in excluded or on_behalf in excluded:
        raise ApprovalRefused("separation of duties: whoever corrected or accepted the record "
                              "may not approve it")
    if username in approvers_so_far(conn, item_id):
        raise ApprovalRefused("separation of duties: one person approves one step of a record")


def approve(queue: WorkQueue, item_id: int, capacity: Capacity, *, reason: str | None = None,
            step_id: int | None = None, separate_duties: bool = True) -> ItemState:
    """Approve an open step; returns the item's state afterwards. People call
    this through ``clerk.decisions`` (which reads the bot's duty settings)."""
    now = queue.clock()
    with queue.store.write() as conn:
        _lock_waiting_item(conn, item_id)
        step, on_behalf = _choose_step(conn, capacity, item_id, step_id)
        _check_duties(conn, item_id, capacity.user.username, on_behalf, separate_duties)
        _record(conn, step, capacity.user.username, on_behalf, "approved", reason, now)
        queue.audit.append(conn, actor=capacity.user.username, action="approval_given",
                           item_id=item_id, at=now,
                           data={"step": step["name"], "on_behalf_of": on_behalf,
                                 "reason": reason})
        if not _step_satisfied(conn, step, separate_duties):
            return ItemState.AWAITING_APPROVAL
        conn.execute(update(approval_steps).where(st.id == step["id"])
                     .values(status=APPROVED, closed_at=now))
        return _advance_plan(conn, queue, item_id, capacity.user.username, now)


def _record(conn, step, actor, on_behalf, decision, reason, now) -> None:  # noqa: ANN001
    conn.execute(insert(approval_decisions).values(
        item_id=step["item_id"], step_id=step["id"], actor=actor, on_behalf_of=on_behalf,
        decision=decision, reason=reason, at=now))


def _step_satisfied(conn: Connection, step: dict[str, Any], separate_duties: bool) -> bool:
    from clerk.decisions.duties import barred

    if step["mode"] == "any":
        return True
    required = expand(step["approvers"], _group_members(conn))
    if separate_duties:
        # Those barred from approving cannot be waited for.
        required -= barred(conn, step["item_id"])
    decided = {row.on_behalf_of or row.actor for row in conn.execute(
        select(approval_decisions.c.actor, approval_decisions.c.on_behalf_of)
        .where(approval_decisions.c.step_id == step["id"],
               approval_decisions.c.decision == "approved"))}
    return required <= decided


def _advance_plan(conn: Connection, queue: WorkQueue, item_id: int, actor: str,
                  now: datetime) -> ItemState:
    steps = steps_of(conn, item_id)
    if any(s["status"] == OPEN for s in steps):
        return ItemState.AWAITING_APPROVAL      # a parallel sibling is still open
    waiting = [s for s in steps if s["status"] == WAITING]
    if waiting:
        position = min(s["position"] for s in waiting)
        for s in waiting:
            if s["position"] == position:
                conn.execute(update(approval_steps).where(st.id == s["id"]).values(
                    status=OPEN, opened_at=now, due_at=_due(now, s["sla_hours"])))
        queue.audit.append(conn, actor=actor, action="approval_step_opened", item_id=item_id,
                           at=now, data={"steps": [s["name"] for s in waiting
                                                   if s["position"] == position]})
        return ItemState.AWAITING_APPROVAL
    move(conn, queue.audit, item_id=item_id, from_state=ItemState.AWAITING_APPROVAL,
         to_state=ItemState.APPROVED, now=now, actor=actor, action="approved",
         data={"steps": [s["name"] for s in steps]})
    return ItemState.APPROVED


def reject(queue: WorkQueue, item_id: int, capacity: Capacity, *, reason: str,
           step_id: int | None = None) -> ItemState:
    """Reject at an open step: the item ends ``rejected`` with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ApprovalRefused("a rejection needs a reason")
    now = queue.clock()
    with queue.store.write() as conn:
        _lock_waiting_item(conn, item_id)
        step, on_behalf = _choose_step(conn, capacity, item_id, step_id)
        _record(conn, step, capacity.user.username, on_behalf, "rejected", reason, now)
        conn.execute(update(approval_steps).where(st.id == step["id"])
                     .values(status=REJECTED, closed_at=now))
        conn.execute(update(approval_steps).where(st.item_id == item_id,
                                                  st.status.in_([OPEN, WAITING]))
                     .values(status=CANCELLED, closed_at=now))
        move(conn, queue.audit, item_id=item_id, from_state=ItemState.AWAITING_APPROVAL,
             to_state=ItemState.REJECTED, now=now, actor=capacity.user.username,
             action="approval_rejected",
             values={"reason_code": "approval_rejected", "last_error": reason[:4000]},
             data={"step": step["name"], "on_behalf_of": on_behalf, "reason": reason})
    return ItemState.REJECTED

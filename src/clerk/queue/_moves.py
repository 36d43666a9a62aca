"""The one place that writes a work item's state.

Every move is one UPDATE guarded by the state it expects (and, for a leased
item, by the lease token and owner), plus its audit event, in the caller's
transaction. A guard that matches no row raises, so the transaction rolls back.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Update, bindparam, select, update

from clerk.audit.events import AuditLog
from clerk.errors import IllegalTransition, ItemNotFound, LeaseLost
from clerk.queue.lease import Lease
from clerk.queue.states import LEASABLE, RESUMABLE, ItemState, is_allowed

LEFT_OFF_EXITS = frozenset({ItemState.FAILED, ItemState.NEEDS_REVIEW})
from clerk.store.schema import work_items

wi = work_items.c


def _changes(from_state: ItemState, to_state: ItemState, now: datetime, leased: bool,
             values: dict[str, Any] | None) -> dict[str, Any]:
    changes: dict[str, Any] = {**(values or {}), "state": to_state.value, "updated_at": now}
    if to_state not in LEASABLE or to_state == ItemState.FAILED or not leased:
        # Leaving machine work (or moved by a person): no lease survives the move.
        changes.update(lease_owner=None, lease_expires_at=None)
        changes.setdefault("available_at", now)
    if to_state in LEFT_OFF_EXITS and from_state in RESUMABLE:
        # Where the item left the happy path: a retry or a requeue resumes there
        # (an item that left while posting resumes posting, find first).
        changes.setdefault("retry_state", from_state.value)
    return changes


def move(conn: Connection, audit: AuditLog, *, item_id: int, from_state: ItemState,
         to_state: ItemState, now: datetime, actor: str, action: str | None = None,
         lease: Lease | None = None, values: dict[str, Any] | None = None,
         data: dict[str, Any] | None = None) -> None:
    """Move one item ``from_state -> to_state`` or raise (nothing written)."""
    if not is_allowed(from_state, to_state):
        raise IllegalTransition(item_id, from_state.value, to_state.value)
    changes = _changes(from_state, to_state, now, lease is not None, values)
    params = {**changes, "g_id": item_id, "g_state": from_state.value}
    if lease is not None:
        params.update(g_token=lease.token, g_owner=lease.worker)
    resumes_posting = from_state == ItemState.NEEDS_REVIEW and to_state == ItemState.POSTING
    result = conn.execute(_guarded_update(tuple(sorted(changes)), lease is not None,
                                          resumes_posting), params)
    if result.rowcount != 1:
        if resumes_posting:
            raise IllegalTransition(item_id, from_state.value, "posting (only an item that "
                                    "left off while posting resumes there)")
        explain_refusal(conn, item_id, from_state, lease)
    event = {"from": from_state.value, "to": to_state.value, **(data or {})}
    if lease is not None:
        event["lease_token"] = lease.token
    audit.append(conn, actor=actor, action=action or to_state.value, item_id=item_id,
                 data=event, at=now)


def move_many(conn: Connection, audit: AuditLog, leases: list[Lease], to_state: ItemState,
              now: datetime, data: dict[str, Any] | None = None) -> None:
    """``move`` for many leased items: one guarded UPDATE and one audit INSERT,
    each executed for all items at once; any refused item raises (all roll back)."""
    for lease in leases:
        if not is_allowed(lease.state, to_state):
            raise IllegalTransition(lease.item_id, lease.state.value, to_state.value)
    rows = []
    for lease in leases:
        changes = _changes(lease.state, to_state, now, True, None)
        rows.append({**changes, "g_id": lease.item_id, "g_state": lease.state.value,
                     "g_token": lease.token, "g_owner": lease.worker})
    result = conn.execute(_guarded_update(tuple(sorted(changes)), True), rows)
    if result.rowcount != len(leases):
        for lease in leases:   # name the refused one; the transaction rolls back anyway
            _refuse_if_moved(conn, lease, to_state)
    audit.append_many(conn, [audit.row(lease.worker, to_state.value, lease.item_id,
                                       {"from": lease.state.value, "to": to_state.value,
                                        "lease_token": lease.token, **(data or {})}, now)
                             for lease in leases])


def _refuse_if_moved(conn: Connection, lease: Lease, to_state: ItemState) -> None:
    row = conn.execute(select(wi.state, wi.lease_token, wi.lease_owner)
                       .where(wi.id == lease.item_id)).first()
    if row is None or row.state != to_state.value or row.lease_token != lease.token:
        explain_refusal(conn, lease.item_id, lease.state, lease)


@lru_cache(maxsize=256)
def _guarded_update(columns: tuple[str, ...], fenced: bool, resumes_posting: bool = False) -> Update:
    """One statement object per column set, so SQLAlchemy's compiled cache is hit
    without rebuilding the expression for every move (the queue's hot path)."""
    guard = [wi.id == bindparam("g_id"), wi.state == bindparam("g_state")]
    if fenced:
        guard += [wi.lease_token == bindparam("g_token"), wi.lease_owner == bindparam("g_owner")]
    if resumes_posting:
        # Posting is entered from review only by an item that left off there:
        # everything before posting (rules, approvals) it has already passed.
        guard.append(wi.retry_state == ItemState.POSTING.value)
    return update(work_items).where(*guard).values({name: bindparam(name) for name in columns})


def fenced_update(conn: Connection, lease: Lease, values: dict[str, Any]) -> None:
    """Change non-state columns of a leased item (progress, heartbeat)."""
    result = conn.execute(update(work_items)
                          .where(wi.id == lease.item_id, wi.lease_token == lease.token,
                                 wi.lease_owner == lease.worker)
                          .values(**values))
    if result.rowcount != 1:
        explain_refusal(conn, lease.item_id, None, lease)


def explain_refusal(conn: Connection, item_id: int, from_state: ItemState | None,
                    lease: Lease | None) -> None:
    row = conn.execute(select(wi.state, wi.lease_token, wi.lease_owner)
                       .where(wi.id == item_id)).first()
    if row is None:
        raise ItemNotFound(f"no work item {item_id}")
    if lease is not None and (row.lease_token != lease.token or row.lease_owner != lease.worker):
        raise LeaseLost(f"item {item_id}: lease {lease.token} of {lease.worker} is no longer "
                        f"valid (now token {row.lease_token}, owner {row.lease_owner})")
    raise IllegalTransition(item_id, row.state, f"(expected to be {from_state.value})"
                            if from_state else "(changed meanwhile)")

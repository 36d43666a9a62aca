"""Taking leases: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the single
``BEGIN IMMEDIATE`` writer on SQLite."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, case, select, text, update

from clerk.audit.events import AuditLog
from clerk.queue._moves import move
from clerk.queue.lease import Lease
from clerk.queue.states import LEASABLE, ItemState
from clerk.store.schema import work_items

wi = work_items.c
_LEASABLE_VALUES = sorted(state.value for state in LEASABLE)


def take_leases(conn: Connection, audit: AuditLog, *, worker: str, limit: int, now: datetime,
                lease_for: timedelta, bots: list[str] | None) -> list[Lease]:
    candidates = _candidates(conn, limit, now, bots)
    if not candidates:
        return []
    expires = now + lease_for
    exhausted = [row for row in candidates
                 if row.lease_owner is not None and row.attempts + 1 >= row.max_attempts]
    for row in exhausted:
        _give_up_after_crashes(conn, audit, row, now)
    leasable = [row for row in candidates if row not in exhausted]
    if not leasable:
        return []
    conn.execute(
        update(work_items).where(wi.id.in_([row.id for row in leasable]))
        .values(lease_owner=worker, lease_token=wi.lease_token + 1, lease_expires_at=expires,
                available_at=expires, updated_at=now,
                # A lease that expired under another worker counts as an attempt,
                # so an item that kills its workers cannot loop for ever.
                attempts=case((wi.lease_owner.is_not(None), wi.attempts + 1), else_=wi.attempts),
                state=case((wi.state == ItemState.FAILED.value, wi.retry_state), else_=wi.state)))
    _audit_resumptions(conn, audit, leasable, worker, now)
    return [_lease_of(row, worker, expires) for row in leasable]


# Written out, not bound, so the planner matches the partial index
# ix_work_items_lease_order (migration 0005), whose WHERE is this very text.
_LEASABLE_SQL = text("work_items.state IN ("
                     + ", ".join(f"'{value}'" for value in _LEASABLE_VALUES) + ")")


def _lease_order() -> list[Any]:
    """The order of ix_work_items_lease_order (PostgreSQL indexes NULLS LAST)."""
    return [wi.priority, wi.deadline.asc().nulls_last(), wi.queued_at, wi.id]


_COLUMNS = (wi.id, wi.bot, wi.document_key, wi.state, wi.retry_state, wi.lease_owner,
            wi.lease_token, wi.attempts, wi.max_attempts)


def _candidates(conn: Connection, limit: int, now: datetime, bots: list[str] | None) -> list[Any]:
    if conn.dialect.name == "sqlite":
        return _sqlite_candidates(conn, limit, now, bots)
    query = (select(*_COLUMNS)
             .where(_LEASABLE_SQL, wi.available_at <= now)
             .order_by(*_lease_order())
             .limit(limit)
             .with_for_update(skip_locked=True))
    if bots:
        query = query.where(wi.bot.in_(bots))
    return list(conn.execute(query))


def _sqlite_candidates(conn: Connection, limit: int, now: datetime, bots: list[str] | None) -> list[Any]:
    """SQLite's planner, without statistics, prefers ix_work_items_ready and then
    sorts every leasable item; INDEXED BY reads the ordered index instead, only
    as far as ``limit`` leasable items (the single writer makes SKIP LOCKED moot)."""
    bot_filter = "AND bot IN :bots" if bots else ""
    statement = text(
        "SELECT id, bot, document_key, state, retry_state, lease_owner, lease_token, attempts, "
        "max_attempts FROM work_items INDEXED BY ix_work_items_lease_order "
        f"WHERE {_LEASABLE_SQL.text} AND available_at <= :now {bot_filter} "
        "ORDER BY priority, coalesce(deadline, '9999-12-31'), queued_at, id LIMIT :limit"
    ).bindparams(bindparam("now", type_=wi.available_at.type))
    if bots:
        statement = statement.bindparams(bindparam("bots", expanding=True))
    params: dict[str, Any] = {"now": now, "limit": limit}
    if bots:
        params["bots"] = list(bots)
    return list(conn.execute(statement, params))


def _give_up_after_crashes(conn: Connection, audit: AuditLog, row: Any, now: datetime) -> None:
    # Only a live lease can expire; failed items hold none, so row.state is real.
    move(conn, audit, item_id=row.id, from_state=ItemState(row.state), to_state=ItemState.NEEDS_REVIEW,
         now=now, actor="queue", action="needs_review",
         values={"attempts": row.attempts + 1, "reason_code": "system_exception",
                 "last_error": f"lease of {row.lease_owner} expired {row.attempts + 1} times"},
         data={"reason": "lease_expired", "worker": row.lease_owner})


def _audit_resumptions(conn: Connection, audit: AuditLog, rows: list[Any], worker: str,
                       now: datetime) -> None:
    events = []
    for row in rows:
        if row.state == ItemState.FAILED.value:
            events.append(audit.row(worker, "retry_started", row.id,
                                    {"from": "failed", "to": row.retry_state,
                                     "attempt": row.attempts + 1}, now))
        elif row.lease_owner is not None:
            events.append(audit.row(worker, "lease_taken_over", row.id,
                                    {"previous_owner": row.lease_owner,
                                     "previous_token": row.lease_token}, now))
    audit.append_many(conn, events)


def _lease_of(row: Any, worker: str, expires: datetime) -> Lease:
    state = row.retry_state if row.state == ItemState.FAILED.value else row.state
    attempts = row.attempts + (1 if row.lease_owner is not None else 0)
    return Lease(item_id=row.id, token=row.lease_token + 1, worker=worker,
                 state=ItemState(state), expires_at=expires, attempts=attempts,
                 bot=row.bot, document_key=row.document_key)

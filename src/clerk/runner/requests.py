"""The run request queue: the scheduler (or an operator) asks for a run, a
``clerk worker`` on any machine claims it and executes the bot.

Claiming is ``FOR UPDATE SKIP LOCKED`` on PostgreSQL and one ``BEGIN
IMMEDIATE`` transaction on SQLite, so two workers never run the same request.
A claim also respects the bot's ``concurrency`` (runs of one bot at once), and
takes over a request whose worker stopped sending heartbeats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from clerk.audit.events import AuditLog, as_utc
from clerk.runner.tables import run_requests
from clerk.store import Store

rr = run_requests.c
Clock = Callable[[], datetime]


class RequestState(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


ACTIVE = (RequestState.PENDING.value, RequestState.RUNNING.value)


@dataclass(frozen=True)
class RunRequest:
    id: int
    bot: str
    trigger: str
    due_at: datetime
    claimed_by: str | None = None


def utc_now() -> datetime:
    return datetime.now(UTC)


def request_run(store: Store, audit: AuditLog, bot: str, *, trigger: str, due_at: datetime,
                requested_by: str, max_active: int | None = None,
                now: datetime | None = None) -> int | None:
    """Queue one run of ``bot`` for ``due_at``; ``None`` when that due time was
    already requested (a second scheduler) or ``max_active`` runs are queued or running."""
    now = now or utc_now()
    with store.write() as conn:
        if max_active is not None and _active(conn, bot) >= max_active:
            audit.append(conn, actor=requested_by, action="run_request_skipped", item_id=None,
                         data={"bot": bot, "due_at": due_at, "reason": "max_instances"})
            return None
        try:
            with conn.begin_nested():
                request_id = conn.execute(insert(run_requests).values(
                    bot=bot, trigger=trigger, due_at=due_at, requested_at=now,
                    requested_by=requested_by, state=RequestState.PENDING.value)
                    .returning(rr.id)).scalar_one()
        except IntegrityError:
            return None
        audit.append(conn, actor=requested_by, action="run_requested", item_id=None,
                     data={"bot": bot, "trigger": trigger, "due_at": due_at, "request": request_id})
    return request_id


def _active(conn: Connection, bot: str) -> int:
    return conn.scalar(select(func.count()).select_from(run_requests)
                       .where(rr.bot == bot, rr.state.in_(ACTIVE)))


def claim_request(store: Store, worker: str, *, concurrency: dict[str, int],
                  stale_after: timedelta, bots: list[str] | None = None,
                  now: datetime | None = None) -> RunRequest | None:
    """Take the oldest due request this worker may run, or ``None``.

    ``concurrency`` maps each bot this worker knows to its max runs at once;
    requests of other bots are left for workers that know them."""
    now = now or utc_now()
    names = [b for b in concurrency if bots is None or b in bots]
    if not names:
        return None
    with store.write() as conn:
        running = dict(conn.execute(
            select(rr.bot, func.count()).where(rr.state == RequestState.RUNNING.value,
                                               rr.heartbeat_at > now - stale_after)
            .group_by(rr.bot)).all())
        allowed = [b for b in names if running.get(b, 0) < concurrency[b]]
        if not allowed:
            return None
        row = conn.execute(
            select(rr.id, rr.bot, rr.trigger, rr.due_at).where(
                rr.bot.in_(allowed), rr.due_at <= now,
                or_(rr.state == RequestState.PENDING.value,
                    and_(rr.state == RequestState.RUNNING.value,
                         rr.heartbeat_at <= now - stale_after)))
            .order_by(rr.due_at, rr.id).limit(1).with_for_update(skip_locked=True)).first()
        if row is None:
            return None
        conn.execute(update(run_requests).where(rr.id == row.id).values(
            state=RequestState.RUNNING.value, claimed_by=worker, claimed_at=now,
            heartbeat_at=now))
    return RunRequest(row.id, row.bot, row.trigger, as_utc(row.due_at), worker)


def heartbeat(store: Store, request_id: int, worker: str, now: datetime | None = None) -> bool:
    """Keep a claim alive; ``False`` when another worker took it over."""
    with store.write() as conn:
        result = conn.execute(update(run_requests).where(
            rr.id == request_id, rr.claimed_by == worker,
            rr.state == RequestState.RUNNING.value).values(heartbeat_at=now or utc_now()))
    return result.rowcount == 1


def finish_request(store: Store, request_id: int, worker: str, *, run_id: str | None,
                   ok: bool, error: str | None = None, now: datetime | None = None) -> None:
    state = RequestState.DONE if ok else RequestState.FAILED
    with store.write() as conn:
        conn.execute(update(run_requests).where(rr.id == request_id, rr.claimed_by == worker)
                     .values(state=state.value, finished_at=now or utc_now(), run_id=run_id,
                             error=error))


def list_requests(store: Store, *, bot: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    query = select(run_requests).order_by(rr.due_at.desc(), rr.id.desc()).limit(limit)
    if bot:
        query = query.where(rr.bot == bot)
    with store.read() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]

"""The durable work queue: enqueue, lease, move, fail, retry."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from clerk.audit.events import AuditLog
from clerk.errors import BusinessException, ItemNotFound
from clerk.queue._leasing import take_leases
from clerk.queue._moves import fenced_update, move, move_many
from clerk.queue.lease import EnqueueResult, Lease
from clerk.queue.settings import QueueSettings
from clerk.queue.states import LEASABLE, ItemState, Priority
from clerk.store import Store
from clerk.store.schema import item_attempts, work_items

wi = work_items.c
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class WorkQueue:
    """Every change of a work item goes through here, one transaction each,
    with its audit event. ``clock`` is injectable so tests can expire leases."""

    def __init__(self, store: Store, settings: QueueSettings | None = None,
                 audit: AuditLog | None = None, clock: Clock = utc_now):
        self.store = store
        self.settings = settings or QueueSettings()
        self.audit = audit or AuditLog()
        self.clock = clock

    # -- intake -----------------------------------------------------------
    def enqueue(self, bot: str, document_key: str, payload: dict[str, Any], *,
                priority: Priority = Priority.NORMAL, deadline: datetime | None = None,
                defer_until: datetime | None = None, state: ItemState = ItemState.COLLECTED,
                reason_code: str | None = None, actor: str = "intake",
                conn: Connection | None = None) -> EnqueueResult:
        """Add a document; a second enqueue of a live key is recorded as a duplicate."""
        if conn is not None:
            return self._enqueue(conn, bot, document_key, payload, priority, deadline,
                                 defer_until, state, reason_code, actor)
        with self.store.write() as own:
            return self._enqueue(own, bot, document_key, payload, priority, deadline,
                                 defer_until, state, reason_code, actor)

    def _enqueue(self, conn, bot, document_key, payload, priority, deadline, defer_until,  # noqa: ANN001
                 state, reason_code, actor) -> EnqueueResult:
        now = self.clock()
        row = {"bot": bot, "document_key": document_key, "state": state.value,
               "priority": int(priority), "deadline": deadline, "defer_until": defer_until,
               "queued_at": now, "available_at": max(now, defer_until or now),
               "max_attempts": self.settings.max_attempts, "payload": payload,
               "reason_code": reason_code, "created_at": now, "updated_at": now}
        item_id = self._insert_unless_live(conn, row)
        if item_id is None:
            return self._record_duplicate(conn, bot, document_key, actor, now)
        self.audit.append(conn, actor=actor, action="enqueued", item_id=item_id, at=now,
                          data={"bot": bot, "document_key": document_key, "state": state.value,
                                "reason_code": reason_code})
        return EnqueueResult(item_id, duplicate=False)

    def _insert_unless_live(self, conn: Connection, row: dict[str, Any]) -> int | None:
        # A savepoint keeps the caller's transaction usable when the unique
        # index refuses the row (a concurrent enqueue of the same key won).
        try:
            with conn.begin_nested():
                return conn.execute(insert(work_items).values(**row)
                                    .returning(wi.id)).scalar_one()
        except IntegrityError:
            return None

    def _record_duplicate(self, conn, bot, document_key, actor, now) -> EnqueueResult:  # noqa: ANN001
        live = conn.execute(select(wi.id).where(wi.bot == bot, wi.document_key == document_key,
                                                wi.superseded_by.is_(None))).scalar_one()
        conn.execute(update(work_items).where(wi.id == live)
                     .values(duplicates=wi.duplicates + 1))
        self.audit.append(conn, actor=actor, action="duplicate_received", item_id=live, at=now,
                          data={"document_key": document_key})
        return EnqueueResult(live, duplicate=True)

    # -- workers ----------------------------------------------------------
    def lease(self, worker: str, *, limit: int = 1, lease_seconds: float | None = None,
              bots: list[str] | None = None) -> list[Lease]:
        lease_for = timedelta(seconds=lease_seconds or self.settings.lease_seconds)
        with self.store.write() as conn:
            return take_leases(conn, self.audit, worker=worker, limit=limit, now=self.clock(),
                               lease_for=lease_for, bots=bots)

    def heartbeat(self, lease: Lease, lease_seconds: float | None = None) -> Lease:
        expires = self.clock() + timedelta(seconds=lease_seconds or self.settings.lease_seconds)
        with self.store.write() as conn:
            fenced_update(conn, lease, {"lease_expires_at": expires, "available_at": expires})
        return lease.extended_to(expires)

    def set_progress(self, lease: Lease, progress: str) -> None:
        with self.store.write() as conn:
            fenced_update(conn, lease, {"progress": progress[:2000], "updated_at": self.clock()})

    def advance(self, lease: Lease, to_state: ItemState, *, data: dict[str, Any] | None = None,
                **values: Any) -> Lease:
        """Move a leased item on; moving out of machine work ends the lease."""
        with self.store.write() as conn:
            move(conn, self.audit, item_id=lease.item_id, from_state=lease.state,
                 to_state=to_state, now=self.clock(), actor=lease.worker, lease=lease,
                 values=values, data=data)
        return lease.moved_to(to_state)

    def advance_many(self, leases: list[Lease], to_state: ItemState, *,
                     data: dict[str, Any] | None = None) -> list[Lease]:
        """Move many leased items in one transaction, each with its own guarded
        update and audit event; one refused move rolls back all of them."""
        with self.store.write() as conn:
            move_many(conn, self.audit, leases, to_state, self.clock(), data)
        return [lease.moved_to(to_state) for lease in leases]

    def release(self, lease: Lease) -> None:
        """Give the item back as it is, available to any worker now."""
        with self.store.write() as conn:
            fenced_update(conn, lease, {"lease_owner": None, "lease_expires_at": None,
                                        "available_at": self.clock()})

    def fail(self, lease: Lease, error: str | BaseException, *, code: str = "system_error",
             not_before_seconds: float | None = None) -> ItemState:
        """A system exception: retry later with backoff (at least ``not_before_seconds``),
        or review after the last attempt."""
        now, attempts = self.clock(), lease.attempts + 1
        message = _describe(error)
        with self.store.write() as conn:
            self._record_attempt(conn, lease, attempts, "failed", message, now)
            if attempts >= self.settings.max_attempts:
                move(conn, self.audit, item_id=lease.item_id, from_state=lease.state,
                     to_state=ItemState.NEEDS_REVIEW, now=now, actor=lease.worker, lease=lease,
                     action="needs_review",
                     values={"attempts": attempts, "reason_code": "system_exception",
                             "last_error": message, "retry_state": lease.state.value},
                     data={"reason": "system_exception", "code": code, "error": message,
                           "attempts": attempts})
                return ItemState.NEEDS_REVIEW
            delay = max(self._backoff(attempts), not_before_seconds or 0.0)
            retry_at = now + timedelta(seconds=delay)
            move(conn, self.audit, item_id=lease.item_id, from_state=lease.state,
                 to_state=ItemState.FAILED, now=now, actor=lease.worker, lease=lease,
                 values={"attempts": attempts, "last_error": message, "reason_code": code,
                         "retry_state": lease.state.value, "lease_owner": None,
                         "lease_expires_at": None, "available_at": retry_at},
                 data={"code": code, "error": message, "attempts": attempts,
                       "retry_at": retry_at})
            return ItemState.FAILED

    def business_exception(self, lease: Lease, exc: BusinessException,
                           findings: list[dict[str, Any]] | None = None) -> None:
        """A problem with the document itself: a person reviews it; never retried.
        An exception that carries ``findings`` (an e-invoice's rule breaches) keeps them."""
        if findings is None:
            findings = getattr(exc, "findings", None)
        now = self.clock()
        with self.store.write() as conn:
            self._record_attempt(conn, lease, lease.attempts, "business_exception",
                                 exc.message, now)
            move(conn, self.audit, item_id=lease.item_id, from_state=lease.state,
                 to_state=ItemState.NEEDS_REVIEW, now=now, actor=lease.worker, lease=lease,
                 values={"reason_code": exc.code, "last_error": exc.message,
                         **({"findings": findings} if findings is not None else {})},
                 data={"reason": exc.code, "message": exc.message, "field": exc.field})

    def quarantine(self, lease: Lease, reason: str, message: str) -> None:
        with self.store.write() as conn:
            move(conn, self.audit, item_id=lease.item_id, from_state=lease.state,
                 to_state=ItemState.QUARANTINED, now=self.clock(), actor=lease.worker,
                 lease=lease, values={"reason_code": reason, "last_error": message},
                 data={"reason": reason, "message": message})

    def _record_attempt(self, conn, lease, attempt, outcome, error, now) -> None:  # noqa: ANN001
        conn.execute(insert(item_attempts).values(
            item_id=lease.item_id, attempt=attempt, lease_token=lease.token,
            worker=lease.worker, state=lease.state.value, outcome=outcome, error=error, at=now))

    def _backoff(self, attempts: int) -> float:
        s = self.settings
        delay = min(s.backoff_base_seconds * 2 ** (attempts - 1), s.backoff_max_seconds)
        return delay * (1 - s.backoff_jitter * random.random())

    # -- reading ----------------------------------------------------------
    def get(self, item_id: int) -> dict[str, Any]:
        with self.store.read() as conn:
            row = conn.execute(select(work_items).where(wi.id == item_id)).first()
        if row is None:
            raise ItemNotFound(f"no work item {item_id}")
        return dict(row._mapping)

    def machine_work_left(self) -> int:
        """Items in a state a worker may lease, leased now or not: work is left."""
        with self.store.read() as conn:
            return conn.scalar(select(func.count()).select_from(work_items).where(
                work_items.c.state.in_([state.value for state in LEASABLE]))) or 0

    def count(self, **where: Any) -> int:
        with self.store.read() as conn:
            query = select(func.count()).select_from(work_items)
            for column, value in where.items():
                query = query.where(work_items.c[column] == value)
            return conn.scalar(query) or 0


def _describe(error: str | BaseException) -> str:
    if isinstance(error, str):
        return error[:4000]
    return f"{type(error).__name__}: {error}"[:4000]

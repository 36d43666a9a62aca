"""The hash chain over audit events, built off the hot path.

Workers only INSERT events. A sealer (one at a time: PostgreSQL advisory
transaction lock, SQLite's single writer) assigns each committed event the
next chain position ``seq`` and ``hash = SHA-256(prev_hash | canonical event)``
in batches, and writes a checkpoint (head hash, event count) every so often.
The chain order is the sealing order, not the id order, so an event whose
transaction commits late (PostgreSQL hands out ids before commit) simply
takes the next position when it becomes visible: nothing is skipped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select

from clerk.audit.events import as_utc
from clerk.locks import Lock, try_transaction_lock
from clerk.store import Store
from clerk.store.schema import audit_checkpoints, audit_events

GENESIS = "0" * 64


def event_hash(prev_hash: str, seq: int, row: Any) -> str:
    """SHA-256 over the previous hash and the event's fields, each length-prefixed
    (``<len>:<text>``) so no choice of field text can imitate another split.
    ``data`` is hashed as stored: it is already canonical JSON."""
    fields = (prev_hash, str(seq), str(row.id), as_utc(row.at).isoformat(timespec="microseconds"),
              row.actor, row.action, "" if row.item_id is None else str(row.item_id), row.data)
    return hashlib.sha256("".join(f"{len(f)}:{f}" for f in fields).encode()).hexdigest()


@dataclass(frozen=True)
class SealResult:
    sealed: int
    head_seq: int
    head_hash: str


def seal(store: Store, *, batch: int = 5000, checkpoint_every: int = 1000) -> SealResult:
    """Chain up to ``batch`` unsealed events; returns how many were sealed.
    Returns 0 at once when another sealer holds the lock."""
    with store.write() as conn:
        if store.is_postgresql and not try_transaction_lock(conn, Lock.AUDIT_SEALER):
            return SealResult(0, 0, "")
        head = conn.execute(select(audit_events.c.seq, audit_events.c.hash)
                            .where(audit_events.c.seq.is_not(None))
                            .order_by(audit_events.c.seq.desc()).limit(1)).first()
        seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
        rows = conn.execute(select(audit_events).where(audit_events.c.seq.is_(None))
                            .order_by(audit_events.c.id).limit(batch)).all()
        if not rows:
            return SealResult(0, seq, prev)
        updates = []
        for row in rows:
            seq += 1
            digest = event_hash(prev, seq, row)
            updates.append({"b_id": row.id, "seq": seq, "prev_hash": prev, "hash": digest})
            prev = digest
        _write_links(conn, updates)
        _checkpoint(conn, seq, prev, checkpoint_every)
        return SealResult(len(rows), seq, prev)


def _write_links(conn, updates: list[dict[str, Any]]) -> None:  # noqa: ANN001
    """One executemany straight to the driver: the sealer is the audit trail's
    hot loop, and SQLAlchemy's per-row parameter handling doubled its time."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(
        f"UPDATE audit_events SET seq = {mark}, prev_hash = {mark}, hash = {mark} WHERE id = {mark}",
        [(u["seq"], u["prev_hash"], u["hash"], u["b_id"]) for u in updates])


def _checkpoint(conn, seq: int, head_hash: str, every: int) -> None:  # noqa: ANN001
    last = conn.scalar(select(func.max(audit_checkpoints.c.seq))) or 0
    if seq - last >= every or last == 0:
        conn.execute(insert(audit_checkpoints), [{"seq": seq, "head_hash": head_hash,
                                                  "event_count": seq, "at": datetime.now(UTC)}])


def seal_all(store: Store, *, batch: int = 5000, checkpoint_every: int = 1000) -> int:
    total = 0
    while (result := seal(store, batch=batch, checkpoint_every=checkpoint_every)).sealed:
        total += result.sealed
    return total


def unsealed_count(store: Store) -> int:
    with store.read() as conn:
        return conn.scalar(select(func.count()).select_from(audit_events)
                           .where(audit_events.c.seq.is_(None))) or 0


def sealing_lag_seconds(store: Store) -> float:
    """Age of the oldest event not yet sealed (0 when all are sealed)."""
    with store.read() as conn:
        oldest = conn.scalar(select(func.min(audit_events.c.at))
                             .where(audit_events.c.seq.is_(None)))
    return 0.0 if oldest is None else (datetime.now(UTC) - as_utc(oldest)).total_seconds()

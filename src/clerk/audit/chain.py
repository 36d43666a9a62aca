"""The hash chain over audit events, built off the hot path.

Workers only INSERT events. A sealer (one at a time: PostgreSQL advisory
transaction lock, SQLite's single writer) assigns each committed event the
next chain position ``seq`` and ``hash = SHA-256(prev_hash | canonical event)``
in batches, links each event to its item's previous one (``item_prev_seq``), and
every so often writes a checkpoint: the Merkle tree head over the chain, signed
when the project has a key (``checkpoint.py``).
The chain order is the sealing order, not the id order, so an event whose
transaction commits late (PostgreSQL hands out ids before commit) simply
takes the next position when it becomes visible: nothing is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from clerk.audit.checkpoint import Checkpoint, last_checkpoint_seq, write_checkpoint
from clerk.audit.events import as_utc
from clerk.locks import Lock, try_transaction_lock
from clerk.audit.offline import chain_hash
from clerk.audit.signing import CheckpointSigner
from clerk.store import Store
from clerk.store.schema import audit_events

GENESIS = "0" * 64


_FROM_ROW: Any = object()


def event_hash(prev_hash: str, seq: int, row: Any, item_prev_seq: Any = _FROM_ROW) -> str:
    """The chain hash of ``row`` at ``seq`` (``offline.chain_hash``: length-prefixed
    fields). ``data`` is hashed as stored: it is already canonical JSON. The item
    link is the row's own unless given (the sealer gives it while sealing)."""
    link = getattr(row, "item_prev_seq", None) if item_prev_seq is _FROM_ROW else item_prev_seq
    return chain_hash(prev_hash, seq, row.id, as_utc(row.at).isoformat(timespec="microseconds"),
                      row.actor, row.action, row.item_id, row.data, link)


@dataclass(frozen=True)
class SealResult:
    sealed: int
    head_seq: int
    head_hash: str
    checkpoint: Checkpoint | None = None


def seal(store: Store, *, batch: int = 5000, checkpoint_every: int = 1000,
         signer: CheckpointSigner | None = None, force_checkpoint: bool = False) -> SealResult:
    """Chain up to ``batch`` unsealed events; returns how many were sealed and the
    checkpoint written, if one was due (or forced and the head moved since the last).
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
        updates = _links(conn, rows, seq, prev)
        _write_links(conn, updates)
        head_seq, head_hash = (updates[-1]["seq"], updates[-1]["hash"]) if updates else (seq, prev)
        last = last_checkpoint_seq(conn)
        due = head_seq > last and (force_checkpoint or head_seq - last >= checkpoint_every or last == 0)
        point = write_checkpoint(conn, seq, updates, signer) if due else None
        return SealResult(len(rows), head_seq, head_hash, point)


def _links(conn, rows: list[Any], seq: int, prev: str) -> list[dict[str, Any]]:  # noqa: ANN001
    """Chain positions, hashes and item links for ``rows``, in order after ``seq``."""
    last_of_item = _last_sealed_of(conn, {row.item_id for row in rows if row.item_id is not None})
    updates = []
    for row in rows:
        seq += 1
        link = None if row.item_id is None else last_of_item.get(row.item_id, 0)
        if row.item_id is not None:
            last_of_item[row.item_id] = seq
        digest = event_hash(prev, seq, row, link)
        updates.append({"b_id": row.id, "seq": seq, "prev_hash": prev, "hash": digest, "link": link})
        prev = digest
    return updates


def _last_sealed_of(conn, item_ids: set[int]) -> dict[int, int]:  # noqa: ANN001
    if not item_ids:
        return {}
    rows = conn.execute(select(audit_events.c.item_id, func.max(audit_events.c.seq))
                        .where(audit_events.c.item_id.in_(sorted(item_ids)),
                               audit_events.c.seq.is_not(None))
                        .group_by(audit_events.c.item_id))
    return {item_id: seq for item_id, seq in rows}


def _write_links(conn, updates: list[dict[str, Any]]) -> None:  # noqa: ANN001
    """One executemany straight to the driver: the sealer is the audit trail's
    hot loop, and SQLAlchemy's per-row parameter handling doubled its time."""
    if not updates:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(
        f"UPDATE audit_events SET seq = {mark}, prev_hash = {mark}, hash = {mark}, "
        f"item_prev_seq = {mark} WHERE id = {mark}",
        [(u["seq"], u["prev_hash"], u["hash"], u["link"], u["b_id"]) for u in updates])


def seal_all(store: Store, *, batch: int = 5000, checkpoint_every: int = 1000,
             signer: CheckpointSigner | None = None, checkpoint: bool = False) -> int:
    """Seal every committed event; with ``checkpoint``, end on a checkpoint at the head."""
    total = 0
    while (result := seal(store, batch=batch, checkpoint_every=checkpoint_every,
                          signer=signer)).sealed:
        total += result.sealed
    if checkpoint:
        seal(store, batch=batch, checkpoint_every=checkpoint_every, signer=signer,
             force_checkpoint=True)
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

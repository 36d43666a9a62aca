"""Checkpoints: the signed head of the Merkle tree over the sealed chain.

A checkpoint says "the first N sealed events have Merkle root R and chain head
H, at time T", signed with the project's Ed25519 key. Written by the sealer in
the sealing transaction; copied afterwards to places outside the database
(``publish.py``), where an operator who rewrites the database cannot follow.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from clerk.audit.events import as_utc
from clerk.audit.merkle import Frontier
from clerk.audit.signing import CheckpointSigner
from clerk.errors import SystemException
from clerk.store import Store
from clerk.store.schema import audit_checkpoints, audit_events

cp = audit_checkpoints.c
PAGE = 50_000


@dataclass(frozen=True)
class Checkpoint:
    """A tree head as auditors receive it (``as_dict`` is its JSON form)."""

    tree_size: int
    root_hash: str
    head_hash: str
    at: str
    key_id: str | None = None
    signature: str | None = None

    @property
    def signed(self) -> bool:
        return self.signature is not None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True)

    @classmethod
    def from_row(cls, row: Any) -> Checkpoint:
        return cls(tree_size=row.seq, root_hash=row.root_hash, head_hash=row.head_hash,
                   at=as_utc(row.at).isoformat(timespec="microseconds"), key_id=row.key_id,
                   signature=row.signature)


def write_checkpoint(conn: Connection, head_before: int, sealed: list[dict[str, Any]],
                     signer: CheckpointSigner | None) -> Checkpoint:
    """The tree head after ``sealed`` (this batch, chained after ``head_before``),
    stored with its frontier and, given a signer, its signature."""
    tree = frontier_at(conn, head_before)
    tree.extend(update["hash"] for update in sealed)
    head_hash = sealed[-1]["hash"] if sealed else _chain_hash_at(conn, tree.size)
    at = datetime.now(UTC)
    point = Checkpoint(tree.size, tree.root().hex(), head_hash,
                       at.isoformat(timespec="microseconds"))
    if signer is not None:
        point = Checkpoint(**{**point.as_dict(), "key_id": signer.key_id})
        point = Checkpoint(**{**point.as_dict(), "signature": signer.sign(point.as_dict())})
    conn.execute(insert(audit_checkpoints), [{
        "seq": point.tree_size, "head_hash": point.head_hash, "event_count": point.tree_size,
        "at": at, "root_hash": point.root_hash, "frontier": json.dumps(tree.to_hex()),
        "signature": point.signature, "key_id": point.key_id}])
    return point


def frontier_at(conn: Connection, size: int) -> Frontier:
    """The tree's right edge after ``size`` sealed events: from the last checkpoint
    at or below ``size`` that kept one, plus the events since."""
    row = conn.execute(select(cp.seq, cp.frontier).where(cp.seq <= size, cp.frontier.is_not(None))
                       .order_by(cp.seq.desc()).limit(1)).first()
    tree = Frontier.from_hex(row.seq, json.loads(row.frontier)) if row else Frontier()
    while tree.size < size:
        upto = min(size, tree.size + PAGE)
        hashes = conn.execute(select(audit_events.c.hash).where(
            audit_events.c.seq > tree.size, audit_events.c.seq <= upto)
            .order_by(audit_events.c.seq)).scalars().all()
        if len(hashes) != upto - tree.size:
            raise SystemException(f"sealed events between {tree.size} and {upto} are missing: "
                                  "no checkpoint over a broken chain (run `clerk audit verify`)",
                                  code="audit_chain_broken")
        tree.extend(hashes)
    return tree


def _chain_hash_at(conn: Connection, seq: int) -> str:
    return conn.scalar(select(audit_events.c.hash).where(audit_events.c.seq == seq)) or ""


def last_checkpoint_seq(conn: Connection) -> int:
    return conn.scalar(select(cp.seq).order_by(cp.seq.desc()).limit(1)) or 0


def latest_checkpoint(store: Store, *, signed: bool = True) -> Checkpoint | None:
    query = select(audit_checkpoints).where(cp.root_hash.is_not(None))
    if signed:
        query = query.where(cp.signature.is_not(None))
    with store.read() as conn:
        row = conn.execute(query.order_by(cp.seq.desc()).limit(1)).first()
    return Checkpoint.from_row(row) if row else None


def checkpoint_of_size(store: Store, size: int) -> Checkpoint | None:
    with store.read() as conn:
        row = conn.execute(select(audit_checkpoints).where(cp.seq == size)).first()
    return Checkpoint.from_row(row) if row and row.root_hash else None

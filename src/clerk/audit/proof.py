"""Proofs for auditors: one record's events, proven to be in the signed trail.

``prove_record`` writes what ``offline.py`` checks: the record's sealed events
(every item of its retry chain) as stored, each with its RFC 9162 inclusion
proof against the latest signed checkpoint, and, given the tree size of a
checkpoint the auditor already holds, the consistency proof from it.

The prover reports what the database holds; it does not judge it. Where an
event is gone from the chain, its hash is taken from its successor's
``prev_hash`` so the other events can still be proven and the verifier names
the gap; a checkpoint the database can no longer rebuild is skipped for the
newest one it can.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from clerk.audit.checkpoint import Checkpoint
from clerk.audit.events import as_utc
from clerk.audit.merkle import MerkleTree
from clerk.audit.offline import PROOF_FORMAT
from clerk.errors import ClerkError
from clerk.queue.inspect import item_history
from clerk.review.lineage import find_item
from clerk.store import Store
from clerk.store.schema import audit_checkpoints, audit_events

ae, cp = audit_events.c, audit_checkpoints.c
PAGE = 50_000


class ProofError(ClerkError):
    """No proof can be made (unknown record, no signed checkpoint yet)."""


def prove_record(store: Store, ref: str, *, held_size: int | None = None) -> dict[str, Any]:
    """The proof document for the item id or ERP reference ``ref``."""
    item_id = find_item(store, ref.strip()[:200]) if ref.strip() else None
    if item_id is None:
        raise ProofError(f"no work item or ERP record {ref!r}")
    items = item_history(store, item_id)["retry_chain"]
    point, tree = _provable_checkpoint(store)
    events = _record_events(store, items, point.tree_size)
    if not events:
        raise ProofError(f"record {ref!r} has no event sealed under checkpoint {point.tree_size} "
                         "yet: seal and checkpoint first (`clerk audit checkpoint`)")
    for event in events:
        event["inclusion"] = [h.hex() for h in tree.inclusion(event["seq"] - 1)]
    proof: dict[str, Any] = {"format": PROOF_FORMAT, "record": {"ref": ref, "items": items},
                             "checkpoint": point.as_dict(), "events": events}
    if held_size is not None:
        path = tree.consistency(held_size) if 0 < held_size <= tree.size else []
        proof["consistency"] = {"from_size": held_size, "path": [h.hex() for h in path]}
    return proof


def _provable_checkpoint(store: Store) -> tuple[Checkpoint, MerkleTree]:
    """The newest signed checkpoint whose tree the database can rebuild, and that tree."""
    with store.read() as conn:
        rows = conn.execute(select(audit_checkpoints).where(cp.signature.is_not(None),
                                                            cp.root_hash.is_not(None))
                            .order_by(cp.seq.desc())).all()
    if not rows:
        raise ProofError("no signed checkpoint yet: set [audit] signing_key "
                         "(`clerk audit key generate`) and run `clerk audit checkpoint`")
    leaves = _leaves(store, rows[0].seq)
    for row in rows:
        if row.seq <= len(leaves) and None not in leaves[:row.seq]:
            return Checkpoint.from_row(row), MerkleTree(leaves[:row.seq])
    raise ProofError("the database no longer holds the events of any signed checkpoint: "
                     "`clerk audit verify` names what is missing")


def _leaves(store: Store, size: int) -> list[str | None]:
    """Chain hashes by position 1..size; a missing position takes its successor's ``prev_hash``."""
    leaves: list[str | None] = [None] * size
    with store.read() as conn:
        # The trail's longest read: straight to the driver, only the two columns needed.
        rows = conn.exec_driver_sql(
            f"SELECT seq, hash FROM audit_events WHERE seq >= 1 AND seq <= {int(size)}")
        for seq, digest in rows:
            leaves[seq - 1] = digest
        gaps = [position for position, leaf in enumerate(leaves) if leaf is None]
        if gaps:
            witnesses = dict(conn.execute(select(ae.seq, ae.prev_hash).where(
                ae.seq.in_([position + 2 for position in gaps[:PAGE]]))).all())
            for position in gaps[:PAGE]:
                leaves[position] = witnesses.get(position + 2)
    while leaves and leaves[-1] is None:
        leaves.pop()
    return leaves


def _record_events(store: Store, items: list[int], size: int) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(select(audit_events).where(ae.item_id.in_(items), ae.seq.is_not(None),
                                                       ae.seq <= size).order_by(ae.seq)).all()
    return [{"seq": row.seq, "id": row.id, "at": as_utc(row.at).isoformat(timespec="microseconds"),
             "actor": row.actor, "action": row.action, "item_id": row.item_id, "data": row.data,
             "prev_hash": row.prev_hash, "hash": row.hash, "item_prev_seq": row.item_prev_seq}
            for row in rows]

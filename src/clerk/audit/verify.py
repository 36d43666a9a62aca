"""Recomputing the audit chain: names the first event that does not fit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from clerk.audit.chain import GENESIS, event_hash
from clerk.audit.merkle import Frontier
from clerk.audit.offline import leaf_hash
from clerk.store import Store
from clerk.store.schema import audit_checkpoints, audit_events

PAGE = 5000


@dataclass
class VerifyReport:
    ok: bool
    sealed: int
    unsealed: int
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    problem: str | None = None
    checkpoints: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def verify(store: Store, progress: Callable[[int, int], None] | None = None) -> VerifyReport:
    """Walk the sealed chain in order; report the first edited, deleted or reordered event."""
    with store.read() as conn:
        sealed = conn.scalar(select(func.count()).select_from(audit_events)
                             .where(audit_events.c.seq.is_not(None))) or 0
        unsealed = conn.scalar(select(func.count()).select_from(audit_events)
                               .where(audit_events.c.seq.is_(None))) or 0
        checkpoints = {row.seq: row for row in conn.execute(select(audit_checkpoints))}
    report = VerifyReport(ok=True, sealed=sealed, unsealed=unsealed, checkpoints=len(checkpoints))
    expected_seq, prev, tree = 1, GENESIS, Frontier()
    with store.read() as conn:
        last_seq = 0
        while True:
            rows = conn.execute(select(audit_events).where(audit_events.c.seq > last_seq)
                                .order_by(audit_events.c.seq).limit(PAGE)).all()
            if not rows:
                break
            for row in rows:
                problem = _check(row, expected_seq, prev, checkpoints)
                if problem is None:
                    tree.append(leaf_hash(row.hash))
                    problem = _check_root(tree, checkpoints.get(row.seq))
                if problem:
                    return _broken(report, row, problem, min(row.seq, expected_seq))
                prev, expected_seq, last_seq = row.hash, expected_seq + 1, row.seq
            if progress:
                progress(last_seq, sealed)
    return _check_tail(report, expected_seq - 1, checkpoints)


def _check(row, expected_seq: int, prev: str, checkpoints: dict) -> str | None:  # noqa: ANN001
    if row.seq != expected_seq:
        return f"chain position {expected_seq} is missing (next present is {row.seq}): deleted event"
    if row.prev_hash != prev:
        return "its link to the previous event is broken: an event was deleted, inserted or reordered"
    if event_hash(prev, row.seq, row) != row.hash:
        return "its content does not match its hash: the event was edited"
    point = checkpoints.get(row.seq)
    if point is not None and point.head_hash != row.hash:
        return f"checkpoint at {row.seq} records another head hash: the chain was rewritten"
    return None


def _check_root(tree: Frontier, point) -> str | None:  # noqa: ANN001
    if point is None or getattr(point, "root_hash", None) is None:
        return None
    if tree.root().hex() != point.root_hash:
        return f"checkpoint at {tree.size} records another Merkle root: the chain was rewritten"
    return None


def _broken(report: VerifyReport, row, problem: str, seq: int) -> VerifyReport:  # noqa: ANN001
    report.ok = False
    report.first_bad_seq = seq
    report.first_bad_id = row.id
    report.problem = problem
    return report


def _check_tail(report: VerifyReport, last_seq: int, checkpoints: dict) -> VerifyReport:
    beyond = [seq for seq in checkpoints if seq > last_seq]
    if beyond:
        report.ok = False
        report.first_bad_seq = last_seq + 1
        report.problem = (f"checkpoint at {max(beyond)} counts events the chain no longer has "
                          f"(chain ends at {last_seq}): sealed events were deleted from the end")
    return report

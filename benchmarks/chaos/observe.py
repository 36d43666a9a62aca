"""Watching a worker from outside, to kill it in the phase the harness wants.

Phases are read from what the worker leaves in the store and the ERP, not from
hooks inside it:

- ``drafting``: the worker leases items in ``posting`` whose key is not yet on
  any ERP record (the draft call is due or running);
- ``posting``: the worker holds the fleet's posting turn (its row in
  ``posting_turns``): its posting call is running in the ERP;
- ``acknowledging``: the ERP has posted invoices for items the worker still
  holds in ``posting`` (it is writing their ``posted`` moves).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import select

from clerk.project import Project
from clerk.queue import ItemState
from clerk.store.schema import posting_turns, work_items

from benchmarks.chaos.erp import ChaosErp
from benchmarks.chaos.fleet import WorkerProcess

wi = work_items.c
PHASES = ("drafting", "posting", "acknowledging")


def held_items(project: Project, worker: WorkerProcess) -> list[tuple[int, str, str, str | None]]:
    """(id, state, lease owner, key) of the items ``worker`` leases."""
    with project.store.read() as conn:
        return [tuple(row) for row in conn.execute(
            select(wi.id, wi.state, wi.lease_owner, wi.idempotency_key)
            .where(wi.lease_owner.like(worker.owner_pattern)))]


class PostingTurn:
    """Who holds the fleet's posting turn right now: a worker's pid, or None.
    The turn is a row in the store (``posting_turns``); its holder is
    ``host:pid:thread`` while a posting call may be running."""

    def __init__(self, project: Project):
        self.project = project

    def holder(self) -> int | None:
        with self.project.store.read() as conn:
            holder = conn.execute(select(posting_turns.c.holder)
                                  .where(posting_turns.c.holder.is_not(None))).scalar()
        return int(holder.split(":")[1]) if holder else None


def in_phase(phase: str, worker: WorkerProcess, project: Project, erp: ChaosErp,
             turn: PostingTurn) -> bool:
    if phase == "posting":
        return turn.holder() == worker.pid
    posting = [row for row in held_items(project, worker) if row[1] == ItemState.POSTING.value]
    if not posting:
        return False
    records = {record.key: record for record in erp.records([row[3] for row in posting])}
    if phase == "drafting":
        return any(row[3] not in records for row in posting)
    return any(records.get(row[3]) and records[row[3]].state == "posted" for row in posting)


@dataclass
class Recovery:
    """One killed worker's items: taken up again when every one of them has
    left the state and owner it had at the kill (leased by another worker
    once its lease expired, or settled)."""

    phase: str
    killed_at: float
    items: dict[int, tuple[str, str]]          # id -> (state, lease owner) at the kill
    first_at: float | None = None              # the first of them taken up again
    recovered_at: float | None = None          # the last of them

    @property
    def seconds(self) -> float | None:
        return None if self.recovered_at is None else self.recovered_at - self.killed_at


@dataclass
class Recoveries:
    project: Project
    pending: list[Recovery] = field(default_factory=list)
    done: list[Recovery] = field(default_factory=list)

    def killed(self, phase: str, held: list[tuple[int, str, str, str | None]]) -> None:
        items = {row[0]: (row[1], row[2]) for row in held}
        if items:
            self.pending.append(Recovery(phase, time.monotonic(), items))

    def update(self) -> None:
        if not self.pending:
            return
        ids = [item for recovery in self.pending for item in recovery.items]
        with self.project.store.read() as conn:
            now = {row.id: (row.state, row.lease_owner) for row in conn.execute(
                select(wi.id, wi.state, wi.lease_owner).where(wi.id.in_(ids)))}
        moment = time.monotonic()
        for recovery in list(self.pending):
            moved = [now.get(item) != at_kill for item, at_kill in recovery.items.items()]
            if recovery.first_at is None and any(moved):
                recovery.first_at = moment
            if all(moved):
                recovery.recovered_at = moment
                self.pending.remove(recovery)
                self.done.append(recovery)

"""Work items as robots see them, and the loop that takes them one by one.

A handler (a bot's pipeline, a ``module:function``, or a robot keyword) gets
each item of the run's bot in turn; what it raises decides where the item
goes, exactly as in ``clerk worker``. Per-item detail goes to the queue and
the audit trail; the run keeps only the totals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clerk.errors import LeaseLost
from clerk.queue import ItemState, Lease, WorkQueue
from clerk.queue.states import LEASABLE
from clerk.runner.context import RunContext

Handler = Callable[[WorkQueue, Lease], Any]


@dataclass
class WorkItem:
    """One leased item in a robot: ``${item.id}``, ``${item.state}``, ``${item.document_key}``.

    Step keywords replace ``lease`` as the item moves; ``settled`` is set
    once the item left the machine's hands (review, quarantine, failure)."""

    lease: Lease
    settled: bool = False

    @property
    def id(self) -> int:
        return self.lease.item_id

    @property
    def state(self) -> str:
        return self.lease.state.value

    @property
    def document_key(self) -> str:
        return self.lease.document_key

    def __str__(self) -> str:
        return f"work item {self.id} ({self.state})"


def drain(context: RunContext, handler: Handler, *, limit: int | None = None) -> Counter[str]:
    """Lease and handle this bot's ready items until none are left (or ``limit``);
    returns how many ended in each state. Each item is handled once per call:
    one the handler left ready (neither moved on nor failed) stays leased until
    the end, then is given back for the next run, so it is not taken again at once."""
    from clerk.keywords._steps import take_step

    queue = context.project.queue
    name = f"{context.worker}:run:{context.run_id}"
    outcomes: Counter[str] = Counter()
    held: list[Lease] = []
    batch = context.project.settings.worker.lease_batch
    try:
        while limit is None or sum(outcomes.values()) < limit:
            want = batch if limit is None else min(batch, limit - sum(outcomes.values()))
            leases = queue.lease(name, limit=want, bots=[context.bot.name])
            if not leases:
                break
            for lease in leases:
                item = WorkItem(lease)
                state = take_step(queue, item, _returning_lease(handler), "work item")
                outcomes[state] += 1
                if not item.settled and ItemState(state) in LEASABLE:
                    held.append(item.lease)
    finally:
        _give_back(queue, held)
    for state, amount in outcomes.items():
        context.count(state, amount)
    return outcomes


def _returning_lease(handler: Handler) -> Callable[[WorkQueue, Lease], Lease]:
    def step(queue: WorkQueue, lease: Lease) -> Lease:
        outcome = handler(queue, lease)
        if isinstance(outcome, Lease):
            return outcome
        return lease.moved_to(ItemState(queue.get(lease.item_id)["state"]))
    return step


def _give_back(queue: WorkQueue, leases: list[Lease]) -> None:
    for lease in leases:
        try:
            queue.release(lease)
        except LeaseLost:
            pass  # expired and taken by another worker: theirs now


def summary_line(outcomes: Counter[str]) -> str:
    if not outcomes:
        return "no work items were ready"
    parts = ", ".join(f"{amount} {state}" for state, amount in sorted(outcomes.items()))
    return f"{sum(outcomes.values())} work item(s): {parts}"

"""Property-based: random operation sequences never reach an illegal state."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from clerk.errors import BusinessException, IllegalTransition, LeaseLost
from clerk.queue import ItemState, QueueSettings, WorkQueue
from clerk.queue.people import RERUNNABLE, requeue, retry
from clerk.queue.states import ALLOWED, LEASABLE, TERMINAL
from clerk.store import open_store
from clerk.store.schema import work_items
from tests.fixtures.store import FakeClock

STATES = list(ItemState)
_TEMPLATE = tempfile.TemporaryDirectory()
_TEMPLATE_DB = Path(_TEMPLATE.name) / "migrated.db"
open_store(f"sqlite:///{_TEMPLATE_DB}").dispose()  # migrate once, copy per example


class QueueMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.TemporaryDirectory()
        database = Path(self.dir.name) / "q.db"
        shutil.copy(_TEMPLATE_DB, database)
        self.store = open_store(f"sqlite:///{database}")
        self.clock = FakeClock()
        self.queue = WorkQueue(self.store, QueueSettings(lease_seconds=30, max_attempts=3,
                                                         backoff_base_seconds=5,
                                                         backoff_jitter=0), clock=self.clock)
        self.leases: list = []
        self.seen: dict[int, list[str]] = {}

    def teardown(self) -> None:
        self.store.dispose()
        self.dir.cleanup()

    @rule(key=st.integers(0, 5))
    def enqueue(self, key: int) -> None:
        self.queue.enqueue("bot", f"k{key}", {})

    @rule(worker=st.sampled_from(["w1", "w2"]), limit=st.integers(1, 3))
    def lease(self, worker: str, limit: int) -> None:
        self.leases.extend(self.queue.lease(worker, limit=limit))

    @precondition(lambda self: self.leases)
    @rule(index=st.integers(0, 50), to_state=st.sampled_from(STATES))
    def advance(self, index: int, to_state: ItemState) -> None:
        target = to_state
        lease = self.leases[index % len(self.leases)]
        try:
            moved = self.queue.advance(lease, target)
        except IllegalTransition:
            assert target not in ALLOWED[lease.state] or self._changed(lease)
            return
        except LeaseLost:
            return
        assert target in ALLOWED[lease.state]
        self.leases[index % len(self.leases)] = moved

    @precondition(lambda self: self.leases)
    @rule(index=st.integers(0, 50), kind=st.sampled_from(["fail", "business", "release"]))
    def settle(self, index: int, kind: str) -> None:
        lease = self.leases.pop(index % len(self.leases))
        try:
            if kind == "fail":
                self.queue.fail(lease, "boom")
            elif kind == "business":
                self.queue.business_exception(lease, BusinessException("bad", "bad"))
            else:
                self.queue.release(lease)
        except (LeaseLost, IllegalTransition):
            pass

    @rule(seconds=st.sampled_from([1, 10, 31, 100]))
    def time_passes(self, seconds: int) -> None:
        self.clock.advance(seconds)

    @rule(item=st.integers(1, 8), kind=st.sampled_from(["retry", "requeue"]))
    def person_acts(self, item: int, kind: str) -> None:
        try:
            if kind == "retry":
                retry(self.queue, item, actor="op")
            else:
                requeue(self.queue, item, actor="op")
        except Exception as exc:  # noqa: BLE001
            assert type(exc).__name__ in {"IllegalTransition", "ItemNotFound"}, exc

    def _changed(self, lease) -> bool:  # noqa: ANN001
        return self.queue.get(lease.item_id)["state"] != lease.state.value

    @invariant()
    def states_are_legal(self) -> None:
        with self.store.read() as conn:
            rows = list(conn.execute(work_items.select()))
        live_keys = [r.document_key for r in rows if r.superseded_by is None]
        assert len(live_keys) == len(set(live_keys)), "two live items for one key"
        for row in rows:
            state = ItemState(row.state)
            history = self.seen.setdefault(row.id, [])
            # every rule moves an item at most one step, so each change seen is one move
            if history and history[-1] != row.state:
                assert state in ALLOWED[ItemState(history[-1])], (history, row.state)
            history.append(row.state)
            if state not in LEASABLE or state == ItemState.FAILED:
                assert row.lease_owner is None, f"{state} item holds a lease"
            if state in TERMINAL and row.superseded_by is None:
                assert state in RERUNNABLE or state == ItemState.POSTED
            assert row.attempts <= row.max_attempts


TestQueueStateMachine = QueueMachine.TestCase
TestQueueStateMachine.settings = settings(max_examples=40, stateful_step_count=30, deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow])

"""Debounce, coalesce and max_instances for trigger events, on the real store."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from clerk.audit.events import AuditLog
from clerk.runner.tables import run_requests
from clerk.triggers.fire import TriggerGate
from clerk.triggers.model import QueueTrigger
from tests.integration.scheduler.conftest import clean_store, wait_for  # noqa: F401

pytestmark = pytest.mark.integration


def gate_for(store, *, coalesce: bool, max_instances: int, debounce: str = "0.3s") -> TriggerGate:  # noqa: ANN001
    spec = QueueTrigger(kind="queue", min_items=1, coalesce=coalesce, max_instances=max_instances,
                        debounce=debounce)
    return TriggerGate(store, AuditLog(), "bot", spec, "test-leader")


def requested(store) -> int:  # noqa: ANN001
    with store.read() as conn:
        return len(conn.execute(select(run_requests.c.id)).all())


def test_a_burst_of_events_asks_once(clean_store):  # noqa: ANN001
    gate = gate_for(clean_store, coalesce=False, max_instances=5)
    try:
        for _ in range(20):
            gate.event()
        wait_for(lambda: gate.bursts == 1, what="the burst decided")
        assert requested(clean_store) == 1
    finally:
        gate.close()


@pytest.mark.parametrize(("coalesce", "max_instances", "expected"),
                         [(True, 5, 1), (False, 5, 3), (False, 2, 2)])
def test_bursts_while_a_run_is_queued(clean_store, coalesce, max_instances, expected):  # noqa: ANN001
    gate = gate_for(clean_store, coalesce=coalesce, max_instances=max_instances, debounce="0s")
    try:
        for burst in range(1, 4):
            gate.event()
            wait_for(lambda: gate.bursts == burst, what=f"burst {burst} decided")
        assert requested(clean_store) == expected
        assert len(gate.requests) == expected
    finally:
        gate.close()

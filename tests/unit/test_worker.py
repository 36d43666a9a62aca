"""The worker's batch path, on SQLite and PostgreSQL: the next batch is prepared
while the last one posts, every item ends settled, and an ERP that refuses
clerk's credentials stops the worker with every lease given back."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest

from clerk.config import Settings
from clerk.errors import ErpAuthError
from clerk.queue import ItemState, Lease, WorkQueue
from clerk.worker import Worker
from tests.helpers.projects import drain_worker

TO_POSTING = (ItemState.EXTRACTED, ItemState.VALIDATED, ItemState.POSTING)


@dataclass
class Prepared:
    outcomes: list


class TwoHalfHandler:
    """A batch handler with the pipeline's two halves over the real queue:
    ``prepare_batch`` takes items to ``posting``, ``finish_batch`` to ``posted``.
    Finishing the first batch waits (bounded) until the second has been
    prepared, which can only happen if the worker overlaps the two."""

    def __init__(self, refuse_login: bool = False):
        self.refuse_login = refuse_login
        self.prepared_batches = 0
        self.finished_batches = 0
        self.second_prepared = threading.Event()
        self.overlapped = False
        self.most_in_hand = 0
        self._in_hand = 0
        self._lock = threading.Lock()

    def __call__(self, queue: WorkQueue, lease: Lease) -> Lease:
        raise AssertionError("a batch of more than one item takes the batch path")

    def process_batch(self, queue: WorkQueue, leases: list[Lease]) -> list:
        return self.finish_batch(queue, self.prepare_batch(queue, leases))

    def prepare_batch(self, queue: WorkQueue, leases: list[Lease]) -> Prepared:
        outcomes = []
        for lease in leases:
            for state in TO_POSTING:
                lease = queue.advance(lease, state)
            outcomes.append(lease)
        with self._lock:
            self.prepared_batches += 1
            self._in_hand += 1
            self.most_in_hand = max(self.most_in_hand, self._in_hand)
        if self.prepared_batches == 2:
            self.second_prepared.set()
        return Prepared(outcomes)

    def finish_batch(self, queue: WorkQueue, prepared: Prepared) -> list:
        with self._lock:
            first = self.finished_batches == 0
            self.finished_batches += 1
        if first:
            self.overlapped = self.second_prepared.wait(timeout=10)
        with self._lock:
            self._in_hand -= 1
        if self.refuse_login:
            return [ErpAuthError("Tryton refused the login of 'admin'")] * len(prepared.outcomes)
        return [queue.advance(lease, ItemState.POSTED) for lease in prepared.outcomes]


def _worker(queue: WorkQueue, tmp_path, handler: TwoHalfHandler, in_flight: int = 2) -> Worker:  # noqa: ANN001
    settings = Settings(project_dir=tmp_path, worker={"lease_batch": 3, "poll_seconds": 0.01,
                                                      "batches_in_flight": in_flight})
    return Worker(queue, settings, {"ap": handler}, seal_audit=False)


def _drain(worker: Worker):  # noqa: ANN202
    # A failed item would wait for its backoff on the test's frozen clock: the
    # stop after 30 s turns that hang into a failure.
    return drain_worker(worker, timeout=30)


def test_next_batch_is_prepared_while_the_last_one_posts(queue, tmp_path):
    items = [queue.enqueue("ap", f"doc-{n}", {}).item_id for n in range(9)]
    handler = TwoHalfHandler()
    stats = _drain(_worker(queue, tmp_path, handler))
    assert handler.overlapped, "batch 2 was not prepared while batch 1 was posting"
    assert handler.most_in_hand == 2, "a worker holds at most two batches"
    assert stats.processed == 9 and stats.failed == 0
    assert {queue.get(item)["state"] for item in items} == {"posted"}


def test_one_batch_in_flight_does_not_overlap(queue, tmp_path):
    for n in range(6):
        queue.enqueue("ap", f"doc-{n}", {})
    handler = TwoHalfHandler()
    handler.second_prepared.wait = lambda timeout: handler.second_prepared.is_set()  # no waiting
    stats = _drain(_worker(queue, tmp_path, handler, in_flight=1))
    assert not handler.overlapped and handler.most_in_hand == 1
    assert stats.processed == 6


def test_refused_login_while_posting_stops_the_worker_and_gives_every_lease_back(queue, tmp_path):
    items = [queue.enqueue("ap", f"doc-{n}", {}).item_id for n in range(6)]
    worker = _worker(queue, tmp_path, TwoHalfHandler(refuse_login=True))
    with pytest.raises(ErpAuthError):
        _drain(worker)
    rows = [queue.get(item) for item in items]
    assert {row["state"] for row in rows} == {"posting"}, "items stay where they were"
    assert all(row["lease_owner"] is None for row in rows), "no lease is left to expire"
    assert worker.stats.failed == 0 and worker.stats.processed == 0


def test_a_failing_erp_logs_one_line_per_retry_and_its_traceback_once(queue, tmp_path, caplog):
    import logging

    from clerk.errors import ErpUnavailable

    def unreachable(queue, lease):  # noqa: ANN001, ANN202
        raise ErpUnavailable("Tryton unreachable at http://127.0.0.1:1: ConnectError")

    for n in range(6):
        queue.enqueue("ap", f"doc-{n}", {"path": "x"})
    settings = Settings(project_dir=tmp_path, worker={"lease_batch": 3, "poll_seconds": 0.01})
    worker = Worker(queue, settings, {"ap": unreachable}, seal_audit=False)
    with caplog.at_level(logging.INFO, logger="clerk.worker"):
        _run_rounds(worker, 2)
    retries = [r for r in caplog.records if "will retry" in r.getMessage()]
    assert len(retries) == 6 and all("ConnectError" in r.getMessage() for r in retries)
    assert len([r for r in caplog.records if r.exc_info and r.levelno >= logging.INFO]) == 1


def _run_rounds(worker: Worker, rounds: int) -> None:
    for _ in range(rounds):
        leases = worker.queue.lease(worker.name, limit=3)
        worker._work_through(leases)

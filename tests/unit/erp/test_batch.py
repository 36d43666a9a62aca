"""Batch posting: bisecting refused batches, retrying a busy ERP, BatchPoster flushing.

The ERP here is an in-memory ledger with Tryton's posting semantics (all or
nothing per call, gapless numbers); the real Tryton runs in
tests/integration/erp/test_tryton_batch_pg.py.
"""

from __future__ import annotations

import threading

import pytest

from clerk.erp import ErpWarning
from clerk.erp.base import ErpRef
from clerk.erp.batch import BatchPoster, BatchSettings, post_in_batches, with_retry
from clerk.errors import ErpAuthError, ErpUnavailable, ErpValidationError


class Ledger:
    """Drafts by id; ``post_ids`` refuses the whole call if one draft is bad."""

    def __init__(self, count: int, bad: set[int] = frozenset(), warn: set[int] = frozenset(),
                 busy_calls: int = 0):
        self.state = {i: "draft" for i in range(1, count + 1)}
        self.number: dict[int, str] = {}
        self.bad, self.warn, self.busy_calls = set(bad), set(warn), busy_calls
        self.post_calls: list[list[int]] = []
        self.lock = threading.Lock()

    def refs(self) -> list[ErpRef]:
        return [ErpRef(erp="test", model="invoice", id=i, state="draft",
                       idempotency_key=f"k{i}") for i in self.state]

    def post_ids(self, ids: list[int]) -> None:
        with self.lock:
            self.post_calls.append(list(ids))
            if self.busy_calls:
                self.busy_calls -= 1
                raise ErpUnavailable("could not obtain lock on row in ir_sequence_strict")
            if culprits := self.bad.intersection(ids):
                raise ErpValidationError(f"invoice {min(culprits)} has no fiscal year")
            if warned := self.warn.intersection(ids):
                raise ErpWarning(f"{min(warned)}.invoice_similar", "similar invoice exists")
            for i in ids:
                self.state[i] = "posted"
                self.number[i] = str(len(self.number) + 1)

    def refresh(self, refs: list[ErpRef]) -> list[ErpRef]:
        return [ref.model_copy(update={"state": self.state[ref.id],
                                       "number": self.number.get(ref.id)}) for ref in refs]


FAST = BatchSettings(size=50, backoff=0.001, backoff_max=0.002, attempts=4)


def test_one_call_posts_a_whole_batch():
    ledger = Ledger(50)
    results = post_in_batches(ledger, ledger.refs(), FAST)
    assert len(ledger.post_calls) == 1
    assert [r.number for r in results] == [str(i) for i in range(1, 51)]


def test_batches_are_cut_at_size():
    ledger = Ledger(120)
    post_in_batches(ledger, ledger.refs(), FAST)
    assert [len(call) for call in ledger.post_calls] == [50, 50, 20]


def test_bisect_isolates_culprits_and_posts_the_rest():
    ledger = Ledger(50, bad={7, 33})
    results = post_in_batches(ledger, ledger.refs(), FAST)
    errors = {i + 1: r for i, r in enumerate(results) if isinstance(r, Exception)}
    assert set(errors) == {7, 33}
    assert "7 has no fiscal year" in errors[7].message
    assert "33 has no fiscal year" in errors[33].message
    assert sum(1 for r in results if isinstance(r, ErpRef) and r.state == "posted") == 48
    # Bisecting costs O(k log n) calls, not n.
    assert len(ledger.post_calls) <= 1 + 2 * 2 * 6


def test_warning_is_returned_with_its_draft():
    ledger = Ledger(8, warn={5})
    results = post_in_batches(ledger, ledger.refs(), FAST)
    warning = results[4]
    assert isinstance(warning, ErpWarning)
    assert warning.name == "5.invoice_similar" and warning.ref.id == 5
    assert all(isinstance(r, ErpRef) for i, r in enumerate(results) if i != 4)


def test_busy_erp_is_retried():
    ledger = Ledger(10, busy_calls=2)
    results = post_in_batches(ledger, ledger.refs(), FAST)
    assert all(r.state == "posted" for r in results)
    assert len(ledger.post_calls) == 3


def test_erp_busy_too_long_gives_unavailable_per_ref():
    ledger = Ledger(3, busy_calls=100)
    results = post_in_batches(ledger, ledger.refs(), FAST)
    assert all(isinstance(r, ErpUnavailable) for r in results)
    assert len(ledger.post_calls) == FAST.attempts


def test_already_posted_drafts_are_not_posted_again():
    ledger = Ledger(4)
    ledger.post_ids([1, 2])          # e.g. a previous call whose response was lost
    results = post_in_batches(ledger, ledger.refs(), FAST)
    assert ledger.post_calls[-1] == [3, 4]
    assert [r.number for r in results] == ["1", "2", "3", "4"]


def test_auth_error_stops_everything():
    class Refusing(Ledger):
        def post_ids(self, ids):
            raise ErpAuthError("session refused")
    with pytest.raises(ErpAuthError):
        post_in_batches(Refusing(2), Refusing(2).refs(), FAST)


def test_with_retry_backs_off_with_jitter_and_gives_up():
    delays: list[float] = []
    calls = []

    def always_busy():
        calls.append(1)
        raise ErpUnavailable("busy")
    settings = BatchSettings(attempts=5, backoff=0.1, backoff_max=0.3)
    with pytest.raises(ErpUnavailable):
        with_retry(always_busy, settings, sleep=delays.append)
    assert len(calls) == 5 and len(delays) == 4
    caps = [0.1, 0.2, 0.3, 0.3]
    assert all(0 <= d <= cap for d, cap in zip(delays, caps))


def test_batch_poster_flushes_at_size_from_many_threads():
    ledger = Ledger(40)
    settings = BatchSettings(size=10, max_wait=30, backoff=0.001)
    with BatchPoster(ledger, settings) as poster:
        futures: list = []
        threads = [threading.Thread(target=lambda chunk: futures.extend(
            poster.submit(ref) for ref in chunk), args=(ledger.refs()[i::4],))
            for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        results = [future.result(timeout=10) for future in futures]
    assert all(r.state == "posted" for r in results)
    assert all(len(call) == 10 for call in ledger.post_calls)
    assert sorted(int(n) for n in ledger.number.values()) == list(range(1, 41))


def test_batch_poster_flushes_after_max_wait():
    ledger = Ledger(3)
    with BatchPoster(ledger, BatchSettings(size=50, max_wait=0.05)) as poster:
        futures = [poster.submit(ref) for ref in ledger.refs()]
        results = [future.result(timeout=5) for future in futures]
    assert all(r.state == "posted" for r in results)
    assert len(ledger.post_calls) == 1


def test_closed_batch_poster_refuses_new_drafts():
    ledger = Ledger(1)
    poster = BatchPoster(ledger, FAST)
    poster.close()
    with pytest.raises(RuntimeError):
        poster.submit(ledger.refs()[0])


def test_a_draft_the_erp_silently_skips_is_reported():
    class Skipping(Ledger):
        def post_ids(self, ids):
            super().post_ids([i for i in ids if i != 2])
    ledger = Skipping(3)
    results = post_in_batches(ledger, ledger.refs(), FAST)
    assert isinstance(results[1], ErpValidationError) and "state 'draft'" in results[1].message
    assert results[0].state == results[2].state == "posted"


def test_a_call_whose_answer_was_lost_is_not_repeated():
    """The ERP may still be posting it: a second call would run beside the first."""
    class LostAnswer(Ledger):
        def post_ids(self, ids):
            self.post_calls.append(list(ids))
            raise ErpUnavailable("Tryton did not answer in time", answer_lost=True)

    ledger = LostAnswer(5)
    results = post_in_batches(ledger, ledger.refs(), FAST)
    assert len(ledger.post_calls) == 1
    assert all(isinstance(r, ErpUnavailable) and r.answer_lost for r in results)


def test_a_busy_erp_is_still_retried():
    ledger = Ledger(5, busy_calls=2)
    results = post_in_batches(ledger, ledger.refs(), FAST)
    assert len(ledger.post_calls) == 3 and all(r.state == "posted" for r in results)

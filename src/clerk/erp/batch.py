"""Batch posting: drafts are created in parallel, posting goes many at a time.

The ERP serializes posting (gapless numbering locks one sequence row per
posting transaction), so one ERP call that posts many drafts beats many calls
that post one. When the ERP refuses a batch the whole call rolls back; the
batch is split in halves (bisected) until the refused drafts are alone, so
every other draft still gets posted and each culprit carries the ERP's own
message for review.

Lock and serialization errors (``ErpUnavailable``) are retried here with
jittered exponential backoff, on top of the ERP's own retries. What trytond
8.0 itself does (read in trytond/protocols/dispatcher.py and transaction.py):

- the first ``lock()`` inside a call (posting locks the strict sequence row)
  raises an internal TransactionError; the dispatcher rolls back and restarts
  the call with that lock taken at transaction start (no count, no sleep);
- at transaction start each NOWAIT lock is tried, and on failure retried
  ``[database] retry`` times (default 5) after sleeping 0.02 * (5 - n) s:
  0.08, 0.06, 0.04, 0.02, 0.00 s, about 0.2 s in all;
- any other DatabaseOperationalError inside a non-readonly call (deadlock,
  serialization failure, a NOWAIT lock taken mid-call) is retried 5 times
  after 0.02 * n s: 0.02 ... 0.10 s, 0.3 s in all;
- then the error reaches the WSGI layer, which answers HTTP 503: clerk's
  ``ErpUnavailable``. So the ERP's own patience is well under a second, and
  concurrent posters must back off themselves, which is what this module does.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import Future
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from clerk.erp import ErpWarning
from clerk.erp.base import ErpRef
from clerk.errors import ErpAuthError, ErpUnavailable, ErpValidationError

POSTED = "posted"


class BatchSettings(BaseModel):
    """How drafts are grouped and how a busy ERP is retried."""

    model_config = ConfigDict(frozen=True)

    size: int = Field(default=50, ge=1)             # drafts per ERP post call
    max_wait: float = Field(default=2.0, gt=0)      # seconds a BatchPoster holds a draft
    attempts: int = Field(default=6, ge=1)          # tries of one call while the ERP is busy
    backoff: float = Field(default=0.2, gt=0)       # first retry delay, seconds; doubles
    backoff_max: float = Field(default=5.0, gt=0)


class DraftPoster(Protocol):
    """What batch posting needs from a connector."""

    def post_ids(self, ids: list[int]) -> None:
        """Post all ``ids`` in one ERP transaction (all or nothing)."""

    def refresh(self, refs: list[ErpRef]) -> list[ErpRef]:
        """The refs with the ERP's current number and state."""


def with_retry(call, settings: BatchSettings, sleep=time.sleep):
    """Run ``call()``; on ErpUnavailable wait (full jitter, doubling) and try again,
    ``settings.attempts`` times in all; the last ErpUnavailable is raised."""
    delay = settings.backoff
    for attempt in range(1, settings.attempts + 1):
        try:
            return call()
        except ErpUnavailable as error:
            # A lost answer means the ERP may still be posting: repeating the
            # call now would run two posting transactions side by side.
            if attempt == settings.attempts or error.answer_lost:
                raise
        sleep(random.uniform(0, delay))  # jitter: concurrent posters do not retry in step
        delay = min(delay * 2, settings.backoff_max)
    raise AssertionError("unreachable")


def post_in_batches(poster: DraftPoster, refs: list[ErpRef],
                    settings: BatchSettings) -> list[ErpRef | Exception]:
    """Post ``refs``; one result per ref, in order: the posted ref (with its number)
    or the error that concerns that ref (ErpValidationError / ErpWarning with the
    ERP's message, ErpUnavailable when the ERP stayed busy). ErpAuthError stops
    everything and is raised."""
    results: dict[int, ErpRef | Exception] = {}
    for start in range(0, len(refs), settings.size):
        chunk = list(enumerate(refs[start:start + settings.size]))
        _bisect(poster, chunk, settings, results, offset=start)
    return [results[index] for index in range(len(refs))]


def _bisect(poster: DraftPoster, items: list[tuple[int, ErpRef]], settings: BatchSettings,
            results: dict[int, ErpRef | Exception], offset: int) -> None:
    def attempt() -> list[ErpRef]:
        # Read states on every try: after a lost response the drafts may be posted.
        current = poster.refresh([ref for _, ref in items])
        pending = [ref.id for ref in current if ref.state != POSTED]
        if pending:
            poster.post_ids(pending)
            current = poster.refresh(current)
        return current

    try:
        posted = with_retry(attempt, settings)
    except ErpAuthError:
        raise
    except ErpUnavailable as error:
        for index, _ in items:
            results[offset + index] = error
        return
    except (ErpValidationError, ErpWarning) as error:
        if len(items) == 1:
            index, ref = items[0]
            results[offset + index] = error.with_ref(ref) if isinstance(error, ErpWarning) \
                else error
            return
        middle = len(items) // 2
        _bisect(poster, items[:middle], settings, results, offset)
        _bisect(poster, items[middle:], settings, results, offset)
        return
    for (index, _), ref in zip(items, posted, strict=True):
        # Tryton skips what it cannot post without an error (a cancelled invoice).
        results[offset + index] = ref if ref.state == POSTED else ErpValidationError(
            f"the ERP left invoice {ref.id} in state {ref.state!r} instead of posting it")


class BatchPoster:
    """Collects drafts from many threads and posts them in batches: a batch goes
    when ``settings.size`` drafts are waiting or the oldest waited
    ``settings.max_wait`` seconds. ``submit`` returns a Future of the result."""

    def __init__(self, poster: DraftPoster, settings: BatchSettings):
        self._poster = poster
        self._settings = settings
        self._waiting: list[tuple[ErpRef, Future, float]] = []
        self._condition = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="erp-batch-poster", daemon=True)
        self._thread.start()

    def submit(self, ref: ErpRef) -> Future:
        future: Future = Future()
        with self._condition:
            if self._closed:
                raise RuntimeError("the batch poster is closed")
            self._waiting.append((ref, future, time.monotonic()))
            self._condition.notify()
        return future

    def close(self) -> None:
        """Post what is waiting, then stop."""
        with self._condition:
            self._closed = True
            self._condition.notify()
        self._thread.join()

    def __enter__(self) -> BatchPoster:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            self._flush(batch)

    def _next_batch(self) -> list[tuple[ErpRef, Future, float]] | None:
        with self._condition:
            while True:
                if len(self._waiting) >= self._settings.size or (self._closed and self._waiting):
                    break
                if self._closed:
                    return None
                if self._waiting:
                    due = self._waiting[0][2] + self._settings.max_wait - time.monotonic()
                    if due <= 0:
                        break
                    self._condition.wait(due)
                else:
                    self._condition.wait()
            batch = self._waiting[:self._settings.size]
            del self._waiting[:self._settings.size]
            return batch

    def _flush(self, batch: list[tuple[ErpRef, Future, float]]) -> None:
        try:
            results = post_in_batches(self._poster, [ref for ref, _, _ in batch],
                                      self._settings)
        except Exception as error:  # noqa: BLE001 - handed to every waiting caller
            for _, future, _ in batch:
                future.set_exception(error)
            return
        for (_, future, _), result in zip(batch, results, strict=True):
            future.set_result(result)

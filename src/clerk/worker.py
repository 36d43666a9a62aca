"""``clerk worker``: lease items and run the bot's handler on each, until stopped.

A handler moves its item on through the queue (``queue.advance``) and may
return its last ``Lease``. What it
raises decides the rest: ``BusinessException`` -> review, ``UnsafeInput`` /
``ExtractionError`` -> quarantine, anything else -> a system failure, retried
with backoff. ``LeaseLost`` means another worker owns the item now: drop it.
"""

from __future__ import annotations

import importlib
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from queue import SimpleQueue
from typing import Any

from clerk.audit.chain import seal
from clerk.config import Settings
from clerk.errors import (
    BusinessException, ConfigError, ErpAuthError, ExtractionError, LeaseLost, UnsafeInput,
)
from clerk.queue import ItemState, Lease, WorkQueue
from clerk.queue.states import LEASABLE

log = logging.getLogger("clerk.worker")
Handler = Callable[[WorkQueue, Lease], Any]


def load_handler(dotted: str) -> Handler:
    """``package.module:function`` -> the function."""
    module_name, _, attribute = dotted.partition(":")
    if not attribute:
        raise ConfigError("handler", dotted, "expected 'module:function'")
    try:
        return getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigError("handler", dotted, f"cannot load: {exc}") from None


def _by_bot(leases: list[Lease]) -> dict[str, list[Lease]]:
    groups: dict[str, list[Lease]] = {}
    for lease in leases:
        groups.setdefault(lease.bot, []).append(lease)
    return groups


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 10_000}"


@dataclass
class WorkerStats:
    processed: int = 0
    failed: int = 0
    reviewed: int = 0
    quarantined: int = 0
    lost: int = 0
    by_bot: dict[str, int] = field(default_factory=dict)


class Worker:
    """Runs handlers over leased items; ``stop()`` (or SIGTERM) finishes the
    item in hand and any batch whose drafts are already in the ERP, gives back
    the rest, and returns."""

    def __init__(self, queue: WorkQueue, settings: Settings, handlers: dict[str, Handler],
                 *, default_handler: Handler | None = None, name: str | None = None,
                 bots: list[str] | None = None, seal_audit: bool = True,
                 between_rounds: Callable[[Worker], bool] | None = None):
        self.queue = queue
        self.settings = settings
        self.handlers = handlers
        self.default_handler = default_handler
        self.name = name or worker_id()
        self.bots = bots
        self.seal_audit = seal_audit
        # Other work a worker takes between lease rounds (a requested bot run);
        # returns True when it did something.
        self.between_rounds = between_rounds
        self.stats = WorkerStats()
        self._stopping = threading.Event()
        self._held: dict[int, Lease] = {}
        self._held_lock = threading.Lock()
        self._concluding = threading.Lock()
        self._finisher: BatchFinisher | None = None
        self._tracebacks_shown: set[str] = set()

    def stop(self, *_: Any) -> None:
        self._stopping.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def run(self, *, drain: bool = False, max_items: int | None = None) -> WorkerStats:
        """Work until stopped; with ``drain``, until no machine work is left anywhere."""
        background = [threading.Thread(target=self._heartbeats, daemon=True)]
        if self.seal_audit:
            background.append(threading.Thread(target=self._sealer, daemon=True))
        for thread in background:
            thread.start()
        if self.settings.worker.batches_in_flight > 1:
            self._finisher = BatchFinisher(on_error=self.stop)
        try:
            while not self._stopping.is_set():
                leases = self.queue.lease(self.name, limit=self.settings.worker.lease_batch,
                                          bots=self.bots)
                if not leases:
                    if self.between_rounds is not None and self.between_rounds(self):
                        continue
                    if drain and self._nothing_left():
                        break
                    self._stopping.wait(self.settings.worker.poll_seconds)
                    continue
                self._work_through(leases)
                if max_items is not None and self.stats.processed >= max_items:
                    break
        finally:
            self._stopping.set()
            self._close_finisher()
            for thread in background:
                thread.join(timeout=5)
        return self.stats

    def _close_finisher(self) -> None:
        """Finish the batches handed over (their drafts exist: post them now rather
        than leave it to a lease takeover), then raise what stopped the finisher."""
        finisher, self._finisher = self._finisher, None
        if finisher is not None and finisher.close() is not None:
            raise finisher.error

    def _work_through(self, leases: list[Lease]) -> None:
        with self._held_lock:
            self._held.update({lease.item_id: lease for lease in leases})
        for bot, group in _by_bot(leases).items():
            handler = self.handlers.get(bot, self.default_handler)
            if hasattr(handler, "process_batch") and len(group) > 1 and not self._stopping.is_set():
                self._process_group(handler, group)
                continue
            for lease in group:
                if self._stopping.is_set():
                    self._give_back(lease)
                else:
                    self.process(lease)

    def process(self, lease: Lease) -> None:
        handler = self.handlers.get(lease.bot, self.default_handler)
        try:
            if handler is None:
                raise ConfigError("bots", lease.bot, "no handler registered for this bot")
            outcome: Any = handler(self.queue, lease)
        except ErpAuthError:
            self._give_back(lease)
            raise
        except Exception as exc:  # noqa: BLE001 - settled by type in _conclude
            outcome = exc
        self._conclude(lease, outcome)

    def _process_group(self, handler: Any, leases: list[Lease]) -> None:
        if self._finisher is None or not hasattr(handler, "prepare_batch"):
            self._conclude_group(leases, lambda: handler.process_batch(self.queue, leases))
            return
        prepared = self._guarded(leases, lambda: handler.prepare_batch(self.queue, leases))
        self._stop_on_auth_error(leases, prepared.outcomes)
        self._finisher.submit(lambda: self._conclude_group(
            leases, lambda: handler.finish_batch(self.queue, prepared)))

    def _conclude_group(self, leases: list[Lease], run_batch: Callable[[], list[Any]]) -> None:
        outcomes = self._guarded(leases, run_batch)
        self._stop_on_auth_error(leases, outcomes)
        for lease, outcome in zip(leases, outcomes, strict=True):
            self._conclude(lease, outcome)

    def _guarded(self, leases: list[Lease], run_batch: Callable[[], Any]) -> Any:
        """A batch handler settles its items' errors itself; one that escapes is a
        bug or a stop, and the batch's leases go back rather than wait to expire."""
        try:
            return run_batch()
        except BaseException:
            for lease in leases:
                self._give_back(lease)
            raise

    def _stop_on_auth_error(self, leases: list[Lease], outcomes: list[Any]) -> None:
        """The ERP refused clerk's credentials: no item is at fault, give all back."""
        refused = next((o for o in outcomes if isinstance(o, ErpAuthError)), None)
        if refused is not None:
            for lease in leases:
                self._give_back(lease)
            raise refused

    def _conclude(self, lease: Lease, outcome: Any) -> None:
        """Settle one item by what its handler returned or raised (the batch
        finisher's thread settles too: one at a time keeps the counts right)."""
        with self._concluding:
            self._conclude_one(lease, outcome)

    def _conclude_one(self, lease: Lease, outcome: Any) -> None:
        try:
            if isinstance(outcome, LeaseLost):
                self.stats.lost += 1
                log.warning("lease lost on item %s: %s", lease.item_id, outcome)
            elif isinstance(outcome, BusinessException):
                self._settle(lambda current: self.queue.business_exception(current, outcome), lease)
                self.stats.reviewed += 1
            elif isinstance(outcome, (UnsafeInput, ExtractionError)):
                self._settle(lambda current: self.queue.quarantine(
                    current, outcome.reason, outcome.message), lease)
                self.stats.quarantined += 1
            elif isinstance(outcome, BaseException):
                self._log_failure(lease, outcome)
                self._settle(lambda current: self.queue.fail(
                    current, outcome, code=getattr(outcome, "code", "system_error"),
                    not_before_seconds=getattr(outcome, "retry_after", None)), lease)
                self.stats.failed += 1
            else:
                self._release_if_held(outcome if isinstance(outcome, Lease) else lease)
                self.stats.processed += 1
                self.stats.by_bot[lease.bot] = self.stats.by_bot.get(lease.bot, 0) + 1
        finally:
            with self._held_lock:
                self._held.pop(lease.item_id, None)

    def _log_failure(self, lease: Lease, error: BaseException) -> None:
        """One line per failed attempt with its reason; the traceback once per
        distinct error (an ERP outage fails every item the same way), then at
        debug level only."""
        line = _one_line(error)
        first = line not in self._tracebacks_shown
        if first and len(self._tracebacks_shown) < 1000:
            self._tracebacks_shown.add(line)
        log.warning("item %s failed (attempt %d), will retry or go to review: %s",
                    lease.item_id, lease.attempts + 1, line)
        if first:
            log.error("first occurrence of this error, with its traceback", exc_info=error)
        else:
            log.debug("traceback of item %s", lease.item_id, exc_info=error)

    def _settle(self, action: Callable[[Lease], Any], lease: Lease) -> None:
        current = self._current(lease)
        try:
            action(current)
        except LeaseLost as exc:
            self.stats.lost += 1
            log.warning("lease lost on item %s: %s", lease.item_id, exc)

    def _current(self, lease: Lease) -> Lease:
        """The handler may have moved the item: settle from its present state."""
        row = self.queue.get(lease.item_id)
        return lease.moved_to(ItemState(row["state"]))

    def _release_if_held(self, lease: Lease) -> None:
        """Give back a lease the handler still holds; a handler that returns its
        last lease saves the look-up when that lease already ended."""
        if lease.state not in LEASABLE:
            return
        row = self.queue.get(lease.item_id)
        if row["lease_owner"] == self.name and row["lease_token"] == lease.token:
            self.queue.release(lease.moved_to(ItemState(row["state"])))

    def _give_back(self, lease: Lease) -> None:
        try:
            self.queue.release(lease)
        except LeaseLost:
            pass
        with self._held_lock:
            self._held.pop(lease.item_id, None)

    def _nothing_left(self) -> bool:
        return not self.queue.machine_work_left()

    def _heartbeats(self) -> None:
        interval = self.queue.settings.heartbeat_seconds
        while not self._stopping.wait(interval):
            with self._held_lock:
                held = list(self._held.values())
            for lease in held:
                try:
                    self.queue.heartbeat(lease)
                except LeaseLost:
                    with self._held_lock:
                        self._held.pop(lease.item_id, None)
                except Exception as error:  # noqa: BLE001 - a missed beat is retried next interval
                    log.warning("heartbeat for item %s failed: %s", lease.item_id, _one_line(error))
                    log.debug("heartbeat failure", exc_info=True)

    def _sealer(self) -> None:
        audit = self.settings.audit
        while not self._stopping.wait(audit.seal_interval_seconds):
            try:
                seal(self.queue.store, batch=audit.seal_batch,
                     checkpoint_every=audit.checkpoint_every)
            except Exception as error:  # noqa: BLE001 - sealing resumes at the next interval
                log.warning("audit sealing failed, retried in %.1f s: %s",
                            audit.seal_interval_seconds, _one_line(error))
                log.debug("audit sealing failure", exc_info=True)


def _one_line(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}".splitlines()[0][:300]


class BatchFinisher:
    """Runs the second half of batches (the ERP's posting call) on its own thread,
    so the worker prepares its next batch (items to ``posting``, drafts created)
    while the ERP posts the last one. At most one batch waits behind the one in
    hand: ``submit`` blocks until the finisher is free, so a worker never holds
    more than two batches of leases."""

    def __init__(self, on_error: Callable[[], None]):
        self.error: BaseException | None = None
        self._on_error = on_error
        self._free = threading.Semaphore(1)
        self._jobs: SimpleQueue[Callable[[], None] | None] = SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="batch-finisher", daemon=True)
        self._thread.start()

    def submit(self, finish: Callable[[], None]) -> None:
        self._free.acquire()
        self._jobs.put(finish)

    def close(self) -> BaseException | None:
        """Wait for the batches handed over; the error that stopped one, if any."""
        self._jobs.put(None)
        self._thread.join()
        return self.error

    def _run(self) -> None:
        while (finish := self._jobs.get()) is not None:
            try:
                finish()
            except BaseException as exc:  # noqa: BLE001 - raised by the worker's run()
                if self.error is None:
                    self.error = exc
                    self._on_error()
            finally:
                self._free.release()

"""From events to run requests: debounce, coalesce, max_instances.

A watcher calls ``TriggerGate.event()`` for every sign of work (an IDLE
``EXISTS``, a file change, a full queue). The gate waits until no event came
for ``debounce``, then asks for one run exactly as a schedule does: a row in
``run_requests`` that any ``clerk worker`` claims, refused while
``max_instances`` runs of the bot are queued or running. With ``coalesce``, a
burst that finds a run of the bot still *queued* folds into it (that run will
see the new work); without it, each burst asks for its own run.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

from sqlalchemy import func, select

from clerk.audit.events import AuditLog
from clerk.runner.requests import ACTIVE, RequestState, request_run
from clerk.runner.tables import run_requests
from clerk.store import Store
from clerk.triggers.model import TriggerSpec

log = logging.getLogger("clerk.triggers")


class TriggerGate:
    """One per (bot, trigger); thread-safe; ``close()`` drops a pending burst."""

    def __init__(self, store: Store, audit: AuditLog, bot: str, spec: TriggerSpec,
                 requested_by: str):
        self.store, self.audit, self.bot, self.spec = store, audit, bot, spec
        self.requested_by = requested_by
        self.requests: list[int] = []          # what this gate asked for (status, tests)
        self.bursts = 0                        # debounced bursts decided, asked for or not
        self._last_event: float | None = None
        self._wake = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=f"trigger-{bot}-{spec.kind}",
                                        daemon=True)
        self._thread.start()

    def event(self, what: str = "") -> None:
        with self._wake:
            self._last_event = time.monotonic()
            self._wake.notify()
        log.debug("bot %s: %s trigger event %s", self.bot, self.spec.kind, what)

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        debounce = self.spec.debounce.total_seconds()
        while True:
            with self._wake:
                while not self._closed and self._last_event is None:
                    self._wake.wait()
                while not self._closed:
                    quiet_for = time.monotonic() - self._last_event
                    if quiet_for >= debounce:
                        break
                    self._wake.wait(debounce - quiet_for)
                if self._closed:
                    return
                self._last_event = None
            self._request()
            self.bursts += 1

    def _request(self) -> None:
        try:
            queued, running = self._active()
            if self.spec.coalesce and queued > 0:
                log.info("bot %s: %s trigger folded into the run already queued",
                         self.bot, self.spec.kind)
                return
            if queued + running >= self.spec.max_instances:
                # Checked here first so a queue that stays full while its run
                # works does not write a skipped-request audit event every poll.
                log.info("bot %s: %s trigger: %d runs active (max_instances %d); not requested",
                         self.bot, self.spec.kind, queued + running, self.spec.max_instances)
                return
            request_id = request_run(self.store, self.audit, self.bot,
                                     trigger=f"trigger:{self.spec.kind}",
                                     due_at=datetime.now(UTC), requested_by=self.requested_by,
                                     max_active=self.spec.max_instances)
        except Exception:  # noqa: BLE001 - the store may be briefly away; the next event asks again
            log.exception("bot %s: requesting a run for a %s trigger failed", self.bot, self.spec.kind)
            return
        if request_id is not None:
            self.requests.append(request_id)
            log.info("bot %s: %s trigger queued run request %s", self.bot, self.spec.kind, request_id)

    def _active(self) -> tuple[int, int]:
        with self.store.read() as conn:
            counts = dict(conn.execute(select(run_requests.c.state, func.count()).where(
                run_requests.c.bot == self.bot, run_requests.c.state.in_(ACTIVE))
                .group_by(run_requests.c.state)).all())
        return counts.get(RequestState.PENDING.value, 0), counts.get(RequestState.RUNNING.value, 0)

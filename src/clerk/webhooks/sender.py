"""The outbox sender thread, run by the leading ``clerk schedule`` process.

Why the scheduler and not the workers: it is the one process a fleet keeps
running whatever the load (workers come and go, and a worker deep in a
10,000-item run should not pause to notify), it already leads alone, so the
outbox has one sender and its claims are never contested; and an event a
crashed worker committed (``run.failed``) is sent without that worker. The
claims in ``delivery`` still make a second sender safe during a handover.
"""

from __future__ import annotations

import logging
import threading

import httpx
from sqlalchemy.exc import SQLAlchemyError

from clerk.project import Project
from clerk.webhooks.delivery import send_due
from clerk.webhooks.model import webhook_specs

log = logging.getLogger("clerk.webhooks")


class OutboxSender:
    def __init__(self, project: Project, name: str, poll_seconds: float = 1.0):
        self.project, self.name, self.poll_seconds = project, name, poll_seconds
        self.specs = webhook_specs(project.settings.webhooks)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-sender", daemon=True)

    def start(self) -> None:
        if self.specs:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        with httpx.Client(follow_redirects=False) as client:
            while not self._stop.is_set():
                try:
                    sent = send_due(self.project.store, self.specs, self.project.secrets,
                                    self.name, client)
                except SQLAlchemyError as exc:   # the store may be briefly away
                    log.warning("webhook outbox: %s", type(exc).__name__)
                    sent = None
                if not sent or not (sent.delivered or sent.failed):
                    self._stop.wait(self.poll_seconds)

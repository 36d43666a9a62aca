"""``clerk schedule``: the scheduler process.

Every process competes for leadership; the leader runs APScheduler (a
``BackgroundScheduler`` over the SQLAlchemy job store) and its jobs only
insert run requests. Followers wait. The leader checks its lock every
``poll`` seconds and stops firing the moment it is lost.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field

from apscheduler.schedulers.background import BackgroundScheduler

from clerk.project import Project
from clerk.scheduler.jobs import RunRequestExecutor, SchedulerContext
from clerk.scheduler.jobstore import SyncResult, job_store, sync_jobs
from clerk.scheduler.leader import LeaderLock, leader_lock_for
from clerk.triggers.service import Watching, start_watching
from clerk.webhooks.sender import OutboxSender

log = logging.getLogger("clerk.scheduler")


@dataclass
class SchedulerStatus:
    name: str
    leader: bool = False
    terms: int = 0  # how many times this process became leader
    last_sync: SyncResult | None = None
    errors: list[str] = field(default_factory=list)


class SchedulerService:
    """Run with ``run()`` until ``stop()`` (or SIGTERM via the CLI)."""

    def __init__(self, project: Project, *, name: str | None = None, poll_seconds: float = 1.0,
                 lock: LeaderLock | None = None):
        self.project = project
        self.name = name or f"scheduler:{socket.gethostname()}:{os.getpid()}"
        self.poll_seconds = poll_seconds
        self.lock = lock or leader_lock_for(project.settings.effective_database_url)
        self.status = SchedulerStatus(self.name)
        self.became_leader = threading.Event()
        self._stopping = threading.Event()
        self.watching: Watching | None = None

    def stop(self, *_: object) -> None:
        self._stopping.set()

    def run(self) -> SchedulerStatus:
        try:
            while not self._stopping.is_set():
                if self.lock.try_acquire():
                    self._lead()
                else:
                    self._stopping.wait(self.poll_seconds)
        finally:
            self.lock.release()
        return self.status

    def _lead(self) -> None:
        self.status.leader, self.status.terms = True, self.status.terms + 1
        self._audit("scheduler_leader", {"term": self.status.terms})
        log.info("%s is the scheduling leader", self.name)
        scheduler = self._build()
        scheduler.start(paused=True)
        sender: OutboxSender | None = None
        try:
            self.status.last_sync = sync_jobs(scheduler, self.project.settings.project_dir)
            scheduler.resume()
            # Event triggers are watched, and the webhook outbox sent, by the leader only.
            self.watching = start_watching(self.project, self.name)
            sender = OutboxSender(self.project, self.name, self.poll_seconds)
            sender.start()
            self.became_leader.set()
            # Operators pause, resume and edit jobs from other processes: wake
            # up each poll to see the store as it is now, and check the lock.
            while not self._stopping.wait(self.poll_seconds):
                if not self.lock.still_held():
                    log.warning("%s lost scheduling leadership", self.name)
                    break
                scheduler.wakeup()
        finally:
            if sender is not None:
                sender.stop()
            if self.watching is not None:
                self.watching.stop()
                self.watching = None
            scheduler.shutdown(wait=False)
            self.status.leader = False
            self.became_leader.clear()

    def _build(self) -> BackgroundScheduler:
        context = SchedulerContext(self.project.store, self.project.audit, self.name)
        return BackgroundScheduler(jobstores={"default": job_store(self.project.store)},
                                   executors={"default": RunRequestExecutor(context)},
                                   timezone="UTC")

    def _audit(self, action: str, data: dict) -> None:
        with self.project.store.write() as conn:
            self.project.audit.append(conn, actor=self.name, action=action, item_id=None, data=data)

"""What a scheduled job does when it is due: ask for a run, nothing more.

The scheduler decides *when*; ``clerk worker`` processes decide *who* runs
it. So a job's function only inserts a run request for its due time. Jobs
name that function by import path (``clerk.scheduler.jobs:request_bot_run``)
because APScheduler's job store pickles the reference, not the function.

``RunRequestExecutor`` calls the function in the scheduler's thread with the
exact due time (APScheduler's own executors do not pass it), which is what
makes a due time requested twice (two schedulers, a leader handing over) one
run: the request table is unique per bot and due time.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.base import BaseExecutor

from clerk.audit.events import AuditLog
from clerk.runner.requests import request_run
from clerk.store import Store

JOB_FUNCTION = "clerk.scheduler.jobs:request_bot_run"
log = logging.getLogger("clerk.scheduler")


@dataclass(frozen=True)
class SchedulerContext:
    """What job functions need, handed to them by the executor (not pickled)."""

    store: Store
    audit: AuditLog
    name: str


def request_bot_run(bot: str, *, context: SchedulerContext | None = None,
                    due_at: datetime | None = None, max_instances: int = 1) -> int | None:
    """Queue a run of ``bot`` for ``due_at`` unless ``max_instances`` are queued or running.

    The job stores only ``bot``; ``RunRequestExecutor`` supplies the rest."""
    if context is None or due_at is None:
        raise TypeError("request_bot_run is called by RunRequestExecutor with context and due_at")
    request_id = request_run(context.store, context.audit, bot, trigger="schedule",
                             due_at=due_at.astimezone(UTC), requested_by=context.name,
                             max_active=max_instances)
    log.info("bot %s due %s: %s", bot, due_at.isoformat(),
             f"run request {request_id}" if request_id else "not requested (duplicate or busy)")
    return request_id


class RunRequestExecutor(BaseExecutor):
    """Runs due jobs synchronously (an insert is quick) with their due time,
    skipping due times later than the job's misfire grace."""

    def __init__(self, context: SchedulerContext):
        super().__init__()
        self.context = context

    def submit_job(self, job: Any, run_times: list[datetime]) -> None:
        # Overlap is limited by max_instances over queued *and running* runs,
        # counted in the database, so no in-process instance counting here.
        now = datetime.now(UTC)
        for due in run_times:
            self._scheduler._dispatch_event(self._run_one(job, due, now))

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:  # pragma: no cover
        raise NotImplementedError("submit_job runs jobs directly")

    def _run_one(self, job: Any, due: datetime, now: datetime) -> JobExecutionEvent:
        grace = job.misfire_grace_time
        if grace is not None and now - due > timedelta(seconds=grace):
            log.warning("bot %s: run due %s missed by more than %ss; skipped",
                        job.id, due.isoformat(), grace)
            return JobExecutionEvent(EVENT_JOB_MISSED, job.id, job._jobstore_alias, due)
        try:
            value = job.func(*job.args, context=self.context, due_at=due,
                             max_instances=job.max_instances, **job.kwargs)
        except Exception as exc:  # noqa: BLE001 - reported as APScheduler's job error event
            log.exception("bot %s: requesting the run due %s failed", job.id, due.isoformat())
            return JobExecutionEvent(EVENT_JOB_ERROR, job.id, job._jobstore_alias, due,
                                     exception=exc, traceback=traceback.format_exc())
        return JobExecutionEvent(EVENT_JOB_EXECUTED, job.id, job._jobstore_alias, due, retval=value)

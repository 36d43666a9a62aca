"""``clerk schedule ls|pause|resume|run-now``: acting on the job store from any
process, whether or not a scheduler is running. The leader reads the store
again at each poll, so a pause takes effect within a second or so."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Iterator

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from clerk.errors import ConfigError
from clerk.project import Project
from clerk.runner.requests import ACTIVE, request_run
from clerk.runner.tables import run_requests, runs
from clerk.scheduler.jobstore import job_store, scheduled_bots


@contextmanager
def _jobs(project: Project) -> Iterator[Any]:
    # A scheduler that is never started: the store needs one to rebuild jobs.
    store = job_store(project.store)
    store.start(BackgroundScheduler(timezone="UTC"), "default")
    try:
        yield store
    finally:
        store.shutdown()


def _job(store: Any, bot: str) -> Any:
    job = store.lookup_job(bot)
    if job is None:
        raise ConfigError(f"bots/{bot}.toml", "schedule",
                          "no scheduled job for this bot (no [schedule], disabled, "
                          "or `clerk schedule` has not run since it was added)")
    return job


def pause(project: Project, bot: str, *, actor: str) -> None:
    with _jobs(project) as store:
        job = _job(store, bot)
        job._modify(next_run_time=None)
        store.update_job(job)
    _audit(project, actor, "schedule_paused", {"bot": bot})


def resume(project: Project, bot: str, *, actor: str, now: datetime | None = None) -> datetime | None:
    """Resume from now on: runs that fell due while paused are not made up."""
    now = now or datetime.now(UTC)
    with _jobs(project) as store:
        job = _job(store, bot)
        next_run = job.trigger.get_next_fire_time(None, now)
        job._modify(next_run_time=next_run)
        if next_run is None:
            store.remove_job(bot)
        else:
            store.update_job(job)
    _audit(project, actor, "schedule_resumed", {"bot": bot, "next_run": next_run})
    return next_run


def run_now(project: Project, bot: str, *, actor: str) -> int:
    """Queue a run for a worker at once, whether or not the bot is scheduled."""
    from clerk.bots import load_bots

    if bot not in load_bots(project.settings.project_dir):
        raise ConfigError(f"bots/{bot}.toml", None, f"no bot named {bot!r}")
    request_id = request_run(project.store, project.audit, bot, trigger="run-now",
                             due_at=datetime.now(UTC), requested_by=actor)
    if request_id is None:  # pragma: no cover - two requests in the same microsecond
        raise ConfigError(f"bots/{bot}.toml", None, "a run was just requested; try again")
    return request_id


def list_schedules(project: Project) -> list[dict[str, Any]]:
    """One row per bot with a schedule: trigger, next run, paused, queued and last run."""
    wanted = scheduled_bots(project.settings.project_dir)
    with _jobs(project) as store:
        jobs = {job.id: job for job in store.get_all_jobs()}
    rows = []
    with project.store.read() as conn:
        for name in sorted(set(wanted) | set(jobs)):
            job = jobs.get(name)
            last = conn.execute(select(runs.c.id, runs.c.status, runs.c.started_at)
                                .where(runs.c.bot == name)
                                .order_by(runs.c.started_at.desc()).limit(1)).first()
            queued = conn.scalar(select(func.count()).select_from(run_requests).where(
                run_requests.c.bot == name, run_requests.c.state.in_(ACTIVE)))
            rows.append({
                "bot": name, "trigger": str(job.trigger) if job else "(not yet in the job store)",
                "next_run": job.next_run_time if job else None,
                "paused": bool(job and job.next_run_time is None),
                "configured": name in wanted, "queued": queued,
                "last_run": dict(last._mapping) if last else None})
    return rows


def _audit(project: Project, actor: str, action: str, data: dict[str, Any]) -> None:
    with project.store.write() as conn:
        project.audit.append(conn, actor=actor, action=action, item_id=None, data=data)

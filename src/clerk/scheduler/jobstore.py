"""APScheduler's job store in clerk's database, and the bots' jobs in it."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger

from clerk.bots import BotDefinition, load_bots
from clerk.runner.tables import SCHEDULE_JOBS_TABLE
from clerk.scheduler.check import bot_schedule
from clerk.scheduler.jobs import JOB_FUNCTION
from clerk.scheduler.model import ScheduleSpec
from clerk.scheduler.triggers import BusinessTrigger, build_trigger
from clerk.store import Store

log = logging.getLogger("clerk.scheduler")


def job_store(store: Store) -> SQLAlchemyJobStore:
    return SQLAlchemyJobStore(engine=store.engine, tablename=SCHEDULE_JOBS_TABLE)


def job_name(bot: str, spec: ScheduleSpec, trigger: BaseTrigger | None = None) -> str:
    """The job's name carries a digest of its schedule, so a restart can tell
    an unchanged job (keep its next run time and paused state) from a changed one.
    A business trigger's calendar counts too: the job holds a copy of it, and an
    edited config/calendars file must reach the job store."""
    basis = spec.fingerprint()
    if isinstance(trigger, BusinessTrigger):
        basis += trigger.calendar.model_dump_json()
    digest = hashlib.sha256(basis.encode()).hexdigest()[:12]
    return f"{bot}@{digest}"


@dataclass(frozen=True)
class SyncResult:
    added: list[str]
    changed: list[str]
    removed: list[str]
    kept: list[str]


def scheduled_bots(project_dir: Path) -> dict[str, tuple[BotDefinition, ScheduleSpec]]:
    wanted = {}
    for name, bot in load_bots(project_dir).items():
        spec = bot_schedule(bot, project_dir / "bots" / f"{name}.toml")
        if spec is not None and spec.enabled:
            wanted[name] = (bot, spec)
    return wanted


def sync_jobs(scheduler: BaseScheduler, project_dir: Path) -> SyncResult:
    """Make the job store match bots/*.toml. An unchanged job is left alone:
    replacing it would forget the runs it missed while no scheduler ran."""
    wanted = scheduled_bots(project_dir)
    existing = {job.id: job for job in scheduler.get_jobs()}
    added, changed, kept = [], [], []
    for name, (_, spec) in wanted.items():
        job = existing.get(name)
        trigger = build_trigger(spec, project_dir)
        if job is not None and job.name == job_name(name, spec, trigger):
            kept.append(name)
            continue
        paused = job is not None and job.next_run_time is None
        scheduler.add_job(JOB_FUNCTION, trigger=trigger, args=[name],
                          id=name, name=job_name(name, spec, trigger), replace_existing=True,
                          coalesce=spec.coalesce,
                          misfire_grace_time=int(spec.misfire_grace.total_seconds()),
                          max_instances=spec.max_instances)
        if paused:
            scheduler.pause_job(name)  # an operator's pause outlives a schedule change
        (changed if job is not None else added).append(name)
    removed = [job_id for job_id in existing if job_id not in wanted]
    for job_id in removed:
        scheduler.remove_job(job_id)
    result = SyncResult(added, changed, removed, kept)
    log.info("schedule synced: %s", result)
    return result

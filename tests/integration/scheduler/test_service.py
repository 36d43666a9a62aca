"""The scheduler for real: APScheduler over clerk's database, leadership,
run requests, and a worker executing them. SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from clerk.config import load_settings
from clerk.project import open_project
from clerk.runner import claim_and_execute_run
from clerk.runner.records import get_run
from clerk.runner.tables import run_requests
from clerk.scheduler import control
from clerk.scheduler.service import SchedulerService
from tests.integration.scheduler.conftest import wait_for

pytestmark = pytest.mark.integration
HANDLER = 'handler = "tests.unit.runner.handlers:walk_to_posted"\n'


def bot_toml(every: str, *, coalesce: bool = True, grace: str = "1h", max_instances: int = 5) -> str:
    return (HANDLER + f'\n[schedule]\nkind = "interval"\nevery = "{every}"\n'
            f'coalesce = {str(coalesce).lower()}\nmisfire_grace = "{grace}"\n'
            f"max_instances = {max_instances}\n")


@pytest.fixture
def project(tmp_path, clean_store):  # noqa: ANN001, ANN201
    (tmp_path / "bots").mkdir()
    (tmp_path / "config").mkdir()
    url = clean_store.engine.url.render_as_string(hide_password=False)
    (tmp_path / "config" / "clerk.toml").write_text(f'database_url = "{url}"\n')
    opened = open_project(load_settings(tmp_path))
    yield opened
    opened.close()


def add_bot(project, name: str, text: str) -> None:  # noqa: ANN001
    (Path(project.settings.project_dir) / "bots" / f"{name}.toml").write_text(text)


def requests_of(project, bot: str) -> list:  # noqa: ANN001
    with project.store.read() as conn:
        return conn.execute(select(run_requests).where(run_requests.c.bot == bot)
                            .order_by(run_requests.c.due_at)).all()


class Running:
    """A scheduler service in a thread, stopped on exit."""

    def __init__(self, project, poll: float = 0.2):  # noqa: ANN001
        self.service = SchedulerService(project, poll_seconds=poll)
        self.thread = threading.Thread(target=self.service.run, daemon=True)

    def __enter__(self) -> SchedulerService:
        self.thread.start()
        wait_for(lambda: self.service.became_leader.is_set() or not self.thread.is_alive(),
                 what="leadership")
        assert self.thread.is_alive(), "the scheduler service died"
        return self.service

    def __exit__(self, *exc: object) -> None:
        self.service.stop()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()


def test_an_interval_bot_fires_and_a_worker_records_the_run(project):
    add_bot(project, "ticker", bot_toml("1s"))
    with Running(project):
        wait_for(lambda: len(requests_of(project, "ticker")) >= 2, what="two due runs")
    requests = requests_of(project, "ticker")
    dues = [row.due_at for row in requests]
    assert len(set(dues)) == len(dues)
    assert all(row.state == "pending" and row.trigger == "schedule" for row in requests)

    project.queue.enqueue("ticker", "doc-1", {"path": "x"})
    assert claim_and_execute_run(project, "worker-1") is True
    first = requests_of(project, "ticker")[0]
    assert (first.state, first.claimed_by) == ("done", "worker-1")
    run = get_run(project.store, first.run_id)
    assert (run["status"], run["trigger"], run["request_id"]) == ("passed", "schedule", first.id)
    assert run["counts"]["items"] == {"posted": 1}


def test_a_paused_bot_does_not_fire_even_after_a_restart(project):
    add_bot(project, "ticker", bot_toml("1s"))
    add_bot(project, "quiet", bot_toml("1s"))
    with Running(project):
        pass  # the first leader term puts both jobs in the store
    control.pause(project, "quiet", actor="test")
    assert [row["paused"] for row in control.list_schedules(project)] == [True, False]
    with Running(project):
        wait_for(lambda: len(requests_of(project, "ticker")) >= 3, what="three ticker runs")
        assert requests_of(project, "quiet") == []
        next_run = control.resume(project, "quiet", actor="test")
        assert next_run is not None
        wait_for(lambda: requests_of(project, "quiet"), what="the resumed bot to fire")


def test_a_missed_run_inside_the_grace_fires_once_coalesced(project):
    add_bot(project, "coalesced", bot_toml("1h", coalesce=True, grace="3h"))
    add_bot(project, "catch_up", bot_toml("1h", coalesce=False, grace="3h"))
    add_bot(project, "too_late", bot_toml("1h", coalesce=True, grace="10m"))
    with Running(project):
        pass
    # The scheduler was down: each bot's next run was due 2h50m ago, so three
    # due times (2h50m, 1h50m, 50m ago) passed without a scheduler.
    down_since = datetime.now(UTC) - timedelta(hours=2, minutes=50)
    with control._jobs(project) as store:
        for name in ("coalesced", "catch_up", "too_late"):
            job = store.lookup_job(name)
            job._modify(next_run_time=down_since)
            store.update_job(job)

    def all_rescheduled() -> bool:
        with control._jobs(project) as store:
            return all(job.next_run_time > datetime.now(UTC) for job in store.get_all_jobs())

    with Running(project):
        wait_for(all_rescheduled, what="the missed jobs to be processed")
    coalesced = requests_of(project, "coalesced")
    assert len(coalesced) == 1
    assert abs(coalesced[0].due_at.replace(tzinfo=UTC) - (down_since + timedelta(hours=2))) < timedelta(seconds=1)
    assert len(requests_of(project, "catch_up")) == 3
    assert requests_of(project, "too_late") == []


def test_max_instances_holds_back_runs_no_worker_took(project):
    add_bot(project, "busy", bot_toml("1s", max_instances=1))
    add_bot(project, "ticker", bot_toml("1s"))
    with Running(project):
        wait_for(lambda: len(requests_of(project, "ticker")) >= 3, what="three ticker runs")
    assert len(requests_of(project, "busy")) == 1


def test_run_now_queues_a_run_for_workers(project):
    add_bot(project, "manual", HANDLER)
    request_id = control.run_now(project, "manual", actor="operator:test")
    assert claim_and_execute_run(project, "worker-2") is True
    assert claim_and_execute_run(project, "worker-2") is False
    (row,) = requests_of(project, "manual")
    assert (row.id, row.trigger, row.state) == (request_id, "run-now", "done")

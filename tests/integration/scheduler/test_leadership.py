"""Two ``clerk schedule`` processes on one PostgreSQL: one fires, and when it
is killed the other takes over without a due time running twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from clerk.runner.tables import run_requests
from clerk.store import open_store
from tests.integration.scheduler.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[3]
BOT = '''handler = "tests.unit.runner.handlers:walk_to_posted"

[schedule]
kind = "interval"
every = "1s"
coalesce = true
misfire_grace = "1h"
max_instances = 100
'''


def start_scheduler(project: Path, log: Path) -> subprocess.Popen:
    code = "from clerk.scheduler.cli import schedule_app; schedule_app(prog_name='clerk schedule')"
    return subprocess.Popen([sys.executable, "-c", code, "--project", str(project), "--poll", "0.3"],
                            cwd=REPO, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


def test_two_schedulers_one_run_per_due_time_and_takeover(tmp_path, pg_database_url):
    store = open_store(pg_database_url)
    with store.write() as conn:
        conn.execute(run_requests.delete())
        conn.exec_driver_sql("DELETE FROM clerk_schedule_jobs")
    (tmp_path / "bots").mkdir()
    (tmp_path / "bots" / "ticker.toml").write_text(BOT)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "clerk.toml").write_text(f'database_url = "{pg_database_url}"\n')

    def requests() -> list:
        with store.read() as conn:
            return conn.execute(select(run_requests.c.due_at, run_requests.c.requested_by)
                                .where(run_requests.c.bot == "ticker")
                                .order_by(run_requests.c.due_at)).all()

    processes = {p.pid: p for p in (start_scheduler(tmp_path, tmp_path / f"s{i}.log")
                                    for i in range(2))}
    try:
        wait_for(lambda: len(requests()) >= 4, deadline=30, what="four runs")
        leaders = {row.requested_by.rsplit(":", 1)[1] for row in requests()}
        assert len(leaders) == 1, f"two schedulers fired: {leaders}"
        leader = int(leaders.pop())
        (follower,) = set(processes) - {leader}
        before = len(requests())

        processes[leader].send_signal(signal.SIGKILL)
        processes[leader].wait(timeout=10)
        wait_for(lambda: any(row.requested_by.endswith(f":{follower}") for row in requests()),
                 deadline=20, what="the follower to take over")
        wait_for(lambda: len(requests()) >= before + 3, deadline=20, what="runs after takeover")
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=15)
        store.dispose()
    rows = requests()
    dues = [row.due_at for row in rows]
    assert len(dues) == len(set(dues)), "a due time was requested twice"
    by = [row.requested_by.rsplit(":", 1)[1] for row in rows]
    # Once the follower fired, the killed leader never fired again.
    first_follower = by.index(str(follower))
    assert set(by[first_follower:]) == {str(follower)}
    assert processes[follower].returncode == 0  # SIGTERM is a clean stop

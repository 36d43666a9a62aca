"""Worker processes on SQLite and PostgreSQL: nothing lost, nothing done twice,
even when a worker is killed with SIGKILL while it holds leases."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from clerk.queue import WorkQueue
from clerk.store import open_store
from clerk.store.schema import audit_events, work_items

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _env(store_url: str, log_dir: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "CLERK_DATABASE_URL": store_url, "CLERK_TEST_LOG_DIR": str(log_dir),
            "CLERK_WORKER__POLL_SECONDS": "0.05", **extra}


def _worker(project: Path, env: dict[str, str], handler: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "clerk", "worker", "-C", str(project),
                             "--handler", handler, *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _logged(log_dir: Path) -> collections.Counter:
    counts: collections.Counter = collections.Counter()
    for log in log_dir.glob("*.log"):
        counts.update(int(line) for line in log.read_text().split())
    return counts


def _fill(store_url: str, count: int) -> None:
    store = open_store(store_url)
    queue = WorkQueue(store)
    with store.write() as conn:
        for number in range(count):
            queue.enqueue("ap", f"doc-{number}", {"n": number}, conn=conn)
    store.dispose()


def _wait_for(predicate, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_four_workers_drain_2000_items_exactly_once(store_url, tmp_path):
    _fill(store_url, 2000)
    env = _env(store_url, tmp_path, CLERK_WORKER__LEASE_BATCH="20")
    workers = [_worker(tmp_path, env, "tests.helpers.handlers:walk_to_posted", "--drain",
                       *(["--no-seal"] if n else [])) for n in range(4)]
    outputs = [w.communicate(timeout=300)[0].decode() for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    logged = _logged(tmp_path)
    assert len(logged) == 2000 and set(logged.values()) == {1}
    store = open_store(store_url)
    with store.read() as conn:
        states = dict(conn.execute(select(work_items.c.state, func.count())
                                   .group_by(work_items.c.state)).all())
    store.dispose()
    assert states == {"posted": 2000}
    assert sum(1 for out in outputs if "processed 0," not in out) >= 2, "work was not shared"


def test_killed_workers_items_are_taken_over_after_lease_expiry(store_url, tmp_path):
    _fill(store_url, 40)
    env = _env(store_url, tmp_path, CLERK_WORKER__LEASE_BATCH="5",
               CLERK_QUEUE__LEASE_SECONDS="2", CLERK_QUEUE__HEARTBEAT_SECONDS="0.5")
    victim = _worker(tmp_path, env, "tests.helpers.handlers:hold_forever", "--no-seal")
    _wait_for(lambda: list(tmp_path.glob("holding-*")), 60, "the victim to hold leases")
    store = open_store(store_url)
    with store.read() as conn:
        held = set(conn.scalars(select(work_items.c.id)
                                .where(work_items.c.lease_owner.like(f"%:{victim.pid}:%"))))
    assert len(held) == 5
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    survivor = _worker(tmp_path, env, "tests.helpers.handlers:walk_to_posted", "--drain")
    output = survivor.communicate(timeout=120)[0].decode()
    assert survivor.returncode == 0, output
    logged = _logged(tmp_path)
    assert len(logged) == 40 and set(logged.values()) == {1}
    with store.read() as conn:
        taken_over = set(conn.scalars(select(audit_events.c.item_id)
                                      .where(audit_events.c.action == "lease_taken_over")))
        posted = conn.scalar(select(func.count()).select_from(work_items)
                             .where(work_items.c.state == "posted"))
    store.dispose()
    assert taken_over == held
    assert posted == 40


def test_sigterm_is_graceful(store_url, tmp_path):
    _fill(store_url, 5)
    env = _env(store_url, tmp_path)
    worker = _worker(tmp_path, env, "tests.helpers.handlers:walk_to_posted")
    store = open_store(store_url)
    queue = WorkQueue(store)
    _wait_for(lambda: queue.count(state="posted") == 5, 60, "the items to be posted")
    worker.send_signal(signal.SIGTERM)
    output = worker.communicate(timeout=30)[0].decode()
    store.dispose()
    assert worker.returncode == 0, output
    assert "processed 5" in output

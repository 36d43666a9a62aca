"""(b) of the ERP benchmark: the same invoices through clerk's queue, workers
and Tryton connector (drafts per item, posting in batches on the posting lock).
Items start ``validated`` so the figure is the posting path, as (a) is.

The clock runs from the moment the items become available to running workers
until the last one is posted: (a) also logs in and reads its ids before its
clock starts. The workers' start (interpreter, imports, opening the project)
is measured on its own and reported beside the rate."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import update

from benchmarks._common import fresh_pg_database
from clerk.config import load_settings
from clerk.pipeline import idempotency_key
from clerk.project import open_project
from clerk.store.schema import work_items
from clerk.testing.documents import demo_invoice

NOT_YET = datetime(2999, 1, 1, tzinfo=UTC)   # filled items wait until the clock starts


def _project(root: Path, server, password: str, store_url: str, batch: int) -> Path:  # noqa: ANN001
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "bots").mkdir(exist_ok=True)
    secret = root / "erp.password"
    secret.write_text(password)
    (root / "config" / "clerk.toml").write_text(f"""
database_url = "{store_url}"
[worker]
lease_batch = {batch}
poll_seconds = 0.05
[erp]
posting_state = "posted"
[erp.batch]
size = {batch}
[erp.tryton]
url = "{server.url}"
database = "{server.database}"
password = "file:{secret}"
""")
    (root / "bots" / "bench.toml").write_text('name = "bench"\n')
    return root


def _fill(root: Path, n: int, run: str) -> None:
    project = open_project(load_settings(root))
    with project.store.write() as conn:
        for number in range(n):
            invoice = demo_invoice("ACME", f"{run}-{number}", [("PAPER-A4", "10", "4.20")])
            key = f"bench:{run}:{number}"
            item = project.queue.enqueue("bench", key, {}, conn=conn).item_id
            conn.execute(update(work_items).where(work_items.c.id == item).values(
                state="validated", available_at=NOT_YET,
                idempotency_key=idempotency_key("bench", key),
                record={"record_type": "invoice", **invoice.model_dump(mode="json")}))
    project.close()


def through_clerk(server, password: str, n: int, workers: int, batch: int,  # noqa: ANN001
                  work_dir: Path) -> tuple[float, float]:
    """Posted invoices per second through ``workers`` running `clerk worker`
    processes, and the seconds the slowest of them took to start."""
    with fresh_pg_database("clerk_bench_erp_store") as store_url:
        root = _project(work_dir / f"clerk-{workers}-{batch}", server, password, store_url, batch)
        _fill(root, n, f"C{time.time_ns()}")
        project = open_project(load_settings(root))
        launched = time.perf_counter()
        processes = [subprocess.Popen([sys.executable, "-m", "clerk", "worker", "-C", str(root),
                                       "--no-seal"], env=os.environ.copy(), text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                     for _ in range(workers)]
        try:
            for process in processes:
                _wait_ready(process)
            start_seconds = time.perf_counter() - launched
            started = time.perf_counter()
            with project.store.write() as conn:
                conn.execute(update(work_items).values(available_at=datetime.now(UTC)))
            _wait_until_settled(project, deadline=time.monotonic() + 1800)
            elapsed = time.perf_counter() - started
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.communicate(timeout=120)
        posted = project.queue.count(state="posted")
        project.close()
    assert posted == n, f"{posted} of {n} posted through clerk"
    return n / elapsed, start_seconds


def _wait_ready(process: subprocess.Popen) -> None:
    line = process.stdout.readline()
    if "ready" not in line:
        raise RuntimeError(f"clerk worker did not start: {line!r}")


def _wait_until_settled(project, deadline: float) -> None:  # noqa: ANN001
    """Until no item has machine work left (posted, or stopped for a person)."""
    while time.monotonic() < deadline:
        if not project.queue.machine_work_left():
            return
        time.sleep(0.02)   # the poll's granularity: 20 ms in runs of 20 s and more
    raise TimeoutError("the workers did not finish within the deadline")

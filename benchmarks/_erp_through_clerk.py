"""(b) of the ERP benchmark: the same invoices through clerk's queue, workers
and Tryton connector (drafts per item, posting in batches on the posting lock).
Items start ``validated`` so the figure is the posting path, as (a) is."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import update

from benchmarks._common import fresh_pg_database
from clerk.config import load_settings
from clerk.pipeline import idempotency_key
from clerk.project import open_project
from clerk.store.schema import work_items
from clerk.testing.documents import demo_invoice


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
                state="validated", idempotency_key=idempotency_key("bench", key),
                record={"record_type": "invoice", **invoice.model_dump(mode="json")}))
    project.close()


def through_clerk(server, password: str, n: int, workers: int, batch: int,  # noqa: ANN001
                  work_dir: Path) -> float:
    """Posted invoices per second through ``workers`` `clerk worker` processes."""
    with fresh_pg_database("clerk_bench_erp_store") as store_url:
        root = _project(work_dir / f"clerk-{workers}-{batch}", server, password, store_url, batch)
        _fill(root, n, f"C{time.time_ns()}")
        started = time.perf_counter()
        processes = [subprocess.Popen([sys.executable, "-m", "clerk", "worker", "-C", str(root),
                                       "--drain", "--no-seal"], env=os.environ.copy(),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for _ in range(workers)]
        for process in processes:
            process.wait()
        elapsed = time.perf_counter() - started
        project = open_project(load_settings(root))
        posted = project.queue.count(state="posted")
        project.close()
    assert posted == n, f"{posted} of {n} posted through clerk"
    return n / elapsed

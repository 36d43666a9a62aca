"""The chaos suite's clerk side: a project on a fresh store, its items, and a
fleet of real `clerk worker` processes that is kept at strength while the
harness kills its members."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import update

from clerk.config import load_settings
from clerk.pipeline import idempotency_key
from clerk.project import Project, open_project
from clerk.queue import ItemState
from clerk.store.schema import work_items
from clerk.testing.documents import demo_invoice

BOT = "chaos"


@dataclass(frozen=True)
class Tuning:
    """What the CI size may tune; the lease stays the product's default, since
    recovery after a kill is measured at it."""

    workers: int = 3
    batch: int = 25                 # items per lease round and drafts per posting call
    posted_per_fault: int = 25      # faults keep pace with the posting
    erp_timeout: float = 30.0       # seconds per ERP call (the default)
    # Failed-item retries (default 30 s doubling to an hour) and attempts before
    # review (default 5): the suite kills and cuts far more often than a real
    # fleet sees, so an item meets several faults; these keep the retries of
    # one ERP outage within a run and most items out of review.
    backoff_base: float = 10.0
    backoff_max: float = 60.0
    max_attempts: int = 10
    restart_pause: float = 1.0      # seconds between two worker starts (a crash loop
                                    # while the ERP restarts must not eat the CPU)


def write_project(root: Path, store_url: str, erp, tuning: Tuning) -> Path:  # noqa: ANN001 - ChaosErp
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "bots").mkdir(exist_ok=True)
    (root / "config" / "clerk.toml").write_text(f"""
database_url = "{store_url}"
[queue]
backoff_base_seconds = {tuning.backoff_base}
backoff_max_seconds = {tuning.backoff_max}
max_attempts = {tuning.max_attempts}
[worker]
lease_batch = {tuning.batch}
poll_seconds = 0.1
[erp]
kind = "tryton"
posting_state = "posted"
[erp.batch]
size = {tuning.batch}
[erp.tryton]
url = "{erp.url}"
database = "{erp.database}"
password = "file:{erp.password_file}"
timeout = {tuning.erp_timeout}
""")
    (root / "bots" / f"{BOT}.toml").write_text(f'name = "{BOT}"\n')
    return root


def fill(project: Project, n: int, run: str) -> list[int]:
    """``n`` clean supplier invoices, ready to post (validated), as the
    benchmark's items are; the workers route them to posting themselves."""
    ids = []
    with project.store.write() as conn:
        for number in range(n):
            invoice = demo_invoice("ACME", f"{run}-{number}", [("PAPER-A4", "10", "4.20")])
            document_key = f"chaos:{run}:{number}"
            item = project.queue.enqueue(BOT, document_key, {}, conn=conn).item_id
            conn.execute(update(work_items).where(work_items.c.id == item).values(
                state=ItemState.VALIDATED.value, idempotency_key=idempotency_key(BOT, document_key),
                record={"record_type": "invoice", **invoice.model_dump(mode="json")}))
            ids.append(item)
    return ids


@dataclass
class WorkerProcess:
    number: int
    process: subprocess.Popen
    started: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def owner_pattern(self) -> str:
        """Matches the lease owner the worker writes (host:pid:thread)."""
        return f"%:{self.pid}:%"

    def alive(self) -> bool:
        return self.process.poll() is None


class Fleet:
    """``size`` running workers; a dead one (killed, or crashed on a cut
    connection) is replaced by ``keep_up``."""

    def __init__(self, root: Path, store_url: str, size: int, restart_pause: float = 0.0):
        self.root = root
        self.store_url = store_url
        self.size = size
        self.workers: list[WorkerProcess] = []
        self.started = 0
        self.unexpected_exits: list[int] = []
        self.restart_pause = restart_pause
        self._last_start = float("-inf")
        self._killed: set[int] = set()
        self.logs = root / "worker-logs"
        self.logs.mkdir(exist_ok=True)

    def _url_for(self, number: int) -> str:
        # A name per worker connection, so the harness can find (and cut) them.
        if not self.store_url.startswith("postgresql"):
            return self.store_url
        return f"{self.store_url}?{urlencode({'application_name': f'chaos-worker-{number}'})}"

    def _start_one(self) -> WorkerProcess:
        self.started += 1
        self._last_start = time.monotonic()
        number = self.started
        env = {**os.environ, "CLERK_DATABASE_URL": self._url_for(number)}
        log = open(self.logs / f"worker-{number}.log", "wb")  # noqa: SIM115 - the child keeps it
        process = subprocess.Popen([sys.executable, "-m", "clerk", "worker", "-C", str(self.root)],
                                   env=env, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        worker = WorkerProcess(number, process)
        self.workers.append(worker)
        return worker

    def keep_up(self) -> None:
        for worker in [w for w in self.workers if not w.alive()]:
            self.workers.remove(worker)
            if worker.pid not in self._killed:
                self.unexpected_exits.append(worker.process.returncode)
        while len(self.workers) < self.size:
            replacing = self.started >= self.size
            if replacing and time.monotonic() - self._last_start < self.restart_pause:
                return
            self._start_one()

    def alive(self) -> list[WorkerProcess]:
        return [w for w in self.workers if w.alive()]

    def kill(self, worker: WorkerProcess) -> None:
        self._killed.add(worker.pid)
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait()

    def stop(self, timeout: float = 120.0) -> None:
        for worker in self.alive():
            worker.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for worker in self.workers:
            try:
                worker.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.kill(worker)


def open_chaos_project(root: Path) -> Project:
    return open_project(load_settings(root))

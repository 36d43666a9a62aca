"""Run the chaos suite: ``python -m benchmarks.chaos [--items N] [--stores ...]``
(``make chaos``, ``CHAOS_ITEMS=10000 make chaos``).

Per store (SQLite: clerk's store and Tryton on SQLite, as `clerk demo` runs;
PostgreSQL: both on PostgreSQL, as a fleet runs) it fills N clean invoices,
starts ``--workers`` `clerk worker` processes and injects faults while work is
left, keeping the fleet at strength; then lets the queue settle, stops the
workers and counts. Figures go to benchmarks/results/chaos.json under the
store's name. Exit status 1 when any store lost an item, has a key or a number
twice in the ERP, or a broken audit chain; 2 when a run did not settle in time.

The lease is the product's default (60 s), so the recovery figures are what an
operator gets: a killed worker's items wait for their lease to expire.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from benchmarks._common import fresh_pg_database, merge_results
from benchmarks.chaos.erp import ChaosErp
from benchmarks.chaos.faults import Chaos
from benchmarks.chaos.fleet import Fleet, Tuning, fill, open_chaos_project, write_project
from benchmarks.chaos.tally import audit_figures, item_figures, recovery_figures
from clerk.queue.settings import QueueSettings

STORES = ("sqlite", "postgresql")
MUST_BE_ZERO = ("lost", "keys_twice", "numbers_twice")
SETTLE_SECONDS = 600        # after the last fault, for the queue to settle


@contextmanager
def store_url(kind: str, directory: Path):
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'clerk.db'}"
        return
    with fresh_pg_database("clerk_chaos_store") as url:
        yield url


def run_store(kind: str, items: int, tuning: Tuning, seed: int, work: Path) -> dict:
    """One store's run, from a fresh ERP database and a fresh store to its figures."""
    directory = work / kind
    directory.mkdir(parents=True)
    with ExitStack() as stack:
        erp = ChaosErp(kind, directory / "erp")
        stack.callback(erp.close)
        url = stack.enter_context(store_url(kind, directory))
        root = write_project(directory / "project", url, erp, tuning)
        project = open_chaos_project(root)
        stack.callback(project.close)
        item_ids = fill(project, items, f"C{time.time_ns()}")
        fleet = Fleet(root, url, tuning.workers, tuning.restart_pause)
        stack.callback(fleet.stop)
        chaos = Chaos(project, erp, fleet, tuning, random.Random(seed))
        started = time.monotonic()
        fleet.keep_up()
        chaos.run(deadline=started + 60 + items * 0.5)
        faults_s = time.monotonic() - started
        # Retries after a lost ERP answer wait out its window (2 x the timeout)
        # and the posting turn with it: a slow ERP needs minutes to settle.
        settled = chaos.wait_for(lambda: not project.queue.machine_work_left(),
                                 deadline=time.monotonic() + SETTLE_SECONDS)
        elapsed = time.monotonic() - started
        fleet.stop()
        chaos.recoveries.update()
        figures = item_figures(project, erp, item_ids)
        figures.update(recovery_figures(chaos.recoveries.done, chaos.recoveries.pending))
        figures.update(audit_figures(project))
        figures.update({
            "kills": sum(v for k, v in chaos.counts.items() if k.startswith("kill_")),
            "faults": dict(chaos.counts), "phase_not_seen": dict(chaos.phase_not_seen),
            "erp_down_s": chaos.erp_down_seconds, "fault_log_utc": chaos.log,
            "worker_starts": fleet.started, "worker_unexpected_exits": len(fleet.unexpected_exits),
            "settled_in_time": settled, "seconds_with_faults": round(faults_s, 1),
            "seconds": round(elapsed, 1), "lease_seconds": QueueSettings().lease_seconds,
            "workers": tuning.workers, "batch": tuning.batch, "erp_timeout_s": tuning.erp_timeout,
            "max_attempts": tuning.max_attempts, "posted_per_fault": tuning.posted_per_fault,
            "seed": seed})
        return figures


def failures(figures: dict) -> list[str]:
    problems = [f"{key} = {figures[key]}" for key in MUST_BE_ZERO if figures[key]]
    if not figures["audit_intact"]:
        problems.append(f"audit chain broken: {figures['audit_problem']}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=int(os.environ.get("CHAOS_ITEMS", 1000)))
    parser.add_argument("--stores", nargs="+", choices=STORES, default=list(STORES))
    parser.add_argument("--workers", type=int, default=Tuning.workers)
    parser.add_argument("--batch", type=int, default=Tuning.batch)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--posted-per-fault", type=int, default=Tuning.posted_per_fault)
    args = parser.parse_args()
    # A stopped run still stops its workers and servers and drops its databases.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    tuning = Tuning(workers=args.workers, batch=args.batch,
                    posted_per_fault=args.posted_per_fault)
    status = 0
    with tempfile.TemporaryDirectory(prefix="clerk-chaos-") as work:
        for kind in args.stores:
            print(f"chaos on {kind}: {args.items} items, seed {seed}", flush=True)
            figures = run_store(kind, args.items, tuning, seed, Path(work))
            path = merge_results("chaos", {kind: figures})
            print(json.dumps(figures, indent=2, sort_keys=True), flush=True)
            problems = failures(figures)
            if problems:
                print(f"chaos on {kind} FAILED: {'; '.join(problems)}", flush=True)
                status = 1
            elif not figures["settled_in_time"] and status == 0:
                status = 2
    print(f"figures in {path}")
    return status


if __name__ == "__main__":
    sys.exit(main())

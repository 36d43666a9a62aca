"""Queue throughput: enqueue, lease+complete with every transition's audit
event and the sealer running, on SQLite (1 process) and PostgreSQL (1, 2, 4
worker processes), the sealing lag, and procrastinate on the same PostgreSQL
as the reference. Writes benchmarks/results/queue.json.

    .venv/bin/python benchmarks/bench_queue.py [--items 4000]
    .venv/bin/python benchmarks/bench_queue.py --checkpoint-cost   # signed vs unsigned checkpoints
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from benchmarks._common import fresh_pg_database, merge_results  # noqa: E402
from clerk.audit.chain import seal, sealing_lag_seconds, unsealed_count  # noqa: E402
from clerk.audit.signing import CheckpointSigner  # noqa: E402
from clerk.queue import ItemState, QueueSettings, WorkQueue  # noqa: E402
from clerk.store import open_store  # noqa: E402


def fill(url: str, items: int) -> float:
    store = open_store(url)
    queue = WorkQueue(store)
    started = time.perf_counter()
    for start in range(0, items, 500):
        with store.write() as conn:
            for number in range(start, min(items, start + 500)):
                queue.enqueue("bench", f"doc-{number}", {"n": number}, conn=conn)
    elapsed = time.perf_counter() - started
    store.dispose()
    return items / elapsed


def drain(url: str, batch_commit: bool, lease_batch: int = 50) -> int:
    """One worker: lease a batch, complete each item (one transaction each, or
    one transaction for the batch)."""
    store = open_store(url, migrate=False)
    queue = WorkQueue(store, QueueSettings(lease_seconds=300))
    done = 0
    while leases := queue.lease(f"bench-{multiprocessing.current_process().pid}", limit=lease_batch):
        if batch_commit:
            queue.advance_many(leases, ItemState.NEEDS_REVIEW)
        else:
            for lease in leases:
                queue.advance(lease, ItemState.NEEDS_REVIEW)
        done += len(leases)
    store.dispose()
    return done


class Sealer(threading.Thread):
    """Seals continuously, as a worker's sealer thread does; records the worst lag."""

    def __init__(self, url: str, signer: CheckpointSigner | None = None):
        super().__init__(daemon=True)
        self.store = open_store(url, migrate=False)
        self.stop = threading.Event()
        self.max_lag = 0.0
        self.signer = signer

    def run(self) -> None:
        # As a worker's sealer thread does: one batch per interval (AuditSettings defaults),
        # a checkpoint once 1000 events passed, signed when the project has a key.
        while not self.stop.wait(0.5):
            self.max_lag = max(self.max_lag, sealing_lag_seconds(self.store))
            seal(self.store, batch=5000, signer=self.signer)

    def finish(self) -> dict:
        self.stop.set()
        self.join()
        started = time.perf_counter()
        while unsealed_count(self.store):
            seal(self.store, batch=5000, signer=self.signer)
        catch_up = time.perf_counter() - started
        self.store.dispose()
        return {"max_sealing_lag_s": round(self.max_lag, 3), "final_catch_up_s": round(catch_up, 3)}


def run_clerk(url: str, items: int, workers: int, batch_commit: bool,
              signer: CheckpointSigner | None = None) -> dict:
    sealer = Sealer(url, signer)       # sealing from the first event on, as in production
    sealer.start()
    enqueue_rate = fill(url, items)
    started = time.perf_counter()
    if workers == 1:
        done = drain(url, batch_commit)
    else:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            done = sum(pool.starmap(drain, [(url, batch_commit)] * workers))
    elapsed = time.perf_counter() - started
    lag = sealer.finish()
    assert done == items, (done, items)
    return {"enqueue_per_s": round(enqueue_rate), "lease_complete_per_s": round(done / elapsed), **lag}


def bench_sqlite(items: int) -> dict:
    results = {}
    for mode, batch_commit in (("per_item_tx", False), ("batch_tx", True)):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            open_store(url).dispose()
            results[mode] = run_clerk(url, items, 1, batch_commit)
    return results


def bench_postgres(items: int) -> dict:
    results: dict = {}
    for workers in (1, 2, 4):
        for mode, batch_commit in (("per_item_tx", False), ("batch_tx", True)):
            with fresh_pg_database("clerk_bench") as url:
                open_store(url).dispose()
                results.setdefault(mode, {})[str(workers)] = run_clerk(url, items, workers, batch_commit)
    return results


def bench_procrastinate(items: int) -> dict:
    from benchmarks._procrastinate import run_procrastinate

    results = {}
    for workers in (1, 2, 4):
        with fresh_pg_database("clerk_bench_proc") as url:
            results[str(workers)] = run_procrastinate(url, items, workers)
    return results


def bench_checkpoint_cost(items: int, rounds: int = 2) -> dict:
    """lease+complete/s with the sealer's checkpoints unsigned and Ed25519-signed,
    interleaved in rounds (the machine is shared): SQLite 1 process, PostgreSQL 1
    and 2 workers, one transaction per item; medians of the rounds."""
    signer = CheckpointSigner(Ed25519PrivateKey.generate())
    seen: dict = {}
    for _ in range(rounds):
        for label, key in (("unsigned", None), ("signed", signer)):
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{Path(folder) / 'bench.db'}"
                open_store(url).dispose()
                seen.setdefault(("sqlite_1_process", label), []).append(
                    run_clerk(url, items * 5, 1, False, key))
            for workers in (1, 2):
                with fresh_pg_database("clerk_bench_cp") as url:
                    open_store(url).dispose()
                    seen.setdefault((f"postgresql_{workers}_workers", label), []).append(
                        run_clerk(url, items, workers, False, key))
    figures: dict = {"mode": "per_item_tx", "rounds": rounds}
    for (setup, label), runs in seen.items():
        figures.setdefault(setup, {})[label] = {
            name: statistics.median(run[name] for run in runs) for name in runs[0]}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=4000)
    parser.add_argument("--checkpoint-cost", action="store_true",
                        help="only: signed vs unsigned checkpoints (key checkpoint_cost)")
    args = parser.parse_args()
    if args.checkpoint_cost:
        figures = {"checkpoint_cost": bench_checkpoint_cost(args.items)}
        print(figures, flush=True)
        print(merge_results("queue", figures))
        return
    # SQLite drains a few thousand items in well under the sealer's interval; five
    # times as many keep the sealer busy during the drain, as it is in production.
    figures = {"items": args.items, "sqlite_items": args.items * 5,
               "sqlite_1_process": bench_sqlite(args.items * 5)}
    print("sqlite", figures["sqlite_1_process"], flush=True)
    figures["postgresql"] = bench_postgres(args.items)
    print("postgresql", figures["postgresql"], flush=True)
    figures["procrastinate_postgresql"] = bench_procrastinate(args.items)
    print("procrastinate", figures["procrastinate_postgresql"], flush=True)
    print(merge_results("queue", figures))


if __name__ == "__main__":
    main()

"""Bounded run logs and memory: one robot run over 10,000 work items.

The robot is what an operator writes: ``For Each Work Item`` calling a robot
keyword per item, which calls a library keyword; every 500th item fails (an
application error: the item is retried later, the failure is in the log).
Reported: output.xml and log.html sizes (one self-contained file), the run's
seconds, and this process's resident memory (the worker's: `clerk worker`
runs bots in-process) sampled through the run: RSS before, peak growth, and
RSS at each tenth of the run, which is what "flat" means.

Run: ``.venv/bin/python benchmarks/bench_bounded_run.py [--items 10000]``;
merges into ``benchmarks/results/bounded_run.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks._common import merge_results  # noqa: E402
from clerk.bots import load_bots  # noqa: E402
from clerk.config import load_settings  # noqa: E402
from clerk.project import open_project  # noqa: E402
from clerk.runner import run_bot  # noqa: E402

LIBRARY = '''
from clerk.runner.context import current_run
from tests.unit.runner.handlers import walk_to_posted

def walk_item_to_posted(item):
    if item.lease.document_key.endswith("-broken"):
        raise RuntimeError(f"the ERP refused {item.lease.document_key}")
    item.lease = walk_to_posted(current_run().project.queue, item.lease)
'''
ROBOT = """*** Settings ***
Library    clerk.keywords.ClerkLibrary
Library    bounded_keywords

*** Tasks ***
Post all
    For Each Work Item    Post One

*** Keywords ***
Post One
    [Arguments]    ${item}
    Log    posting ${item}
    Walk Item To Posted    ${item}
"""
# The same size of run written the Robot Framework way, without clerk's queue:
# a FOR loop whose passed iterations the log drops and whose failed one it keeps.
FOR_ROBOT = """*** Tasks ***
Loop over rows
    FOR    ${i}    IN RANGE    ${ITEMS}
        Handle Row    ${i}
    END

*** Keywords ***
Handle Row
    [Arguments]    ${i}
    Log    handling row ${i}
    IF    ${i} % 500 == 499    Run Keyword And Continue On Failure    Fail    row ${i} broke
"""


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler:
    """RSS every 0.2 s while the run goes on."""

    def __init__(self):
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.samples.append(rss_mb())

    def tenths(self) -> list[float]:
        n = len(self.samples)
        return [round(self.samples[min(n - 1, n * k // 10)], 1) for k in range(1, 11)] if n else []


def for_loop_figures(project, bot, items: int) -> dict:  # noqa: ANN001
    before = rss_mb()
    start = time.perf_counter()
    with Sampler() as sampler:
        outcome = run_bot(project, bot, trigger="bench", variables={"ITEMS": str(items)})
    out = outcome.output_dir
    return {"seconds": round(time.perf_counter() - start, 1), "status": outcome.status,
            "output_xml_bytes": (out / "output.xml").stat().st_size,
            "log_html_bytes": (out / "log.html").stat().st_size,
            "peak_rss_growth_mb": round(max(sampler.samples, default=before) - before, 1)}


def make_project(work: Path) -> Path:
    for folder in ("bots", "robots", "keywords", "config"):
        (work / folder).mkdir(parents=True)
    (work / "keywords" / "bounded_keywords.py").write_text(LIBRARY)
    (work / "robots" / "bounded.robot").write_text(ROBOT)
    (work / "bots" / "bounded.toml").write_text('robot = "robots/bounded.robot"\n')
    (work / "robots" / "for_loop.robot").write_text(FOR_ROBOT)
    (work / "bots" / "for_loop.toml").write_text('robot = "robots/for_loop.robot"\n')
    (work / "config" / "clerk.toml").write_text("[queue]\nmax_attempts = 3\n")
    return work


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="clerk-bench-bounded-"))
    try:
        project = open_project(load_settings(make_project(work)))
        for n in range(args.items):
            project.queue.enqueue("bounded", f"doc-{n:05d}" + ("-broken" if n % 500 == 499 else ""), {})
        bot = load_bots(work)["bounded"]
        before, peak_before = rss_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        with Sampler() as sampler:
            outcome = run_bot(project, bot, trigger="bench")
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out = outcome.output_dir
        figures = {
            "items": args.items, "failed_items": args.items // 500, "seconds": round(seconds, 1),
            "run_counts": outcome.counts.get("items"),
            "output_xml_bytes": (out / "output.xml").stat().st_size,
            "log_html_bytes": (out / "log.html").stat().st_size,
            "rss_mb_before_run": round(before, 1),
            "peak_rss_mb": round(peak, 1),
            "peak_rss_growth_mb": round(max(peak, max(sampler.samples, default=0)) - max(before, 0), 1),
            "peak_rss_mb_before_run": round(peak_before, 1),
            "rss_mb_by_tenth_of_run": sampler.tenths(),
        }
        figures["rf_for_loop"] = for_loop_figures(project, load_bots(work)["for_loop"], args.items)
        project.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    merge_results("bounded_run", figures)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

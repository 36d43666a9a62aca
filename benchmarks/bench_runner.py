"""Runner overhead: what Robot Framework and the keyword layer cost.

1. A robot run start to finish with zero items (suite build, RF execution,
   listener, masking pass, log.html/report.html, run record).
2. Per-item cost over 1,000 items, three ways, all running the same handler
   (four state moves, each one transaction with its audit event):
   - ``direct``: the same Python functions, no Robot Framework;
   - ``library``: one keyword, ``Process Work Items With Handler``;
   - ``keywords``: ``For Each Work Item`` calling a robot keyword per item,
     which calls a library keyword (what an operator's robot looks like).
   Reported as per-item milliseconds and ratios to ``direct``.

Run: ``.venv/bin/python benchmarks/bench_runner.py [--items N]``; writes
``benchmarks/results/runner.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from clerk.bots import load_bots  # noqa: E402
from clerk.config import load_settings  # noqa: E402
from clerk.keywords._items import drain  # noqa: E402
from clerk.project import open_project  # noqa: E402
from clerk.runner import run_bot  # noqa: E402
from clerk.runner.context import RunContext, running  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "runner.json"
HANDLER = "tests.unit.runner.handlers:walk_to_posted"
BENCH_LIBRARY = '''
from clerk.runner.context import current_run
from tests.unit.runner.handlers import walk_to_posted

def walk_item_to_posted(item):
    item.lease = walk_to_posted(current_run().project.queue, item.lease)
'''
ROBOTS = {
    "empty": "*** Settings ***\nLibrary    clerk.keywords.ClerkLibrary\n\n*** Tasks ***\n"
             f"Nothing to do\n    Process Work Items With Handler    {HANDLER}\n",
    "library": "*** Settings ***\nLibrary    clerk.keywords.ClerkLibrary\n\n*** Tasks ***\n"
               f"Post all\n    Process Work Items With Handler    {HANDLER}\n",
    "keywords": "*** Settings ***\nLibrary    clerk.keywords.ClerkLibrary\nLibrary    bench_keywords\n\n"
                "*** Tasks ***\nPost all\n    For Each Work Item    Post One\n\n"
                "*** Keywords ***\nPost One\n    [Arguments]    ${item}\n    Walk Item To Posted    ${item}\n",
}


def make_project(work: Path) -> Path:
    (work / "bots").mkdir(parents=True)
    (work / "robots").mkdir()
    (work / "keywords").mkdir()
    (work / "keywords" / "bench_keywords.py").write_text(BENCH_LIBRARY)
    for name, text in ROBOTS.items():
        (work / "robots" / f"{name}.robot").write_text(text)
        (work / "bots" / f"{name}.toml").write_text(f'robot = "robots/{name}.robot"\n')
    (work / "bots" / "direct.toml").write_text(f'handler = "{HANDLER}"\n')
    return work


def fill(project, bot: str, items: int) -> None:  # noqa: ANN001
    for n in range(items):
        project.queue.enqueue(bot, f"{bot}-{n:05d}", {"path": f"doc-{n}"})


def empty_run_seconds(project, bots, repeats: int) -> list[float]:  # noqa: ANN001
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run_bot(project, bots["empty"], trigger="bench")
        times.append(time.perf_counter() - start)
    return times


def per_item_ms(project, bots, mode: str, items: int) -> tuple[float, dict]:  # noqa: ANN001
    fill(project, mode, items)
    start = time.perf_counter()
    if mode == "direct":
        context = RunContext(project, bots["direct"], "bench-direct", project.settings.output_dir)
        with running(context):
            counts = dict(drain(context, __import__("tests.unit.runner.handlers", fromlist=["x"]).walk_to_posted))
        extra = {}
    else:
        outcome = run_bot(project, bots[mode], trigger="bench")
        counts = outcome.counts["items"]
        extra = {"output_xml_bytes": (outcome.output_dir / "output.xml").stat().st_size,
                 "log_html_bytes": (outcome.output_dir / "log.html").stat().st_size}
    elapsed = time.perf_counter() - start
    assert counts == {"posted": items}, counts
    return elapsed * 1000 / items, {"seconds": round(elapsed, 3), **extra}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="clerk-bench-runner-"))
    try:
        directory = make_project(work)
        project = open_project(load_settings(directory))
        bots = load_bots(directory)
        run_bot(project, bots["empty"])  # warm imports and the store
        empty = empty_run_seconds(project, bots, args.repeats)
        per_item = {mode: per_item_ms(project, bots, mode, args.items)
                    for mode in ("direct", "library", "keywords")}
        project.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    direct = per_item["direct"][0]
    result = {
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count(),
                    "store": "sqlite"},
        "empty_run_seconds": {"median": round(statistics.median(empty), 3),
                              "min": round(min(empty), 3), "repeats": args.repeats},
        "items": args.items,
        "per_item_ms": {mode: round(value, 3) for mode, (value, _) in per_item.items()},
        "ratio_to_direct": {mode: round(value / direct, 3) for mode, (value, _) in per_item.items()},
        "details": {mode: detail for mode, (_, detail) in per_item.items()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

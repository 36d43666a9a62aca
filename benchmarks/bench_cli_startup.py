"""How fast read-only commands start: `clerk extract FILE` on one UBL invoice and
`clerk --help`, against `python -c 'import lxml, pydantic'`, in paired hyperfine
runs (interleaved, warmed up, no shell).

Run: ``.venv/bin/python benchmarks/bench_cli_startup.py [--runs N]`` (needs
``hyperfine``: ``apt-get install -y hyperfine``). Writes
``benchmarks/results/cli_startup.json``: mean and median wall time, user CPU,
and each command's ratio to the baseline. On a loaded machine compare the
ratios and the CPU times, not the wall times of different days.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks._common import merge_results  # noqa: E402
from clerk.testing.documents import demo_invoice, ubl_xml  # noqa: E402


def commands(invoice: Path) -> dict[str, str]:
    python = shlex.quote(sys.executable)
    return {"baseline": f"{python} -c 'import lxml, pydantic'",
            "extract": f"{python} -m clerk extract {shlex.quote(str(invoice))}",
            "help": f"{python} -m clerk --help"}


def measure(runs: int) -> dict:
    if shutil.which("hyperfine") is None:
        raise SystemExit("hyperfine is not installed (apt-get install -y hyperfine)")
    work = Path(tempfile.mkdtemp(prefix="clerk-bench-cli-"))
    try:
        invoice = work / "invoice.xml"
        invoice.write_bytes(ubl_xml(demo_invoice("ACME", "INV-1", [("PAPER-A4", "1", "4.20")])))
        named = commands(invoice)
        export = work / "hyperfine.json"
        argv = ["hyperfine", "-N", "--warmup", "3", "--runs", str(runs), "--export-json", str(export)]
        for name, command in named.items():
            argv += ["--command-name", name, command]
        subprocess.run(argv, check=True, cwd=work, capture_output=True)
        results = {r["command"]: r for r in json.loads(export.read_text())["results"]}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = results["baseline"]
    figures = {}
    for name, result in results.items():
        figures[name] = {"mean_s": round(result["mean"], 4), "median_s": round(statistics.median(result["times"]), 4),
                         "user_s": round(result["user"], 4), "system_s": round(result["system"], 4),
                         "ratio_wall": round(result["mean"] / base["mean"], 2),
                         "ratio_user": round(result["user"] / base["user"], 2)}
    shown = {name: command.replace(shlex.quote(sys.executable), "python") for name, command in named.items()}
    return {"runs": runs, "commands": shown, "results": figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    figures = measure(parser.parse_args().runs)
    path = merge_results("cli_startup", figures)
    print(json.dumps(figures["results"], indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()

"""``make bench``: every benchmark, one after the other; results in benchmarks/results/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ORDER = ["bench_queue.py", "bench_extract.py", "bench_rules.py", "bench_intake.py",
         "bench_portal.py", "bench_erp.py", "bench_runner.py", "bench_ocr.py", "bench_web.py",
         "bench_audit_proofs.py"]


def main() -> int:
    failed = []
    for name in ORDER:
        script = HERE / name
        if not script.exists():
            continue
        print(f"== {name}", flush=True)
        if subprocess.call([sys.executable, str(script)], cwd=HERE.parent) != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

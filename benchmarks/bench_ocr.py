"""OCR speed and accuracy on generated scans, through the real session.

    .venv/bin/python benchmarks/bench_ocr.py [--per-set 6]

Writes benchmarks/results/ocr.json: s_per_page (and per dpi), pages per
minute with both cores busy (two sessions in parallel), and the key-field
exact-match rate of accepted records on the clean, degraded and harsh sets,
plus wrong values accepted silently (a wrong key field with no finding), and
the outcome that matters for the ERP (issue 24): accepted (no blocking
finding: it would go on without a person) right or wrong, or to review.
The machine may be shared: the load average is recorded with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))   # the scan generators live with the tests that define them

from clerk.errors import BusinessException, ExtractionError  # noqa: E402
from clerk.extract import ExtractionSession, ExtractSettings  # noqa: E402
from clerk.extract.ocr import OcrSettings, ocr_findings  # noqa: E402
from clerk.testing import plain_pdf  # noqa: E402
from tests.unit.extract.ocr.scans import (  # noqa: E402
    SUPPLIERS, degraded, harsh, image_pdf, invoice_for, key_fields, rasterize,
)

RESULTS = ROOT / "benchmarks" / "results" / "ocr.json"
SETTINGS = ExtractSettings(templates_dir=ROOT / "config" / "templates", ocr=OcrSettings())


def _cases(kind: str, count: int) -> list[tuple[object, bytes, int]]:
    cases = []
    for index in range(count):
        supplier, layout = SUPPLIERS[index % 3]
        invoice = invoice_for(supplier, f"2026-{index:04d}")
        dpi = 150 if kind == "harsh" else (200, 300)[(index // 3) % 2]
        page = rasterize(plain_pdf(invoice, layout), dpi)
        scan = {"clean": lambda image, seed: image, "degraded": degraded, "harsh": harsh}[kind](page, 100 + index)
        cases.append((invoice, image_pdf([scan], dpi), dpi))
    return cases


def _judge(session: ExtractionSession, invoice, data: bytes) -> dict[str, object]:
    started = time.monotonic()
    try:
        extraction = session.extract(data)
    except (BusinessException, ExtractionError) as error:
        return {"seconds": time.monotonic() - started, "outcome": getattr(error, "code", None) or error.reason}
    seconds = time.monotonic() - started
    findings = (*ocr_findings(extraction, SETTINGS.ocr), *extraction.findings)
    flagged = {finding.field for finding in findings}
    blocked = any(finding.severity.value == "error" for finding in findings)
    got, want = key_fields(extraction.record), key_fields(invoice)
    wrong = {field for field in want if got[field] != want[field]}
    return {"seconds": seconds, "outcome": "read", "exact": not wrong, "flagged": bool(flagged),
            "decision": "to_review" if blocked else ("accepted_wrong" if wrong else "accepted_right"),
            "silent_wrong": len(wrong - flagged), "right_fields": len(want) - len(wrong), "fields": len(want)}


def _run_set(kind: str, count: int) -> tuple[dict[str, object], list[dict[str, object]]]:
    with ExtractionSession(SETTINGS) as session:
        session.extract(_cases("clean", 1)[0][1])   # start the child outside the clock
        results = [dict(_judge(session, invoice, data), dpi=dpi) for invoice, data, dpi in _cases(kind, count)]
    read = [r for r in results if r["outcome"] == "read"]
    fields = sum(r["fields"] for r in read) or 1
    summary = {
        f"field_exact_{kind}": round(sum(r["right_fields"] for r in read) / fields, 4) if read else None,
        f"documents_{kind}": len(results), f"accepted_{kind}": len(read),
        f"refused_{kind}": sorted({r["outcome"] for r in results if r["outcome"] != "read"}),
        f"flagged_{kind}": sum(1 for r in read if r["flagged"]),
        f"wrong_accepted_{kind}": sum(r["silent_wrong"] for r in read),
        **{f"{decision}_{kind}": sum(1 for r in results if r.get("decision", "to_review") == decision)
           for decision in ("accepted_right", "accepted_wrong", "to_review")},
    }
    return summary, results


def _throughput(count: int) -> float:
    cases = _cases("degraded", count)

    def worker(share: list) -> int:
        with ExtractionSession(SETTINGS) as session:
            for _, data, _ in share:
                session.extract(data)
        return len(share)

    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:   # two sessions, two OCR children: both cores busy
        pages = sum(pool.map(worker, [cases[0::2], cases[1::2]]))
    return round(pages / (time.monotonic() - started) * 60, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-set", type=int, default=6)
    parser.add_argument("--decisions-only", action="store_true",
                        help="only the accepted/to-review figures (for a before/after comparison)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    report: dict[str, object] = {}
    seconds: dict[int, list[float]] = {200: [], 300: []}
    for kind in ("clean", "degraded", "harsh"):
        summary, results = _run_set(kind, args.per_set)
        report.update(summary)
        if kind != "harsh":
            for result in results:
                seconds[result["dpi"]].append(result["seconds"])
    if args.decisions_only:
        args.out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
        print(json.dumps(report, indent=2, sort_keys=True))
        return
    every = seconds[200] + seconds[300]
    report.update({
        "s_per_page": round(sum(every) / len(every), 2),
        "s_per_page_200dpi": round(sum(seconds[200]) / max(len(seconds[200]), 1), 2),
        "s_per_page_300dpi": round(sum(seconds[300]) / max(len(seconds[300]), 1), 2),
        "pages_per_min_2_cores": _throughput(max(4, args.per_set)),
        "ocr_languages": "+".join(SETTINGS.ocr.languages), "ocr_psm": SETTINGS.ocr.psm,
        "ocr_machine": f"{platform.python_version()} {platform.machine()}, {os.cpu_count()} cores",
        "ocr_load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    })
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    print(json.dumps(report, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()

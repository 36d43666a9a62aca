"""Supplier portal collection throughput: documents per second from the demo portal.

    .venv/bin/python benchmarks/bench_portal.py [--documents 200] [--page-size 5]

Starts the demo portal (a subprocess) with N invoices, warms it (its PDFs are
rendered on first request; that is the demo's cost, not clerk's), then runs
the portal source in headless Chromium: log in, page through N/page-size
pages, download the XML and the PDF of every invoice. Reports documents per
second over the whole run (browser start and login included) and after the
first document, plus peak RSS of this process and of the largest finished
descendant (Chromium's processes, Playwright's driver or the demo portal). Merged into benchmarks/results/intake.json under ``portal``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO)]

from clerk.models.document import Document
from clerk.sources._recipe import load_recipe
from clerk.sources.portal import PortalSource
from tests.fixtures.portal import DemoPortal, start_demo_portal

RESULTS = REPO / "benchmarks" / "results" / "intake.json"
RECIPE = REPO / "config" / "portals" / "acme.toml"


def merge(key: str, figures: dict) -> None:
    """Write ``figures`` under ``key``, keeping what other benchmarks wrote."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    current[key] = figures
    temp = RESULTS.with_suffix(".json.tmp")
    temp.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temp, RESULTS)


def warm(portal: DemoPortal, documents: int, page_size: int) -> None:
    """Fetch every file once over plain HTTP so the portal has rendered them."""
    with httpx.Client(base_url=portal.url, timeout=60) as client:
        client.post("/login", data={"username": portal.user, "password": portal.password})
        for page in range(1, -(-documents // page_size) + 1):
            html = client.get(f"/invoices?page={page}").text
            for doc_id in re.findall(r'data-id="([^"]+)"', html):
                client.get(f"/invoices/{doc_id}/pdf")
                client.get(f"/invoices/{doc_id}/xml")
    portal.configure(expire_sessions=True)


def run(documents: int, page_size: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="clerk-bench-portal-") as scratch:
        root = Path(scratch)
        (root / "secrets").mkdir()
        with start_demo_portal(root / "secrets", documents=documents, page_size=page_size) as portal:
            warm(portal, documents, page_size)
            recipe = load_recipe(RECIPE, overrides={"base_url": portal.url, "max_pages": 1000})
            source = PortalSource(recipe, root / "run" / "documents", portal.resolve_secret, state_dir=root / "state")
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            started = time.perf_counter()
            first_at, collected = None, []
            for item in source.collect():
                collected.append(item)
                first_at = first_at or time.perf_counter()
            total = time.perf_counter() - started
            saved = sum(1 for path in (root / "run" / "documents").rglob("*") if path.is_file())
    steady = total - (first_at - started)
    assert len(collected) == documents and all(isinstance(i, Document) for i in collected), "not all collected"
    return {
        "documents": documents,
        "files_saved": saved,
        "pages": -(-documents // page_size),
        "collect_seconds": round(total, 2),
        "first_document_seconds": round(first_at - started, 2),
        "documents_per_second": round(documents / total, 1),
        "documents_per_second_after_first": round((documents - 1) / steady, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_mb_before_collect": round(rss_before, 1),
        # Largest single descendant that has exited: a Chromium process, the driver or the portal.
        "peak_child_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "browser": "chromium (system) headless via Playwright",
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "measured_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--page-size", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    figures = run(args.documents, args.page_size)
    print(json.dumps(figures, indent=2))
    if not args.no_write:
        merge("portal", figures)


if __name__ == "__main__":
    main()

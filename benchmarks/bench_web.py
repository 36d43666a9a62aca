"""p95 latency of the reviewer inbox and the item page with 100,000 items in
the store, on SQLite and PostgreSQL, through the real app (HTTP via the ASGI
test client, a logged-in reviewer). Writes benchmarks/results/web.json.

    .venv/bin/python benchmarks/bench_web.py [--items 100000] [--requests 200]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STATES = ["needs_review"] * 6 + ["posted"] * 3 + ["rejected"]


def _fill(store, count: int) -> list[int]:  # noqa: ANN001
    from clerk.store.schema import work_items
    from clerk.testing import demo_invoice

    record = {"record_type": "invoice",
              **demo_invoice("ACME", "N-1", [("PAPER-A4", "10", "4.20")]).model_dump(mode="json")}
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(count):
        at = start + timedelta(minutes=n)
        rows.append({"bot": "invoices", "document_key": f"k{n}", "state": STATES[n % len(STATES)],
                     "queued_at": at, "available_at": at, "created_at": at, "updated_at": at,
                     "max_attempts": 5, "payload": {"kind": "email", "filename": f"{n}.pdf"},
                     "record": {**record, "number": f"N-{n}"}, "reason_code": "total_mismatch",
                     "findings": [{"code": "total_mismatch", "severity": "error", "message": "x"}],
                     "assignee": "rita" if n % 7 == 0 else None})
    for offset in range(0, count, 5000):
        with store.write() as conn:
            conn.execute(insert(work_items), rows[offset:offset + 5000])
    with store.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return [1, count // 2, count - 3]


def _measure(client, path: str, requests: int) -> dict:  # noqa: ANN001
    client.get(path)  # warm
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1), "max_ms": round(times[-1], 1),
            "requests": requests}


def run(url: str, items: int, requests: int, root: Path) -> dict:
    from argon2 import PasswordHasher
    from fastapi.testclient import TestClient

    from clerk.config import Settings
    from clerk.project import open_project
    from clerk.review.settings import WebSettings
    from clerk.review.users import UserDirectory
    from clerk.web.app import create_app

    project = open_project(Settings(project_dir=root, database_url=url))
    ids = _fill(project.store, items)
    directory = UserDirectory(project.store, project.audit, PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    directory.add("rita", "correct horse battery", ["reviewer"], now=datetime.now(UTC), actor="bench")
    app = create_app(project, WebSettings(secure_cookies=False), directory=directory, bots={})
    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"username": "rita", "password": "correct horse battery",
                                "csrf_token": token})
    result = {"inbox": _measure(client, "/inbox", requests),
              "inbox_mine": _measure(client, "/inbox?assignee=me", requests),
              "item": _measure(client, f"/items/{ids[1]}", requests)}
    project.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    results = {"items": args.items, "target_p95_ms": 200, "machine": "2 cores, shared"}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = run(f"sqlite:///{tmp}/bench.db", args.items, args.requests, Path(tmp))
        name = f"clerk_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            results["postgresql"] = run(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", args.items,
                                        args.requests, Path(tmp))
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    out = REPO / "benchmarks" / "results" / "web.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

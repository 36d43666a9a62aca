"""Helpers the benchmarks share: result files, fresh PostgreSQL databases."""

from __future__ import annotations

import json
import os
import platform
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

RESULTS = Path(__file__).parent / "results"
PG_ADMIN_URL = os.environ.get("CLERK_BENCH_PG_ADMIN_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def merge_results(name: str, figures: dict) -> Path:
    """Merge ``figures`` into benchmarks/results/<name>.json, keeping other keys."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    current = json.loads(path.read_text()) if path.exists() else {}
    current.update(figures)
    current["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    current["machine"] = f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    return path


@contextmanager
def fresh_pg_database(prefix: str):
    """A new PostgreSQL database, dropped afterwards; yields its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

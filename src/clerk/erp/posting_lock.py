"""One poster at a time per ERP, across every worker of the fleet.

An ERP that numbers invoices gaplessly locks its sequence row while posting
(Tryton: ``ir_sequence_strict``, NOWAIT). Workers that post at the same time
make each other fail and retry. Waiting on clerk's own lock first turns that
contention into an orderly queue: drafts are still created in parallel, only
the short posting calls take turns.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from clerk.store import Store


def lock_key(erp_identity: str) -> int:
    """A signed 64-bit advisory-lock key from the ERP's URL and database."""
    digest = hashlib.sha256(f"clerk-posting:{erp_identity}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def posting_lock(store: Store, erp_identity: str, lock_dir: Path) -> Iterator[None]:
    """Hold the fleet-wide posting lock for ``erp_identity`` while inside."""
    if store.is_postgresql:
        with store.engine.connect() as conn:
            key = lock_key(erp_identity)
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
        return
    # SQLite means one machine: a lock file beside the database does the same.
    lock_dir.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(erp_identity.encode()).hexdigest()[:16]
    with open(lock_dir / f"posting-{name}.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

"""Exporting the audit trail for auditors: JSONL or CSV, chain fields included."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from clerk.audit.events import as_utc
from clerk.store import Store
from clerk.store.schema import audit_events

FIELDS = ["seq", "id", "at", "actor", "action", "item_id", "data", "prev_hash", "hash"]
PAGE = 5000


def export_events(store: Store, out: Path, fmt: str, *, item_id: int | None = None,
                  progress: Callable[[int, int], None] | None = None) -> int:
    """Sealed events in chain order, then unsealed ones by id."""
    query = select(audit_events)
    if item_id is not None:
        query = query.where(audit_events.c.item_id == item_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    with store.read() as conn, out.open("w", encoding="utf-8", newline="") as handle:
        total = conn.scalar(select(func.count()).select_from(query.subquery())) or 0
        writer = csv.DictWriter(handle, FIELDS) if fmt == "csv" else None
        if writer:
            writer.writeheader()
        count = 0
        ordered = query.order_by(audit_events.c.seq.is_(None), audit_events.c.seq, audit_events.c.id)
        for row in conn.execution_options(yield_per=PAGE).execute(ordered):
            record = {name: getattr(row, name) for name in FIELDS}
            record["at"] = as_utc(row.at).isoformat(timespec="microseconds")
            if writer:
                writer.writerow(record)
            else:
                record["data"] = json.loads(row.data)
                handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
            if progress and count % PAGE == 0:
                progress(count, total)
        if progress:
            progress(count, total)
    return count

"""Searching the audit trail for auditors (read-only)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from clerk.audit.events import as_utc
from clerk.store import Store
from clerk.store.schema import audit_events

ae = audit_events.c


def search_events(store: Store, *, actor: str | None = None, action: str | None = None,
                  item_id: int | None = None, since: datetime | None = None,
                  until: datetime | None = None, text: str | None = None,
                  limit: int = 200) -> list[dict[str, Any]]:
    """Newest first; ``text`` matches inside the event data."""
    query = select(audit_events).order_by(ae.id.desc()).limit(min(limit, 1000))
    if actor:
        query = query.where(ae.actor == actor)
    if action:
        query = query.where(ae.action == action)
    if item_id is not None:
        query = query.where(ae.item_id == item_id)
    if since:
        query = query.where(ae.at >= since)
    if until:
        query = query.where(ae.at < until)
    if text:
        query = query.where(ae.data.contains(text[:200]))
    with store.read() as conn:
        rows = conn.execute(query).all()
    return [{"id": r.id, "seq": r.seq, "at": as_utc(r.at).isoformat(timespec="seconds"),
             "actor": r.actor, "action": r.action, "item_id": r.item_id,
             "data": json.loads(r.data), "hash": r.hash} for r in rows]

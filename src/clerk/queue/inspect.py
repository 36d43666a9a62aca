"""Reading the queue for people: lists, one item with its history, statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select

from clerk.audit.events import as_utc
from clerk.models.work_item import WorkItem
from clerk.queue.states import TERMINAL, ItemState
from clerk.store import Store
from clerk.store.schema import audit_events, item_attempts, work_items

wi = work_items.c


def list_items(store: Store, *, state: ItemState | None = None, bot: str | None = None,
               limit: int = 50, include_superseded: bool = False) -> list[WorkItem]:
    query = select(work_items).order_by(wi.priority, wi.deadline.asc().nulls_last(),
                                        wi.queued_at, wi.id).limit(limit)
    if state is not None:
        query = query.where(wi.state == state.value)
    if bot is not None:
        query = query.where(wi.bot == bot)
    if not include_superseded:
        query = query.where(wi.superseded_by.is_(None))
    with store.read() as conn:
        return [WorkItem.model_validate(dict(row._mapping)) for row in conn.execute(query)]


def item_history(store: Store, item_id: int) -> dict[str, Any]:
    """The item, its attempts, its audit events and its retry chain."""
    with store.read() as conn:
        row = conn.execute(select(work_items).where(wi.id == item_id)).first()
        if row is None:
            return {}
        attempts = [dict(r._mapping) for r in conn.execute(
            select(item_attempts).where(item_attempts.c.item_id == item_id)
            .order_by(item_attempts.c.id))]
        events = [dict(r._mapping) for r in conn.execute(
            select(audit_events).where(audit_events.c.item_id == item_id)
            .order_by(audit_events.c.id))]
        chain = _retry_chain(conn, row)
    return {"item": WorkItem.model_validate(dict(row._mapping)), "attempts": attempts,
            "events": events, "retry_chain": chain}


def _retry_chain(conn, row) -> list[int]:  # noqa: ANN001
    chain, current = [], row
    while current is not None and current.retry_of is not None:
        chain.insert(0, current.retry_of)
        current = conn.execute(select(wi.id, wi.retry_of).where(wi.id == current.retry_of)).first()
    chain.append(row.id)
    if row.superseded_by is not None:
        chain.append(row.superseded_by)
    return chain


def stats(store: Store, now: datetime) -> dict[str, Any]:
    """Counts by state, late items, and the oldest waiting item per state."""
    live = wi.superseded_by.is_(None)
    with store.read() as conn:
        by_state = {state: count for state, count in conn.execute(
            select(wi.state, func.count()).where(live).group_by(wi.state))}
        late = conn.scalar(select(func.count()).select_from(work_items).where(and_(
            live, wi.deadline.is_not(None), wi.deadline < now,
            wi.state.not_in([s.value for s in TERMINAL])))) or 0
        oldest = {state: as_utc(at).isoformat() for state, at in conn.execute(
            select(wi.state, func.min(wi.updated_at)).where(live).group_by(wi.state))}
        duplicates = conn.scalar(select(func.coalesce(func.sum(wi.duplicates), 0))) or 0
    return {"by_state": {s.value: by_state.get(s.value, 0) for s in ItemState},
            "total": sum(by_state.values()), "late": late, "duplicates_received": int(duplicates),
            "oldest_update_by_state": oldest}

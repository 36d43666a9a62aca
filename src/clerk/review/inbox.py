"""What people see waiting for them: the reviewer inbox with filters and SLA
badges, and the approver inbox of open steps they may decide.

The inbox query reads one page through the (state, updated_at, id) index;
an item's SLA clock starts when it entered ``needs_review`` (its
``updated_at``: only state moves change it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, case, cast, func, select

from clerk.audit.events import as_utc
from clerk.queue import ItemState
from clerk.review.approvals import Capacity, eligible_steps
from clerk.review.settings import ReviewSettings
from clerk.review.sla import mixed_clocks, overdue_condition, sla_badge
from clerk.store import Store
from clerk.store.schema import work_items

wi = work_items.c
COUNT_CAP = 10_000
LIST_COLUMNS = (wi.id, wi.bot, wi.state, wi.reason_code, wi.assignee, wi.updated_at,
                wi.queued_at, wi.record, wi.payload, wi.review_status)


@dataclass(frozen=True)
class InboxFilter:
    bot: str | None = None
    supplier: str | None = None
    reason: str | None = None
    older_than_hours: float | None = None
    assignee: str | None = None          # a username, "me" (resolved by the caller) or "none"
    page: int = 1


def _filtered(query: Any, f: InboxFilter, now: datetime) -> Any:
    if f.bot:
        query = query.where(wi.bot == f.bot)
    if f.reason:
        query = query.where(wi.reason_code == f.reason)
    if f.assignee == "none":
        query = query.where(wi.assignee.is_(None))
    elif f.assignee:
        query = query.where(wi.assignee == f.assignee)
    if f.older_than_hours:
        query = query.where(wi.updated_at < now - timedelta(hours=f.older_than_hours))
    if f.supplier:
        # The supplier name lives in the record JSON; searched as text so the
        # query is the same on SQLite and PostgreSQL.
        needle = f.supplier.lower().replace("\\", "").replace("%", "").replace("_", "")
        query = query.where(func.lower(cast(wi.record, Text)).contains(needle))
    return query


def review_inbox(store: Store, f: InboxFilter, *, now: datetime, page_size: int,
                 reviews: dict[str, ReviewSettings], default: ReviewSettings
                 ) -> tuple[list[dict[str, Any]], int]:
    """(rows of one page, total matching) of items in needs_review, overdue first."""
    base = _filtered(select(*LIST_COLUMNS).where(wi.state == ItemState.NEEDS_REVIEW.value,
                                                 wi.superseded_by.is_(None)), f, now)
    order: list[Any] = [wi.updated_at, wi.id]
    if mixed_clocks(reviews, default, now):
        order.insert(0, case((overdue_condition(reviews, default, now), 0), else_=1))
    query = base.order_by(*order).limit(page_size).offset((max(f.page, 1) - 1) * page_size)
    with store.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
        # Counting 60,000 waiting items costs more than the page itself: the
        # count stops at COUNT_CAP and the page says "10,000+".
        total = conn.scalar(select(func.count()).select_from(
            base.with_only_columns(wi.id).limit(COUNT_CAP + 1).subquery())) or 0
    for row in rows:
        review = reviews.get(row["bot"], default)
        row["sla"], row["due_at"] = sla_badge(row["updated_at"], review, now)
        row["supplier"] = ((row["record"] or {}).get("seller") or {}).get("name")
        row["gross"] = ((row["record"] or {}).get("totals") or {}).get("gross")
    return rows, total


def approval_inbox(store: Store, capacity: Capacity, now: datetime) -> list[dict[str, Any]]:
    """Open approval steps this person (or someone they stand in for) may decide."""
    with store.read() as conn:
        steps = eligible_steps(conn, capacity)
        ids = sorted({step["item_id"] for step, _ in steps})
        items = {r.id: dict(r._mapping) for r in conn.execute(
            select(*LIST_COLUMNS).where(wi.id.in_(ids), wi.state == "awaiting_approval"))}
    rows = []
    for step, on_behalf in steps:
        item = items.get(step["item_id"])
        if item is None:
            continue
        due = step["due_at"] and as_utc(step["due_at"])
        rows.append({**item, "step": step["name"], "step_id": step["id"], "on_behalf_of": on_behalf,
                     "due_at": due, "sla": "overdue" if due and due <= now else ("due" if due else "ok"),
                     "supplier": ((item["record"] or {}).get("seller") or {}).get("name"),
                     "gross": ((item["record"] or {}).get("totals") or {}).get("gross")})
    rows.sort(key=lambda r: (r["sla"] != "overdue", r["due_at"] or now, r["id"]))
    return rows


def reason_codes(store: Store) -> list[str]:
    with store.read() as conn:
        return sorted(filter(None, conn.scalars(
            select(wi.reason_code).where(wi.state == ItemState.NEEDS_REVIEW.value).distinct())))

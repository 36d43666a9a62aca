"""Figures for operators: runs, queue health and the data behind the charts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from clerk.queue.inspect import stats
from clerk.store import Store
from clerk.store.schema import runs, work_items

wi = work_items.c
OUTCOMES = ("posted", "needs_review", "rejected", "quarantined", "failed")


def recent_runs(store: Store, limit: int = 100) -> list[dict[str, Any]]:
    with store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(runs).order_by(runs.c.started_at.desc()).limit(limit))]


def run_by_id(store: Store, run_id: str) -> dict[str, Any] | None:
    with store.read() as conn:
        row = conn.execute(select(runs).where(runs.c.id == run_id)).first()
    return dict(row._mapping) if row else None


def items_per_day(store: Store, now: datetime, days: int = 14) -> dict[str, dict[str, int]]:
    """{day: {outcome: count}} of items that reached an outcome, by the day they did."""
    since = now - timedelta(days=days)
    day = func.date(wi.updated_at)
    with store.read() as conn:
        rows = conn.execute(select(day, wi.state, func.count()).where(
            wi.updated_at >= since, wi.state.in_(OUTCOMES)).group_by(day, wi.state)).all()
    result: dict[str, dict[str, int]] = {}
    for when, state, count in rows:
        result.setdefault(str(when)[:10], {})[state] = count
    return dict(sorted(result.items()))


def exceptions_by_reason(store: Store, limit: int = 12) -> list[tuple[str, int]]:
    with store.read() as conn:
        rows = conn.execute(select(wi.reason_code, func.count()).where(
            wi.state.in_(["needs_review", "quarantined", "failed"]), wi.superseded_by.is_(None))
            .group_by(wi.reason_code).order_by(func.count().desc()).limit(limit)).all()
    return [(reason or "(none)", count) for reason, count in rows]


def queue_health(store: Store, now: datetime) -> dict[str, Any]:
    return stats(store, now)

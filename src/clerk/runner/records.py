"""The run record in the store: one ``runs`` row per execution of a bot."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update

from clerk.audit.events import AuditLog
from clerk.runner.tables import runs
from clerk.store import Store


class RunStatus:
    RUNNING = "running"
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the run itself broke (config, crash), not one of its tasks


def new_run_id(now: datetime | None = None) -> str:
    """Sortable by start time, unique across machines: ``20261126T090000-1a2b3c4d``."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"


def start_run(store: Store, audit: AuditLog, *, run_id: str, bot: str, trigger: str,
              output_dir: str, worker: str, request_id: int | None = None) -> None:
    now = datetime.now(UTC)
    with store.write() as conn:
        conn.execute(insert(runs).values(
            id=run_id, bot=bot, trigger=trigger, status=RunStatus.RUNNING, started_at=now,
            output_dir=output_dir, worker=worker, request_id=request_id, heartbeat_at=now,
            counts={}))
        audit.append(conn, actor=worker, action="run_started", item_id=None,
                     data={"run": run_id, "bot": bot, "trigger": trigger})


def update_run(store: Store, run_id: str, counts: dict[str, Any]) -> None:
    """Progress while the run goes on (also its heartbeat)."""
    with store.write() as conn:
        conn.execute(update(runs).where(runs.c.id == run_id)
                     .values(counts=counts, heartbeat_at=datetime.now(UTC)))


def finish_run(store: Store, audit: AuditLog, *, run_id: str, status: str,
               counts: dict[str, Any], worker: str, error: str | None = None) -> None:
    now = datetime.now(UTC)
    with store.write() as conn:
        conn.execute(update(runs).where(runs.c.id == run_id).values(
            status=status, ended_at=now, heartbeat_at=now, counts=counts, error=error))
        audit.append(conn, actor=worker, action="run_finished", item_id=None,
                     data={"run": run_id, "status": status, "error": error,
                           "tasks": counts.get("tasks"), "items": counts.get("items")})


def get_run(store: Store, run_id: str) -> dict[str, Any] | None:
    with store.read() as conn:
        row = conn.execute(select(runs).where(runs.c.id == run_id)).first()
    return dict(row._mapping) if row else None


def list_runs(store: Store, *, bot: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    query = select(runs).order_by(runs.c.started_at.desc()).limit(limit)
    if bot:
        query = query.where(runs.c.bot == bot)
    with store.read() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]

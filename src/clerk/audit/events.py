"""Appending audit events: inside the caller's transaction, never on their own."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import Connection, insert

from clerk.audit.redact import SecretMasker
from clerk.store.schema import audit_events


_INSERT = insert(audit_events)


def canonical_json(data: Any) -> str:
    """Stable JSON: sorted keys, no spaces, Decimals and dates as strings."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="microseconds")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; clerk stores UTC only."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class AuditLog:
    """Writes audit events with secrets masked. The sealer chains them later."""

    def __init__(self, masker: SecretMasker | None = None,
                 observers: tuple[Callable[[Connection, dict[str, Any]], None], ...] = ()):
        self.masker = masker or SecretMasker()
        # Called with each appended row in the same transaction (the webhook
        # outbox), so what they write commits or rolls back with the event.
        self.observers = observers

    def append(self, conn: Connection, *, actor: str, action: str, item_id: int | None,
               data: dict[str, Any] | None = None, at: datetime | None = None) -> None:
        row = self.row(actor, action, item_id, data, at)
        conn.execute(_INSERT, row)
        self._observe(conn, [row])

    def append_many(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        if rows:
            conn.execute(_INSERT, rows)
            self._observe(conn, rows)

    def _observe(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        for observer in self.observers:
            for row in rows:
                observer(conn, row)

    def row(self, actor: str, action: str, item_id: int | None,
            data: dict[str, Any] | None = None, at: datetime | None = None) -> dict[str, Any]:
        return {
            "at": at or datetime.now(UTC),
            "actor": self.masker.mask_text(actor),
            "action": action,
            "item_id": item_id,
            "data": canonical_json(self.masker.mask(data or {})),
        }

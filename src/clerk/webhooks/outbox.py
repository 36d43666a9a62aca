"""Writing webhook events into the outbox, inside the audit event's transaction.

``AuditLog`` calls an ``Outbox`` for every audit row it appends; the actions
that mean something to a receiver become one outbox row per subscribed
webhook, in the same transaction as the state move or run record that
caused them: if that rolls back, no webhook claims it happened; if it
commits, the webhook will be sent, whatever crashes next.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from clerk.audit.events import canonical_json
from clerk.store.schema import webhook_outbox
from clerk.webhooks.model import EventType, WebhookSpec

_RUN_FAILED = frozenset({"failed", "error"})


def event_type(action: str, data: dict[str, Any]) -> EventType | None:
    """The webhook event an audit event is, if any."""
    if data.get("to") == "posted":
        return "item.posted"
    if data.get("to") == "needs_review" or action == "needs_review":
        return "item.needs_review"
    if action == "escalated":
        return "review.sla_breached"
    if action == "run_finished" and data.get("status") in _RUN_FAILED:
        return "run.failed"
    return None


class Outbox:
    """The audit observer; built from the ``[[webhooks]]`` that are configured."""

    def __init__(self, specs: list[WebhookSpec]):
        self.subscribers: dict[str, list[str]] = {}
        for spec in specs:
            for event in spec.events:
                self.subscribers.setdefault(event, []).append(spec.name)

    def __call__(self, conn: Connection, row: dict[str, Any]) -> None:
        data = json.loads(row["data"])          # already masked by the audit log
        kind = event_type(row["action"], data)
        names = self.subscribers.get(kind or "", [])
        if not names:
            return
        at: datetime = row["at"]
        event_id = str(uuid.uuid4())
        body = canonical_json({"id": event_id, "type": kind, "occurred_at": at,
                               "item_id": row["item_id"], "actor": row["actor"], "data": data})
        conn.execute(insert(webhook_outbox), [
            {"event_id": event_id, "webhook": name, "event": kind, "body": body,
             "created_at": at, "next_attempt_at": at} for name in names])

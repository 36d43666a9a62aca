"""A work item as the rest of clerk sees it: one document on its way to the ERP."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from clerk.queue.states import ItemState, Priority, ReviewStatus


class WorkItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    bot: str
    document_key: str
    state: ItemState
    review_status: ReviewStatus
    priority: Priority
    deadline: datetime | None
    defer_until: datetime | None
    queued_at: datetime
    available_at: datetime
    lease_owner: str | None
    lease_token: int
    lease_expires_at: datetime | None
    attempts: int
    max_attempts: int
    retry_state: ItemState | None
    progress: str | None
    reason_code: str | None
    last_error: str | None
    assignee: str | None
    payload: dict[str, Any]
    record: dict[str, Any] | None
    findings: list[Any] | None
    erp_ref: dict[str, Any] | None
    idempotency_key: str | None
    retry_of: int | None
    superseded_by: int | None
    duplicates: int
    created_at: datetime
    updated_at: datetime

    def is_late(self, now: datetime) -> bool:
        """Past its deadline and not finished."""
        from clerk.queue.states import TERMINAL

        return (self.deadline is not None and self.state not in TERMINAL
                and _utc(self.deadline) < _utc(now))


def _utc(moment: datetime) -> datetime:
    from clerk.audit.events import as_utc

    return as_utc(moment)

"""Leases: who may move an item right now, fenced by a token."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from clerk.queue.states import ItemState


@dataclass(frozen=True)
class Lease:
    """A worker's hold on one item. ``token`` grows with every lease of the
    item; a write carrying an older token is refused (fencing)."""

    item_id: int
    token: int
    worker: str
    state: ItemState
    expires_at: datetime
    attempts: int
    bot: str
    document_key: str

    def moved_to(self, state: ItemState) -> Lease:
        return replace(self, state=state)

    def extended_to(self, expires_at: datetime) -> Lease:
        return replace(self, expires_at=expires_at)


@dataclass(frozen=True)
class EnqueueResult:
    item_id: int
    duplicate: bool

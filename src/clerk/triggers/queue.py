"""Items waiting in a bot's queue: a run when ``min_items`` wait or the oldest
has waited ``max_wait``. Waiting means leasable now (collected, extracted,
validated, approved, a due retry) and not leased by a running worker."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from clerk.audit.events import as_utc
from clerk.queue.states import LEASABLE
from clerk.store import Store
from clerk.store.schema import work_items
from clerk.triggers.model import QueueTrigger

wi = work_items.c
log = logging.getLogger("clerk.triggers")


def waiting(store: Store, bot: str, now: datetime) -> tuple[int, datetime | None]:
    """How many items of ``bot`` wait, and since when the oldest does."""
    with store.read() as conn:
        count, oldest = conn.execute(
            select(func.count(), func.min(wi.available_at)).where(
                wi.bot == bot, wi.state.in_([s.value for s in LEASABLE]), wi.available_at <= now,
                or_(wi.lease_owner.is_(None), wi.lease_expires_at <= now))).one()
    return count, (as_utc(oldest) if oldest is not None else None)


class QueueWatcher:
    def __init__(self, store: Store, bot: str, spec: QueueTrigger, on_due: Callable[[str], None]):
        self.store, self.bot, self.spec, self._on_due = store, bot, spec, on_due
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"queue-trigger-{bot}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def due(self, now: datetime | None = None) -> str | None:
        """Why a run is due now, or ``None``."""
        now = now or datetime.now(UTC)
        count, oldest = waiting(self.store, self.bot, now)
        if self.spec.min_items is not None and count >= self.spec.min_items:
            return f"{count} items waiting"
        if self.spec.max_wait is not None and oldest is not None and now - oldest >= self.spec.max_wait:
            return f"oldest of {count} items waiting since {oldest.isoformat()}"
        return None

    def _run(self) -> None:
        while True:
            try:
                why = self.due()
            except SQLAlchemyError as exc:   # the store may be briefly away: look again next poll
                log.warning("queue trigger %s: %s", self.bot, type(exc).__name__)
                why = None
            if why:
                self._on_due(why)
            if self._stop.wait(self.spec.poll.total_seconds()):
                return

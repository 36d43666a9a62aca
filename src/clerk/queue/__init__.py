"""The durable work queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk._lazy import lazy_exports

if TYPE_CHECKING:
    from clerk.queue.lease import EnqueueResult, Lease
    from clerk.queue.settings import QueueSettings
    from clerk.queue.states import ItemState, Priority, ReviewStatus
    from clerk.queue.work_queue import WorkQueue

# Loaded on first use, so that a light submodule stays light (see clerk._lazy).
__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "lease": ("EnqueueResult", "Lease"),
    "settings": ("QueueSettings",),
    "states": ("ItemState", "Priority", "ReviewStatus"),
    "work_queue": ("WorkQueue",),
})

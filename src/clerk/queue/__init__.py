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
_EXPORTS = {
    "EnqueueResult": "clerk.queue.lease",
    "Lease": "clerk.queue.lease",
    "QueueSettings": "clerk.queue.settings",
    "ItemState": "clerk.queue.states",
    "Priority": "clerk.queue.states",
    "ReviewStatus": "clerk.queue.states",
    "WorkQueue": "clerk.queue.work_queue",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

"""The durable work queue."""

from clerk.queue.lease import EnqueueResult, Lease
from clerk.queue.settings import QueueSettings
from clerk.queue.states import ItemState, Priority, ReviewStatus
from clerk.queue.work_queue import WorkQueue

__all__ = ["WorkQueue", "Lease", "EnqueueResult", "QueueSettings", "ItemState", "Priority",
           "ReviewStatus"]

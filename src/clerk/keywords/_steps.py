"""One step of one item, routed the way ``clerk worker`` routes a handler's
outcome, but without giving the lease back: the robot takes the next step."""

from __future__ import annotations

import logging
from collections.abc import Callable

from clerk.errors import BusinessException, ExtractionError, LeaseLost, UnsafeInput
from clerk.keywords._items import WorkItem
from clerk.queue import ItemState, Lease, WorkQueue

log = logging.getLogger("clerk.keywords")
Step = Callable[[WorkQueue, Lease], Lease]


def take_step(queue: WorkQueue, item: WorkItem, step: Step, name: str) -> str:
    """Run ``step`` on ``item``; returns the item's state afterwards. A business
    problem sends it to review, unreadable input to quarantine, anything else
    to a retry with backoff; none of them fails the robot's task."""
    if item.settled:
        log.info("%s: %s skipped, the item is %s", name, item, item.state)
        return item.state
    try:
        item.lease = step(queue, item.lease)
        return item.state
    except LeaseLost as exc:
        item.settled = True
        log.warning("%s: lease on item %s lost: %s", name, item.id, exc)
    except BusinessException as exc:
        _settle(queue, item, lambda lease: queue.business_exception(lease, exc))
    except (UnsafeInput, ExtractionError) as exc:
        _settle(queue, item, lambda lease: queue.quarantine(lease, exc.reason, exc.message))
    except Exception as exc:  # noqa: BLE001 - a system exception: retried by the queue
        log.warning("%s: item %s failed: %s", name, item.id, exc)
        _settle(queue, item, lambda lease: queue.fail(lease, exc))
    return queue.get(item.id)["state"] if item.settled else item.state


def _settle(queue: WorkQueue, item: WorkItem, action: Callable[[Lease], object]) -> None:
    # The step may have moved the item before it raised: settle from where it is.
    row = queue.get(item.id)
    current = item.lease.moved_to(ItemState(row["state"]))
    try:
        action(current)
    except LeaseLost:
        pass
    after = queue.get(item.id)
    item.lease = item.lease.moved_to(ItemState(after["state"]))
    item.settled = True
    log.info("item %s -> %s (%s)", item.id, after["state"], after["reason_code"] or "-")

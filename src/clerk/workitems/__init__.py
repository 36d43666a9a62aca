"""Robocorp work items on clerk's queue.

Both Robocorp work-item libraries load their adapter by dotted name from the
environment; ``clerk run BOT`` sets both for the robot (``ENVIRONMENT``):

- ``robocorp.workitems`` (``RC_WORKITEM_ADAPTER``) ->
  :class:`clerk.workitems.robocorp.ClerkAdapter`
- ``RPA.Robocorp.WorkItems`` (``RPA_WORKITEMS_ADAPTER``) ->
  :class:`clerk.workitems.rpa.ClerkAdapter`

so an unchanged Robocorp robot reserves its input items from the bot's clerk
queue (under clerk's leases), releases them as done (the item is complete,
``posted``) or failed (``BUSINESS`` -> review, ``APPLICATION`` -> retry with
backoff), and its output items enter the queue of the bot named by
``[workitems] outputs_to`` in the same transaction that marks their input
done. An output's document key is derived from its input item and its index,
so an input redone after a crash makes the same outputs, never new ones.
"""

from __future__ import annotations

from clerk.workitems.settings import WorkItemSettings

ENVIRONMENT = {
    "RC_WORKITEM_ADAPTER": "clerk.workitems.robocorp.ClerkAdapter",
    "RPA_WORKITEMS_ADAPTER": "clerk.workitems.rpa.ClerkAdapter",
}

__all__ = ["ENVIRONMENT", "WorkItemSettings"]

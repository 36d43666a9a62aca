"""``RC_WORKITEM_ADAPTER=clerk.workitems.robocorp.ClerkAdapter``: robocorp.workitems on clerk's queue."""

from __future__ import annotations

from robocorp.workitems import BaseAdapter, EmptyQueue, State

from clerk.workitems._adapter import BridgeCalls


class ClerkAdapter(BridgeCalls, BaseAdapter):
    """robocorp.workitems' adapter interface on the run's clerk queue."""

    empty_queue = EmptyQueue
    state = State

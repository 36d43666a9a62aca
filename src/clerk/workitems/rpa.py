"""``RPA_WORKITEMS_ADAPTER=clerk.workitems.rpa.ClerkAdapter``: RPA.Robocorp.WorkItems on clerk's queue."""

from __future__ import annotations

from RPA.Robocorp.WorkItems import BaseAdapter, EmptyQueue, State

from clerk.workitems._adapter import BridgeCalls


class ClerkAdapter(BridgeCalls, BaseAdapter):
    """RPA.Robocorp.WorkItems' adapter interface on the run's clerk queue."""

    empty_queue = EmptyQueue
    state = State

    def add_file(self, item_id: str, name: str, *, original_name: str = "",  # type: ignore[override]
                 content: bytes) -> None:
        # RPA passes a sanitised ``name`` beside the ``original_name``; the item keeps ``name``.
        self.bridge.add_file(item_id, name, content)

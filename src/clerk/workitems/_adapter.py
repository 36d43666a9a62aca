"""The adapter calls both Robocorp libraries share, answered by the run's bridge."""

from __future__ import annotations

from typing import Any

from clerk.workitems._bridge import bridge_for


class BridgeCalls:
    """Mixed in before a library's ``BaseAdapter``; ``empty_queue`` is that
    library's EmptyQueue, ``state`` its State enum."""

    empty_queue: type[Exception]
    state: type

    def __init__(self) -> None:
        self.bridge = bridge_for()

    def reserve_input(self) -> str:
        item_id = self.bridge.reserve()
        if item_id is None:
            raise self.empty_queue(f"no work items wait in the queue of bot "
                                   f"{self.bridge.run.bot.name}")
        return item_id

    def release_input(self, item_id: str, state: Any, exception: dict | None = None) -> None:
        self.bridge.release(item_id, self.state(state).value, exception)

    def create_output(self, parent_id: str, payload: Any = None) -> str:
        return self.bridge.create_output(parent_id, payload)

    def load_payload(self, item_id: str) -> Any:
        return self.bridge.draft(item_id).payload

    def save_payload(self, item_id: str, payload: Any) -> None:
        self.bridge.save_payload(item_id, payload)

    def list_files(self, item_id: str) -> list[str]:
        return list(self.bridge.draft(item_id).files)

    def get_file(self, item_id: str, name: str) -> bytes:
        return self.bridge.get_file(item_id, name)

    def add_file(self, item_id: str, name: str, content: bytes) -> None:
        self.bridge.add_file(item_id, name, content)

    def remove_file(self, item_id: str, name: str) -> None:
        self.bridge.remove_file(item_id, name)

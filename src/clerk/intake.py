"""From a source into the queue: one work item per document, then acknowledge.

The source may only mark documents done (move the message, move the file)
after their items are committed; a crash in between means the documents are
collected again with the same keys, and the queue records them as duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from clerk.models.document import Document, Quarantined
from clerk.queue import ItemState, Priority, WorkQueue
from clerk.sources.base import Source


@dataclass
class IntakeSummary:
    collected: int = 0
    duplicates: int = 0
    quarantined: int = 0
    item_ids: list[int] = field(default_factory=list)


def document_payload(document: Document | Quarantined) -> dict:
    payload = document.model_dump(mode="json")
    payload["document_kind"] = "quarantined" if isinstance(document, Quarantined) else "document"
    return payload


def collect(source: Source, queue: WorkQueue, bot: str, *, since: datetime | None = None,
            priority: Priority = Priority.NORMAL, deadline: datetime | None = None,
            acknowledge_every: int = 50) -> IntakeSummary:
    """Collect everything new from ``source`` into ``bot``'s queue."""
    summary = IntakeSummary()
    pending: list[str] = []
    for document in source.collect(since):
        _enqueue(queue, bot, document, priority, deadline, summary)
        pending.append(document.key)
        if len(pending) >= acknowledge_every:
            source.acknowledge(pending)
            pending = []
    if pending:
        source.acknowledge(pending)
    return summary


def _enqueue(queue: WorkQueue, bot: str, document: Document | Quarantined, priority: Priority,
             deadline: datetime | None, summary: IntakeSummary) -> None:
    refused = isinstance(document, Quarantined)
    result = queue.enqueue(bot, document.key, document_payload(document), priority=priority,
                           deadline=deadline, actor=f"source:{document.source}",
                           state=ItemState.QUARANTINED if refused else ItemState.COLLECTED,
                           reason_code=document.reason if refused else None)
    summary.item_ids.append(result.item_id)
    if result.duplicate:
        summary.duplicates += 1
    elif refused:
        summary.quarantined += 1
    else:
        summary.collected += 1

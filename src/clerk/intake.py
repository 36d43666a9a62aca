"""From a source into the queue: one work item per document, then acknowledge.

The source may only mark documents done (move the message, move the file)
after their items are committed; a crash in between means the documents are
collected again with the same keys, and the queue records them as duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from clerk.models.document import Document, Quarantined
from clerk.queue import ItemState, Priority, WorkQueue
from clerk.sources.base import Source


@dataclass
class IntakeSummary:
    collected: int = 0
    duplicates: int = 0
    quarantined: int = 0
    item_ids: list[int] = field(default_factory=list)


def document_payload(document: Document | Quarantined, project_dir: Path | None = None) -> dict:
    """The queue's copy of a document's facts. Its saved file is recorded relative
    to ``project_dir`` when it lies inside, so a moved project keeps its documents."""
    payload = document.model_dump(mode="json")
    payload["document_kind"] = "quarantined" if isinstance(document, Quarantined) else "document"
    if project_dir is not None and document.path is not None:
        saved = Path(document.path).resolve()
        if saved.is_relative_to(project_dir.resolve()):
            payload["path"] = saved.relative_to(project_dir.resolve()).as_posix()
    return payload


def collect(source: Source, queue: WorkQueue, bot: str, *, since: datetime | None = None,
            priority: Priority = Priority.NORMAL, deadline: datetime | None = None,
            acknowledge_every: int = 50, project_dir: Path | None = None) -> IntakeSummary:
    """Collect everything new from ``source`` into ``bot``'s queue (document paths
    recorded relative to ``project_dir``)."""
    summary = IntakeSummary()
    pending: list[str] = []
    for document in source.collect(since):
        _enqueue(queue, bot, document, priority, deadline, summary, project_dir)
        pending.append(document.key)
        if len(pending) >= acknowledge_every:
            source.acknowledge(pending)
            pending = []
    if pending:
        source.acknowledge(pending)
    return summary


def _enqueue(queue: WorkQueue, bot: str, document: Document | Quarantined, priority: Priority,
             deadline: datetime | None, summary: IntakeSummary, project_dir: Path | None) -> None:
    refused = isinstance(document, Quarantined)
    result = queue.enqueue(bot, document.key, document_payload(document, project_dir), priority=priority,
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

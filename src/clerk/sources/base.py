"""The Source seam: anything that yields documents into the work queue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol, runtime_checkable

from clerk.models.document import Document, Quarantined


@runtime_checkable
class Source(Protocol):
    """A place documents come from (mailbox, portal, drop folder).

    ``collect`` yields each new document (or a ``Quarantined`` refusal) once it
    is saved under the storage root. It must be idempotent by ``Document.key``.
    ``acknowledge`` is called with the keys whose work items are committed, so
    the source may then mark them done (move the message, move the file); a
    crash before that leaves the documents to be collected again, and the
    queue's unique key turns that second collection into a recorded duplicate.
    """

    name: str

    def collect(self, since: datetime | None = None) -> Iterator[Document | Quarantined]: ...

    def acknowledge(self, keys: list[str]) -> None: ...

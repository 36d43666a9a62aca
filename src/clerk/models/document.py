"""A collected document: the bytes a source found, and where they came from."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Document(BaseModel):
    """One document collected from a source, already saved under the storage root.

    ``key`` is stable across runs (IMAP: ``imap:<user>@<host>/<folder>:<uidvalidity>:<uid>:<part>:<sha256>``,
    portal: ``portal:<name>:<document id>``, folder: ``file:<sha256>``), so a
    second collection of the same document is recognised as a duplicate.
    """

    model_config = ConfigDict(frozen=True)

    key: str
    source: str                      # the configured source name, e.g. "ap-mailbox"
    kind: str                        # "email" | "portal" | "folder"
    path: Path                       # saved copy, under the run's documents dir
    filename: str                    # sanitised name
    content_type: str                # detected from content, not declared
    sha256: str
    size: int
    received_at: datetime
    origin: dict[str, Any] = Field(default_factory=dict)  # message-id, uid, subject, portal page...


class Quarantined(BaseModel):
    """Input a source refused; it becomes a quarantined work item with the reason."""

    model_config = ConfigDict(frozen=True)

    key: str
    source: str
    kind: str
    reason: str                      # stable code, see clerk.errors.UnsafeInput
    message: str
    filename: str | None = None
    path: Path | None = None         # where the refused bytes were kept, if kept
    origin: dict[str, Any] = Field(default_factory=dict)

"""A work item's payload and files as a Robocorp robot sees them, and how they
are kept in clerk: in the queue's ``payload`` (``document_kind = "workitem"``)
with the files under ``var/workitems/``, named after the item's document key
so a draft made again after a crash lands on the same files."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clerk.sources.safety import safe_filename, safe_path

KIND = "workitem"


@dataclass
class Draft:
    """One item's payload and attached files (robot's name -> path under the project).
    ``origin`` is the queue payload it was read from: saving keeps its facts."""

    key: str
    payload: Any = None
    files: dict[str, str] = field(default_factory=dict)
    changed: bool = False
    origin: dict[str, Any] = field(default_factory=lambda: {"document_kind": KIND})

    def as_queue_payload(self, parent: dict[str, Any] | None = None) -> dict[str, Any]:
        body = {"payload": self.payload, "files": dict(self.files)}
        if parent is not None:
            body["parent"] = parent
        return {**self.origin, KIND: body}


def draft_from_queue(document_key: str, payload: dict[str, Any]) -> Draft:
    """What a queue item offers a Robocorp robot: a work item's own payload and
    files, or, for a document clerk collected, the document's facts and its file."""
    if KIND in payload:   # a work item, or a document a robot already saved as one
        body = payload[KIND] or {}
        return Draft(document_key, copy.deepcopy(body.get("payload")),
                     dict(body.get("files") or {}), origin=payload)
    facts = {k: v for k, v in payload.items() if k != "document_kind"}
    files = {}
    if payload.get("path") and payload.get("filename"):
        files[str(payload["filename"])] = str(payload["path"])
    return Draft(document_key, facts, files, origin=payload)


class FileShelf:
    """Where work-item files are written: ``var/workitems/<key digest>/<name>``."""

    def __init__(self, project_dir: Path, var_dir: Path):
        self.project_dir = project_dir.resolve()
        self.root = var_dir.resolve() / "workitems"

    def put(self, draft: Draft, name: str, content: bytes) -> None:
        folder = hashlib.sha256(draft.key.encode()).hexdigest()[:24]
        target = safe_path(self.root, folder, safe_filename(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(content)
        partial.replace(target)   # a crash mid-write never leaves half a file under the name
        draft.files[name] = self._recorded(target)
        draft.changed = True

    def read(self, draft: Draft, name: str) -> bytes:
        if name not in draft.files:
            raise FileNotFoundError(f"work item {draft.key} has no file {name!r}")
        path = Path(draft.files[name])
        return (path if path.is_absolute() else self.project_dir / path).read_bytes()

    def _recorded(self, path: Path) -> str:
        return path.relative_to(self.project_dir).as_posix() \
            if path.is_relative_to(self.project_dir) else str(path)

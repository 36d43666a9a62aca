"""Writing collected bytes under the run's documents dir, and only there.

Shared by every source: a document is written as
``documents_dir/<source>/<sha256[:12]>-<safe name>``, refused bytes as
``documents_dir/quarantine/<sha256>.bin`` (never under the sender's name, so
nobody opens a disguised file by double-clicking it). Every path is resolved
and checked to be inside ``documents_dir`` before writing.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from clerk.errors import UnsafeInput
from clerk.models.document import Document, Quarantined
from clerk.sources import safety


def _load_syncfs():
    """Linux's syncfs(2): flush one file system, not every disk of the machine."""
    try:
        import ctypes
        import ctypes.util

        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).syncfs
    except (OSError, AttributeError):
        return None


_syncfs = _load_syncfs()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class DocumentWriter:
    """Saves documents and quarantined bytes for one source under ``documents_dir``."""

    def __init__(self, documents_dir: Path, source: str, kind: str):
        self.root = Path(documents_dir).resolve()
        self.source = source
        self.kind = kind
        self._folder = safety.safe_filename(source)

    def document(self, key: str, filename: str, data: bytes, content_type: str,
                 received_at: datetime, origin: dict[str, Any]) -> Document:
        """Write ``data`` and describe it; ``filename`` must already be safe."""
        digest = sha256(data)
        path = safety.safe_path(self.root, self._folder, f"{digest[:12]}-{_fit(filename)}")
        _write_once(path, data)
        return Document(key=key, source=self.source, kind=self.kind, path=path, filename=filename,
                        content_type=content_type, sha256=digest, size=len(data),
                        received_at=received_at, origin=origin)

    def flush(self) -> None:
        """Make everything written so far durable; called before a source lets go of
        the originals (moves the message or the file) on acknowledge."""
        if not self.root.exists():
            return
        fd = os.open(self.root, os.O_RDONLY)
        try:
            if _syncfs is not None and _syncfs(fd) == 0:
                return
            os.sync()
        finally:
            os.close(fd)

    def raw(self, name: str, data: bytes) -> Path:
        """Write a source's own artefact (the ``.eml`` of a message); ``name`` must be safe."""
        path = safety.safe_path(self.root, self._folder, name)
        _write_once(path, data)
        return path

    def quarantined(self, key: str, refusal: UnsafeInput | tuple[str, str], data: bytes | None,
                    filename: str | None, origin: dict[str, Any], keep_limit: int) -> Quarantined:
        """Describe a refusal; keep the bytes unless there are none or too many of them."""
        reason, message = (refusal.reason, refusal.message) if isinstance(refusal, UnsafeInput) else refusal
        path = None
        if data is not None and len(data) <= keep_limit:
            path = safety.safe_path(self.root, "quarantine", f"{sha256(data)}.bin")
            _write_once(path, data)
        return Quarantined(key=key, source=self.source, kind=self.kind, reason=reason, message=message,
                           filename=safety.safe_text(filename, 255) if filename else None,
                           path=path, origin=origin)


def _fit(name: str, budget: int = 200) -> str:
    """A (safe) name shortened so that the hash prefix and the temp-file prefix
    still fit the file system's 255 bytes."""
    return safety.fit_name(name, budget)


def _write_once(path: Path, data: bytes) -> None:
    """Write atomically (temp file + rename): a crash never leaves half a document.
    Durability comes from ``DocumentWriter.flush`` before acknowledging, one
    file-system sync instead of one fsync per file (7 ms each on a plain disk)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.stat().st_size == len(data):
        return      # same name carries the content hash: already saved by an earlier try
    temp = path.with_name(f".{path.name}.tmp")
    with open(temp, "wb") as out:
        out.write(data)
    os.replace(temp, path)

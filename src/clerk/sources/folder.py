"""Documents from a drop folder (scanners, SFTP uploads, shared drives).

Keys are ``file:<sha256>``: the content, not the name or the time, identifies
the document, so a file collected but not acknowledged before a crash, or the
same scan dropped twice, comes back with the same key and the queue records a
duplicate. A file refused before it could be read (a symlink) has the key
``file:name:<sha256 of its name>``.

A file is taken only once it is settled: no partial suffix (``.part``...),
not a hidden upload temporary, its modification time at least ``settle_seconds`` old, and its
size and mtime unchanged while it was read. Files move to ``processed_dir``
(or ``quarantine_dir`` if refused) only on ``acknowledge``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from clerk.errors import SystemException, UnsafeInput
from clerk.models.document import Document, Quarantined
from clerk.sources import safety
from clerk.sources._saving import DocumentWriter

log = logging.getLogger(__name__)


class DropFolderConfig(BaseModel):
    """One watched folder; ``processed_dir`` and ``quarantine_dir`` default to sub-folders of it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")   # also a folder name
    path: Path
    processed_dir: Path | None = None
    quarantine_dir: Path | None = None
    partial_suffixes: tuple[str, ...] = (".part", ".partial", ".tmp", ".crdownload", ".filepart", ".upload")
    settle_seconds: float = Field(2.0, ge=0)
    allowed_types: frozenset[str] = safety.DOCUMENT_TYPES
    limits: safety.IntakeLimits = safety.IntakeLimits()


class FolderSource:
    """The ``Source`` for one drop folder (see the module docstring)."""

    kind = "folder"

    def __init__(self, config: DropFolderConfig, documents_dir: Path):
        self.config = config
        self.name = config.name
        self._root = config.path
        self._processed = config.processed_dir or config.path / "processed"
        self._quarantine = config.quarantine_dir or config.path / "quarantine"
        self._writer = DocumentWriter(documents_dir, config.name, self.kind)
        self._pending: dict[str, list[tuple[Path, bool]]] = {}

    def collect(self, since: datetime | None = None) -> Iterator[Document | Quarantined]:
        """Every settled file at the top of the folder, by name. ``since`` is not used:
        a file still in the folder is by definition not yet acknowledged."""
        try:
            entries = sorted(os.scandir(self._root), key=lambda e: e.name)
        except OSError as exc:
            raise SystemException(f"drop folder {self.name}: cannot list {self._root}: {exc.strerror}",
                                  code="folder_unavailable") from exc
        horizon = time.time() - self.config.settle_seconds
        for entry in entries:
            if _in_progress(entry.name, self.config.partial_suffixes):
                continue
            result = self._collect_entry(entry, horizon)
            if result is not None:
                self._pending.setdefault(result.key, []).append((Path(entry.path), isinstance(result, Quarantined)))
                yield result

    def acknowledge(self, keys: list[str]) -> None:
        """Move the files behind ``keys`` to the processed (or quarantine) folder."""
        if any(key in self._pending for key in keys):
            self._writer.flush()
        for key in keys:
            for path, refused in self._pending.pop(key, []):
                target_dir = self._quarantine if refused else self._processed
                target_dir.mkdir(parents=True, exist_ok=True)
                target = target_dir / path.name
                if target.exists() or target.is_symlink():
                    target = target_dir / f"{time.time_ns()}-{path.name}"
                try:
                    shutil.move(path, target)   # a rename on one file system
                except FileNotFoundError:
                    log.warning("drop folder %s: %s vanished before it could be moved",
                                self.name, safety.safe_text(path.name))

    def _collect_entry(self, entry: os.DirEntry, horizon: float) -> Document | Quarantined | None:
        shown_name = safety.safe_text(entry.name, 255)
        origin = {"folder": str(self._root), "name": shown_name}
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISDIR(info.st_mode):
            return None
        if not stat.S_ISREG(info.st_mode):
            # A symlink could point at /etc/shadow; never follow it, never read it.
            key = f"file:name:{hashlib.sha256(os.fsencode(entry.name)).hexdigest()}"
            return self._writer.quarantined(key, ("not_a_regular_file", "only regular files are collected"),
                                            None, entry.name, origin, 0)
        if info.st_mtime > horizon:
            return None         # still being written (or just finished): next run
        return self._read_and_judge(Path(entry.path), info, origin)

    def _read_and_judge(self, path: Path, info: os.stat_result, origin: dict) -> Document | Quarantined | None:
        limits = self.config.limits
        try:
            data, digest = _read_settled(path, info, limits.max_document_bytes)
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("drop folder %s: cannot read %s: %s", self.name, origin["name"], exc.strerror)
            return None
        if digest is None:
            return None         # changed while being read: next run
        key = f"file:{digest}"
        origin = {**origin, "size": info.st_size,
                  "modified_at": datetime.fromtimestamp(info.st_mtime, UTC).isoformat()}
        try:
            safety.check_size(info.st_size, limits.max_document_bytes, "file")
            content_type = safety.judge_content(data, limits, self.config.allowed_types, path.name)
            filename = safety.safe_filename(path.name)
        except UnsafeInput as refusal:
            return self._writer.quarantined(key, refusal, data, path.name, origin, limits.max_document_bytes)
        received_at = datetime.fromtimestamp(info.st_mtime, UTC)
        return self._writer.document(key, filename, data, content_type, received_at, origin)


def _in_progress(name: str, partial_suffixes: tuple[str, ...]) -> bool:
    """Upload temporaries: ``x.pdf.part``, rsync's ``.x.pdf.Ab12Cd``, ``.~lock`` files.
    A name starting with ``..`` is not one: it is judged (and refused as traversal)."""
    return name.endswith(partial_suffixes) or (name.startswith(".") and not name.startswith(".."))


def _read_settled(path: Path, before: os.stat_result, limit: int) -> tuple[bytes | None, str | None]:
    """(bytes, sha256) of a file that did not change while read; bytes are ``None``
    for a file over ``limit`` (hashed in chunks, never held in memory); the
    digest is ``None`` if the file changed meanwhile."""
    digest = hashlib.sha256()
    chunks: list[bytes] | None = [] if before.st_size <= limit else None
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
            if chunks is not None:
                chunks.append(block)
        after = os.fstat(stream.fileno())
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        return None, None
    return (b"".join(chunks) if chunks is not None else None), digest.hexdigest()

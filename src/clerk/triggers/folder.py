"""A file in a drop folder: ``watchfiles`` (inotify on Linux, polling elsewhere).

Only additions and modifications count, and names the folder source ignores
while they are still being written (``.part``, ``.tmp``...) do not: the run
starts once the upload is renamed into place.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change, watch

log = logging.getLogger("clerk.triggers")
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".filepart", ".upload")


class FolderWatcher:
    """Calls ``on_file`` for new files under ``path`` (and once at start if any wait)."""

    def __init__(self, path: Path, on_file: Callable[[str], None],
                 ignore: tuple[Path, ...] = (), partial_suffixes: tuple[str, ...] = PARTIAL_SUFFIXES):
        self.path = path
        self._on_file, self._ignore, self._partial = on_file, ignore, partial_suffixes
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"folder-trigger-{path.name}",
                                        daemon=True)

    def start(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def counts(self, changed: Path) -> bool:
        """A file this trigger starts a run for: not partial, not in processed/quarantine."""
        if changed.name.startswith(".") or changed.suffix.lower() in self._partial:
            return False
        return not any(changed.is_relative_to(skip) for skip in self._ignore)

    def _run(self) -> None:
        waiting = [p for p in self.path.iterdir() if p.is_file() and self.counts(p)]
        if waiting:
            self._on_file(f"{len(waiting)} files waiting at start")
        for changes in watch(self.path, stop_event=self._stop, rust_timeout=1000, yield_on_timeout=False,
                             debounce=200, raise_interrupt=False):
            new = [Path(p) for kind, p in changes if kind in (Change.added, Change.modified)]
            files = [p for p in new if p.is_file() and self.counts(p)]
            if files:
                self._on_file(", ".join(sorted(p.name for p in files))[:200])

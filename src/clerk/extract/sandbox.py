"""Parse untrusted PDFs in a reused child process with a time and a memory limit.

A hang becomes ``ExtractionError('pdf_timeout')``, a crash
``ExtractionError('pdf_crashed')``, a parser error ``malformed_pdf``; the
child is then replaced, and the caller's process is never harmed. One child
serves many documents (starting one costs ~0.2 s, a text page well under 1 ms).
"""

from __future__ import annotations

import base64
import json
import os
import selectors
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from pydantic import BaseModel, ConfigDict

from clerk.errors import ExtractionError

MAX_REPLY_BYTES = 256 * 1024 * 1024
STARTUP_TIMEOUT_S = 30.0   # importing the parser on a loaded machine; not part of a document's time


class SandboxLimits(BaseModel):
    """Limits for one PDF read."""

    model_config = ConfigDict(frozen=True)

    timeout_s: float = 10.0
    memory_mb: int = 512
    max_pages: int = 200


@dataclass(frozen=True)
class PdfReading:
    """What the sandbox read from one PDF."""

    page_count: int
    pages: tuple[str, ...]
    attachments: dict[str, bytes] = field(default_factory=dict)
    images: tuple[int, ...] = ()   # OCR plug-in: image objects per page (scanned pages have one)
    # What the PDF declares about its attachments (only when it has several XML ones):
    # ``relationships`` (name -> AFRelationship) and ``document_file_name`` (XMP).
    declared: dict[str, object] = field(default_factory=dict)


class _ChildDied(Exception):
    pass


class PdfSandbox:
    """A reusable, thread-safe, closable PDF reader in a child process.

    Use as a context manager, or call ``close()``; safe to keep for the
    lifetime of a worker (a dead child is replaced on the next read). The
    child is a plain ``python -m`` subprocess, not multiprocessing: it does
    not depend on how the caller's ``__main__`` was started, and it talks
    JSON, not pickle.
    """

    def __init__(self, limits: SandboxLimits | None = None):
        self.limits = limits or SandboxLimits()
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        self._ready = False
        self.starts = 0

    # OCR plug-in: the OCR sandbox (clerk.extract.ocr.sandbox) reuses this
    # class with its own child module and environment.
    child_module = "clerk.extract._pdf_child"

    def _child_env(self) -> dict[str, str]:
        return {}

    def __enter__(self) -> PdfSandbox:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    def read(self, data: bytes) -> PdfReading:
        """Read page texts and invoice attachments of ``data`` (PDF bytes)."""
        with self._lock:
            child = self._started_child()
            deadline = time.monotonic() + self.limits.timeout_s
            try:
                child.stdin.write(struct.pack(">II", len(data), self.limits.max_pages) + data)
                child.stdin.flush()
                reply = json.loads(_read_frame(child.stdout, deadline))
            except TimeoutError:
                self._stop_child()
                raise ExtractionError("pdf_timeout", f"PDF not read within {self.limits.timeout_s:g} s") from None
            except (_ChildDied, OSError, ValueError) as error:
                code = self._stop_child()
                raise ExtractionError("pdf_crashed", f"PDF reader died (exit code {code})") from error
            if reply.get("error") == "pdf_memory_limit":
                self._stop_child()
        if "error" in reply:
            raise ExtractionError(str(reply["error"]), str(reply.get("message", "")))
        attachments = {name: base64.b64decode(body) for name, body in reply["attachments"].items()}
        images = tuple(int(count) for count in reply.get("images", ()))
        declared = reply.get("declared") or {}
        return PdfReading(int(reply["page_count"]), tuple(reply["pages"]), attachments, images,
                          declared if isinstance(declared, dict) else {})

    def close(self) -> None:
        """Stop the child; a later ``read`` starts a new one."""
        with self._lock:
            self._stop_child()

    def _started_child(self) -> subprocess.Popen[bytes]:
        child = self._ensure_child()
        if self._ready:
            return child
        try:
            json.loads(_read_frame(child.stdout, time.monotonic() + STARTUP_TIMEOUT_S))
        except (TimeoutError, _ChildDied, OSError, ValueError) as error:
            code = self._stop_child()
            raise ExtractionError("pdf_crashed", f"PDF reader did not start (exit code {code})") from error
        self._ready = True
        return child

    def _ensure_child(self) -> subprocess.Popen[bytes]:
        if self._child is not None and self._child.poll() is None:
            return self._child
        self._stop_child()
        source_root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [source_root, os.environ.get("PYTHONPATH")])),
               **self._child_env()}
        self._child = subprocess.Popen(
            [sys.executable, "-m", self.child_module, str(self.limits.memory_mb * 1024 * 1024)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            close_fds=True,
        )
        self.starts += 1
        return self._child

    def _stop_child(self) -> int | None:
        child, self._child = self._child, None
        self._ready = False
        if child is None:
            return None
        for stream in (child.stdin, child.stdout):
            try:
                stream.close()
            except OSError:
                pass  # a dead child's pipe may already be broken: nothing to flush
        try:
            return child.wait(timeout=0.5)  # a healthy child exits when stdin closes
        except subprocess.TimeoutExpired:
            child.kill()
            return child.wait(timeout=5)


def _read_exactly(stream, size: int, deadline: float) -> bytes:
    chunks, remaining = [], size
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while remaining:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(timeout=left):
                raise TimeoutError
            chunk = os.read(stream.fileno(), min(remaining, 1 << 20))
            if not chunk:
                raise _ChildDied("end of output")
            chunks.append(chunk)
            remaining -= len(chunk)
    return b"".join(chunks)


def _read_frame(stream, deadline: float) -> bytes:
    (length,) = struct.unpack(">I", _read_exactly(stream, 4, deadline))
    if length > MAX_REPLY_BYTES:
        raise _ChildDied(f"reply of {length} bytes")
    return _read_exactly(stream, length, deadline)

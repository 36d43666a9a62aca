"""OCR in a reused, sandboxed child process with a time limit per page.

The same mechanism as the PDF sandbox (one long-lived ``python -m`` child,
JSON replies, a memory limit, a deadline per request, replaced when it hangs
or dies); only the child module and its requests differ. Tesseract runs with
OMP_THREAD_LIMIT=1: on two shared cores its threads made it 4-5x slower.
"""

from __future__ import annotations

import base64
import json
import struct
import time
from typing import Any

from clerk.errors import ExtractionError
from clerk.extract.ocr.settings import OcrSettings
from clerk.extract.sandbox import PdfSandbox, SandboxLimits, _ChildDied, _read_frame

# Rasterizing and preprocessing come on top of Tesseract's own time limit.
RENDER_MARGIN_S = 15.0


class OcrSandbox(PdfSandbox):
    """Thread-safe, closable; ``ocr_page`` raises ``ExtractionError`` with ``ocr_*`` reasons."""

    child_module = "clerk.extract.ocr._child"

    def __init__(self, settings: OcrSettings):
        super().__init__(SandboxLimits(timeout_s=settings.page_timeout_s + RENDER_MARGIN_S,
                                       memory_mb=settings.memory_mb, max_pages=settings.max_pages))
        self.settings = settings

    def _child_env(self) -> dict[str, str]:
        return {"OMP_THREAD_LIMIT": "1"}

    def page_count(self, kind: str, data: bytes) -> int:
        return int(self._ask({"op": "count", "kind": kind}, data)["pages"])

    def ocr_page(self, kind: str, data: bytes, page: int, languages: tuple[str, ...],
                 preprocess: bool) -> dict[str, Any]:
        """Words of one page: ``{"words": [[text, conf 0..100, block, par, line], ...], "dpi", "seconds"}``."""
        return self._ask({"op": "ocr", "kind": kind, "page": page, "languages": "+".join(languages),
                          "preprocess": preprocess, "psm": self.settings.psm}, data)

    def render_png(self, kind: str, data: bytes, page: int) -> bytes:
        """The page as the reviewer should see it (PNG, gray, at the OCR resolution)."""
        return base64.b64decode(self._ask({"op": "render", "kind": kind, "page": page}, data)["png"])

    def _ask(self, request: dict[str, Any], data: bytes) -> dict[str, Any]:
        request = {"dpi": self.settings.dpi, "max_pixels": self.settings.max_pixels,
                   "timeout_s": self.settings.page_timeout_s, **request}
        encoded = json.dumps(request).encode()
        with self._lock:
            try:
                child = self._started_child()
            except ExtractionError as error:
                raise ExtractionError("ocr_crashed", error.message.replace("PDF reader", "OCR")) from None
            deadline = time.monotonic() + self.limits.timeout_s
            try:
                child.stdin.write(struct.pack(">II", len(encoded), len(data)) + encoded + data)
                child.stdin.flush()
                reply = json.loads(_read_frame(child.stdout, deadline))
            except TimeoutError:
                self._stop_child()
                raise ExtractionError("ocr_timeout", f"page not read within {self.limits.timeout_s:g} s") from None
            except (_ChildDied, OSError, ValueError) as error:
                code = self._stop_child()
                raise ExtractionError("ocr_crashed", f"OCR process died (exit code {code})") from error
            if reply.get("error") == "ocr_memory_limit":
                self._stop_child()
        if "error" in reply:
            raise ExtractionError(str(reply["error"]), str(reply.get("message", "")))
        return reply

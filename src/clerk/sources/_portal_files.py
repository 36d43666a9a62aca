"""Reading a portal download: sanitised name, size and content checked before any write.

Writing is the shared ``clerk.sources._saving.DocumentWriter``'s job, so portal
documents and quarantined bytes land where every other source puts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Download

from clerk.errors import UnsafeInput
from clerk.sources import safety

# A link of this kind must deliver this content; anything else (typically the
# portal's HTML error page served under an invoice's name) is refused.
EXPECTED_TYPES: dict[str, frozenset[str]] = {
    "pdf": frozenset({safety.PDF}),
    "xml": frozenset({safety.XML}),
}


@dataclass(frozen=True)
class DownloadedFile:
    kind: str
    filename: str            # safe
    data: bytes
    content_type: str        # detected from the bytes


class RefusedDownload(Exception):
    """A download that failed the checks, with what is known of it (to quarantine)."""

    def __init__(self, error: UnsafeInput, filename: str | None, data: bytes | None):
        super().__init__(str(error))
        self.error = error
        self.filename = filename
        self.data = data


def read_download(download: Download, kind: str, max_bytes: int) -> DownloadedFile:
    """The checked content of a finished download; raises ``RefusedDownload``."""
    suggested = download.suggested_filename
    failure = download.failure()
    if failure:
        raise RefusedDownload(UnsafeInput("download_failed", f"the {kind} download failed: "
                                          f"{safety.safe_text(failure, 200)}"), suggested, None)
    # Playwright keeps the file in its own temporary folder until the context closes.
    stored = Path(download.path())
    data = None
    try:
        safety.check_size(stored.stat().st_size, max_bytes, f"{kind} download")
        data = stored.read_bytes()
        filename = safety.safe_filename(suggested)
        content_type = safety.detect_content_type(data)
        safety.check_content_type(content_type, EXPECTED_TYPES.get(kind, safety.DOCUMENT_TYPES))
    except UnsafeInput as refusal:
        raise RefusedDownload(refusal, suggested, data) from None
    return DownloadedFile(kind, filename, data, content_type)

"""Which documents and pages need OCR, judged by content (never by file name)."""

from __future__ import annotations

from clerk.extract.sandbox import PdfReading
from clerk.extract.ocr.text import MIN_PAGE_CHARS

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)


def image_format(data: bytes) -> str | None:
    """``png``, ``jpeg`` or ``tiff`` by magic bytes, else None."""
    for magic, name in _IMAGE_MAGIC:
        if data.startswith(magic):
            return name
    return None


def pages_needing_ocr(reading: PdfReading) -> tuple[int, ...]:
    """Pages (0-based) with no usable text layer but an image on them: scans.

    A page without text and without any image (a drawing, a blank page) is
    not a scan; OCR would only find nothing there, slowly.
    """
    images = reading.images or (0,) * len(reading.pages)
    return tuple(index for index, (text, count) in enumerate(zip(reading.pages, images))
                 if len(text.strip()) < MIN_PAGE_CHARS and count > 0)

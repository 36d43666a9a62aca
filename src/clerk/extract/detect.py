"""What a document is, judged by its bytes (never by its name or declared type)."""

from __future__ import annotations

import io
import zipfile

from clerk.errors import ExtractionError
from clerk.extract._xml import parse_xml
from clerk.extract.ocr.detect import image_format

MAX_XLSX_UNPACKED = 100 * 1024 * 1024
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def sniff(data: bytes) -> str:
    """``pdf``, ``xml``, ``xlsx``, ``csv`` or ``image``; else ``ExtractionError('not_a_document')``."""
    if not data:
        raise ExtractionError("not_a_document", "empty file")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if image_format(data) is not None:   # OCR plug-in: PNG, JPEG, TIFF scans
        return "image"
    if data[:4] == b"PK\x03\x04":
        return _zip_kind(data)
    head = data[:3] if data[:3] == _BOMS[0] else b""
    stripped = data[len(head):len(head) + 512].lstrip()
    if stripped.startswith(b"<"):
        return "xml"
    if _looks_like_text(data[:65536]):
        return "csv"
    raise ExtractionError("not_a_document", "neither PDF, XML, XLSX nor delimited text")


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise ExtractionError("not_a_document", f"broken ZIP container: {error}") from None
    if "xl/workbook.xml" not in names:
        raise ExtractionError("not_a_document", "a ZIP file that is not an XLSX workbook")
    if unpacked > MAX_XLSX_UNPACKED:
        raise ExtractionError("too_large", f"workbook unpacks to {unpacked} bytes")
    return "xlsx"


def _looks_like_text(sample: bytes) -> bool:
    if b"\0" in sample:
        return False
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = sample.decode("cp1252", errors="replace")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return bool(text.strip()) and printable / len(text) > 0.97 and any(sep in text for sep in ",;\t")


def xml_root(data: bytes):
    """Parsed root (hardened parser); raises ``malformed_xml``."""
    return parse_xml(data)

"""Untrusted input: file names, sizes, content types and archives.

Every source (email, portal, drop folder) runs what it receives through these
checks before anything is written. A refusal is an ``UnsafeInput`` whose
``reason`` is a stable code; the caller turns it into a ``Quarantined``.

Reason codes raised here:
``empty_name``, ``path_traversal``, ``absolute_path``, ``control_character``,
``bidi_control``, ``name_too_long``, ``reserved_name``, ``too_large``,
``archive_bomb``, ``archive_too_deep``, ``archive_corrupt``,
``type_not_allowed``, ``outside_root``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from clerk.errors import UnsafeInput

PDF = "application/pdf"
XML = "application/xml"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
HTML = "text/html"
TEXT = "text/plain"
EML = "message/rfc822"
OLE = "application/x-ole-storage"
MSG = "application/vnd.ms-outlook"
TNEF = "application/ms-tnef"
OCTET = "application/octet-stream"

DOCUMENT_TYPES: frozenset[str] = frozenset({PDF, XML, CSV, XLSX, PNG, JPEG, TIFF})
"""Types a source saves as documents by default (images for later OCR)."""

EXTENSIONS: dict[str, str] = {
    PDF: ".pdf", XML: ".xml", CSV: ".csv", XLSX: ".xlsx", ZIP: ".zip", PNG: ".png",
    JPEG: ".jpg", TIFF: ".tif", HTML: ".html", TEXT: ".txt", EML: ".eml",
    MSG: ".msg", TNEF: ".dat", OCTET: ".bin",
}

MAX_NAME_BYTES = 255
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Windows refuses these as file names whatever the extension; a share or a
# reviewer's download would break on them.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", "clock$", "conin$", "conout$"}
    | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
_REPLACED = re.compile(r'[<>:"|?*\s]+')


class IntakeLimits(BaseModel):
    """Size and archive limits applied to every piece of untrusted input."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_document_bytes: int = Field(25 * 1024 * 1024, gt=0)
    max_message_bytes: int = Field(50 * 1024 * 1024, gt=0)
    max_archive_ratio: float = Field(100.0, gt=1)
    max_archive_total_bytes: int = Field(200 * 1024 * 1024, gt=0)
    max_archive_members: int = Field(1000, gt=0)
    max_nesting: int = Field(3, ge=0)   # zip in zip, message in message, msg in msg


def safe_filename(name: str) -> str:
    """Return ``name`` fit to be written, or raise ``UnsafeInput``.

    Refuses (never silently repairs) anything that tries to leave its folder or
    to disguise itself: path separators with ``..``, absolute paths, NUL and
    control characters, bidi controls (U+202E makes ``exe.pdf`` look like
    ``fdp.exe``), names over 255 bytes, reserved device names. Harmless
    oddities (spaces, ``:*?"<>|``) become ``_``; the result is NFC-normalised.
    """
    if name is None or not name.strip():
        raise UnsafeInput("empty_name", "the file name is empty")
    if any(ch in _BIDI_CONTROLS for ch in name):
        raise UnsafeInput("bidi_control", "the file name contains a bidirectional control character")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise UnsafeInput("control_character", "the file name contains a control character")
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise UnsafeInput("absolute_path", "the file name is an absolute path")
    parts = re.split(r"[\\/]", name)
    if any(part.strip() in {"..", "."} for part in parts):
        raise UnsafeInput("path_traversal", "the file name climbs out of its folder")
    if len(parts) > 1:
        raise UnsafeInput("path_traversal", "the file name contains a path separator")
    cleaned = _REPLACED.sub("_", unicodedata.normalize("NFC", name)).strip("._ ")
    if not cleaned:
        raise UnsafeInput("empty_name", "the file name has no usable characters")
    if len(cleaned.encode("utf-8")) > MAX_NAME_BYTES:
        raise UnsafeInput("name_too_long", f"the file name is over {MAX_NAME_BYTES} bytes")
    if cleaned.split(".")[0].lower() in _RESERVED:
        raise UnsafeInput("reserved_name", "the file name is a reserved device name")
    return cleaned


def safe_text(text: str | None, limit: int = 500) -> str:
    """Untrusted text (a subject, a sender) made safe for logs and the audit trail.

    CR, LF and other control or bidi characters become spaces, so nothing can
    forge a log line; the result is truncated to ``limit`` characters.
    """
    if not text:
        return ""
    out = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Zl", "Zp"} or ch in _BIDI_CONTROLS else ch
        for ch in str(text)
    )
    out = " ".join(out.split())
    return out if len(out) <= limit else out[: limit - 1] + "…"


def check_size(size: int, limit: int, what: str = "document") -> None:
    """Raise ``UnsafeInput("too_large")`` if ``size`` is over ``limit`` bytes."""
    if size > limit:
        raise UnsafeInput("too_large", f"the {what} has {size} bytes, over the limit of {limit}")


def safe_path(root: Path, *parts: str) -> Path:
    """``root/parts`` resolved, guaranteed to be inside ``root`` (else ``outside_root``)."""
    base = root.resolve()
    target = base.joinpath(*parts).resolve()
    if not target.is_relative_to(base):
        raise UnsafeInput("outside_root", f"refused to write outside {base}")
    return target


def detect_content_type(head: bytes) -> str:
    """The content type of ``head`` (the first bytes, or all of them) by its content.

    The declared MIME type and the file extension are never consulted:
    suppliers send PDFs as ``application/octet-stream`` and HTML as ``.pdf``.
    Given the whole content, a ZIP is told apart from an XLSX and an OLE file
    from an Outlook message.
    """
    if not head:
        return OCTET
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return XLSX if _is_xlsx(head) else ZIP
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return MSG if b"_\x00_\x00s\x00u\x00b\x00s\x00t\x00g\x001" in head else OLE
    if head.startswith(b"\x78\x9f\x3e\x22"):
        return TNEF
    # Readers accept junk before the header (mail gateways prepend some), up to 1 KB;
    # checked after the containers, which may hold a PDF near their start.
    if b"%PDF-" in head[:1024]:
        return PDF
    text = _as_text(head[:65536])
    if text is None:
        return OCTET
    return _text_type(text)


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
        return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)
    except (zipfile.BadZipFile, ValueError, OSError):
        # Only a head was given: the local headers near the start still name members.
        return b"xl/" in data[:65536]


def _as_text(head: bytes) -> str | None:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="ignore")
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:      # a head cut inside a multi-byte character
            return head[: exc.start].decode("utf-8")
    printable = sum(32 <= b < 127 or b in (9, 10, 13) or b >= 160 for b in head)
    return head.decode("cp1252", errors="replace") if printable >= 0.95 * len(head) else None


_EML_HEADERS = re.compile(
    r"^(received|return-path|from|to|subject|date|message-id|mime-version|delivered-to|"
    r"x-[a-z0-9-]+):", re.IGNORECASE)


def _text_type(text: str) -> str:
    stripped = text.lstrip()
    lower = stripped[:512].lower()
    if lower.startswith(("<!doctype html", "<html")) or re.match(r"<(head|body|script)\b", lower):
        return HTML
    if stripped.startswith("<"):
        return XML
    lines = [line for line in text.splitlines() if line.strip()][:50]
    if lines and _EML_HEADERS.match(lines[0]) and sum(bool(re.match(r"^[\w-]+:", ln)) for ln in lines[:5]) >= 2:
        return EML
    return CSV if _looks_like_csv(lines) else TEXT


def _looks_like_csv(lines: list[str]) -> bool:
    """At least two lines with the same positive count of one delimiter, counted
    outside quoted fields (``"Copy paper A4, 500 sheets"`` is one field)."""
    if len(lines) < 2:
        return False
    if len(lines) > 2:
        lines = lines[:-1]      # the last line of a head may be cut short
    for delimiter in (";", ",", "\t", "|"):
        counts = {_fields(line, delimiter) for line in lines}
        if len(counts) == 1 and counts.pop() > 1:
            return True
    return False


def _fields(line: str, delimiter: str) -> int:
    """How many fields the csv module reads from one line (quotes respected)."""
    try:
        return len(next(csv.reader([line], delimiter=delimiter)))
    except (csv.Error, StopIteration):
        return 0


def check_content_type(content_type: str, allowed: frozenset[str] | set[str]) -> None:
    """Raise ``UnsafeInput("type_not_allowed")`` unless the detected type is allowed."""
    if content_type not in allowed:
        raise UnsafeInput("type_not_allowed", f"content detected as {content_type}, not an allowed document type")


def check_archive(data: bytes, limits: IntakeLimits, depth: int = 0) -> None:
    """Refuse a ZIP (or XLSX) that would blow up when opened.

    Reads the central directory only (declared sizes, ratio, member count);
    nested archives are read member by member, bounded by the declared size
    (zipfile never returns more than a member declares) and by the total limit.
    """
    if depth > limits.max_nesting:
        raise UnsafeInput("archive_too_deep", f"archives nested more than {limits.max_nesting} deep")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_declared(members, limits)
            for member in members:
                if member.is_dir() or member.file_size < 4:
                    continue
                with archive.open(member) as stream:
                    magic = stream.read(4)
                    if magic == b"PK\x03\x04":
                        check_archive(magic + stream.read(limits.max_archive_total_bytes), limits, depth + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as exc:
        raise UnsafeInput("archive_corrupt", f"the archive cannot be read safely: {type(exc).__name__}") from exc
    except RuntimeError as exc:             # encrypted members
        raise UnsafeInput("archive_corrupt", "the archive is encrypted") from exc


def _check_declared(members: list[zipfile.ZipInfo], limits: IntakeLimits) -> None:
    if len(members) > limits.max_archive_members:
        raise UnsafeInput("archive_bomb", f"the archive has {len(members)} members, over {limits.max_archive_members}")
    total = sum(m.file_size for m in members)
    if total > limits.max_archive_total_bytes:
        raise UnsafeInput("archive_bomb", f"the archive expands to {total} bytes, over {limits.max_archive_total_bytes}")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > limits.max_archive_ratio:
            raise UnsafeInput("archive_bomb", f"a member compresses {ratio:.0f}:1, over {limits.max_archive_ratio:.0f}:1")

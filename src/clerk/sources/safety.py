"""Untrusted input: file names, sizes, content types and archives.

Every source (email, portal, drop folder) runs what it receives through these
checks before anything is written. A refusal is an ``UnsafeInput`` whose
``reason`` is a stable code; the caller turns it into a ``Quarantined``.

Reason codes raised here:
``empty_name``, ``path_traversal``, ``absolute_path``, ``control_character``,
``bidi_control``, ``reserved_name``, ``too_large``,
``archive_bomb``, ``archive_too_deep``, ``archive_corrupt``, ``executable``,
``archive``, ``office_document``, ``image``, ``type_not_allowed``, ``outside_root``.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from clerk.errors import UnsafeInput
from clerk.sources.content import (  # noqa: F401 - the content types are part of this module's API
    CSV, DOCX, EML, EXTENSIONS, HTML, JPEG, MSG, OCTET, OLE, PDF, PNG, PPTX, TEXT, TIFF, TNEF, XLSX, XML, ZIP,
    DESCRIPTIONS, SCRIPT_EXTENSIONS, detect_content_type, kind_of,
)

DOCUMENT_TYPES: frozenset[str] = frozenset({PDF, XML, CSV, XLSX, PNG, JPEG, TIFF})
"""Types a source may save as documents (images for OCR); a bot narrows them
with its ``[collect] kinds`` (``clerk.sources.settings.CollectSettings``)."""

MAX_NAME_BYTES = 255
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Windows refuses these as file names whatever the extension; a share or a
# reviewer's download would break on them.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", "clock$", "conin$", "conout$"}
    | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
_WINDOWS_PATH = re.compile(r"^([A-Za-z]:\\|\\\\[^\\/]+\\)[^/]*$")    # C:\dir\x.pdf, \\server\share\x.pdf
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
    to disguise itself: path separators with ``..``, POSIX absolute paths, NUL
    and control characters, bidi controls (U+202E makes ``exe.pdf`` look like
    ``fdp.exe``), reserved device names. What a mail client repairs is
    repaired: a Windows path (``C:\\TEMP\\invoice.pdf``, as Outlook Express
    sent it) gives its last part, a name over 255 bytes is shortened (keeping
    its extension), spaces and ``:*?"<>|`` become ``_``; the result is NFC.
    """
    if name is None or not name.strip():
        raise UnsafeInput("empty_name", "the file name is empty")
    if any(ch in _BIDI_CONTROLS for ch in name):
        raise UnsafeInput("bidi_control", "the file name contains a bidirectional control character")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise UnsafeInput("control_character", "the file name contains a control character")
    parts = re.split(r"[\\/]", name)
    if any(part.strip() in {"..", "."} for part in parts):
        raise UnsafeInput("path_traversal", "the file name climbs out of its folder")
    if _WINDOWS_PATH.match(name):
        name, parts = parts[-1], parts[-1:]
    elif name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise UnsafeInput("absolute_path", "the file name is an absolute path")
    if len(parts) > 1:
        raise UnsafeInput("path_traversal", "the file name contains a path separator")
    cleaned = _REPLACED.sub("_", unicodedata.normalize("NFC", name)).strip("._ ")
    if not cleaned:
        raise UnsafeInput("empty_name", "the file name has no usable characters")
    if cleaned.split(".")[0].lower() in _RESERVED:
        raise UnsafeInput("reserved_name", "the file name is a reserved device name")
    return fit_name(cleaned, MAX_NAME_BYTES)


def fit_name(name: str, budget: int) -> str:
    """Shorten a (safe) name to ``budget`` UTF-8 bytes at a character boundary,
    keeping its extension."""
    if len(name.encode("utf-8")) <= budget:
        return name
    stem, dot, ext = name.rpartition(".")
    ext = f".{ext}" if dot and stem and len(ext.encode("utf-8")) <= 10 else ""
    room = budget - len(ext.encode("utf-8"))
    stem = (stem if ext else name).encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return stem + ext


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


# The kinds whose refusal has a reason code of its own: what the part really is.
_REFUSED_KINDS = frozenset({"executable", "archive", "office_document", "image"})


def check_content_type(content_type: str, allowed: frozenset[str] | set[str],
                       declared_name: str | None = None, declared_type: str | None = None) -> None:
    """Raise ``UnsafeInput`` unless the detected type is allowed. The reason is
    the kind of the part (``executable``, ``archive``, ``office_document``,
    ``image``) or ``type_not_allowed``; the message names what was detected
    beside the name and type the sender declared."""
    if content_type in allowed:
        return
    kind = kind_of(content_type)
    declared = [f"declared as {safe_text(declared_name, 120)!r}" if declared_name else "sent without a name"]
    if declared_type:
        declared.append(f"of type {safe_text(declared_type, 100)}")
    detected = _script_kind(content_type, declared_name) or (kind, content_type)
    why = ("not among the kinds this bot collects (kinds under [collect] in its bots/<name>.toml)"
           if content_type in DOCUMENT_TYPES and detected[0] != "executable"
           else "not a document type that is collected")
    raise UnsafeInput(detected[0] if detected[0] in _REFUSED_KINDS else "type_not_allowed",
                      f"{' '.join(declared)}; its content is {DESCRIPTIONS[detected[0]]} ({detected[1]}), {why}")


def _script_kind(content_type: str, declared_name: str | None) -> tuple[str, str] | None:
    """Text that Windows would run because of its name (``pay.js``, ``run.bat``)."""
    if kind_of(content_type) not in {"text", "html", "csv", "xml", "other"} or not declared_name:
        return None
    suffix = Path(declared_name.replace("\\", "/")).suffix.lower()
    return ("executable", f"{content_type}, a {suffix} script") if suffix in SCRIPT_EXTENSIONS else None


# Names a careful mail client saves under a name of its own instead: nothing in
# them tries to leave the folder or to disguise the file.
REPLACEABLE_NAME_REASONS = frozenset({"empty_name", "reserved_name"})


def judge_content(data: bytes, limits: IntakeLimits, allowed: frozenset[str] | set[str],
                  declared_name: str | None = None, declared_type: str | None = None) -> str:
    """The detected content type of ``data`` if a source may keep it, else ``UnsafeInput``:
    size first, then, for a ZIP or a workbook, whether it is safe to open, then
    what the bytes are (never what their name says)."""
    check_size(len(data), limits.max_document_bytes, "attachment")
    content_type = detect_content_type(data)
    if content_type in (XLSX, ZIP):
        check_archive(data, limits)     # a bomb says more than "an archive"
    check_content_type(content_type, allowed, declared_name, declared_type)
    return content_type


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

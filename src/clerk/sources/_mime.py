"""Attachment discovery in an email, by content, through every container.

Suppliers declare PDFs as ``application/octet-stream``, forward invoices as
attached messages, send Outlook ``.msg`` files and ``winmail.dat`` (TNEF)
containers, and zip their invoices. This module walks all of that and hands
back each candidate file with a stable part path (``2``, ``3/1``,
``4/tnef1``, ``5/zip2``); it never writes anything and never renders HTML.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.errors
import email.header
import email.policy
import email.utils
import io
import logging
import quopri
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

from clerk.errors import UnsafeInput
from clerk.sources import safety

log = logging.getLogger(__name__)

_BODY_TYPES = frozenset({"text/plain", "text/html", "text/enriched", "text/rtf"})
# Inline texts that are documents even without a name (an XML invoice pasted as a part).
_INLINE_DOCUMENTS = frozenset({"text/xml", "text/csv", "text/comma-separated-values", "text/tab-separated-values"})
# Declared names that say "not an archive": a ZIP behind one of them is shown as such.
_ARCHIVE_NAMES = (".zip", ".zipx")


@dataclass(frozen=True)
class Found:
    """A candidate document: its part path, the name the sender gave it, its bytes."""

    part: str
    declared_name: str | None
    data: bytes
    container: str          # "mime", "message" (inside a forwarded one), "msg", "tnef", "zip"
    declared_type: str | None = None    # the MIME type the sender gave it, if any


@dataclass(frozen=True)
class Unreadable:
    """A part that could not be opened safely; becomes a ``Quarantined``."""

    part: str
    declared_name: str | None
    reason: str
    message: str
    data: bytes | None = None
    declared_type: str | None = None


Discovery = Found | Unreadable


def parse_message(raw: bytes) -> Message:
    """Parse raw RFC 822 bytes leniently (a malformed message still yields its parts)."""
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def discover(message: Message, limits: safety.IntakeLimits) -> Iterator[Discovery]:
    """Every candidate document in ``message``, containers opened, in part order."""
    yield from _walk(message, "", 0, limits)


def _walk(part: Message, path: str, depth: int, limits: safety.IntakeLimits,
          container: str = "mime") -> Iterator[Discovery]:
    if part.get_content_type() == "message/rfc822":
        yield from _inner_messages(part, path, depth, limits)
        return
    if part.is_multipart():
        children = part.get_payload()
        alternative = part.get_content_type() == "multipart/alternative"
        for index, child in enumerate(children if isinstance(children, list) else [], start=1):
            if isinstance(child, Message) and not (alternative and _is_body(child, any_text=True)):
                yield from _walk(child, _join(path, str(index)), depth, limits, container)
        return
    if _is_body(part):
        return      # a body: kept in the .eml, never rendered, not a document
    name = declared_name(part)
    declared_type = _declared_type(part)
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError) as exc:
        yield Unreadable(path or "1", name, "unreadable_part", f"the part cannot be decoded: {type(exc).__name__}",
                         declared_type=declared_type)
        return
    if not data:
        return
    yield from expand(path or "1", name, data, depth, limits, container, declared_type)


def _is_body(part: Message, any_text: bool = False) -> bool:
    """An inline text without a name is a body (``text/plain``, ``text/html``,
    Apple's ``text/watch-html``...), never a document; in an alternative, every
    unnamed inline text is another rendering of the same body."""
    if part.get_content_disposition() == "attachment" or declared_name(part) is not None:
        return False
    content_type = part.get_content_type()
    if content_type in _BODY_TYPES:
        return True
    return content_type.startswith("text/") and (any_text or content_type not in _INLINE_DOCUMENTS)


def _declared_type(part: Message) -> str | None:
    return part.get_content_type() if part.get("Content-Type") else None


def _inner_messages(part: Message, path: str, depth: int, limits: safety.IntakeLimits) -> Iterator[Discovery]:
    if depth >= limits.max_nesting:
        yield Unreadable(path, declared_name(part), "nesting_too_deep", "forwarded messages nested too deep")
        return
    inner = part.get_payload()
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding in ("base64", "quoted-printable") and isinstance(inner, list) and inner:
        # RFC 2046 forbids it, Lotus Notes and some gateways do it: the parser took the
        # encoded text for a message without headers; decode it and parse that.
        try:
            inner = [parse_message(_decoded(inner[0].as_string().lstrip(), encoding))]
        except (binascii.Error, ValueError) as exc:
            yield Unreadable(path, declared_name(part), "unreadable_part",
                             f"the forwarded message cannot be decoded: {type(exc).__name__}")
            return
    for index, child in enumerate(inner if isinstance(inner, list) else [], start=1):
        if isinstance(child, Message):
            yield from _walk(child, _join(path, f"m{index}"), depth + 1, limits, "message")


def _decoded(text: str, encoding: str) -> bytes:
    raw = text.encode("ascii", errors="surrogateescape")
    return base64.b64decode(raw) if encoding == "base64" else quopri.decodestring(raw)


def expand(part: str, name: str | None, data: bytes, depth: int, limits: safety.IntakeLimits,
           container: str, declared_type: str | None = None) -> Iterator[Discovery]:
    """``data`` itself, or the files inside it if it is a container (by content)."""
    kind = safety.detect_content_type(data)
    opener = {safety.EML: _eml_members, safety.TNEF: _tnef_members,
              safety.MSG: _msg_members, safety.ZIP: _zip_members}.get(kind)
    if opener is None:
        yield Found(part, name, data, container, declared_type)
        return
    if depth >= limits.max_nesting:
        yield Unreadable(part, name, "nesting_too_deep", f"containers nested more than {limits.max_nesting} deep",
                         data, declared_type)
        return
    try:
        members = list(opener(data, limits))
    except UnsafeInput as exc:
        yield Unreadable(part, name, exc.reason, exc.message, data, declared_type)
        return
    except Exception as exc:  # noqa: BLE001 - third-party parsers of hostile bytes raise anything
        yield Unreadable(part, name, "unreadable_container", f"{kind} cannot be opened: {type(exc).__name__}",
                         data, declared_type)
        return
    if kind == safety.ZIP and _disguised(name, declared_type):
        yield Unreadable(part, name, "archive", _disguise_message(name, declared_type, len(members)),
                         data, declared_type)
    if not members:
        yield Unreadable(part, name, "empty_container", f"{kind} holds no file", data, declared_type)
        return
    for index, (member_name, member_data, member_container) in enumerate(members, start=1):
        member_part = _join(part, f"{member_container}{index}")
        if isinstance(member_data, Message):
            yield from _walk(member_data, member_part, depth + 1, limits, "message")
        else:
            yield from expand(member_part, member_name, member_data, depth + 1, limits, member_container)


def _disguised(name: str | None, declared_type: str | None) -> bool:
    """A ZIP sent under another name or type (``invoice.pdf``, ``application/pdf``)."""
    named_otherwise = bool(name) and "." in name and not name.lower().endswith(_ARCHIVE_NAMES)
    typed_otherwise = declared_type not in (None, safety.OCTET, safety.ZIP, "application/x-zip-compressed",
                                            "application/x-zip", "multipart/x-zip")
    return named_otherwise or typed_otherwise


def _disguise_message(name: str | None, declared_type: str | None, members: int) -> str:
    declared = f"declared as {safety.safe_text(name, 120)!r}" if name else "sent without a name"
    if declared_type:
        declared += f" of type {safety.safe_text(declared_type, 100)}"
    return (f"{declared}; its content is an archive ({safety.ZIP}) holding {members} file(s), "
            "each judged on its own")


def _eml_members(data: bytes, limits: safety.IntakeLimits) -> Iterator[tuple[str | None, Message, str]]:
    yield None, parse_message(data), "m"


def _tnef_members(data: bytes, limits: safety.IntakeLimits) -> Iterator[tuple[str | None, bytes, str]]:
    from tnefparse import TNEF

    for attachment in TNEF(data, do_checksum=False).attachments:
        if attachment.data:
            yield _text_name(attachment.long_filename()), bytes(attachment.data), "tnef"


def _msg_members(data: bytes, limits: safety.IntakeLimits) -> Iterator[tuple[str | None, bytes, str]]:
    import extract_msg

    msg = extract_msg.openMsg(data, strict=False)
    try:
        yield from _msg_attachments(msg, 0, limits)
    finally:
        msg.close()


def _msg_attachments(msg, depth: int, limits: safety.IntakeLimits) -> Iterator[tuple[str | None, bytes, str]]:
    for attachment in getattr(msg, "attachments", []):
        payload = attachment.data
        name = _text_name(attachment.longFilename or attachment.shortFilename)
        if isinstance(payload, (bytes, bytearray)):
            yield name, bytes(payload), "msg"
        elif payload is not None and hasattr(payload, "attachments"):   # an embedded .msg
            if depth + 1 > limits.max_nesting:
                raise UnsafeInput("nesting_too_deep", "Outlook messages nested too deep")
            yield from _msg_attachments(payload, depth + 1, limits)


def _zip_members(data: bytes, limits: safety.IntakeLimits) -> Iterator[tuple[str | None, bytes, str]]:
    safety.check_archive(data, limits)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            if member.is_dir():
                continue
            yield _member_name(_zip_name(member)), archive.read(member), "zip"


def _zip_name(member: zipfile.ZipInfo) -> str:
    """A member name not flagged as UTF-8 was decoded as CP437 by zipfile; many
    archivers write UTF-8 without the flag, so those bytes are tried as UTF-8 first."""
    if member.flag_bits & 0x800:
        return member.filename
    try:
        return member.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return member.filename


def _member_name(name: str) -> str:
    """Folders inside an archive are dropped; a climbing or absolute name is kept
    whole so that ``safe_filename`` refuses it. No archive path ever reaches the disk."""
    segments = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in segments:
        return name
    return segments[-1]


def declared_name(part: Message) -> str | None:
    """The file name the sender declared: RFC 2231 and encoded words decoded, and a
    name sent as raw 8-bit bytes (no encoding at all) read as UTF-8, else Windows-1252."""
    raw = _raw_8bit_name(part)
    if raw is not None:
        return raw
    try:
        name = part.get_filename() or part.get_param("name")
    except (ValueError, TypeError, LookupError):
        return None
    if isinstance(name, tuple):     # RFC 2231 (charset, language, value)
        name = email.utils.collapse_rfc2231_value(name)
    if not name:
        return None
    try:
        return str(email.header.make_header(email.header.decode_header(str(name))))
    except (ValueError, LookupError, email.errors.HeaderParseError):
        return str(name)


def _raw_8bit_name(part: Message) -> str | None:
    """The parser keeps undeclared 8-bit header bytes as lone surrogates and shows
    them as U+FFFD (three bytes each, and meaningless); read the raw header again
    with its bytes decoded, then take the name from that."""
    for key, value in part.raw_items():
        header = key.lower()
        if header not in ("content-disposition", "content-type") or not _has_8bit(value):
            continue
        probe = Message()
        probe[key] = text_from_bytes(value.encode("ascii", errors="surrogateescape"))
        name = probe.get_param("filename" if header == "content-disposition" else "name", header=header)
        if isinstance(name, tuple):
            name = email.utils.collapse_rfc2231_value(name)
        if name:
            return email.utils.unquote(str(name))
    return None


def _has_8bit(value) -> bool:
    return isinstance(value, str) and any("\udc80" <= ch <= "\udcff" for ch in value)


def text_from_bytes(raw: bytes) -> str:
    """Bytes of unknown encoding as text: UTF-8 if they are that, else Windows-1252
    (what Outlook and Lotus Notes send), else Latin-1 (which reads any byte)."""
    for codec in ("utf-8", "cp1252"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    # C1 controls here are a wrong guess of the code page, not the sender's intent.
    return re.sub("[\x80-\x9f]", "_", raw.decode("latin-1"))


def _text_name(name) -> str | None:
    if isinstance(name, bytes):
        name = text_from_bytes(name)
    return name.rstrip("\x00") or None if name else None


def _join(path: str, step: str) -> str:
    return f"{path}/{step}" if path else step

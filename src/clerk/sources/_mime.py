"""Attachment discovery in an email, by content, through every container.

Suppliers declare PDFs as ``application/octet-stream``, forward invoices as
attached messages, send Outlook ``.msg`` files and ``winmail.dat`` (TNEF)
containers, and zip their invoices. This module walks all of that and hands
back each candidate file with a stable part path (``2``, ``3/1``,
``4/tnef1``, ``5/zip2``); it never writes anything and never renders HTML.
"""

from __future__ import annotations

import email
import email.errors
import email.header
import email.policy
import email.utils
import io
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

from clerk.errors import UnsafeInput
from clerk.sources import safety

log = logging.getLogger(__name__)

_BODY_TYPES = frozenset({"text/plain", "text/html", "text/enriched", "text/rtf"})


@dataclass(frozen=True)
class Found:
    """A candidate document: its part path, the name the sender gave it, its bytes."""

    part: str
    declared_name: str | None
    data: bytes
    container: str          # "mime", "message", "msg", "tnef", "zip"


@dataclass(frozen=True)
class Unreadable:
    """A part that could not be opened safely; becomes a ``Quarantined``."""

    part: str
    declared_name: str | None
    reason: str
    message: str
    data: bytes | None = None


Discovery = Found | Unreadable


def parse_message(raw: bytes) -> Message:
    """Parse raw RFC 822 bytes leniently (a malformed message still yields its parts)."""
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def discover(message: Message, limits: safety.IntakeLimits) -> Iterator[Discovery]:
    """Every candidate document in ``message``, containers opened, in part order."""
    yield from _walk(message, "", 0, limits)


def _walk(part: Message, path: str, depth: int, limits: safety.IntakeLimits) -> Iterator[Discovery]:
    if part.get_content_type() == "message/rfc822":
        yield from _inner_messages(part, path, depth, limits)
        return
    if part.is_multipart():
        children = part.get_payload()
        for index, child in enumerate(children if isinstance(children, list) else [], start=1):
            if isinstance(child, Message):
                yield from _walk(child, _join(path, str(index)), depth, limits)
        return
    name = declared_name(part)
    if name is None and part.get_content_type() in _BODY_TYPES and part.get_content_disposition() != "attachment":
        return      # a body: kept in the .eml, never rendered, not a document
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError) as exc:
        yield Unreadable(path or "1", name, "unreadable_part", f"the part cannot be decoded: {type(exc).__name__}")
        return
    if not data:
        return
    yield from expand(path or "1", name, data, depth, limits, "mime")


def _inner_messages(part: Message, path: str, depth: int, limits: safety.IntakeLimits) -> Iterator[Discovery]:
    if depth >= limits.max_nesting:
        yield Unreadable(path, declared_name(part), "nesting_too_deep", "forwarded messages nested too deep")
        return
    inner = part.get_payload()
    for index, child in enumerate(inner if isinstance(inner, list) else [], start=1):
        if isinstance(child, Message):
            yield from _walk(child, _join(path, f"m{index}"), depth + 1, limits)


def expand(part: str, name: str | None, data: bytes, depth: int,
           limits: safety.IntakeLimits, container: str) -> Iterator[Discovery]:
    """``data`` itself, or the files inside it if it is a container (by content)."""
    kind = safety.detect_content_type(data)
    opener = {safety.EML: _eml_members, safety.TNEF: _tnef_members,
              safety.MSG: _msg_members, safety.ZIP: _zip_members}.get(kind)
    if opener is None:
        yield Found(part, name, data, container)
        return
    if depth >= limits.max_nesting:
        yield Unreadable(part, name, "nesting_too_deep", f"containers nested more than {limits.max_nesting} deep", data)
        return
    try:
        members = list(opener(data, limits))
    except UnsafeInput as exc:
        yield Unreadable(part, name, exc.reason, exc.message, data)
        return
    except Exception as exc:  # noqa: BLE001 - third-party parsers of hostile bytes raise anything
        yield Unreadable(part, name, "unreadable_container", f"{kind} cannot be opened: {type(exc).__name__}", data)
        return
    if not members:
        yield Unreadable(part, name, "empty_container", f"{kind} holds no file", data)
        return
    for index, (member_name, member_data, member_container) in enumerate(members, start=1):
        member_part = _join(part, f"{member_container}{index}")
        if isinstance(member_data, Message):
            yield from _walk(member_data, member_part, depth + 1, limits)
        else:
            yield from expand(member_part, member_name, member_data, depth + 1, limits, member_container)


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
            yield _member_name(member.filename), archive.read(member), "zip"


def _member_name(name: str) -> str:
    """Folders inside an archive are dropped; a climbing or absolute name is kept
    whole so that ``safe_filename`` refuses it. No archive path ever reaches the disk."""
    segments = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in segments:
        return name
    return segments[-1]


def declared_name(part: Message) -> str | None:
    """The file name the sender declared (RFC 2231 and encoded words decoded)."""
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


def _text_name(name) -> str | None:
    if isinstance(name, bytes):
        name = name.decode("utf-8", errors="replace")
    return name.rstrip("\x00") or None if name else None


def _join(path: str, step: str) -> str:
    return f"{path}/{step}" if path else step

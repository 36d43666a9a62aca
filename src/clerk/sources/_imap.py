"""IMAP primitives on top of the standard library's ``imaplib``.

``imaplib`` rather than ``imap-tools``: clerk needs the raw message bytes as
the server stored them (for the ``.eml`` and stable hashes), ``BODY.PEEK[]``
so collecting never marks mail as read, a cheap ``RFC822.SIZE`` pass to refuse
an oversized message before downloading it, and UID sets of many messages per
round trip; imap-tools parses every message into objects clerk does not use.
TLS is explicit: implicit TLS, STARTTLS or plain (loopback tests only), with
the caller's ``ssl.SSLContext``.
"""

from __future__ import annotations

import imaplib
import re
import ssl
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

# A batch of large messages arrives as one response; imaplib's default line
# cap (1 MB) is about protocol lines, literals are read by their announced size.
imaplib._MAXLINE = 10_000_000

_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


class ImapError(Exception):
    """The server said NO or BAD, or answered something unparseable."""


def connect(host: str, port: int, tls: str, context: ssl.SSLContext | None, timeout: float) -> imaplib.IMAP4:
    """Open a connection: ``tls`` is ``ssl`` (implicit), ``starttls`` or ``plain``."""
    if tls == "ssl":
        return imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=timeout)
    imap = imaplib.IMAP4(host, port, timeout=timeout)
    if tls == "starttls":
        try:
            _ok(imap.starttls(ssl_context=context), "STARTTLS")
        except BaseException:
            imap.shutdown()
            raise
    return imap


def xoauth2_string(user: str, access_token: str) -> bytes:
    """The SASL XOAUTH2 initial response (Google and Microsoft): not base64 yet,
    imaplib encodes what the authenticator returns."""
    return f"user={user}\x01auth=Bearer {access_token}\x01\x01".encode()


def login_xoauth2(imap: imaplib.IMAP4, user: str, access_token: str) -> None:
    payload = xoauth2_string(user, access_token)
    _ok(imap.authenticate("XOAUTH2", lambda _challenge: payload), "AUTHENTICATE")


def refresh_capabilities(imap: imaplib.IMAP4) -> None:
    """imaplib keeps the greeting's capabilities; servers announce MOVE and UIDPLUS
    only after login, and without them ``move`` would fall back to a plain EXPUNGE."""
    data = _ok(imap.capability(), "CAPABILITY")
    if data and data[0]:
        imap.capabilities = tuple(data[0].decode("ascii", "replace").upper().split())


def quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def select(imap: imaplib.IMAP4, folder: str, readonly: bool) -> int:
    """Select ``folder`` and return its UIDVALIDITY."""
    _ok(imap.select(quote(folder), readonly=readonly), f"SELECT {folder}")
    _typ, data = imap.response("UIDVALIDITY")
    if not data or data[0] is None:
        raise ImapError("the server sent no UIDVALIDITY")
    return int(data[0])


def ensure_folder(imap: imaplib.IMAP4, folder: str) -> None:
    typ, data = imap.list('""', quote(folder))
    if typ == "OK" and any(item for item in data if item):
        return
    _ok(imap.create(quote(folder)), f"CREATE {folder}")


def search(imap: imaplib.IMAP4, criteria: str) -> list[int]:
    data = _ok(imap.uid("SEARCH", criteria), "UID SEARCH")
    return sorted(int(uid) for chunk in data if chunk for uid in chunk.split())


def uid_set(uids: Iterable[int]) -> str:
    """``[1, 2, 3, 7]`` as ``1:3,7``: short commands for long lists."""
    ranges: list[str] = []
    ordered = sorted(set(uids))
    start = prev = None
    for uid in ordered + [None]:
        if start is not None and (uid is None or uid != prev + 1):
            ranges.append(str(start) if start == prev else f"{start}:{prev}")
            start = None
        if uid is not None and start is None:
            start = uid
        prev = uid
    return ",".join(ranges)


def fetch_sizes(imap: imaplib.IMAP4, uids: list[int], batch: int) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for chunk in _chunks(uids, batch):
        for item in _ok(imap.uid("FETCH", uid_set(chunk), "(UID RFC822.SIZE)"), "UID FETCH"):
            head = item[0] if isinstance(item, tuple) else item
            uid, size = _UID.search(head or b""), _SIZE.search(head or b"")
            if uid and size:
                sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def fetch_messages(imap: imaplib.IMAP4, uids: list[int], batch: int) -> Iterator[tuple[int, datetime | None, bytes]]:
    """(UID, INTERNALDATE, raw bytes), ``batch`` messages per round trip; never sets ``\\Seen``."""
    for chunk in _chunks(uids, batch):
        for item in _ok(imap.uid("FETCH", uid_set(chunk), "(UID INTERNALDATE BODY.PEEK[])"), "UID FETCH"):
            if isinstance(item, tuple):
                uid = _UID.search(item[0])
                if uid:
                    yield int(uid.group(1)), _internaldate(item[0]), item[1]


def _internaldate(head: bytes) -> datetime | None:
    stamp = imaplib.Internaldate2tuple(head)
    return datetime.fromtimestamp(time.mktime(stamp), tz=UTC) if stamp else None


def move(imap: imaplib.IMAP4, uids: list[int], folder: str) -> None:
    """Move messages (RFC 6851 MOVE, else COPY + delete + UID EXPUNGE)."""
    if not uids:
        return
    target = uid_set(uids)
    if "MOVE" in imap.capabilities:
        _ok(imap.uid("MOVE", target, quote(folder)), "UID MOVE")
        return
    _ok(imap.uid("COPY", target, quote(folder)), "UID COPY")
    _ok(imap.uid("STORE", target, "+FLAGS.SILENT", r"(\Deleted)"), "UID STORE")
    if "UIDPLUS" in imap.capabilities:
        _ok(imap.uid("EXPUNGE", target), "UID EXPUNGE")
    else:
        _ok(imap.expunge(), "EXPUNGE")


def close(imap: imaplib.IMAP4) -> None:
    try:
        imap.logout()
    except (imaplib.IMAP4.error, OSError):
        imap.shutdown()


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _ok(result: tuple[str, list], what: str) -> list:
    typ, data = result
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes))[:200].decode("ascii", "replace")
        raise ImapError(f"{what} failed: {typ} {detail}")
    return data

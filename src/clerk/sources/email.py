"""Documents from an IMAP mailbox.

Keys. A document's key is
``imap:<user>@<host>/<folder>:<uidvalidity>:<uid>:<part>:<sha256>``: UIDVALIDITY
and UID name the message for as long as it stays in the folder (collecting
again after a crash gives the same keys, which the queue records as
duplicates); the part path (``2``, ``3/m1/2``, ``4/tnef1``) tells two
attachments of one message apart; the content hash guards against a server
that reuses UIDs without changing UIDVALIDITY. A refusal of the whole message
ends in ``:message``. Message-ID, UID, subject and sender are in ``origin``.

The message itself is saved as ``.eml`` next to its documents and referenced
by each of them (``origin["eml_path"]``): it is evidence, not a document of
its own. A message with nothing to collect yields one ``Quarantined``
(``no_documents``), so it is seen by a person and moved out of the inbox.

Acknowledging: a message is moved only when every key it yielded has been
acknowledged: to the processed folder if at least one document of it was
collected (its refused parts are listed on each document's
``origin["refused_parts"]``), to the failed folder if nothing was.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header, make_header
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from clerk.errors import ConfigError, SystemException, UnsafeInput
from clerk.secrets import SecretRef
from clerk.models.document import Document, Quarantined
from clerk.sources import _imap, _mime, safety
from clerk.sources._saving import DocumentWriter, sha256

log = logging.getLogger(__name__)

_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class MailboxConfig(BaseModel):
    """One mailbox to collect from. Secrets are references (``env:NAME``, ``file:PATH``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")   # also a folder name
    host: str
    port: int = Field(993, ge=1, le=65535)
    tls: Literal["ssl", "starttls", "plain"] = "ssl"
    ca_file: Path | None = None             # trust this CA as well (a private server)
    user: str
    auth: Literal["password", "xoauth2"] = "password"
    password: SecretRef | None = None       # "env:NAME" or "file:PATH", never the secret
    access_token: SecretRef | None = None   # the same, for XOAUTH2
    folder: str = "INBOX"
    search: str = "ALL"                     # IMAP SEARCH criteria, e.g. "UNSEEN FROM supplier.com"
    processed_folder: str = "clerk-processed"
    failed_folder: str = "clerk-failed"
    allowed_types: frozenset[str] = safety.DOCUMENT_TYPES
    limits: safety.IntakeLimits = safety.IntakeLimits()
    batch_size: int = Field(100, ge=1, le=1000)
    timeout_seconds: float = Field(30.0, gt=0)

    @field_validator("folder", "processed_folder", "failed_folder", "search", "user", "host")
    @classmethod
    def _one_printable_line(cls, value: str) -> str:
        if not value or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise ValueError("must be one non-empty line without control characters")
        return value

    @model_validator(mode="after")
    def _credentials_and_transport(self) -> MailboxConfig:
        if self.auth == "password" and not self.password:
            raise ValueError("auth = 'password' needs password (a secret reference)")
        if self.auth == "xoauth2" and not self.access_token:
            raise ValueError("auth = 'xoauth2' needs access_token (a secret reference)")
        if self.tls == "plain" and self.host not in _LOOPBACK:
            raise ValueError("tls = 'plain' sends credentials in clear: only allowed to a loopback host")
        return self


@dataclass
class _Message:
    """A collected message waiting for its keys to be acknowledged."""

    uidvalidity: int
    uid: int
    keys: set[str]
    refused: bool
    acknowledged: set[str] = field(default_factory=set)


class EmailSource:
    """The ``Source`` for one IMAP mailbox (see the module docstring for keys)."""

    kind = "email"

    def __init__(self, config: MailboxConfig, documents_dir: Path,
                 resolve_secret: Callable[[str], str], ssl_context: ssl.SSLContext | None = None):
        self.config = config
        self.name = config.name
        self._resolve_secret = resolve_secret
        self._context = ssl_context or ssl.create_default_context(
            cafile=str(config.ca_file) if config.ca_file else None)
        self._writer = DocumentWriter(documents_dir, config.name, self.kind)
        self._mailbox = f"{config.user}@{config.host}/{config.folder}"
        self._pending: dict[tuple[int, int], _Message] = {}
        self._by_key: dict[str, tuple[int, int]] = {}

    def collect(self, since: datetime | None = None) -> Iterator[Document | Quarantined]:
        """Every message matching the search in the folder, oldest UID first."""
        imap = self._open()
        try:
            uidvalidity = _imap.select(imap, self.config.folder, readonly=True)
            uids = _imap.search(imap, self._criteria(since))
            sizes = _imap.fetch_sizes(imap, uids, self.config.batch_size)
            limit = self.config.limits.max_message_bytes
            for uid in (u for u in uids if sizes.get(u, 0) > limit):
                yield from self._refuse_message(uidvalidity, uid, sizes[uid], limit)
            wanted = [u for u in uids if sizes.get(u, 0) <= limit]
            for uid, internal_date, raw in _imap.fetch_messages(imap, wanted, self.config.batch_size):
                yield from self._collect_message(uidvalidity, uid, internal_date, raw)
        except (imaplib.IMAP4.error, _imap.ImapError, OSError) as exc:
            raise SystemException(f"mailbox {self.name}: {type(exc).__name__}: {safety.safe_text(str(exc), 200)}",
                                  code="imap_unavailable") from exc
        finally:
            _imap.close(imap)

    def acknowledge(self, keys: list[str]) -> None:
        """Move each message whose keys are now all acknowledged out of the folder."""
        for key in keys:
            message = self._pending.get(self._by_key.get(key, (-1, -1)))
            if message is not None:
                message.acknowledged.add(key)
        done = [m for m in self._pending.values() if m.keys <= m.acknowledged]
        if not done:
            return
        self._writer.flush()
        imap = self._open()
        try:
            uidvalidity = _imap.select(imap, self.config.folder, readonly=False)
            current = [m for m in done if m.uidvalidity == uidvalidity]
            if len(current) < len(done):
                # The folder was recreated: those UIDs now name other messages.
                log.warning("mailbox %s: UIDVALIDITY changed, %d messages left in place",
                            self.name, len(done) - len(current))
            for folder, refused in ((self.config.processed_folder, False), (self.config.failed_folder, True)):
                uids = [m.uid for m in current if m.refused is refused]
                if uids:
                    _imap.ensure_folder(imap, folder)
                    _imap.move(imap, uids, folder)
        except (imaplib.IMAP4.error, _imap.ImapError, OSError) as exc:
            raise SystemException(f"mailbox {self.name}: acknowledge failed: {type(exc).__name__}",
                                  code="imap_unavailable") from exc
        finally:
            _imap.close(imap)
        for message in done:
            self._forget(message)

    # -- connection ------------------------------------------------------------

    def _open(self) -> imaplib.IMAP4:
        cfg = self.config
        try:
            imap = _imap.connect(cfg.host, cfg.port, cfg.tls, self._context, cfg.timeout_seconds)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise SystemException(f"mailbox {self.name}: cannot connect to {cfg.host}:{cfg.port}: "
                                  f"{type(exc).__name__}", code="imap_unavailable") from exc
        try:
            if cfg.auth == "xoauth2":
                _imap.login_xoauth2(imap, cfg.user, self._resolve_secret(cfg.access_token or ""))
            else:
                imap.login(cfg.user, self._resolve_secret(cfg.password or ""))
        except (imaplib.IMAP4.error, _imap.ImapError) as exc:
            _imap.close(imap)
            # Never the server's text: some echo the credentials back.
            raise ConfigError(f"mailbox {self.name}", "password" if cfg.auth == "password" else "access_token",
                              f"the IMAP server refused the login of {cfg.user}") from exc
        except BaseException:
            _imap.close(imap)
            raise
        try:
            _imap.refresh_capabilities(imap)
        except (imaplib.IMAP4.error, _imap.ImapError, OSError) as exc:
            _imap.close(imap)
            raise SystemException(f"mailbox {self.name}: CAPABILITY failed", code="imap_unavailable") from exc
        return imap

    def _criteria(self, since: datetime | None) -> str:
        if since is None:
            return self.config.search
        return f"({self.config.search}) SINCE {since.day:02d}-{_MONTHS[since.month - 1]}-{since.year}"

    # -- one message -----------------------------------------------------------

    def _collect_message(self, uidvalidity: int, uid: int, internal_date: datetime | None,
                         raw: bytes) -> list[Document | Quarantined]:
        base = f"imap:{self._mailbox}:{uidvalidity}:{uid}"
        message = _mime.parse_message(raw)
        received_at = internal_date or datetime.now(UTC)
        eml_path = self._writer.raw(f"{uidvalidity}-{uid}-{sha256(raw)[:12]}.eml", raw)
        origin = {
            "mailbox": self._mailbox, "uidvalidity": uidvalidity, "uid": uid,
            "message_id": safety.safe_text(message.get("Message-ID"), 300),
            "subject": _header_text(message.get("Subject")),
            "from": _header_text(message.get("From")),
            "date": safety.safe_text(message.get("Date"), 100),
            "eml_path": str(eml_path), "eml_sha256": sha256(raw),
        }
        results = [self._judge(base, found, origin, received_at)
                   for found in _mime.discover(message, self.config.limits)]
        if not results:
            results.append(self._writer.quarantined(
                f"{base}:message", ("no_documents", "the message has no attachment to collect"),
                None, None, origin, 0))
        results = _with_refused_parts(results)
        self._remember(uidvalidity, uid, results)
        return results

    def _judge(self, base: str, found: _mime.Discovery, origin: dict, received_at: datetime) -> Document | Quarantined:
        limits = self.config.limits
        part_origin = {**origin, "part": found.part, "declared_name": safety.safe_text(found.declared_name, 300),
                       "declared_type": safety.safe_text(found.declared_type, 100)}
        data = found.data
        key = f"{base}:{found.part}:{sha256(data) if data is not None else 'none'}"
        if isinstance(found, _mime.Unreadable):
            return self._writer.quarantined(key, (found.reason, found.message), data, found.declared_name,
                                            part_origin, limits.max_document_bytes)
        part_origin["container"] = found.container
        try:
            content_type = safety.judge_content(data, limits, self.config.allowed_types,
                                                found.declared_name, found.declared_type)
            filename = self._filename(found, content_type, part_origin)
            return self._writer.document(key, filename, data, content_type, received_at, part_origin)
        except UnsafeInput as refusal:
            return self._writer.quarantined(key, refusal, data, found.declared_name, part_origin,
                                            limits.max_document_bytes)

    @staticmethod
    def _filename(found: _mime.Found, content_type: str, part_origin: dict) -> str:
        """The declared name made safe; a document whose name is merely odd (``CON.pdf``,
        ``...``) is kept under its part's name, the declared one stays in its origin."""
        generated = f"part-{found.part.replace('/', '-')}{safety.EXTENSIONS.get(content_type, '.bin')}"
        if not found.declared_name:
            return generated
        try:
            return safety.safe_filename(found.declared_name)
        except UnsafeInput as refusal:
            if refusal.reason not in safety.REPLACEABLE_NAME_REASONS:
                raise
            part_origin["name_replaced"] = refusal.reason
            return generated

    def _refuse_message(self, uidvalidity: int, uid: int, size: int, limit: int) -> Iterator[Quarantined]:
        origin = {"mailbox": self._mailbox, "uidvalidity": uidvalidity, "uid": uid, "size": size}
        refused = self._writer.quarantined(
            f"imap:{self._mailbox}:{uidvalidity}:{uid}:message",
            ("too_large", f"the message has {size} bytes, over the limit of {limit}; not downloaded"),
            None, None, origin, 0)
        self._remember(uidvalidity, uid, [refused])
        yield refused

    def _remember(self, uidvalidity: int, uid: int, results: list[Document | Quarantined]) -> None:
        ident = (uidvalidity, uid)
        keys = {r.key for r in results}
        # Failed only when nothing was collected: a message whose invoice is in the
        # queue is processed, its refused parts are listed on that invoice's item.
        refused = not any(isinstance(r, Document) for r in results)
        self._pending[ident] = _Message(uidvalidity, uid, keys, refused)
        for key in keys:
            self._by_key[key] = ident

    def _forget(self, message: _Message) -> None:
        self._pending.pop((message.uidvalidity, message.uid), None)
        for key in message.keys:
            self._by_key.pop(key, None)


def _with_refused_parts(results: list[Document | Quarantined]) -> list[Document | Quarantined]:
    """Each document of a message lists the parts of it that were refused, so the
    reviewer of the invoice sees what else came with it and why it was not kept."""
    refused = [{"part": r.origin.get("part", ""), "name": r.filename, "reason": r.reason, "message": r.message}
               for r in results if isinstance(r, Quarantined)]
    if not refused:
        return results
    return [r.model_copy(update={"origin": {**r.origin, "refused_parts": refused}}) if isinstance(r, Document)
            else r for r in results]


def _header_text(value: str | None) -> str:
    """A header decoded (RFC 2047) and made safe for logs: CR/LF never survive."""
    if not value:
        return ""
    try:
        text = str(make_header(decode_header(str(value))))
    except (ValueError, LookupError, UnicodeError):
        text = str(value)
    return safety.safe_text(text, 300)

"""New mail in a folder: IMAP IDLE (RFC 2177) through ``imapclient``, polling
with ``NOOP`` where the server offers no IDLE or the bot says ``idle = false``.

The watcher only notices mail; it never fetches or moves it (the bot's own
collect does, from the same source), so it opens the folder read-only.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from clerk.errors import ConfigError
from clerk.sources.email import MailboxConfig
from clerk.triggers.model import MailTrigger

log = logging.getLogger("clerk.triggers")
_RETRY_SECONDS = (1, 2, 5, 10, 30, 60)


class MailWatcher:
    """Calls ``on_mail`` when the folder gains messages (and once at start if it holds any)."""

    def __init__(self, config: MailboxConfig, spec: MailTrigger, resolve_secret: Callable[[str], str],
                 on_mail: Callable[[str], None], ssl_context: ssl.SSLContext | None = None):
        self.config, self.spec = config, spec
        self.folder = spec.folder or config.folder
        self._resolve_secret, self._on_mail = resolve_secret, on_mail
        self._context = ssl_context or ssl.create_default_context(
            cafile=str(config.ca_file) if config.ca_file else None)
        self._stop = threading.Event()
        self.mode: str | None = None        # "idle" or "poll", once connected
        self._thread = threading.Thread(target=self._run, name=f"mail-trigger-{config.name}",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        failures = 0
        first_look = True
        while not self._stop.is_set():
            try:
                with self._connect() as client:
                    failures = 0
                    self._watch(client, first_look)
            except (IMAPClientError, OSError, ConfigError) as exc:   # ConfigError: an unreadable secret
                # Never the server's text: some echo credentials back.
                log.warning("mail trigger %s: %s; reconnecting", self.config.name, type(exc).__name__)
            first_look = False
            wait = _RETRY_SECONDS[min(failures, len(_RETRY_SECONDS) - 1)]
            failures += 1
            self._stop.wait(wait)

    def _connect(self) -> IMAPClient:
        cfg = self.config
        client = IMAPClient(cfg.host, port=cfg.port, ssl=cfg.tls == "ssl", ssl_context=self._context,
                            timeout=cfg.timeout_seconds)
        try:
            if cfg.tls == "starttls":
                client.starttls(ssl_context=self._context)
            if cfg.auth == "xoauth2":
                client.oauth2_login(cfg.user, self._resolve_secret(cfg.access_token or ""))
            else:
                client.login(cfg.user, self._resolve_secret(cfg.password or ""))
        except BaseException:
            client.shutdown()
            raise
        return client

    def _watch(self, client: IMAPClient, first_look: bool) -> None:
        status = client.select_folder(self.folder, readonly=True)
        exists = status.get(b"EXISTS", 0)
        if first_look and exists > 0:
            self._on_mail("messages waiting at start")
        if self.spec.idle and client.has_capability("IDLE"):
            self.mode = "idle"
            self._idle(client)
        else:
            self.mode = "poll"
            self._poll(client, exists)

    def _idle(self, client: IMAPClient) -> None:
        renew = self.spec.idle_renew.total_seconds()
        while not self._stop.is_set():
            client.idle()
            try:
                # Short checks so stop() is honoured quickly; renew well before servers drop us.
                waited = 0.0
                while not self._stop.is_set() and waited < renew:
                    responses = client.idle_check(timeout=1)
                    waited += 1
                    if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                        self._on_mail("IDLE EXISTS")
            finally:
                client.idle_done()

    def _poll(self, client: IMAPClient, exists: int) -> None:
        # NOOP on the selected folder: the server reports a changed count as
        # EXISTS (STATUS of the selected folder may answer from a stale cache).
        while not self._stop.wait(self.spec.poll.total_seconds()):
            _, responses = client.noop()
            counts = [r[0] for r in responses if len(r) > 1 and r[1] == b"EXISTS"]
            if counts and counts[-1] > exists:
                self._on_mail(f"EXISTS {exists} -> {counts[-1]}")
            exists = counts[-1] if counts else exists

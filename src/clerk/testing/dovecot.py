"""A real, private Dovecot IMAP server for tests, benchmarks and the demo mailbox.

Started as ``/usr/sbin/dovecot -c <own config>`` on free loopback ports with
its own base_dir, maildir and passwd-file; stopped by the pid in
``base_dir/master.pid``. The config is generated for the installed version
(2.3 or 2.4, see /work/shared/NOTES.md). Serves plain IMAP (STARTTLS offered)
and implicit TLS with a throw-away CA made by ``openssl``.
"""

from __future__ import annotations

import imaplib
import itertools
import os
import socket
import pwd
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


DOVECOT = "/usr/sbin/dovecot"
POOL_SIZE = 200


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dovecot_available() -> bool:
    return Path(DOVECOT).exists() and shutil.which("openssl") is not None


@dataclass(frozen=True)
class Mailbox:
    """One IMAP user on the private server, with helpers that talk to it directly."""

    host: str
    port: int
    user: str
    password: str

    def connect(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4(self.host, self.port, timeout=10)
        imap.login(self.user, self.password)
        return imap

    def append(self, *messages: bytes, folder: str = "INBOX") -> None:
        """APPEND raw RFC 822 messages, in order (UIDs ascend with them)."""
        imap = self.connect()
        try:
            for raw in messages:
                typ, data = imap.append(f'"{folder}"', None, None, raw)
                assert typ == "OK", data
        finally:
            imap.logout()

    def create_folder(self, folder: str) -> None:
        imap = self.connect()
        try:
            imap.create(f'"{folder}"')
        finally:
            imap.logout()

    def count(self, folder: str = "INBOX") -> int:
        """Messages in ``folder`` (0 if it does not exist)."""
        imap = self.connect()
        try:
            typ, data = imap.select(f'"{folder}"', readonly=True)
            return int(data[0]) if typ == "OK" else 0
        finally:
            imap.logout()


class DovecotServer:
    """The running server; ``new_mailbox()`` hands out a fresh, empty user."""

    def __init__(self, root: Path, port: int | None = None, tls_port: int | None = None,
                 accounts: list[tuple[str, str]] | None = None):
        self.root = root
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.tls_port = tls_port or free_port()
        self._fixed_accounts = accounts
        self.version = _version()
        self.ca_file = root / "ca.pem"
        self._passwd = root / "passwd"
        self._users = itertools.count(1)

    def start(self, deadline_seconds: float = 15.0) -> None:
        maildir = self.root / "mail"
        maildir.mkdir(exist_ok=True)   # a kept maildir (the demo's) is served again
        dovecot = pwd.getpwnam("dovecot")
        os.chown(maildir, dovecot.pw_uid, dovecot.pw_gid)
        # All users exist before the start: dovecot re-reads a changed passwd-file
        # only when its mtime changes, which a test may not wait a second for.
        self._accounts = self._fixed_accounts or [
            (f"user{n}", f"pw-{n}-{os.urandom(6).hex()}") for n in range(1, POOL_SIZE + 1)]
        self._passwd.write_text("".join(f"{user}:{{PLAIN}}{password}::::::\n" for user, password in self._accounts))
        _make_certificate(self.root)
        config = self.root / "dovecot.conf"
        config.write_text(render_config(self.version, self.root, self.port, self.tls_port))
        # The master daemonises and its children inherit our descriptors: no pipes.
        with open(self.root / "start.err", "w") as errors:
            code = subprocess.call([DOVECOT, "-c", str(config)], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=errors, timeout=30)
        if code != 0:
            raise RuntimeError(f"dovecot did not start: {(self.root / 'start.err').read_text()}\n{self.log()}")
        self._wait_ready(deadline_seconds)

    def _wait_ready(self, deadline_seconds: float) -> None:
        deadline = time.monotonic() + deadline_seconds
        while True:
            try:
                imaplib.IMAP4(self.host, self.port, timeout=2).shutdown()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"dovecot did not answer on {self.port}:\n{self.log()}")
                time.sleep(0.05)     # polling a condition with a deadline, not a fixed wait

    def stop(self) -> None:
        pid_file = self.root / "run" / "master.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text().split()[0])
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)

    def new_mailbox(self) -> Mailbox:
        """A fresh, empty user from the pool created at start."""
        index = next(self._users)
        if index > len(self._accounts):
            raise RuntimeError(f"all {POOL_SIZE} test mailboxes are in use; raise POOL_SIZE")
        user, password = self._accounts[index - 1]
        return Mailbox(self.host, self.port, user, password)

    def client_context(self) -> ssl.SSLContext:
        """An SSL context that trusts this server's throw-away CA."""
        return ssl.create_default_context(cafile=str(self.ca_file))

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def _version() -> str:
    out = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True, timeout=10,
                         check=False).stdout
    return out.split()[0] if out.strip() else ""


def render_config(version: str, root: Path, port: int, tls_port: int) -> str:
    """The server's config for Dovecot ``version`` (2.4 syntax differs, see NOTES.md)."""
    common = f"""protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
first_valid_uid = 100
auth_failure_delay = 0
# A throw-away test server: durability is not what is being tested, speed is welcome.
mail_fsync = never
ssl = yes
ssl_cert = <{root}/server.pem
ssl_key = <{root}/server.key
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
"""
    if version.startswith("2.3"):
        return f"""{common}disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/mail/%u
}}
"""
    return f"""dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
{common.replace("ssl_cert = <", "ssl_server_cert_file = ").replace("ssl_key = <", "ssl_server_key_file = ")}auth_allow_cleartext = yes
auth_mechanisms = plain login
mail_driver = maildir
mail_path = {root}/mail/%{{user}}
mail_home = {root}/mail/%{{user}}
passdb passwd-file {{
  passwd_file_path = {root}/passwd
  default_password_scheme = PLAIN
}}
userdb static {{
  fields {{
    uid = dovecot
    gid = dovecot
    home = {root}/mail/%{{user}}
  }}
}}
"""


def _make_certificate(root: Path) -> None:
    """A CA and a server certificate for 127.0.0.1, signed by it (openssl CLI)."""
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=root, check=True, capture_output=True, timeout=60)

    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
        "-subj", "/CN=clerk test CA",
        "-keyout", "ca.key", "-out", "ca.pem")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1",
        "-keyout", "server.key", "-out", "server.csr")
    (root / "san.ext").write_text("subjectAltName = IP:127.0.0.1, DNS:localhost\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-extfile", "san.ext", "-out", "server.pem")


def mailbox_of(server: DovecotServer, user: str) -> Mailbox:
    password = dict(server._accounts)[user]
    return Mailbox(server.host, server.port, user, password)


def start_dovecot() -> DovecotServer:
    """Start a private server (for the benchmark); the caller stops it and removes ``root``."""
    root = Path(tempfile.mkdtemp(prefix="clerk-dovecot-"))
    # dovecot's imap processes run as the dovecot user and must reach the maildir.
    os.chmod(root, 0o755)
    server = DovecotServer(root)
    server.start()
    return server

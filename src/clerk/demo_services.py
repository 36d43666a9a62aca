"""The demo world's services on loopback: the local Tryton, the demo supplier
portal and the demo mailbox (a private Dovecot). Each start is idempotent:
a service already answering is reused."""

from __future__ import annotations

import importlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from clerk.errors import ConfigError, SystemException
from clerk.project import Project

DEMO_IMAP_PORT = 10143
DEMO_IMAP_USER = "ap"
DEMO_PORTAL_PORT = 8040


def ensure_erp_database(project: Project, world: Path | None = None,
                        database_url: str | None = None):  # noqa: ANN201 - TrytonInstance
    from clerk.erp.tryton import bootstrap

    settings = project.settings.erp
    world = world or project.settings.project_dir / "demo" / "world.toml"
    return bootstrap(project.settings.var_dir / "erp", world=world,
                     database=settings.tryton.database, database_url=database_url)


def _erp_server(project: Project):  # noqa: ANN202 - TrytonServer
    from clerk.erp.tryton import TrytonServer

    settings = project.settings.erp
    url = urlparse(settings.tryton.url)
    config = project.settings.var_dir / "erp" / "trytond.conf"
    if not config.exists():
        raise ConfigError(str(config), None, "no local Tryton yet: run `clerk erp bootstrap` first")
    return TrytonServer(config, settings.tryton.database, url.port or 8000, url.hostname or "127.0.0.1")


def ensure_erp_server(project: Project):  # noqa: ANN201 - TrytonServer
    return _erp_server(project).start()


def stop_erp_server(project: Project) -> None:
    _erp_server(project).stop()


def demo_dir(project: Project) -> Path:
    path = project.settings.var_dir / "demo"
    # dovecot's own processes (user dovecot) must reach var/demo/imap
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o755)
    return path


@contextmanager
def _project_on_path(project: Project):
    """The demo world is user space (demo/ at the project root), loaded by path."""
    root = str(project.settings.project_dir)
    sys.path.insert(0, root)
    try:
        yield
    finally:
        sys.path.remove(root)


def ensure_demo_portal(project: Project, port: int = DEMO_PORTAL_PORT) -> str:
    url = f"http://127.0.0.1:{port}"
    if _answers(url + "/login"):
        return url
    logs = demo_dir(project) / "portal.log"
    with open(logs, "ab") as log:
        portal = subprocess.Popen([sys.executable, "-m", "demo.portal", "--port", str(port),
                                   "--secrets-dir", str(demo_dir(project) / "portal")],
                                  cwd=project.settings.project_dir, stdout=log, stderr=log,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    (demo_dir(project) / "portal.pid").write_text(f"{portal.pid}\n")
    _wait(lambda: _answers(url + "/login"), 30, f"the demo portal on {url} (log: {logs})")
    return url


def ensure_demo_mailbox(project: Project, port: int = DEMO_IMAP_PORT):  # noqa: ANN201 - DovecotServer
    """A private Dovecot serving var/demo/imap; the demo's supplier emails are
    delivered once, so a second demo run finds nothing new."""
    from clerk.testing.dovecot import DovecotServer, dovecot_available, mailbox_of

    if not dovecot_available():
        raise ConfigError("system", None, "the demo mailbox needs Dovecot and openssl: "
                          "sudo apt-get install dovecot-imapd openssl")
    root = demo_dir(project) / "imap"
    root.mkdir(exist_ok=True)
    os.chmod(root, 0o755)  # dovecot's imap processes must reach the maildir
    password = _demo_secret(root / f"{DEMO_IMAP_USER}.password")
    server = DovecotServer(root, port=port, tls_port=port + 1,
                           accounts=[(DEMO_IMAP_USER, password)])
    server.stop()  # a server left from an earlier demo run
    server.start()
    delivered = root / "delivered"
    if not delivered.exists():
        with _project_on_path(project):
            messages = importlib.import_module("demo.mailbox").demo_messages()
        mailbox_of(server, DEMO_IMAP_USER).append(*(raw for _, raw in messages))
        delivered.write_text(f"{len(messages)}\n")
    return server


def stop_demo_world(project: Project) -> list[str]:
    """Stop whatever `clerk demo` left running; returns what was stopped."""
    from clerk.testing.dovecot import DovecotServer

    stopped = []
    pid_file = demo_dir(project) / "portal.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            stopped.append("demo portal")
        except (ProcessLookupError, ValueError):
            pass
        pid_file.unlink()
    imap = demo_dir(project) / "imap"
    if (imap / "run" / "master.pid").exists():
        DovecotServer(imap, port=DEMO_IMAP_PORT).stop()
        stopped.append("demo mailbox")
    if (project.settings.var_dir / "erp" / "trytond.conf").exists():
        stop_erp_server(project)
        stopped.append("Tryton")
    return stopped


def _demo_secret(path: Path) -> str:
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(18))
    return path.read_text().strip()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def _wait(condition, seconds: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemException(f"timed out waiting for {what}")
        time.sleep(0.2)  # polling a condition with a deadline

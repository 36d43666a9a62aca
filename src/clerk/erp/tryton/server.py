"""Start and stop a local ``trytond`` for the demo and the tests.

The server listens on 127.0.0.1 only; the listen address comes from trytond's
own ``TRYTOND_WEB__LISTEN`` environment override, so one config file serves
any port. A pid file beside the config makes ``serve`` idempotent: a server
already answering on that port for that database is reused, not doubled.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from clerk.errors import ErpUnavailable

_POLL_INTERVAL = 0.1


def _trytond_executable() -> str:
    candidate = Path(sys.executable).with_name("trytond")
    return str(candidate) if candidate.exists() else "trytond"


def answers(url: str, timeout: float = 1.0) -> bool:
    """True when a Tryton server answers ``common.server.version`` at ``url``."""
    body = {"id": 0, "method": "common.server.version", "params": []}
    try:
        response = httpx.post(url.rstrip("/") + "/rpc/", json=body, timeout=timeout)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and "result" in response.text


class TrytonServer:
    """A trytond process serving one database on 127.0.0.1:<port>."""

    def __init__(self, config_file: Path, database: str, port: int,
                 host: str = "127.0.0.1", start_timeout: float = 60.0):
        self.config_file = Path(config_file)
        self.database = database
        self.port = port
        self.host = host
        self.start_timeout = start_timeout
        self.url = f"http://{host}:{port}"
        directory = self.config_file.parent
        self.pid_file = directory / f"trytond-{database}-{port}.pid"
        self.log_file = directory / f"trytond-{database}-{port}.log"
        self._process: subprocess.Popen | None = None

    def is_running(self) -> bool:
        return answers(self.url)

    def start(self) -> TrytonServer:
        """Start trytond unless this database already answers on this port;
        wait (with a deadline) until it answers."""
        if self._reusable():
            return self
        if _port_taken(self.host, self.port):
            # Otherwise the new trytond dies on its bind while the other process
            # answers in its place, and start() would report success.
            raise ErpUnavailable(f"cannot start trytond on {self.host}:{self.port}: another "
                                 f"process holds that port (not the trytond this project "
                                 f"started); stop it or set another port in [erp.tryton] url")
        env = {**os.environ, "TRYTOND_WEB__LISTEN": f"{self.host}:{self.port}"}
        command = [_trytond_executable(), "-c", str(self.config_file), "-d", self.database]
        with open(self.log_file, "ab") as log:
            self._process = subprocess.Popen(
                command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True)
        self.pid_file.write_text(json.dumps({"pid": self._process.pid, "port": self.port}))
        self._wait_until_answering()
        return self

    def _reusable(self) -> bool:
        pid = self._recorded_pid()
        return pid is not None and _alive(pid) and self.is_running()

    def _recorded_pid(self) -> int | None:
        try:
            return int(json.loads(self.pid_file.read_text())["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.is_running():
                return
            if self._process is not None and self._process.poll() is not None:
                raise ErpUnavailable(f"trytond exited with {self._process.returncode}; "
                                     f"see {self.log_file}")
            time.sleep(_POLL_INTERVAL)  # polling a condition under a deadline
        self.stop()
        raise ErpUnavailable(f"trytond did not answer on {self.url} within "
                             f"{self.start_timeout:.0f} s; see {self.log_file}")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server started here (or recorded in the pid file) and wait for it."""
        pid = self._process.pid if self._process else self._recorded_pid()
        if pid is None or not _alive(pid):
            self._forget()
            return
        _signal_group(pid, signal.SIGTERM)
        if not _wait_exit(self._process, pid, timeout):
            _signal_group(pid, signal.SIGKILL)
            _wait_exit(self._process, pid, timeout)
        self._forget()

    def _forget(self) -> None:
        self._process = None
        self.pid_file.unlink(missing_ok=True)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # started with its own session: the group is trytond's
    except ProcessLookupError:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _wait_exit(process: subprocess.Popen | None, pid: int, timeout: float) -> bool:
    if process is not None:
        try:
            process.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(_POLL_INTERVAL)
    return False


def serve(config_file: Path, database: str, port: int = 8000,
          host: str = "127.0.0.1", start_timeout: float = 60.0) -> TrytonServer:
    """Start trytond for ``database`` on ``host:port`` (reuse it if it already
    answers) and return the handle; ``.url`` is the server root."""
    return TrytonServer(config_file, database, port, host, start_timeout).start()


def _port_taken(host: str, port: int) -> bool:
    """Whether a listening socket already holds ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False

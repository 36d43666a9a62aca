"""Leadership: many ``clerk schedule`` processes may run, one fires.

PostgreSQL: a session advisory lock held on a dedicated connection. When the
leader dies its connection closes, PostgreSQL drops the lock, and a follower
polling ``pg_try_advisory_lock`` takes over. SQLite (one machine): an
exclusive ``flock`` on a file beside the database, dropped by the kernel when
the process dies.
"""

from __future__ import annotations

import fcntl
import logging
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

LEADER_LOCK_KEY = 0x636C65726B02  # "clerk" + 2 (1 serialises migrations)
log = logging.getLogger("clerk.scheduler")


class LeaderLock(Protocol):
    def try_acquire(self) -> bool: ...
    def still_held(self) -> bool: ...
    def release(self) -> None: ...


class PostgresLeaderLock:
    def __init__(self, url: str, key: int = LEADER_LOCK_KEY):
        # Its own engine without a pool: the lock lives exactly as long as this connection.
        self._engine = create_engine(url, poolclass=NullPool)
        self._key = key
        self._conn: Connection | None = None

    def try_acquire(self) -> bool:
        try:
            if self._conn is None:
                self._conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            return bool(self._conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}))
        except Exception:  # noqa: BLE001 - PostgreSQL unreachable: not the leader, try again later
            log.warning("leader election: database unreachable", exc_info=True)
            self._drop()
            return False

    def still_held(self) -> bool:
        if self._conn is None:
            return False
        try:
            held = self._conn.scalar(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = :k"),
                {"k": self._key})
            return bool(held)
        except Exception:  # noqa: BLE001 - a broken connection means the lock is gone
            log.warning("leader lock connection lost", exc_info=True)
            self._drop()
            return False

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
            except Exception:  # noqa: BLE001 - closing the connection below releases it anyway
                log.debug("advisory unlock failed", exc_info=True)
        self._drop()
        self._engine.dispose()

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001 - already broken
                pass
            self._conn = None


class FileLeaderLock:
    def __init__(self, path: Path):
        self._path = path
        self._handle = None

    def try_acquire(self) -> bool:
        if self._handle is not None:
            return True
        self._path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self._path, "a+")  # noqa: SIM115 - held open while leader
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._handle = handle
        return True

    def still_held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def leader_lock_for(database_url: str) -> LeaderLock:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return PostgresLeaderLock(database_url)
    database = url.database or ""
    if not database or database == ":memory:":
        raise ValueError("the scheduler needs a file-backed SQLite store or PostgreSQL")
    return FileLeaderLock(Path(database + ".scheduler-lock"))

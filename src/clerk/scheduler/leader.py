"""Leadership: many ``clerk schedule`` processes may run, one fires.

PostgreSQL: a session advisory lock held on a dedicated connection. When the
leader dies its connection closes, PostgreSQL drops the lock, and a follower
polling for it takes over. SQLite (one machine): an exclusive lock on a file
beside the database, dropped by the kernel when the process dies. Both locks
are ``clerk.locks.Lock.SCHEDULER_LEADER``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from clerk.locks import (
    Lock, lock_file, release_file_lock, release_session_lock, session_lock_held, try_file_lock,
    try_session_lock,
)

log = logging.getLogger("clerk.scheduler")


class LeaderLock(Protocol):
    def try_acquire(self) -> bool: ...
    def still_held(self) -> bool: ...
    def release(self) -> None: ...


class PostgresLeaderLock:
    def __init__(self, url: str):
        # Its own engine without a pool: the lock lives exactly as long as this connection.
        self._engine = create_engine(url, poolclass=NullPool)
        self._conn: Connection | None = None

    def try_acquire(self) -> bool:
        try:
            if self._conn is None:
                self._conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            return try_session_lock(self._conn, Lock.SCHEDULER_LEADER)
        except Exception:  # noqa: BLE001 - PostgreSQL unreachable: not the leader, try again later
            log.warning("leader election: database unreachable", exc_info=True)
            self._drop()
            return False

    def still_held(self) -> bool:
        if self._conn is None:
            return False
        try:
            return session_lock_held(self._conn, Lock.SCHEDULER_LEADER)
        except Exception:  # noqa: BLE001 - a broken connection means the lock is gone
            log.warning("leader lock connection lost", exc_info=True)
            self._drop()
            return False

    def release(self) -> None:
        if self._conn is not None:
            try:
                release_session_lock(self._conn, Lock.SCHEDULER_LEADER)
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
        self._handle = try_file_lock(self._path)
        return self._handle is not None

    def still_held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        if self._handle is not None:
            release_file_lock(self._handle)
            self._handle = None


def leader_lock_for(database_url: str) -> LeaderLock:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return PostgresLeaderLock(database_url)
    database = url.database or ""
    if not database or database == ":memory:":
        raise ValueError("the scheduler needs a file-backed SQLite store or PostgreSQL")
    return FileLeaderLock(lock_file(Path(database), Lock.SCHEDULER_LEADER))

"""Every lock clerk takes, in one table: PostgreSQL advisory-lock keys and the
lock files that stand in for them on a one-machine SQLite store.

Two users that take the same advisory key exclude each other without knowing:
that is how the scheduler's leader once stopped the audit sealer. So no module
writes a key or a lock-file name of its own; each asks this module by name,
and ``tests/unit/test_locks.py`` checks that no two names share a key or a file.

A fixed key keeps its value across releases: processes of an older and a newer
release that run side by side during an upgrade must still exclude each other.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, text


class Lock(str, Enum):
    """What a lock protects."""

    MIGRATIONS = "migrations"            # one process migrates the schema at a time
    SCHEDULER_LEADER = "scheduler-leader"  # one `clerk schedule` fires jobs
    AUDIT_SEALER = "audit-sealer"        # one sealer chains audit events at a time
    POSTING_TURN = "posting-turn"        # one poster per ERP (scoped by the ERP's identity)


# "clerk" in ASCII (0x636C65726B) followed by a number per lock.
_FIXED_KEYS: dict[Lock, int] = {
    Lock.MIGRATIONS: 0x636C65726B01,
    Lock.SCHEDULER_LEADER: 0x636C65726B02,
    Lock.AUDIT_SEALER: 0x636C65726B03,
}
# The lock files' suffixes (the names earlier releases used, kept for upgrades).
_FILE_SUFFIXES: dict[Lock, str] = {
    Lock.MIGRATIONS: "migrate-lock",
    Lock.SCHEDULER_LEADER: "scheduler-lock",
    Lock.AUDIT_SEALER: "sealer-lock",
    Lock.POSTING_TURN: "posting-lock",
}
# Locks that exist once per scope (an ERP), their keys derived from the scope.
SCOPED: frozenset[Lock] = frozenset({Lock.POSTING_TURN})


def advisory_key(lock: Lock, scope: str | None = None) -> int:
    """The signed 64-bit PostgreSQL advisory-lock key of ``lock`` (in ``scope``)."""
    if lock in SCOPED:
        if not scope:
            raise ValueError(f"the {lock.value} lock needs a scope")
        digest = hashlib.sha256(f"clerk:{lock.value}:{scope}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)
    if scope is not None:
        raise ValueError(f"the {lock.value} lock has no scope")
    return _FIXED_KEYS[lock]


def lock_file(database_file: Path, lock: Lock, scope: str | None = None) -> Path:
    """The lock file of ``lock`` beside a SQLite database file."""
    if lock in SCOPED:
        if not scope:
            raise ValueError(f"the {lock.value} lock needs a scope")
        suffix = f"{_FILE_SUFFIXES[lock]}-{hashlib.sha256(scope.encode()).hexdigest()[:16]}"
    else:
        if scope is not None:
            raise ValueError(f"the {lock.value} lock has no scope")
        suffix = _FILE_SUFFIXES[lock]
    return database_file.with_name(f"{database_file.name}.{suffix}")


def sqlite_database_file(url_database: str | None) -> Path | None:
    """The database file of a SQLite URL, or None for an in-memory database."""
    if not url_database or url_database == ":memory:":
        return None
    return Path(url_database)


@contextmanager
def held_file_lock(path: Path | None) -> Iterator[None]:
    """Wait for and hold an exclusive ``flock`` on ``path`` (nothing to lock for None).
    The kernel drops it when the process dies."""
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def held_advisory_lock(conn: Connection, lock: Lock, scope: str | None = None) -> Iterator[None]:
    """Wait for and hold a PostgreSQL session advisory lock on ``conn``; it lives
    as long as that connection, so a dead holder's lock goes with its session."""
    key = advisory_key(lock, scope)
    conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
    conn.commit()
    try:
        yield
    finally:
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        conn.commit()


def try_session_lock(conn: Connection, lock: Lock, scope: str | None = None) -> bool:
    """Take a PostgreSQL session advisory lock on ``conn`` if free; it lives until
    ``release_session_lock`` or the end of the connection."""
    return bool(conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": advisory_key(lock, scope)}))


def session_lock_held(conn: Connection, lock: Lock, scope: str | None = None) -> bool:
    """Whether ``conn``'s session still holds the advisory lock."""
    return bool(conn.scalar(text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = :k"),
        {"k": advisory_key(lock, scope)}))


def release_session_lock(conn: Connection, lock: Lock, scope: str | None = None) -> None:
    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": advisory_key(lock, scope)})


def try_file_lock(path: Path) -> IO[str] | None:
    """An open handle holding an exclusive ``flock`` on ``path``, or None if another
    process holds it. Closing the handle (or dying) releases it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115 - held open while the lock is held
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def release_file_lock(handle: IO[str]) -> None:
    fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()


def try_transaction_lock(conn: Connection, lock: Lock, scope: str | None = None) -> bool:
    """Take a PostgreSQL advisory lock for the rest of ``conn``'s transaction, if free."""
    return bool(conn.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"),
                            {"k": advisory_key(lock, scope)}))


__all__ = ["SCOPED", "Lock", "advisory_key", "held_advisory_lock", "held_file_lock", "lock_file",
           "release_file_lock", "release_session_lock", "session_lock_held",
           "sqlite_database_file", "try_file_lock", "try_session_lock", "try_transaction_lock"]

"""Login throttling that holds with parallel attempts and several web processes.

How it decides (one instance per web app, counters in the store):

- Every attempt is *counted before the password is checked*, by one atomic
  upsert per key in the store. Fifty parallel guesses cannot all pass a
  check-then-count gap, and every ``clerk serve`` process shares the counts.
  A successful login takes its own count back, so only failures (and
  attempts still in flight) use up the allowance.
- Two counters per attempt, in fixed windows of ``window_s``:
  ``address:<ip>`` allows ``attempts * ADDRESS_FACTOR`` per window, and
  ``account:<name>`` (the normalised name) allows ``attempts``.
- An address can therefore lock only itself, and lock at most
  ``ADDRESS_FACTOR`` accounts per window. A locked account stays open to
  the addresses that logged in to it before (``login_addresses``, for
  ``KNOWN_FOR``): those get an allowance of their own, ``pair:<name>|<ip>``.
  Someone guessing a person's password from elsewhere locks the account
  for strangers, not for its owner at their usual desk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, case, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from clerk.audit.events import as_utc
from clerk.review.tables import login_addresses, login_throttles
from clerk.review.users import User, normalise_username
from clerk.store import Store

ADDRESS_FACTOR = 4
KNOWN_FOR = timedelta(days=90)


@dataclass(frozen=True)
class LoginAttempt:
    """The outcome: ``user`` when the password was right, ``throttled`` when
    the password was not even checked."""

    user: User | None
    throttled: bool


class LoginThrottle:
    """Counts login attempts in the store; see the module docstring."""

    def __init__(self, store: Store, attempts: int, window_s: float):
        self.store = store
        self.attempts = attempts
        self.window_s = window_s

    def attempt(self, username: str, address: str, now: datetime,
                check: Callable[[str], User | None]) -> LoginAttempt:
        """Run ``check(normalised name)`` (the password check) only if the
        allowance of this address and account permits; count it either way."""
        name, address = normalise_username(username)[:100], address[:100]
        taken = self._reserve(name, address, now)
        if taken is None:
            return LoginAttempt(None, throttled=True)
        user = check(name)
        if user is not None:
            self._succeeded(name, address, taken, now)
        return LoginAttempt(user, throttled=False)

    def _reserve(self, name: str, address: str, now: datetime) -> list[str] | None:
        """The keys counted for this attempt, or None when it is refused."""
        at = now.timestamp()
        with self.store.write() as conn:
            if _count(conn, f"address:{address}", at, self.window_s) > \
                    self.attempts * ADDRESS_FACTOR:
                return None
            keys = [f"address:{address}", f"account:{name}"]
            if _count(conn, keys[1], at, self.window_s) <= self.attempts:
                return keys
            if not _known(conn, name, address, now):
                return None
            keys.append(f"pair:{name}|{address}")
            return keys if _count(conn, keys[2], at, self.window_s) <= self.attempts else None

    def _succeeded(self, name: str, address: str, keys: list[str], now: datetime) -> None:
        with self.store.write() as conn:
            conn.execute(update(login_throttles)
                         .where(login_throttles.c.key.in_(keys), login_throttles.c.attempts > 0)
                         .values(attempts=login_throttles.c.attempts - 1))
            _upsert(conn, login_addresses, {"username": name, "address": address,
                                            "last_success_at": now},
                    ["username", "address"], {"last_success_at": now})


def _count(conn: Connection, key: str, at: float, window_s: float) -> int:
    """Add one attempt to ``key``'s window (a new window once the old one
    passed) and return the window's count, in one statement."""
    t = login_throttles
    expired = t.c.window_start <= at - window_s
    return _upsert(conn, t, {"key": key, "window_start": at, "attempts": 1}, ["key"],
                   {"attempts": case((expired, 1), else_=t.c.attempts + 1),
                    "window_start": case((expired, at), else_=t.c.window_start)},
                   returning=t.c.attempts)


def _upsert(conn: Connection, table, values: dict, keys: list[str], changes: dict,  # noqa: ANN001
            returning=None):  # noqa: ANN001, ANN202
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(**values).on_conflict_do_update(index_elements=keys,
                                                                     set_=changes)
    if returning is None:
        conn.execute(statement)
        return None
    return conn.execute(statement.returning(returning)).scalar_one()


def _known(conn: Connection, name: str, address: str, now: datetime) -> bool:
    last = conn.scalar(select(login_addresses.c.last_success_at).where(and_(
        login_addresses.c.username == name, login_addresses.c.address == address)))
    return last is not None and as_utc(last) > now - KNOWN_FOR

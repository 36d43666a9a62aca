"""Login throttling that holds with parallel attempts and several web processes.

How it decides (counters in the store, shared by every ``clerk serve``):

- Every attempt is *counted before the password is checked*, by one atomic
  upsert per key. Fifty parallel guesses cannot all pass a check-then-count
  gap. A successful login takes its own count back, so only failures (and
  attempts still in flight) use up an allowance. Windows are fixed, of
  ``window_s`` seconds.
- A stranger (a browser without a device cookie this account logged in
  with) is counted twice: ``address:<ip>`` allows ``attempts *
  ADDRESS_FACTOR`` per window, ``account:<name>`` (the normalised name)
  allows ``attempts``. So guessing from many addresses locks the account,
  and one address can lock itself and at most ``ADDRESS_FACTOR`` accounts.
- A browser that logged in to the account before (its device cookie, kept
  for ``KNOWN_FOR``) is counted on its own key, ``device:<hash>|<name>``,
  with ``attempts`` per window, whatever the address and account counters
  say. Someone guessing a person's password locks the account for
  strangers only, never for its owner's own browser; and since the cookie
  and not the address tells them apart, people behind one proxy or NAT
  (one address for everyone) cannot be locked out all at once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, case, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from clerk.audit.events import as_utc
from clerk.review.tables import login_devices, login_throttles
from clerk.review.users import User, normalise_username
from clerk.store import Store

ADDRESS_FACTOR = 4
KNOWN_FOR = timedelta(days=90)


@dataclass(frozen=True)
class LoginAttempt:
    """``user`` when the password was right (then ``device`` is the device
    cookie to set), ``throttled`` when the password was not even checked."""

    user: User | None
    throttled: bool
    device: str | None = None


class LoginThrottle:
    """Counts login attempts in the store; see the module docstring."""

    def __init__(self, store: Store, attempts: int, window_s: float):
        self.store = store
        self.attempts = attempts
        self.window_s = window_s

    def attempt(self, username: str, address: str, device: str | None, now: datetime,
                check: Callable[[str], User | None]) -> LoginAttempt:
        """Run ``check(normalised name)`` (the password check) only if this
        browser's or this address's and account's allowance permits."""
        name, address = normalise_username(username)[:100], address[:100]
        device = device if device and 20 <= len(device) <= 100 else None
        taken = self._reserve(name, address, device, now)
        if taken is None:
            return LoginAttempt(None, throttled=True)
        user = check(name)
        if user is None:
            return LoginAttempt(None, throttled=False)
        device = device or secrets.token_urlsafe(32)
        self._succeeded(name, _hash(device), taken, now)
        return LoginAttempt(user, throttled=False, device=device)

    def _reserve(self, name: str, address: str, device: str | None,
                 now: datetime) -> list[str] | None:
        """The keys counted for this attempt, or None when it is refused."""
        at = now.timestamp()
        with self.store.write() as conn:
            if device is not None and _known(conn, name, _hash(device), now):
                key = f"device:{_hash(device)}|{name}"
                return [key] if _count(conn, key, at, self.window_s) <= self.attempts else None
            keys = [f"address:{address}", f"account:{name}"]
            if _count(conn, keys[0], at, self.window_s) > self.attempts * ADDRESS_FACTOR:
                return None
            return keys if _count(conn, keys[1], at, self.window_s) <= self.attempts else None

    def _succeeded(self, name: str, device_hash: str, keys: list[str], now: datetime) -> None:
        with self.store.write() as conn:
            conn.execute(update(login_throttles)
                         .where(login_throttles.c.key.in_(keys), login_throttles.c.attempts > 0)
                         .values(attempts=login_throttles.c.attempts - 1))
            _upsert(conn, login_devices, {"username": name, "device_hash": device_hash,
                                          "last_success_at": now},
                    ["username", "device_hash"], {"last_success_at": now})


def _hash(device: str) -> str:
    return hashlib.sha256(device.encode()).hexdigest()


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


def _known(conn: Connection, name: str, device_hash: str, now: datetime) -> bool:
    last = conn.scalar(select(login_devices.c.last_success_at).where(and_(
        login_devices.c.username == name, login_devices.c.device_hash == device_hash)))
    return last is not None and as_utc(last) > now - KNOWN_FOR

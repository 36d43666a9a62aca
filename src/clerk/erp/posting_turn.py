"""One poster at a time per ERP, across the fleet, even when a poster dies.

An ERP that numbers invoices gaplessly reads and bumps one sequence row per
posting transaction. Tryton on PostgreSQL refuses a second poster with a lock
error; Tryton on SQLite does not: two overlapping posting calls take the same
numbers. A lock that dies with its holder is not enough, because the ERP goes
on executing a call whose client was killed (or whose answer was lost). So the
turn is recorded in the store (``posting_turns``): who holds it, since when,
the idempotency keys of the drafts its call posts, and until when the call may
still be running (its window). A successor that finds a turn not released, or
released with its outcome unknown, waits until the ERP shows those drafts
posted or the window has passed, and then re-reads its own drafts before
posting (``Turn.reconcile``).

The live lock (PostgreSQL advisory lock, or a lock file on SQLite) only makes
waiting orderly among live posters; the store row is what protects the ERP, so
losing the live lock (a cut database connection) costs no integrity.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from clerk.audit.events import as_utc
from clerk.errors import ErpUnavailable
from clerk.locks import Lock, held_advisory_lock, held_file_lock, lock_file
from clerk.store import Store
from clerk.store.schema import posting_turns

log = logging.getLogger("clerk.erp")
pt = posting_turns.c

# Given the keys of a predecessor's drafts, True once the ERP shows none of
# them waiting as a draft any more (its call has ended, one way or the other).
SettledProbe = Callable[[list[str]], bool]


@dataclass(frozen=True)
class Turn:
    """The posting turn, held. ``reconcile``: a predecessor's call may have
    touched the ERP after our drafts were read, so read them again first."""

    erp: str
    fence: int
    holder: str
    deadline: datetime
    reconcile: bool


@dataclass(frozen=True)
class _Unfinished:
    holder: str | None
    keys: list[str]
    until: datetime


class PostingTurns:
    """The posting turns of one ERP (``erp`` names it: URL and database)."""

    def __init__(self, store: Store, erp: str, *, window_seconds: float,
                 clock: Callable[[], datetime] | None = None, poll_seconds: float = 0.5):
        self.store = store
        self.erp = erp
        self.window = timedelta(seconds=window_seconds)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.poll_seconds = poll_seconds

    @contextmanager
    def turn(self, holder: str, keys: list[str], settled: SettledProbe) -> Iterator[Turn]:
        """Hold the turn while posting the drafts with ``keys``. Leaving by an
        ``ErpUnavailable`` whose answer was lost keeps the ERP closed to other
        posters until the call's window has passed."""
        with self._live_lock():
            unfinished = self._unfinished()
            if unfinished is not None:
                self._wait_out(unfinished, settled)
            turn = self._claim(holder, keys, reconcile=unfinished is not None)
            try:
                yield turn
            except ErpUnavailable as error:
                self._release(turn, outcome_unknown=error.answer_lost)
                raise
            except BaseException:
                self._release(turn, outcome_unknown=False)
                raise
            self._release(turn, outcome_unknown=False)

    # -- the live lock ---------------------------------------------------------------
    @contextmanager
    def _live_lock(self) -> Iterator[None]:
        if self.store.is_postgresql:
            with self.store.engine.connect() as conn, _tolerant(held_advisory_lock(
                    conn, Lock.POSTING_TURN, self.erp)):
                yield
            return
        database = self.store.engine.url.database
        path = lock_file(Path(database), Lock.POSTING_TURN, self.erp) if database else None
        with held_file_lock(path):
            yield

    # -- the recorded turn -----------------------------------------------------------
    def _unfinished(self) -> _Unfinished | None:
        """The last turn, if its call may still be running in the ERP."""
        with self.store.read() as conn:
            row = conn.execute(select(posting_turns).where(pt.erp == self.erp)).first()
        if row is None:
            return None
        now = self.clock()
        if row.holder is not None:        # never released: its holder died or lost its lock
            return _Unfinished(row.holder, list(row.draft_keys or []), as_utc(row.deadline_at))
        if row.free_at is not None and as_utc(row.free_at) > now:  # released, outcome unknown
            return _Unfinished(None, list(row.draft_keys or []), as_utc(row.free_at))
        return None

    def _wait_out(self, unfinished: _Unfinished, settled: SettledProbe) -> None:
        who = unfinished.holder or "a poster whose answer was lost"
        log.warning("posting turn of %s: the last call (%s, %d drafts) may still run in the "
                    "ERP; waiting until its drafts are posted or %s", self.erp, who,
                    len(unfinished.keys), unfinished.until.isoformat(timespec="seconds"))
        while self.clock() < unfinished.until:
            if unfinished.keys and _probe(settled, unfinished.keys):
                return
            time.sleep(self.poll_seconds)

    def _claim(self, holder: str, keys: list[str], *, reconcile: bool) -> Turn:
        now = self.clock()
        deadline = now + self.window
        values = {"holder": holder, "started_at": now, "deadline_at": deadline,
                  "draft_keys": keys, "free_at": None}
        with self.store.write() as conn:
            fence = conn.scalar(select(pt.fence).where(pt.erp == self.erp))
            if fence is None:
                fence = 1
                conn.execute(insert(posting_turns).values(erp=self.erp, fence=fence, **values))
            else:
                fence += 1
                conn.execute(update(posting_turns).where(pt.erp == self.erp)
                             .values(fence=fence, **values))
        return Turn(self.erp, fence, holder, deadline, reconcile)

    def _release(self, turn: Turn, *, outcome_unknown: bool) -> None:
        """Hand the turn on; never raises: the posting itself is done. A turn
        that cannot be released stays closed until its window has passed."""
        free_at = turn.deadline if outcome_unknown else self.clock()
        values: dict[str, Any] = {"holder": None, "free_at": free_at}
        if not outcome_unknown:
            values["draft_keys"] = None
        try:
            with self.store.write() as conn:
                conn.execute(update(posting_turns)
                             .where(pt.erp == self.erp, pt.fence == turn.fence).values(**values))
        except Exception as error:  # noqa: BLE001 - the successor waits out the window instead
            log.warning("posting turn of %s not released (%s: %s); the next poster waits "
                        "until %s or until the ERP shows these drafts posted", self.erp,
                        type(error).__name__, error, turn.deadline.isoformat(timespec="seconds"))


def _probe(settled: SettledProbe, keys: list[str]) -> bool:
    try:
        return settled(keys)
    except ErpUnavailable:
        return False               # the ERP does not answer: it may be busy with that call


@contextmanager
def _tolerant(lock: Any) -> Iterator[None]:
    """Enter ``lock``; a failure to leave it (a cut database connection, which
    drops the advisory lock anyway) is logged, not raised."""
    lock.__enter__()
    try:
        yield
    except BaseException as error:
        with suppress(Exception):
            lock.__exit__(type(error), error, error.__traceback__)
        raise
    try:
        lock.__exit__(None, None, None)
    except Exception as error:  # noqa: BLE001 - the session's end releases the lock
        log.warning("posting turn of the ERP: the advisory lock was not released cleanly "
                    "(%s); it goes with its database session", type(error).__name__)


__all__ = ["PostingTurns", "SettledProbe", "Turn"]

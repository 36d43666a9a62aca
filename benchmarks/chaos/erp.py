"""The chaos suite's Tryton: a fresh copy of the demo world, served by trytond,
hung and killed on request, and read straight from its database.

The harness reads Tryton's tables directly (SQLite read-only, or a PostgreSQL
connection of its own) rather than over JSON-RPC: the checks must hold while
the server is stopped, and they must not depend on the code under test.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg

from clerk.erp.tryton import serve
from tests.fixtures.services import free_port
from tests.fixtures.tryton import DATABASE, PG_URL, drop_pg_copy, pg_copy, sqlite_copy

KEY_PREFIX = "clerk:"          # where TrytonConnector writes the idempotency key


@dataclass(frozen=True)
class ErpRecord:
    id: int
    key: str
    state: str
    number: str | None


class ChaosErp:
    """One trytond on a fresh database (``kind`` "sqlite" or "postgresql")."""

    def __init__(self, kind: str, directory: Path):
        self.kind = kind
        self.directory = directory
        self.database = DATABASE if kind == "sqlite" else f"clerk_chaos_{uuid.uuid4().hex[:8]}"
        self._instance = self._fresh_database()
        self.server = serve(self._instance.config_file, self.database, port=free_port())
        self.stopped = False

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def password_file(self) -> Path:
        return self._instance.password_file

    def _fresh_database(self):  # noqa: ANN202 - TrytonInstance
        """A copy of the cached, bootstrapped demo world (built once, ~1 min)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.kind == "sqlite":
            return sqlite_copy(self.directory)
        return pg_copy(self.directory, self.database)

    # -- faults ------------------------------------------------------------------
    def _signal(self, sig: int) -> None:
        pid = self.server._recorded_pid()
        if pid is not None:
            os.killpg(pid, sig)   # trytond runs in its own session

    def hang(self) -> None:
        """SIGSTOP: the server keeps its sockets but answers nothing."""
        self._signal(signal.SIGSTOP)
        self.stopped = True

    def resume(self) -> None:
        self._signal(signal.SIGCONT)
        self.stopped = False

    def kill_and_restart(self) -> None:
        """SIGKILL mid-work (open transactions roll back), then a new server."""
        self._signal(signal.SIGKILL)
        self.server.stop(timeout=10)
        self.server.start()

    def close(self) -> None:
        if self.stopped:
            self.resume()
        self.server.stop()
        if self.kind == "postgresql":
            drop_pg_copy(self.database)

    # -- reading the ERP's own tables ----------------------------------------------
    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.kind == "sqlite":
            path = self.directory / f"{DATABASE}.sqlite"
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as connection:
                return connection.execute(sql.replace("%s", "?"), params).fetchall()
        with psycopg.connect(PG_URL + self.database, autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()

    def records(self, keys: list[str] | None = None) -> list[ErpRecord]:
        """Supplier invoices carrying a clerk key (all, or those of ``keys``)."""
        sql = ("SELECT id, description, state, number FROM account_invoice "
               "WHERE type = 'in' AND description LIKE %s")
        params: tuple = (KEY_PREFIX + "%",)
        if keys is not None:
            if not keys:
                return []
            sql += f" AND description IN ({', '.join(['%s'] * len(keys))})"
            params += tuple(KEY_PREFIX + key for key in keys)
        return [ErpRecord(id=row[0], key=row[1].removeprefix(KEY_PREFIX), state=row[2],
                          number=row[3]) for row in self._rows(sql, params)]

    def posted_numbers(self) -> list[str]:
        """Every number a supplier invoice holds (clerk's and the demo world's)."""
        return [row[0] for row in self._rows(
            "SELECT number FROM account_invoice WHERE type = 'in' AND number IS NOT NULL")]


    def numbers_twice_examples(self, limit: int = 5) -> list[str]:
        """A few numbers held twice, with their invoices and when each was last
        written (posted), to set beside the fault log."""
        rows = self._rows(
            "SELECT number, id, write_date FROM account_invoice WHERE type = 'in' AND number IN "
            "(SELECT number FROM account_invoice WHERE type = 'in' AND number IS NOT NULL "
            "GROUP BY number HAVING count(*) > 1) ORDER BY number, id")
        by_number: dict[str, list[str]] = {}
        for number, invoice, written in rows:
            by_number.setdefault(number, []).append(f"{invoice} at {written}")
        return [f"{number}: {', '.join(held)}" for number, held in list(by_number.items())[:limit]]


def keys_twice(records: list[ErpRecord]) -> int:
    """Keys carried by more than one ERP record."""
    return sum(1 for count in Counter(r.key for r in records).values() if count > 1)


def numbers_twice(numbers: list[str]) -> int:
    """Numbers held by more than one invoice."""
    return sum(1 for count in Counter(numbers).values() if count > 1)


def gaps(numbers: list[str]) -> int:
    """Numbers missing inside each sequence's used range (a strict sequence has none);
    a number is a prefix and a trailing counter, e.g. ``SUP/2026/0042``."""
    by_prefix: dict[str, set[int]] = {}
    for number in numbers:
        match = re.fullmatch(r"(.*?)(\d+)", number)
        if match:
            by_prefix.setdefault(match.group(1), set()).add(int(match.group(2)))
    return sum(max(used) - min(used) + 1 - len(used) for used in by_prefix.values())

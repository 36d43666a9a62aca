"""Opening the store: one SQLAlchemy engine, SQLite (WAL) or PostgreSQL,
migrated to the newest schema before first use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from clerk.locks import Lock, held_advisory_lock, held_file_lock, lock_file, sqlite_database_file

SQLITE_BUSY_TIMEOUT_MS = 30_000


class Store:
    """The database every clerk process shares. ``write()`` gives one
    transaction that takes SQLite's write lock up front (``BEGIN IMMEDIATE``),
    so two writers never deadlock upgrading a read lock."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        self.is_sqlite = self.dialect == "sqlite"
        self.is_postgresql = self.dialect == "postgresql"

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            if self.is_sqlite:
                conn = conn.execution_options(clerk_sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, migrate: bool = True, pool_size: int = 5) -> Store:
    """Open (and by default migrate) the store at ``url``."""
    store = Store(_create_engine(url, pool_size))
    if migrate:
        migrate_store(store)
    return store


def _create_engine(url: str, pool_size: int) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size,
                         pool_pre_ping=True, future=True)


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, poolclass=NullPool if not database else None,
                           connect_args={"check_same_thread": False,
                                         "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):  # noqa: ANN001
        # Take transactions into our own hands: pysqlite's implicit BEGIN
        # would start a deferred transaction that can deadlock on upgrade.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("clerk_sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def migrate_store(store: Store) -> None:
    """Bring the schema to the newest revision; safe when many processes start at once."""
    from clerk.store.migrate import upgrade_to_head

    if store.is_postgresql:
        with store.engine.connect() as conn, held_advisory_lock(conn, Lock.MIGRATIONS):
            upgrade_to_head(conn)
            conn.commit()
        return
    database = sqlite_database_file(store.engine.url.database)
    with held_file_lock(lock_file(database, Lock.MIGRATIONS) if database else None):
        with store.engine.connect() as conn:
            upgrade_to_head(conn)
            conn.commit()

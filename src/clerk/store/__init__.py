"""The store: one SQLAlchemy schema, SQLite by default, PostgreSQL for fleets."""

from clerk.store.engine import Store, migrate_store, open_store

__all__ = ["Store", "open_store", "migrate_store"]

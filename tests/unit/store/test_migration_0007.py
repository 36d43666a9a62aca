"""Migration 0007 on a store that already has API tokens (SQLite and
PostgreSQL): each old token gets an expiry 90 days after it was issued,
and the migration goes down again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, inspect, select, text

from clerk.review.tables import api_tokens, users
from clerk.review.users import token_hash
from clerk.store.migrate import alembic_config
from tests.fixtures.store import PG_ADMIN_URL
from tests.fixtures.services import service_missing

ISSUED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path) -> Iterator[str]:  # noqa: ANN001
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = f"clerk_mig_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL to test on
        service_missing(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc}")
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _migrate(engine, revision: str, down: bool = False) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        (command.downgrade if down else command.upgrade)(alembic_config(conn), revision)


def test_old_tokens_get_an_expiry_and_the_migration_goes_down(empty_url):  # noqa: ANN001
    engine = create_engine(empty_url)
    try:
        _migrate(engine, "0006")
        with engine.begin() as conn:
            user_id = conn.execute(insert(users).values(
                username="rita", display_name="rita", password_hash="x", roles="reviewer",
                groups="", disabled=False, created_at=ISSUED, updated_at=ISSUED)
                .returning(users.c.id)).scalar_one()
            conn.execute(text("INSERT INTO api_tokens (token_hash, user_id, name, created_at) "
                              "VALUES (:h, :u, 'old', :at)"),
                         {"h": token_hash("clk_old"), "u": user_id, "at": ISSUED})
        _migrate(engine, "head")
        with engine.connect() as conn:
            expires = conn.scalar(select(api_tokens.c.expires_at))
        assert expires.replace(tzinfo=expires.tzinfo or UTC) == ISSUED + timedelta(days=90)
        assert {"login_throttles", "login_devices"} <= set(inspect(engine).get_table_names())
        _migrate(engine, "0006", down=True)
        assert "expires_at" not in {c["name"] for c in inspect(engine).get_columns("api_tokens")}
        assert "login_throttles" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()

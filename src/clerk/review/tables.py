"""The review and approval tables (created by migrations 0003 and 0006), for queries.

Kept in their own ``MetaData`` so importing them never changes the store's
own schema module; foreign keys live in the migration.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Column, DateTime, Float, Integer, MetaData, String, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()
Id = BigInteger().with_variant(Integer(), "sqlite")
Json = JSON().with_variant(JSONB(), "postgresql")
Time = DateTime(timezone=True)

users = Table(
    "users", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("email", String(320)),
    Column("password_hash", String(200), nullable=False),
    Column("roles", String(200), nullable=False),
    Column("groups", String(500), nullable=False),
    Column("disabled", Boolean, nullable=False),
    Column("created_at", Time, nullable=False),
    Column("updated_at", Time, nullable=False),
)
web_sessions = Table(
    "web_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Id, nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", Time, nullable=False),
    Column("expires_at", Time, nullable=False),
)
api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Id, nullable=False),
    Column("name", String(100), nullable=False),
    Column("created_at", Time, nullable=False),
    Column("revoked_at", Time),
    Column("expires_at", Time, nullable=False),     # migration 0006
    Column("last_used_at", Time),
)
delegations = Table(
    "delegations", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False),
    Column("delegate", String(100), nullable=False),
    Column("starts_at", Time, nullable=False),
    Column("ends_at", Time, nullable=False),
    Column("created_at", Time, nullable=False),
)
item_comments = Table(
    "item_comments", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("item_id", Id, nullable=False),
    Column("author", String(100), nullable=False),
    Column("body", Text, nullable=False),
    Column("at", Time, nullable=False),
)
approval_steps = Table(
    "approval_steps", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("item_id", Id, nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", String(100), nullable=False),
    Column("mode", String(8), nullable=False),
    Column("approvers", Json, nullable=False),
    Column("status", String(16), nullable=False),
    Column("sla_hours", Float),
    Column("escalate_to", Json),
    Column("opened_at", Time),
    Column("due_at", Time),
    Column("escalated_at", Time),
    Column("closed_at", Time),
)
approval_decisions = Table(
    "approval_decisions", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("item_id", Id, nullable=False),
    Column("step_id", Id, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("on_behalf_of", String(100)),
    Column("decision", String(16), nullable=False),
    Column("reason", Text),
    Column("at", Time, nullable=False),
)
review_escalations = Table(
    "review_escalations", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("item_id", Id, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("recipients", Json, nullable=False),
    Column("at", Time, nullable=False),
)

login_throttles = Table(     # migration 0006
    "login_throttles", metadata,
    Column("key", String(400), primary_key=True),
    Column("window_start", Float, nullable=False),
    Column("attempts", Integer, nullable=False),
)
login_devices = Table(     # migration 0006
    "login_devices", metadata,
    Column("username", String(100), primary_key=True),
    Column("device_hash", String(64), primary_key=True),
    Column("last_success_at", Time, nullable=False),
)

PEOPLE_TABLES = ["login_throttles", "login_devices", "review_escalations", "approval_decisions",
                 "approval_steps", "item_comments", "delegations", "api_tokens", "web_sessions",
                 "users"]

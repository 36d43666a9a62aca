"""The store's tables (SQLAlchemy Core). Migrations under migrations/ create
them; this module is what queries are written against."""

from __future__ import annotations

from sqlalchemy import (
    JSON, BigInteger, Boolean, Column, DateTime, ForeignKey, Index, Integer, MetaData,
    SmallInteger, String, Table, Text, text,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets BIGINT.
Id = BigInteger().with_variant(Integer(), "sqlite")
Json = JSON().with_variant(JSONB(), "postgresql")
Time = DateTime(timezone=True)

work_items = Table(
    "work_items", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("bot", String(100), nullable=False),
    Column("document_key", String(512), nullable=False),
    Column("state", String(32), nullable=False),
    Column("review_status", String(16), nullable=False, server_default="none"),
    Column("priority", SmallInteger, nullable=False, server_default="1"),
    Column("deadline", Time),
    Column("defer_until", Time),
    # Ordering key: kept from the first item when an item is retried, so a
    # retried item keeps its place instead of going to the back.
    Column("queued_at", Time, nullable=False),
    # When a worker may lease it next (now, a retry time, a lease expiry).
    Column("available_at", Time, nullable=False),
    Column("lease_owner", String(200)),
    Column("lease_token", Integer, nullable=False, server_default="0"),
    Column("lease_expires_at", Time),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("max_attempts", Integer, nullable=False),
    Column("retry_state", String(32)),
    Column("progress", Text),
    Column("reason_code", String(100)),
    Column("last_error", Text),
    Column("assignee", String(200)),
    Column("payload", Json, nullable=False),
    Column("record", Json),
    Column("findings", Json),
    Column("erp_ref", Json),
    Column("idempotency_key", String(200)),
    Column("retry_of", ForeignKey("work_items.id")),
    Column("superseded_by", ForeignKey("work_items.id")),
    Column("duplicates", Integer, nullable=False, server_default="0"),
    Column("created_at", Time, nullable=False),
    Column("updated_at", Time, nullable=False),
    # Supplier tax id + normalised invoice number, for the duplicate rule.
    Column("dedupe_key", String(300), index=True),
)
# One live item per document and bot; a deliberate re-run supersedes the old one.
Index("uq_work_items_live_key", work_items.c.bot, work_items.c.document_key, unique=True,
      sqlite_where=work_items.c.superseded_by.is_(None),
      postgresql_where=work_items.c.superseded_by.is_(None))
Index("ix_work_items_ready", work_items.c.state, work_items.c.available_at)
Index("ix_work_items_order", work_items.c.priority, work_items.c.deadline,
      work_items.c.queued_at, work_items.c.id)
Index("ix_work_items_bot_state", work_items.c.bot, work_items.c.state)
Index("ix_work_items_updated", work_items.c.updated_at)

item_attempts = Table(
    "item_attempts", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("item_id", ForeignKey("work_items.id"), nullable=False, index=True),
    Column("attempt", Integer, nullable=False),
    Column("lease_token", Integer, nullable=False),
    Column("worker", String(200)),
    Column("state", String(32), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("error", Text),
    Column("at", Time, nullable=False),
)

audit_events = Table(
    "audit_events", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", Time, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(100), nullable=False),
    Column("item_id", BigInteger().with_variant(Integer(), "sqlite"), index=True),
    # Canonical JSON text, hashed exactly as stored.
    Column("data", Text, nullable=False),
    # Set by the sealer, off the hot path: position in the chain and hashes.
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), unique=True),
    Column("prev_hash", String(64)),
    Column("hash", String(64)),
)
Index("ix_audit_unsealed", audit_events.c.id,
      sqlite_where=audit_events.c.seq.is_(None),
      postgresql_where=audit_events.c.seq.is_(None))

audit_checkpoints = Table(
    "audit_checkpoints", metadata,
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
           autoincrement=False),
    Column("head_hash", String(64), nullable=False),
    Column("event_count", BigInteger().with_variant(Integer(), "sqlite"), nullable=False),
    Column("at", Time, nullable=False),
)

runs = Table(
    "runs", metadata,
    Column("id", String(40), primary_key=True),
    Column("bot", String(100), nullable=False, index=True),
    Column("trigger", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("started_at", Time, nullable=False),
    Column("ended_at", Time),
    Column("counts", Json),
    Column("output_dir", Text),
    Column("worker", String(200)),
    Column("error", Text),
    Column("dry_run", Boolean, nullable=False, server_default=text("false")),
    Column("request_id", Id),          # the run request it executed (0002)
    Column("heartbeat_at", Time),      # (0002)
)

# Bot runs the scheduler (or an operator) asked for; any worker claims one (0002).
run_requests = Table(
    "run_requests", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("bot", String(100), nullable=False),
    # "schedule" for a due time of the bot's trigger, "run-now" for an operator.
    Column("trigger", String(40), nullable=False),
    Column("due_at", Time, nullable=False),
    Column("requested_at", Time, nullable=False),
    Column("requested_by", String(200), nullable=False),
    Column("state", String(20), nullable=False),
    Column("claimed_by", String(200)),
    Column("claimed_at", Time),
    Column("heartbeat_at", Time),
    Column("finished_at", Time),
    Column("run_id", String(40)),
    Column("error", Text),
)

# The posting turn of each ERP (0006): recorded here, not only in a lock that
# dies with its holder, because the ERP goes on executing a dead holder's call.
posting_turns = Table(
    "posting_turns", metadata,
    Column("erp", String(300), primary_key=True),
    Column("fence", BigInteger, nullable=False),   # bumped by every claim
    Column("holder", String(200)),                 # set while a call may be running
    Column("started_at", Time),
    Column("deadline_at", Time),                   # the holder's call cannot outlast this
    Column("draft_keys", Json),                    # idempotency keys the call posts
    Column("free_at", Time),                       # released at (or, outcome unknown, from)
)

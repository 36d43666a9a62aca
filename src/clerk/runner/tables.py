"""The tables the runner and scheduler write (created by migration 0002).

``clerk.store.schema`` holds the shared schema; these definitions add what
0002 created: the run request queue and the two new ``runs`` columns. They
live in their own ``MetaData`` so nothing here changes what other code
creates from ``clerk.store.schema.metadata``.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Integer, MetaData, String, Table, Text, text

from clerk.store.schema import Json

metadata = MetaData()
Id = BigInteger().with_variant(Integer(), "sqlite")
Time = DateTime(timezone=True)

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

# ``clerk.store.schema.runs`` plus the columns 0002 added.
runs = Table(
    "runs", metadata,
    Column("id", String(40), primary_key=True),
    Column("bot", String(100), nullable=False),
    Column("trigger", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("started_at", Time, nullable=False),
    Column("ended_at", Time),
    Column("counts", Json),
    Column("output_dir", Text),
    Column("worker", String(200)),
    Column("error", Text),
    Column("dry_run", Boolean, nullable=False, server_default=text("false")),
    Column("request_id", Id),
    Column("heartbeat_at", Time),
)

SCHEDULE_JOBS_TABLE = "clerk_schedule_jobs"

"""Runs requested by the scheduler and executed by workers (owned by the runner/scheduler work).

``run_requests``: one row per run someone asked for (the scheduler at a due
time, an operator with ``run-now``); workers claim them. The unique
(bot, trigger, due_at) index makes a second scheduler firing the same due
time a no-op, even in the instant a leader hands over.

``clerk_schedule_jobs``: APScheduler's SQLAlchemyJobStore table, created here
so the schema has one owner; APScheduler's own ``create(checkfirst=True)``
then finds it.

``runs`` gains ``request_id`` and ``heartbeat_at`` (a run whose heartbeat
stops was abandoned by a dead worker).

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql  # noqa: F401

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "run_requests",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("bot", sa.String(length=100), nullable=False),
        sa.Column("trigger", sa.String(length=40), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_id", sa.String(length=40), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("run_requests", schema=None) as batch_op:
        batch_op.create_index("uq_run_requests_due", ["bot", "trigger", "due_at"], unique=True)
        batch_op.create_index("ix_run_requests_state", ["state", "due_at"], unique=False)

    op.create_table(
        "clerk_schedule_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("clerk_schedule_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_clerk_schedule_jobs_next_run_time", ["next_run_time"],
                              unique=False)

    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_id", _ID, nullable=True))
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_runs_started_at", ["started_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index("ix_runs_started_at")
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("request_id")
    with op.batch_alter_table("clerk_schedule_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_clerk_schedule_jobs_next_run_time")
    op.drop_table("clerk_schedule_jobs")
    with op.batch_alter_table("run_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_run_requests_state")
        batch_op.drop_index("uq_run_requests_due")
    op.drop_table("run_requests")

"""Users, roles, review and approval records (owned by the review web app work).

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(astext_type=sa.Text()), "postgresql")
Time = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", Id, primary_key=True, autoincrement=True)


def _item_id() -> sa.Column:
    # Cascading keeps a test's TRUNCATE work_items ... CASCADE (and a purge) consistent.
    return sa.Column("item_id", Id, sa.ForeignKey("work_items.id", ondelete="CASCADE"),
                     nullable=False, index=True)


def upgrade() -> None:
    op.create_table(
        "users", _id(),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("email", sa.String(320)),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("roles", sa.String(200), nullable=False),
        sa.Column("groups", sa.String(500), nullable=False, server_default=""),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("updated_at", Time, nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", Id, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("expires_at", Time, nullable=False),
    )
    op.create_table(
        "api_tokens", _id(),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", Id, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("revoked_at", Time),
    )
    op.create_table(
        "delegations", _id(),
        sa.Column("username", sa.String(100), nullable=False, index=True),
        sa.Column("delegate", sa.String(100), nullable=False),
        sa.Column("starts_at", Time, nullable=False),
        sa.Column("ends_at", Time, nullable=False),
        sa.Column("created_at", Time, nullable=False),
    )
    op.create_table(
        "item_comments", _id(), _item_id(),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("at", Time, nullable=False),
    )
    op.create_table(
        "approval_steps", _id(), _item_id(),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("approvers", Json, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sla_hours", sa.Float),
        sa.Column("escalate_to", Json),
        sa.Column("opened_at", Time),
        sa.Column("due_at", Time),
        sa.Column("escalated_at", Time),
        sa.Column("closed_at", Time),
    )
    op.create_index("ix_approval_steps_status", "approval_steps", ["status", "due_at"])
    op.create_table(
        "approval_decisions", _id(), _item_id(),
        sa.Column("step_id", Id, sa.ForeignKey("approval_steps.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("on_behalf_of", sa.String(100)),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("at", Time, nullable=False),
    )
    op.create_table(
        "review_escalations", _id(), _item_id(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("recipients", Json, nullable=False),
        sa.Column("at", Time, nullable=False),
    )
    # The inbox filters on assignee and sorts by age; an index keeps it fast at 100k items.
    op.create_index("ix_work_items_state_assignee", "work_items", ["state", "assignee"])
    op.create_index("ix_work_items_state_updated", "work_items", ["state", "updated_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_work_items_state_updated", "work_items")
    op.drop_index("ix_work_items_state_assignee", "work_items")
    for table in ("review_escalations", "approval_decisions", "approval_steps", "item_comments",
                  "delegations", "api_tokens", "web_sessions", "users"):
        op.drop_table(table)

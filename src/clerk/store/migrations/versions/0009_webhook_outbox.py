"""The outbound webhook outbox: events written with the audit event that
causes them, delivered (at least once, never again once acknowledged) later.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    time = sa.DateTime(timezone=True)
    op.create_table(
        "webhook_outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                  autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("webhook", sa.String(100), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", time, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", time, nullable=False),
        sa.Column("claimed_by", sa.String(200)),
        sa.Column("claimed_until", time),
        sa.Column("delivered_at", time),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_error", sa.Text),
    )
    op.create_index("uq_webhook_outbox_event", "webhook_outbox", ["event_id", "webhook"], unique=True)
    op.create_index("ix_webhook_outbox_due", "webhook_outbox", ["delivered_at", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_webhook_outbox_due", table_name="webhook_outbox")
    op.drop_index("uq_webhook_outbox_event", table_name="webhook_outbox")
    op.drop_table("webhook_outbox")

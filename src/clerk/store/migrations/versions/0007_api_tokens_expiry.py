"""API tokens get an expiry (existing ones: 90 days after they were issued),
and the login throttle gets its tables: attempt counters per account and per
address, and the browsers (device cookies) each account logged in from.

Revision ID: 0007
Revises: 0006
"""
from datetime import datetime, timedelta

from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

Time = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", Time, nullable=True))
        batch.add_column(sa.Column("last_used_at", Time, nullable=True))
        batch.create_index("ix_api_tokens_user_id", ["user_id"])
    tokens = sa.table("api_tokens", sa.column("id", sa.Integer), sa.column("created_at", Time),
                      sa.column("expires_at", Time))
    conn = op.get_bind()
    for row in conn.execute(sa.select(tokens.c.id, tokens.c.created_at)).all():
        created = row.created_at
        if isinstance(created, str):   # SQLite hands a lightweight table's times back as text
            created = datetime.fromisoformat(created)
        conn.execute(tokens.update().where(tokens.c.id == row.id)
                     .values(expires_at=created + timedelta(days=90)))
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("expires_at", existing_type=Time, nullable=False)
    op.create_table(
        "login_throttles",
        # "account:<name>", "address:<ip>" or "device:<hash>|<name>".
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("window_start", sa.Float, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
    )
    op.create_table(
        "login_devices",
        sa.Column("username", sa.String(100), primary_key=True),
        sa.Column("device_hash", sa.String(64), primary_key=True),
        sa.Column("last_success_at", Time, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("login_devices")
    op.drop_table("login_throttles")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_index("ix_api_tokens_user_id")
        batch.drop_column("last_used_at")
        batch.drop_column("expires_at")

"""A searchable duplicate key per item: supplier tax id + invoice number.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_items") as batch:
        batch.add_column(sa.Column("dedupe_key", sa.String(300), nullable=True))
        batch.create_index("ix_work_items_dedupe_key", ["dedupe_key"])


def downgrade() -> None:
    with op.batch_alter_table("work_items") as batch:
        batch.drop_index("ix_work_items_dedupe_key")
        batch.drop_column("dedupe_key")

"""The posting turn of each ERP, recorded in the store so that a successor
honours a dead holder's call until the ERP has finished it.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    time = sa.DateTime(timezone=True)
    op.create_table(
        "posting_turns",
        sa.Column("erp", sa.String(300), primary_key=True),
        sa.Column("fence", sa.BigInteger, nullable=False),
        sa.Column("holder", sa.String(200)),
        sa.Column("started_at", time),
        sa.Column("deadline_at", time),
        sa.Column("draft_keys", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
        sa.Column("free_at", time),
    )


def downgrade() -> None:
    op.drop_table("posting_turns")

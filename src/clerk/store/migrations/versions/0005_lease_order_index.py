"""An index in exactly the order workers lease in, holding leasable items only,
so taking a lease reads a few index entries instead of sorting the queue.

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LEASABLE = "'approved', 'collected', 'extracted', 'failed', 'posting', 'validated'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite sorts NULLs first and cannot index NULLS LAST: a sentinel date does it.
        order = "priority, coalesce(deadline, '9999-12-31'), queued_at, id"
    else:
        order = "priority, deadline ASC NULLS LAST, queued_at, id"
    op.execute(f"CREATE INDEX ix_work_items_lease_order ON work_items ({order}) "
               f"WHERE state IN ({LEASABLE})")


def downgrade() -> None:
    op.execute("DROP INDEX ix_work_items_lease_order")

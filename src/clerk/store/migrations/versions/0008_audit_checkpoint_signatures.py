"""Signed checkpoints and record links in the audit trail.

Checkpoints gain the Merkle tree head (root hash), the tree's right edge
(frontier) so the next head costs only the events since, and the Ed25519
signature with the signing key's id. Events gain ``item_prev_seq``: the chain
position of the same item's previous event (0 for its first), set by the
sealer, so a proof shows when one of a record's events is missing.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("audit_checkpoints") as batch:
        batch.add_column(sa.Column("root_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("frontier", sa.Text, nullable=True))
        batch.add_column(sa.Column("signature", sa.Text, nullable=True))
        batch.add_column(sa.Column("key_id", sa.String(64), nullable=True))
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("item_prev_seq", Position, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("item_prev_seq")
    with op.batch_alter_table("audit_checkpoints") as batch:
        for column in ("key_id", "signature", "frontier", "root_hash"):
            batch.drop_column(column)

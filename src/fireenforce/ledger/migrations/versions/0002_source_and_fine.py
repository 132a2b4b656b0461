"""A finding's external source key (idempotent recording: a retried or repeated record with the
same key returns the first one), and the fine an action imposed.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("source", sa.String(200), nullable=True))
        batch.create_index("ix_findings_source", ["source"], unique=True)
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("fine", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("actions") as batch:
        batch.drop_column("fine")
    with op.batch_alter_table("findings") as batch:
        batch.drop_index("ix_findings_source")
        batch.drop_column("source")

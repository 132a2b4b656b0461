"""Applications for re-inspection (复查申请): each finding keeps the date of the party's pending
application, which makes it due for re-inspection before its deadline. No earlier ledger holds
an application, so the new column starts empty; the state is then replayed from the events (which
also fills the subject-link columns of 0005).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("applied_on", sa.Date, nullable=True))
        batch.create_index("ix_findings_applied", ["status", "applied_on"])
    from fireenforce.ledger.transfer import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_index("ix_findings_applied")
        batch.drop_column("applied_on")

"""Subjects joined across ids and names: each finding keeps the subject key it was recorded under
(an id corrected later is refiled, and either id says so) and the normalised name and address
its subject had, on the finding and its actions, so that a subject recorded with and without its
id finds one history. The new columns are filled by a replay of the events (run by 0006).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("recorded_subject", sa.String(400), nullable=True))
        batch.add_column(sa.Column("name_key", sa.String(400), nullable=True))
        batch.create_index("ix_findings_recorded_subject", ["recorded_subject"])
        batch.create_index("ix_findings_name_key", ["name_key"])
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("name_key", sa.String(400), nullable=True))
        batch.create_index("ix_actions_name_key", ["name_key", "date", "seq"])
    # the new columns are filled by the replay at the end of 0006: the replay writes every column of
    # today's projection, which exists only once the last migration has run


def downgrade() -> None:
    with op.batch_alter_table("actions") as batch:
        batch.drop_index("ix_actions_name_key")
        batch.drop_column("name_key")
    with op.batch_alter_table("findings") as batch:
        batch.drop_index("ix_findings_name_key")
        batch.drop_index("ix_findings_recorded_subject")
        batch.drop_column("name_key")
        batch.drop_column("recorded_subject")

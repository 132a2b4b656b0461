"""Triage: the signals received, the register of places, and each day's recorded outcomes.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signals",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("device", sa.String(200), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("item", sa.String(40), nullable=True),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("received_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_signals_day_place", "signals", ["day", "place"])
    op.create_table(
        "places",
        sa.Column("place", sa.String(200), primary_key=True),
        sa.Column("office", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.create_table(
        "triage_outcomes",
        sa.Column("on", sa.Date, primary_key=True),
        sa.Column("trigger", sa.String(64), primary_key=True),
        sa.Column("group", sa.String(400), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("office", sa.String(200), nullable=True),
        sa.Column("finding", sa.String(24), nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_triage_outcomes_office_on", "triage_outcomes", ["office", "on"])


def downgrade() -> None:
    for table in ("triage_outcomes", "places", "signals"):
        op.drop_table(table)

"""The first ledger schema: events (hash-chained per office), chain heads, document counters,
and the findings/actions projections.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(24), nullable=False, unique=True),
        sa.Column("office", sa.String(200), nullable=False),
        sa.Column("office_seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("finding", sa.String(24), nullable=True),
        sa.Column("subject", sa.String(400), nullable=True),
        sa.Column("at", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("office", "office_seq", name="uq_events_office_seq"),
    )
    op.create_index("ix_events_finding", "events", ["finding"])
    op.create_table(
        "chain_heads",
        sa.Column("office", sa.String(200), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "counters",
        sa.Column("office", sa.String(200), primary_key=True),
        sa.Column("doc_type", sa.String(40), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("office", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(400), nullable=False),
        sa.Column("subject_name", sa.String(400), nullable=False),
        sa.Column("weak", sa.Boolean, nullable=False),
        sa.Column("item", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("closed_on", sa.Date, nullable=True),
        sa.Column("deadline", sa.Date, nullable=True),
        sa.Column("last_step", sa.String(16), nullable=False),
        sa.Column("last_action", sa.String(24), nullable=False),
    )
    op.create_index("ix_findings_due", "findings", ["status", "deadline"])
    op.create_index("ix_findings_office_due", "findings", ["office", "status", "deadline"])
    op.create_index("ix_findings_subject", "findings", ["subject"])
    op.create_table(
        "actions",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("seq", _SEQ, nullable=False),
        sa.Column("finding", sa.String(24), nullable=False),
        sa.Column("subject", sa.String(400), nullable=False),
        sa.Column("office", sa.String(200), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("item", sa.String(40), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("deadline", sa.Date, nullable=True),
        sa.Column("rectified", sa.Boolean, nullable=True),
        sa.Column("reinspected_on", sa.Date, nullable=True),
        sa.Column("officer", sa.String(200), nullable=False),
        sa.Column("issued_by", sa.String(16), nullable=False),
    )
    op.create_index("ix_actions_finding", "actions", ["finding"])
    op.create_index("ix_actions_subject", "actions", ["subject", "date", "seq"])


def downgrade() -> None:
    for table in ("actions", "findings", "counters", "chain_heads", "events"):
        op.drop_table(table)

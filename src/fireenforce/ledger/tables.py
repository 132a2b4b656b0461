"""The ledger's tables (SQLAlchemy Core). ``events`` is the truth and only ever grows;
``findings`` and ``actions`` are projections rebuilt from it in the same transaction;
``chain_heads`` and ``counters`` serialise writers per office and number documents."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger, Boolean, Column, Date, Index, Integer, MetaData, String, Table, Text, UniqueConstraint,
)

metadata = MetaData()
_SEQ = BigInteger().with_variant(Integer(), "sqlite")  # SQLite: an alias of the rowid

events = Table(
    "events", metadata,
    Column("seq", _SEQ, primary_key=True, autoincrement=True),
    Column("id", String(24), nullable=False, unique=True),
    Column("office", String(200), nullable=False),
    Column("office_seq", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("finding", String(24), nullable=True, index=True),
    Column("subject", String(400), nullable=True),
    Column("at", Date, nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("office", "office_seq", name="uq_events_office_seq"),
)

chain_heads = Table(
    "chain_heads", metadata,
    Column("office", String(200), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

counters = Table(
    "counters", metadata,
    Column("office", String(200), primary_key=True),
    Column("doc_type", String(40), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last", Integer, nullable=False),
)

findings = Table(
    "findings", metadata,
    Column("id", String(24), primary_key=True),
    Column("office", String(200), nullable=False),
    Column("subject", String(400), nullable=False),
    Column("subject_name", String(400), nullable=False),
    Column("weak", Boolean, nullable=False),
    Column("item", String(40), nullable=False),
    Column("status", String(16), nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date, nullable=True),
    Column("deadline", Date, nullable=True),
    Column("last_step", String(16), nullable=False),
    Column("last_action", String(24), nullable=False),
    Column("source", String(200), nullable=True),
    Column("recorded_subject", String(400), nullable=True),  # the key first recorded (before an id correction)
    Column("name_key", String(400), nullable=True),  # normalised name and address: joins id and no-id records
    Column("applied_on", Date, nullable=True),  # a pending application for re-inspection (复查申请)
    Index("ix_findings_due", "status", "deadline"),
    Index("ix_findings_applied", "status", "applied_on"),
    Index("ix_findings_office_due", "office", "status", "deadline"),
    Index("ix_findings_subject", "subject"),
    Index("ix_findings_source", "source", unique=True),
    Index("ix_findings_recorded_subject", "recorded_subject"),
    Index("ix_findings_name_key", "name_key"),
)

actions = Table(
    "actions", metadata,
    Column("id", String(24), primary_key=True),
    Column("seq", _SEQ, nullable=False),
    Column("finding", String(24), nullable=False, index=True),
    Column("subject", String(400), nullable=False),
    Column("office", String(200), nullable=False),
    Column("date", Date, nullable=False),
    Column("item", String(40), nullable=False),
    Column("step", String(16), nullable=False),
    Column("deadline", Date, nullable=True),
    Column("rectified", Boolean, nullable=True),
    Column("reinspected_on", Date, nullable=True),
    Column("officer", String(200), nullable=False),
    Column("issued_by", String(16), nullable=False),
    Column("fine", Integer, nullable=True),
    Column("name_key", String(400), nullable=True),
    Index("ix_actions_subject", "subject", "date", "seq"),
    Index("ix_actions_name_key", "name_key", "date", "seq"),
)

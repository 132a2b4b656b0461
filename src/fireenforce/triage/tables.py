"""Triage's tables in the ledger database (created by migration 0002): the signals received, the
register of places (who manages a building, which compound and office it belongs to), and the
outcomes recorded per day, trigger and group (which makes ``triage`` idempotent)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Index, String, Table, Text

from fireenforce.ledger.tables import metadata

signals = Table(
    "signals", metadata,
    Column("id", String(24), primary_key=True),  # content hash: the same event twice is one row
    Column("day", Date, nullable=False),
    Column("at", String(40), nullable=False),
    Column("source", String(200), nullable=False),
    Column("device", String(200), nullable=False),
    Column("place", String(200), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("item", String(40), nullable=True),
    Column("description", Text, nullable=True),
    Column("received_at", String(32), nullable=False),
    Index("ix_signals_day_place", "day", "place"),
)

places = Table(
    "places", metadata,
    Column("place", String(200), primary_key=True),
    Column("office", String(200), nullable=False),
    Column("payload", Text, nullable=False),  # the register's line (manager, compound, level, flags)
)

outcomes = Table(
    "triage_outcomes", metadata,
    Column("on", Date, primary_key=True),
    Column("trigger", String(64), primary_key=True),
    Column("group", String(400), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("office", String(200), nullable=True),
    Column("finding", String(24), nullable=True),
    Column("payload", Text, nullable=False),  # the outcome's JSON (events, departments, text, basis)
    Column("recorded_at", String(32), nullable=False),
    Index("ix_triage_outcomes_office_on", "office", "on"),
)

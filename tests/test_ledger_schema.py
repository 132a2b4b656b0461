"""Schema migrations: a ledger made by the first schema is upgraded in place (SQLite through
batch mode) and keeps verifying; the head is what the tables declare."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import fireenforce.service.tokens  # noqa: F401  (triage's and the service's tables live in the
import fireenforce.triage.tables  # noqa: F401  same database: their modules add them to the metadata)
from fireenforce.ledger import Ledger
from fireenforce.ledger.database import _alembic_config, open_engine, schema_revisions, writing
from fireenforce.ledger.tables import metadata
from ledgerkit import case, resident_id


def test_an_older_ledger_is_upgraded_and_still_verifies(ledger_url: str) -> None:
    engine = open_engine(ledger_url, create=True)
    with writing(engine) as conn:
        command.upgrade(_alembic_config(conn), "0001")
    engine.dispose()
    with Ledger(ledger_url) as led:  # upgrades to the head
        rec = led.record(case(1), source="first", officer="王某")
        assert led.verify().ok and led.record(case(1), source="first", officer="王某") == rec
        with led.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == schema_revisions()[0]


def test_the_migrations_build_exactly_the_declared_tables(ledger_url: str) -> None:
    with Ledger(ledger_url) as led, led.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_an_upgrade_to_0005_fills_the_subject_links_from_the_events(ledger_url: str) -> None:
    person = {"kind": "individual", "name": "张某", "address": "西峰区北街某小区5号楼"}
    with Ledger(ledger_url) as led:
        weak = led.record(case(2, item="EB-CHARGE", subject=person), officer="王某")
        with writing(led.engine) as conn:
            command.downgrade(_alembic_config(conn), "0004")  # a ledger written before 0005
    with Ledger(ledger_url) as led:  # upgraded: recorded_subject and name_key replayed from the events
        assert led.verify().ok
        led.reinspect(weak.finding, on="2026-05-04", rectified=True, officer="王某")
        strong = led.record(case(2, item="EB-CHARGE", subject={**person, "id": resident_id(2)}, on="2026-06-01"), officer="王某")
        assert strong.weak_matches == (weak.finding,)

"""Unusable databases on both backends are typed, one-line errors; nothing half-done remains."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from fireenforce.ledger import Ledger, LedgerLocked, LedgerUnavailable
from fireenforce.ledger.database import writing
from fireenforce.ledger.tables import chain_heads
from fireenforce.testing import pgserver
from ledgerkit import case


def test_a_writer_waits_then_gives_up_on_a_held_office(ledger_url: str) -> None:
    with Ledger(ledger_url) as led:
        led.record(case(1), officer="王某")
    with Ledger(ledger_url, busy_timeout=0.3) as holder, Ledger(ledger_url, busy_timeout=0.3) as led:
        with writing(holder.engine) as conn:
            conn.execute(select(chain_heads).with_for_update()).all()
            if conn.dialect.name == "sqlite":
                conn.execute(text("UPDATE chain_heads SET seq = seq"))
            with pytest.raises(LedgerLocked) as info:
                led.record(case(2), officer="王某")
        assert "\n" not in str(info.value) and "locked" in str(info.value)
        assert len(led.history(case(2)["subject"]["id"])) == 0
        assert led.verify().ok


def test_an_unreachable_server_is_one_line(postgres: pgserver.Server) -> None:
    url = f"postgresql+psycopg://postgres:secret@127.0.0.1:{pgserver.free_port()}/nothing"
    with pytest.raises(LedgerUnavailable) as info:
        Ledger(url, create=False)
    message = str(info.value)
    assert "\n" not in message and "cannot open" in message and "secret" not in message


def test_a_database_without_a_ledger_is_refused_unless_created(postgres: pgserver.Server) -> None:
    url = postgres.create_database()
    with pytest.raises(LedgerUnavailable, match="not a fireenforce ledger"):
        Ledger(url, create=False)
    Ledger(url).close()
    Ledger(url, create=False).close()


def test_an_unknown_backend() -> None:
    with pytest.raises(LedgerUnavailable, match="unsupported database"):
        Ledger("mysql://x@localhost/db")

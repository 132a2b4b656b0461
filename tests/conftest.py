"""Shared fixtures: a throwaway PostgreSQL server for the session, and a ledger database URL
on each backend (every ledger test runs on SQLite and on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from fireenforce.ledger import Ledger
from fireenforce.testing import pgserver
from ledgerkit import TODAY


@pytest.fixture(scope="session")
def postgres() -> Iterator[pgserver.Server]:
    server = pgserver.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    server: pgserver.Server = request.getfixturevalue("postgres")
    return server.create_database()


@pytest.fixture
def open_ledger(ledger_url: str) -> Iterator[Ledger]:
    """A new, empty ledger on each backend, closed after the test."""
    with Ledger(ledger_url, today=lambda: TODAY) as ledger:
        yield ledger

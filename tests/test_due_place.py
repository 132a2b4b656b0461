"""Re-inspections due name the place (地点) the finding was made at, so an officer knows where
to go: in Python, the CLI's text and JSON, the HTTP API and the phone page's 今日复查 list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fireenforce.cli import main
from fireenforce.ledger import Ledger
from fireenforce.service import Settings, create_app
from ledgerkit import case
from servicekit import ledger_with_tokens
from test_service_page import csrf_of

PLACE = {"name": "阳光小区3号楼", "address": "西峰区北街88号", "crowded": False}


def _recorded(url: str) -> tuple[str, str]:
    with Ledger(url) as led:
        at_place = led.record(case(1, place=PLACE), officer="王某").finding
        nowhere = led.record(case(2, place={}), officer="王某").finding
    return at_place, nowhere


def test_due_rows_carry_the_findings_place(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    at_place, nowhere = _recorded(url)
    with Ledger(url) as led:
        rows = {d.finding: d for d in led.due("2026-06-01")}
    assert rows[at_place].place.model_dump() == {"name": "阳光小区3号楼", "address": "西峰区北街88号"}
    assert rows[at_place].place.label() == "阳光小区3号楼（西峰区北街88号）"
    assert rows[nowhere].place.model_dump() == {"name": "", "address": ""}
    assert rows[nowhere].place.label() == "（未写明地点）"


def test_the_cli_shows_the_place_in_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "l.db"
    at_place, _ = _recorded(f"sqlite:///{db}")
    assert main(["ledger", "due", "--on", "2026-06-01", "--db", str(db)]) == 0
    [line] = [row for row in capsys.readouterr().out.splitlines() if at_place in row]
    assert "地点：阳光小区3号楼（西峰区北街88号）" in line
    assert main(["ledger", "due", "--on", "2026-06-01", "--db", str(db), "--format", "json"]) == 0
    rows = {row["finding"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows[at_place]["place"] == {"name": "阳光小区3号楼", "address": "西峰区北街88号"}


def test_the_api_and_the_phone_page_show_the_place(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    tokens = ledger_with_tokens(url, "north")
    at_place, _ = _recorded(url)
    with TestClient(create_app(Settings(db=url))) as client:
        answer: Any = client.get("/v1/due", params={"on": "2026-06-01"},
                                 headers={"Authorization": f"Bearer {tokens['north']}"})
        assert answer.status_code == 200, answer.text
        rows = {row["finding"]: row for row in answer.json()}
        assert rows[at_place]["place"] == {"name": "阳光小区3号楼", "address": "西峰区北街88号"}
        login = client.post("/login", data={"token": tokens["north"], "csrf": csrf_of(client.get("/login").text)},
                            follow_redirects=False)
        assert login.status_code == 303, login.text
        page = client.get("/due", params={"on": "2026-06-01"}).text
        card = page[page.index(at_place):]
        assert "地点：阳光小区3号楼（西峰区北街88号）" in card[:card.index("</section>")]

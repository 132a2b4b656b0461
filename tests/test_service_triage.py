"""POST /v1/signals and GET /v1/reports/{month}: events stored once, bad events named by index,
and the report's access rules (an officer's token reads its own office's report only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from fireenforce.ledger import Ledger
from fireenforce.reports.build import monthly_report
from fireenforce.service import Settings, create_app
from ledgerkit import OFFICE, OTHER_OFFICE, case
from servicekit import ledger_with_tokens

ROOT = Path(__file__).resolve().parents[1]
EVENTS = [json.loads(line) for line in (ROOT / "examples/signals.jsonl").read_text(encoding="utf-8").splitlines()
          if line.strip()]


@pytest.fixture()
def api(tmp_path: Path) -> Iterator[dict[str, Any]]:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    tokens = ledger_with_tokens(url)
    with Ledger(url) as ledger:
        ledger.record(case(1), officer="王某")
        ledger.record(case(2, office=OTHER_OFFICE), officer="王某")
    with TestClient(create_app(Settings(db=url))) as client:
        yield {"client": client, "url": url,
               "headers": {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}}


def test_signals_are_stored_once(api: dict[str, Any]) -> None:
    client, north = api["client"], api["headers"]["north"]
    first = client.post("/v1/signals", json=EVENTS, headers=north)
    assert first.status_code == 201
    distinct = len({json.dumps(e, sort_keys=True) for e in EVENTS})
    assert distinct < len(EVENTS)  # the example sends one event twice
    assert first.json() == {"received": len(EVENTS), "stored": distinct, "already_stored": len(EVENTS) - distinct}
    again = client.post("/v1/signals", json=EVENTS[:2], headers=north)
    assert again.json() == {"received": 2, "stored": 0, "already_stored": 2}


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "alien_landing"}, "[1].kind"),
    ({"at": "2026-05-04"}, "[1].at"),
    ({"colour": "red"}, "[1].colour"),
])
def test_a_bad_event_refuses_the_batch_and_is_named(api: dict[str, Any], change: dict[str, str], field: str) -> None:
    client, north = api["client"], api["headers"]["north"]
    answer = client.post("/v1/signals", json=[EVENTS[0], {**EVENTS[1], **change}], headers=north)
    assert answer.status_code == 422 and answer.json()["error"]["field"] == field
    assert client.post("/v1/signals", json=EVENTS[:1], headers=north).json()["stored"] == 1  # nothing was half-stored


def test_legal_staff_and_anonymous_callers_send_no_events(api: dict[str, Any]) -> None:
    client = api["client"]
    assert client.post("/v1/signals", json=EVENTS, headers=api["headers"]["legal"]).status_code == 403
    assert client.post("/v1/signals", json=EVENTS).status_code == 401


def test_the_report_is_the_cli_report(api: dict[str, Any]) -> None:
    client = api["client"]
    answer = client.get("/v1/reports/2026-05", headers=api["headers"]["brigade"])
    assert answer.status_code == 200
    with Ledger(api["url"]) as ledger:
        assert answer.json() == json.loads(json.dumps(monthly_report(ledger, "2026-05")))
    assert {o["office"] for o in answer.json()["offices"]} == {OFFICE["name"], OTHER_OFFICE["name"]}


def test_an_officer_reads_only_its_own_offices_report(api: dict[str, Any]) -> None:
    client, north = api["client"], api["headers"]["north"]
    own = client.get("/v1/reports/2026-05", headers=north).json()
    assert [o["office"] for o in own["offices"]] == [OFFICE["name"]]
    other = client.get("/v1/reports/2026-05", params={"office": OTHER_OFFICE["name"]}, headers=north)
    assert other.status_code == 404
    empty = client.get("/v1/reports/2025-01", headers=north)
    assert empty.status_code == 404 and OTHER_OFFICE["name"] not in empty.text
    legal = client.get("/v1/reports/2026-05", params={"office": OTHER_OFFICE["name"]}, headers=api["headers"]["legal"])
    assert [o["office"] for o in legal.json()["offices"]] == [OTHER_OFFICE["name"]]


def test_a_bad_month_is_422(api: dict[str, Any]) -> None:
    answer = api["client"].get("/v1/reports/2026-13", headers=api["headers"]["brigade"])
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "month"

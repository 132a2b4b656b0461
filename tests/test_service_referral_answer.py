"""``POST /v1/findings/{id}/referral-answers``: the brigade answers a referral over HTTP as
``fireenforce ledger referral`` does on the command line, with the same errors, the strict body
reading of every endpoint and the write rules of the other write endpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from fireenforce.cli import main
from fireenforce.ledger import Ledger, Record
from fireenforce.service import Settings, create_app
from ledgerkit import case, resident_id
from servicekit import BRIGADE, ledger_with_tokens

ANSWERED = {"on": "2026-05-20", "answer": "accepted", "result": "已立案调查，责令停产停业"}


@pytest.fixture()
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    tokens = ledger_with_tokens(url)
    with Ledger(url) as led:
        referred = led.record(case(1), officer="王某", step="referral", reason="安全出口严重堵塞，需临时查封").finding
        assert led.show(referred).status == "referred"
        opened = led.record(case(2), officer="王某").finding
        police = led.record(case(3, item="PS-FALSE-ALARM", place={"name": "某小区"},
                                 subject={"kind": "individual", "name": "李某", "id": resident_id(3)}),
                            officer="王某").finding
    with TestClient(create_app(Settings(db=url))) as client:
        yield {"client": client, "tokens": tokens, "referred": referred, "opened": opened, "police": police, "url": url,
               "db": str(tmp_path / "ledger.db")}


def post(world: dict[str, Any], who: str | None, finding: str, body: Any) -> Any:
    headers = {"Authorization": f"Bearer {world['tokens'][who]}"} if who else {}
    url = f"/v1/findings/{finding}/referral-answers"
    if isinstance(body, str):
        return world["client"].post(url, content=body, headers={**headers, "Content-Type": "application/json"})
    return world["client"].post(url, json=body, headers=headers)


def test_the_brigade_accepts_a_referral_and_the_list_shows_its_result(world: dict[str, Any]) -> None:
    answer = post(world, "brigade", world["referred"], ANSWERED)
    assert answer.status_code == 201, answer.text
    record = answer.json()  # the compact Record the other ledger POSTs answer, not the whole finding
    assert set(record) == set(Record.model_fields) and record["finding"] == world["referred"]
    assert (record["status"], record["step"], record["deadline"]) == ("referred", "referral", None)
    assert len(answer.content) < 20_000
    with Ledger(world["url"]) as led:
        last = led.show(world["referred"]).events[-1]
        assert record["action"] == led.show(world["referred"]).last_action
    assert last.kind == "referral_accepted" and last.payload["result"] == ANSWERED["result"]
    listed = world["client"].get("/v1/referrals", headers={"Authorization": f"Bearer {world['tokens']['brigade']}"})
    [referral] = [r for r in listed.json() if r["finding"] == world["referred"]]
    assert (referral["to"], referral["answer"], referral["answered_on"], referral["result"]) == (
        BRIGADE, "accepted", "2026-05-20", ANSWERED["result"])


def test_a_returned_referral_opens_the_finding_again_with_a_deadline(world: dict[str, Any]) -> None:
    answer = post(world, "brigade", world["referred"], {"on": "2026-05-20", "answer": "returned",
                                                         "result": "不属于临时查封情形，退回街道办理"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "open" and answer.json()["deadline"] > "2026-05-20"
    with Ledger(world["url"]) as led:
        assert led.show(world["referred"]).events[-1].kind == "referral_returned"


def test_the_sending_office_records_the_answer_it_received(world: dict[str, Any]) -> None:
    assert post(world, "north", world["referred"], ANSWERED).status_code == 201


@pytest.mark.parametrize(("who", "status", "words"), [
    (None, 401, "bearer token is required"),
    ("legal", 403, "write nothing"),
    ("south", 404, "no such finding in your office's record"),
])
def test_who_may_answer(world: dict[str, Any], who: str | None, status: int, words: str) -> None:
    answer = post(world, who, world["referred"], ANSWERED)
    assert answer.status_code == status and words in answer.json()["error"]["message"]
    with Ledger(world["url"]) as led:
        assert led.show(world["referred"]).events[-1].kind == "referral_sent"


def test_a_second_answer_and_an_unreferred_finding_are_409_as_the_cli_says(
        world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert post(world, "brigade", world["referred"], ANSWERED).status_code == 201
    again = post(world, "brigade", world["referred"], ANSWERED)
    assert again.status_code == 409
    assert main(["ledger", "referral", world["referred"], "--on", "2026-05-21", "--accepted", "--db", world["db"]]) == 2
    cli = capsys.readouterr().err.strip().removeprefix("fireenforce: error: ")
    assert again.json()["error"]["message"] == cli and "no referral awaits an answer" in cli
    # an open finding of the brigade's own district, never referred: the brigade may not answer for the office
    refused = post(world, "brigade", world["opened"], ANSWERED)
    assert refused.status_code == 403 and "was never referred" in refused.json()["error"]["message"]
    assert post(world, "north", world["opened"], ANSWERED).status_code == 409


@pytest.mark.parametrize(("body", "field"), [
    ({"on": "2026-05-20", "answer": "yes"}, "answer"),
    ({"on": "2026-05-20"}, "answer"),
    ({"on": "20.5.2026", "answer": "accepted"}, "on"),
    ({"on": "2026-05-20", "answer": "accepted", "accepted": True}, "accepted"),
    ({"on": "2026-05-20", "answer": "accepted", "result": 7}, "result"),
    ('{"on": "2026-05-20", "answer": "accepted", "answer": "returned"}', "answer"),
])
def test_bodies_are_read_strictly(world: dict[str, Any], body: Any, field: str) -> None:
    answer = post(world, "brigade", world["referred"], body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == field
    with Ledger(world["url"]) as led:
        assert led.show(world["referred"]).events[-1].kind == "referral_sent"


def test_the_brigade_does_not_answer_for_another_authority(world: dict[str, Any]) -> None:
    refused = post(world, "brigade", world["police"], ANSWERED)
    assert refused.status_code == 403 and "was sent to 公安机关" in refused.json()["error"]["message"]
    assert post(world, "north", world["police"], ANSWERED).status_code == 201  # the office records the police's answer

"""The HTTP API reads its input as strictly as the CLI (found by the user trial of issue 13):
keys given twice, runaway nesting, wrong JSON types in the request around a case, unknown or
repeated query parameters; and it words each refusal as the CLI does, naming the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from fireenforce.cli import main as cli_main
from fireenforce.service import Settings, create_app
from ledgerkit import case
from servicekit import ledger_with_tokens

ROOT = Path(__file__).resolve().parents[1]
CASE_TEXT = (ROOT / "examples/ebike-highrise.json").read_text(encoding="utf-8")
JSON = {"content-type": "application/json"}


@pytest.fixture()
def api(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    token = ledger_with_tokens(url, "north")["north"]
    with TestClient(create_app(Settings(db=url))) as client:
        yield client, {"Authorization": f"Bearer {token}", **JSON}


def error_of(answer: Any) -> tuple[str, str]:
    assert answer.status_code == 422, answer.text
    return answer.json()["error"]["field"], answer.json()["error"]["message"]


def cli_error(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str) -> str:
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    assert cli_main(["decide", str(path)]) == 2
    return capsys.readouterr().err.strip().removeprefix("fireenforce: error: ")


def test_a_key_given_twice_is_refused_as_the_cli_refuses_it(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    twice = CASE_TEXT.replace('"item": "EB-CHARGE",', '"item": "EB-CHARGE", "item": "EV-BLOCK",', 1)
    field, message = error_of(TestClient(create_app()).post("/v1/decide", content=twice.encode(), headers=JSON))
    assert f"{field}: {message}" == cli_error(capsys, tmp_path, twice) == \
        "item: duplicate key (given twice in one JSON object)"


def test_a_key_given_twice_inside_a_recorded_case_is_named_by_its_path(api: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = api
    body = json.dumps({"case": case(1), "officer": "王某"}, ensure_ascii=False)
    body = body.replace('"kind": "unit"', '"kind": "unit", "kind": "individual"', 1)
    assert error_of(client.post("/v1/findings", content=body.encode(), headers=headers)) == \
        ("case.subject.kind", "duplicate key (given twice in one JSON object)")
    assert client.get("/v1/due", params={"on": "2030-01-01"}, headers=headers).json() == []


@pytest.mark.parametrize(("body", "message"), [
    (b"[" * 5000 + b"]" * 5000, "JSON nested more than 32 levels deep"),
    (b'{"item": "EB-CHARGE" "x"}', "body is not valid JSON (Expecting ',' delimiter at line 1 column 22)"),
    (b'{"item": "\xff"}', "body is not valid JSON (it is not UTF-8 text)"),
])
def test_bodies_that_are_no_json_are_bad_input_with_the_reason(body: bytes, message: str) -> None:
    assert error_of(TestClient(create_app()).post("/v1/decide", content=body, headers=JSON)) == ("", message)


def test_a_body_without_the_json_content_type_says_which_header_to_send() -> None:
    answer = TestClient(create_app()).post("/v1/decide", content=CASE_TEXT.encode(),
                                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert error_of(answer) == ("", "send the body as a JSON object with the header Content-Type: application/json")


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"rectified": "no"}, "rectified", "a string 'no' given; expected a JSON boolean"),
    ({"rectified": 0}, "rectified", "a number 0 given; expected a JSON boolean"),
    ({"fine": "6000"}, "fine", "a string '6000' given; expected a JSON integer"),
    ({"fine": 6000.0}, "fine", "a number 6000.0 given; expected a JSON integer"),
    ({"on": "2026-5-10"}, "on", "'2026-5-10' is not a date (expected YYYY-MM-DD)"),
    ({"officer": "王" * 201}, "officer", "too long: 201 characters; at most 200"),
    ({"note": "王" * 4001}, "note", "too long: 4001 characters; at most 4000"),
    ({"colour": "red"}, "colour", "unknown field 'colour' (a typo?); known fields: on, rectified, officer, note, "
                                  "step, reason, fine"),
])
def test_a_reinspection_takes_strict_json_types_and_records_nothing_otherwise(
        api: tuple[TestClient, dict[str, str]], change: dict[str, Any], field: str, words: str) -> None:
    client, headers = api
    finding = client.post("/v1/findings", json={"officer": "王某", "case": case(1)}, headers=headers).json()["finding"]
    body = {"on": "2030-01-01", "rectified": False, "officer": "王某", **change}
    got_field, message = error_of(client.post(f"/v1/findings/{finding}/reinspections", json=body, headers=headers))
    assert got_field == field and message.startswith(words)
    events = client.get(f"/v1/findings/{finding}", headers=headers).json()["events"]
    assert not [e for e in events if e["kind"] == "reinspection"]


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"fine": "6000"}, "fine", "a string '6000' given; expected a JSON integer"),
    ({"reason": "理" * 4001}, "reason", "too long"),
    ({"extra": 1}, "extra", "unknown field 'extra' (a typo?); known fields: case, officer, step, reason, fine, formal_warning, "
                      "source"),
    ({"case": {**case(1), "colour": 1}}, "case.colour", "unknown field 'colour' (a typo?); known fields: item,"),
    ({"case": {**case(1), "subject": {"kind": "unit", "operating": "yes"}}}, "case.subject.operating",
     "a string 'yes' given; expected a JSON boolean"),
])
def test_a_finding_request_names_its_own_fields_and_the_cases(
        api: tuple[TestClient, dict[str, str]], change: dict[str, Any], field: str, words: str) -> None:
    client, headers = api
    got_field, message = error_of(client.post("/v1/findings", json={"officer": "王某", "case": case(1), **change}, headers=headers))
    assert got_field == field and message.startswith(words)


@pytest.mark.parametrize("change", [{"fine": "300"}, {"fine": 300.0}, {"formal_warning": "false"}, {"serial": "7"}])
def test_render_takes_strict_json_types(change: dict[str, Any]) -> None:
    body = {"case": json.loads(CASE_TEXT), "document": "penalty_decision", "fine": 300, **change}
    field, _ = error_of(TestClient(create_app()).post("/v1/render", json=body))
    assert field == next(iter(change))


@pytest.mark.parametrize(("path", "field", "message"), [
    ("/v1/due?on=x", "on", "'x' is not a date (YYYY-MM-DD)"),
    ("/v1/query?q=充电&top=abc", "top", "'abc' is not a whole number"),
    ("/v1/query?q=充电&top=0", "top", "must be at least 1, not 0"),
    ("/v1/reports/2026-5", "month", "'2026-5' is not a month (YYYY-MM)"),
    ("/v1/catalogue?on=1990-01-01", "on", "no version of xifeng is in force on 1990-01-01"),
    ("/v1/catalogue?foo=1", "foo", "unknown query parameter 'foo' (a typo?); known parameters: on"),
    ("/v1/query?q=充电&q=堵塞", "q", "given twice in the query string"),
])
def test_parameters_are_worded_as_the_cli_words_them(api: tuple[TestClient, dict[str, str]], path: str,
                                                     field: str, message: str) -> None:
    client, headers = api
    got_field, got = error_of(client.get(path, headers=headers))
    assert got_field == field and got.startswith(message)


def test_signals_want_an_array(api: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = api
    assert error_of(client.post("/v1/signals", json={"source": "x"}, headers=headers)) == \
        ("", "the body must be a JSON array, not an object")


def test_a_trailing_slash_is_not_found_in_the_error_shape(api: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = api
    answer = client.get("/v1/findings/", headers=headers, follow_redirects=False)
    assert answer.status_code == 404 and set(answer.json()["error"]) == {"field", "message"}

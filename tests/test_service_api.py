"""The HTTP API's stateless endpoints, in process: shapes, errors worded as the CLI words them,
the body limit, no stack traces, CORS off unless configured."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import fireenforce as fe
from fireenforce.cli import main as cli_main
from fireenforce.service import Settings, create_app
from fireenforce.service import api

ROOT = Path(__file__).resolve().parents[1]
CASE = json.loads((ROOT / "examples/ebike-highrise.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_health_names_the_ruleset(client: TestClient) -> None:
    body = client.get("/v1/health").json()
    rs = fe.load_ruleset()
    assert body["status"] == "ok" and body["ruleset"] == {"id": rs.id, "version": rs.version, "digest": rs.digest}


def test_catalogue_is_the_cli_catalogue(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["catalogue", "--format", "json"]) == 0
    assert client.get("/v1/catalogue").json() == json.loads(capsys.readouterr().out)


def test_catalogue_by_date_picks_the_version_in_force(client: TestClient) -> None:
    entries = client.get("/v1/catalogue", params={"on": "2023-01-01"}).json()
    assert {e["ruleset"] for e in entries} == {"xifeng 2022.03"}


def test_query_ranks_items_for_the_officers_words(client: TestClient) -> None:
    matches = client.get("/v1/query", params={"q": "楼道里电动车在充电", "top": 3}).json()
    assert [m["code"] for m in matches][0] == "EB-CHARGE" and len(matches) <= 3
    assert set(matches[0]) == {"code", "name", "score", "matched"}


@pytest.mark.parametrize(("params", "field", "words"), [
    ({"q": "！？ "}, "q", "nothing to search for"),
    ({"q": "充电", "top": 0}, "top", "must be at least 1, not 0"),  # as `fireenforce query --top 0`
    ({}, "q", "Field required"),
])
def test_query_refuses_what_it_cannot_search(client: TestClient, params: dict[str, Any], field: str, words: str) -> None:
    answer = client.get("/v1/query", params=params)
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == field and words in answer.json()["error"]["message"]


def test_decide_answers_what_the_library_decides(client: TestClient) -> None:
    answer = client.post("/v1/decide", json=CASE)
    assert answer.status_code == 200
    assert answer.json() == fe.decide(CASE).model_dump(mode="json")


def _cli_error(capsys: pytest.CaptureFixture[str], tmp_path: Path, case: Any) -> str:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    assert cli_main(["decide", str(path), "--format", "json"]) == 2
    return capsys.readouterr().err.strip().removeprefix("fireenforce: error: ")


@pytest.mark.parametrize("change", [
    {"observed_on": "May 3"},
    {"item": None, "description": ""},
    {"subject": {"kind": "robot"}},
    {"subject": {"kind": "unit", "nmae": "typo"}},
    {"occurred_on": "2026-06-01"},
    {"item": "NO-SUCH-ITEM"},
    {"history": [{"date": "2026-09-01", "item": "EB-CHARGE", "step": "warning"}]},
    {"office": {"level": "county"}},
])
def test_bad_cases_get_the_cli_message_and_field(client: TestClient, capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path, change: dict[str, Any]) -> None:
    case = {k: v for k, v in {**CASE, **change}.items() if v is not None}
    answer = client.post("/v1/decide", json=case)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert set(error) == {"field", "message"} and error["field"]
    assert f"{error['field']}: {error['message']}" == _cli_error(capsys, tmp_path, case)


@pytest.mark.parametrize(("body", "message"), [
    (b"[1, 2]", "the body must be a JSON object, not an array"),
    (b'{"item": ', "body is not valid JSON"),
    (b"", "no body given: send a JSON object"),
])
def test_bodies_that_are_no_case(client: TestClient, body: bytes, message: str) -> None:
    answer = client.post("/v1/decide", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422 and answer.json()["error"]["message"].startswith(message)


def test_render_fills_the_document_as_html_or_text(client: TestClient) -> None:
    request = {"case": CASE, "document": "penalty_decision", "fine": 300}
    html = client.post("/v1/render", json=request)
    assert html.status_code == 200 and html.headers["content-type"] == "text/html; charset=utf-8"
    assert "行政处罚决定书" in html.text and "罚款人民币300元（大写：叁佰元整）" in html.text
    text = client.post("/v1/render", json={**request, "format": "text"})
    assert text.headers["content-type"] == "text/plain; charset=utf-8" and "<" not in text.text
    word = client.post("/v1/render", json={**request, "format": "docx"})
    assert word.headers["content-disposition"] == 'attachment; filename="penalty_decision.docx"'
    assert word.content.startswith(b"PK") and word.headers["content-type"].endswith("wordprocessingml.document")


def test_render_refuses_a_fine_outside_the_legal_range_as_the_cli_does(
        client: TestClient, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE, ensure_ascii=False), encoding="utf-8")
    assert cli_main(["render", str(path), "--document", "penalty_decision", "--fine", "5000"]) == 2
    printed = capsys.readouterr().err.strip().removeprefix("fireenforce: error: ")
    answer = client.post("/v1/render", json={"case": CASE, "document": "penalty_decision", "fine": 5000})
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "fine" and f"--fine: {answer.json()['error']['message']}" == printed


@pytest.mark.parametrize(("change", "field"), [
    ({"document": "love_letter"}, "document"),
    ({"fine": 300, "formal_warning": True}, "fine"),
    ({"case": {**CASE, "observed_on": "tomorrow"}}, "case.observed_on"),
])
def test_render_names_the_bad_field(client: TestClient, change: dict[str, Any], field: str) -> None:
    answer = client.post("/v1/render", json={"case": CASE, "document": "penalty_decision", **change})
    assert answer.status_code == 422 and answer.json()["error"]["field"] == field


def test_a_body_over_the_limit_is_refused_before_it_is_read() -> None:
    small = TestClient(create_app(Settings(max_body=2048)))
    padded = {**CASE, "facts": {"narrative": "楼" * 2000}}
    assert small.post("/v1/decide", json=CASE).status_code == 200
    declared = small.post("/v1/decide", json=padded)
    assert declared.status_code == 413 and "2048 bytes" in declared.json()["error"]["message"]

    def chunks() -> Any:  # no Content-Length: counted as it streams
        yield json.dumps(padded).encode()[:1500]
        yield json.dumps(padded).encode()[1500:]

    streamed = small.post("/v1/decide", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413


def test_unknown_paths_and_methods_answer_in_the_error_shape(client: TestClient) -> None:
    missing = client.get("/v1/nothing-here")
    assert missing.status_code == 404 and set(missing.json()["error"]) == {"field", "message"}
    assert client.get("/v1/decide").status_code == 405


def test_no_stack_trace_reaches_a_client(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("secret detail /srv/office.db")

    monkeypatch.setattr(api, "decide_case", broken)
    answer = TestClient(create_app(), raise_server_exceptions=False).post("/v1/decide", json=CASE)
    assert answer.status_code == 500
    assert "secret" not in answer.text and "Traceback" not in answer.text
    assert answer.json()["error"]["message"].startswith("internal error")


def test_cors_is_off_unless_origins_are_configured(client: TestClient) -> None:
    preflight = {"Origin": "https://grid.example", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/v1/decide", headers=preflight).headers
    assert "access-control-allow-origin" not in client.get("/v1/health", headers={"Origin": "https://grid.example"}).headers
    open_to_grid = TestClient(create_app(Settings(cors_origins=("https://grid.example",))))
    allowed = open_to_grid.options("/v1/decide", headers=preflight)
    assert allowed.headers["access-control-allow-origin"] == "https://grid.example"
    assert "access-control-allow-origin" not in open_to_grid.options(
        "/v1/decide", headers={**preflight, "Origin": "https://evil.example"}).headers


def test_openapi_describes_v1_from_the_library_models(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {  # the contract's endpoints, and no other
        "/v1/catalogue", "/v1/query", "/v1/decide", "/v1/render", "/v1/health", "/v1/findings",
        "/v1/findings/{finding}/reinspections", "/v1/findings/{finding}/referral-answers",
        "/v1/findings/{finding}", "/v1/findings/{finding}/documents/{number}", "/v1/due",
        "/v1/subjects/{subject}/history", "/v1/reports/{month}", "/v1/signals", "/v1/referrals"}
    assert all(path.startswith("/v1/") for path in schema["paths"])
    components = schema["components"]["schemas"]
    decide = schema["paths"]["/v1/decide"]["post"]
    assert decide["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/Case")
    assert set(components["Case"]["properties"]) == set(fe.Case.model_fields)
    assert set(components["Decision-Output"]["properties"] if "Decision-Output" in components
               else components["Decision"]["properties"]) == set(fe.Decision.model_fields)
    assert decide["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


def test_a_body_that_is_not_utf8_is_bad_input_not_a_server_error(client: TestClient) -> None:
    answer = client.post("/v1/decide", content=b'{"item": "\xff"}', headers={"content-type": "application/json"})
    assert answer.status_code == 422 and "UTF-8" in answer.json()["error"]["message"]

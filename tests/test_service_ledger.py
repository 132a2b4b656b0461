"""The ledger endpoints and every access rule: no token, a wrong one, a revoked one, another
office's ids (404), the brigade reading everything, legal staff writing nothing (403)."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

import fireenforce as fe
from fireenforce.ledger import Ledger
from fireenforce.service import Settings, create_app
from fireenforce.service.tokens import TokenStore
from ledgerkit import OFFICE, OTHER_OFFICE, case, uscc
from servicekit import BRIGADE, ledger_with_tokens


class Office:
    """A client holding one token."""

    def __init__(self, client: TestClient, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params=params, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(path, json=body, headers=self.headers)


@pytest.fixture()
def world(tmp_path: Any) -> Iterator[dict[str, Any]]:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    tokens = ledger_with_tokens(url)
    with Ledger(url) as ledger:
        store = TokenStore(ledger)
        revoked, info = store.add(OFFICE["name"], "officer")
        store.revoke(info.id)
    with TestClient(create_app(Settings(db=url))) as client:
        world = {name: Office(client, token) for name, token in tokens.items()}
        world.update(client=client, revoked=Office(client, revoked), url=url)
        yield world


def recorded(client: Office, n: int = 1, **over: Any) -> dict[str, Any]:
    answer = client.post("/v1/findings", {"case": case(n, **over), "officer": "王某"})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_record_answers_the_contracts_record(world: dict[str, Any]) -> None:
    rec = recorded(world["north"])
    assert rec["finding"].startswith("F-") and rec["status"] == "open"
    assert rec["decision"] == fe.decide(case(1)).model_dump(mode="json")
    assert rec["documents"] and all(d["number"] for d in rec["documents"])
    assert rec["deadline"] == rec["decision"]["rectification"]["deadline"]


def test_the_same_open_conduct_is_a_409_with_its_code_and_a_separate_finding_needs_a_reason(
        world: dict[str, Any]) -> None:
    first = recorded(world["north"], 2)
    again = world["north"].post("/v1/findings", {"case": case(2), "officer": "王某"})
    error = again.json()["error"]
    assert again.status_code == 409 and (error["code"], error["finding"]) == ("open_finding", first["finding"])
    assert '"separate": REASON' in error["message"] and "--separate" not in error["message"]
    separate = world["north"].post("/v1/findings", {"case": case(2), "officer": "王某", "separate": "另一处门店"})
    assert separate.status_code == 201 and separate.json()["finding"] != first["finding"]


def test_the_office_name_comes_from_the_token(world: dict[str, Any]) -> None:
    rec = recorded(world["north"], office={"level": "street", "name": ""})
    assert world["north"].get(f"/v1/findings/{rec['finding']}").json()["office"] == OFFICE["name"]
    other = world["north"].post("/v1/findings", {"officer": "王某", "case": case(2, office=OTHER_OFFICE)})
    assert other.status_code == 422 and other.json()["error"]["field"] == "case.office.name"


def test_reinspection_escalates_then_closes(world: dict[str, Any]) -> None:
    north = world["north"]
    rec = recorded(north)
    assert rec["step"] == "reminder"
    path = f"/v1/findings/{rec['finding']}/reinspections"
    next_step = north.post(path, {"on": "2026-05-20", "rectified": False, "officer": "王某"})
    assert next_step.status_code == 201
    assert (next_step.json()["finding"], next_step.json()["step"], next_step.json()["status"]) == (rec["finding"], "warning", "open")
    closed = north.post(path, {"on": "2026-06-20", "rectified": True, "officer": "王某"})
    assert closed.status_code == 201
    body = closed.json()
    assert {k: body[k] for k in ("finding", "status", "closed_on")} == \
        {"finding": rec["finding"], "status": "closed", "closed_on": "2026-06-20"}
    # the re-inspection's own record comes back numbered, and renders by that number
    assert next_step.json()["reinspection"]["documents"] == [d for d in next_step.json()["documents"]
                                                             if d["type"] == "inspection_record"]
    assert next_step.json()["reinspection"]["doubts"][0]["code"] == "DOUBT-ORAL-ORDER-REINSPECTION"  # after a reminder
    number = body["reinspection"]["documents"][0]["number"]
    assert number == "西北街消检查字〔2026〕第3号" and body["reinspection"]["doubts"] == []  # after a written order
    text = north.get(f"/v1/findings/{rec['finding']}/documents/{number}", format="text")
    assert text.status_code == 200 and "检查类别：复查" in text.text and "复查结果：已改正。" in text.text
    assert "《消防监督检查规定》第二十条第二款：“" in text.text and "予以整改销号" in text.text
    assert north.get(f"/v1/findings/{rec['finding']}/documents/西北街消检查字〔2026〕第9号").status_code == 404
    assert world["south"].get(f"/v1/findings/{rec['finding']}/documents/{number}").status_code == 404
    again = north.post(path, {"on": "2026-06-21", "rectified": True, "officer": "王某"})
    assert again.status_code == 409 and "nothing to re-inspect" in again.json()["error"]["message"]
    events = [e["kind"] for e in north.get(f"/v1/findings/{rec['finding']}").json()["events"]]
    assert events.count("reinspection") == 2 and events[-1] == "closure"


def test_due_and_history(world: dict[str, Any]) -> None:
    north = world["north"]
    rec = recorded(north)
    due = north.get("/v1/due", on="2026-06-01").json()
    assert [d["finding"] for d in due] == [rec["finding"]] and due[0]["overdue"] is True
    assert north.get("/v1/due", on="2026-05-04").json() == []
    history = north.get(f"/v1/subjects/{uscc(1)}/history")
    assert history.status_code == 200 and [h["step"] for h in history.json()] == [rec["step"]]


def test_bad_input_is_422_with_the_field(world: dict[str, Any]) -> None:
    north = world["north"]
    bad = north.post("/v1/findings", {"officer": "王某", "case": case(1, observed_on="someday")})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "case.observed_on"
    wrong_id = north.post("/v1/findings", {"officer": "王某", "case": case(1, subject={"kind": "unit", "name": "某店", "id": "123"})})
    assert wrong_id.status_code == 422 and wrong_id.json()["error"]["field"].startswith("case.subject")
    future = north.post("/v1/findings", {"officer": "王某", "case": case(1, on="2099-01-04")})
    assert future.status_code == 422 and future.json()["error"]["field"] == "case.observed_on"  # as validation names it
    assert north.get("/v1/due", on="soon").json()["error"]["field"] == "on"


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer fe_not-a-token"}, {"Authorization": "Basic dXNlcjpwYXNz"},
])
def test_no_token_or_a_wrong_one_is_401_everywhere(world: dict[str, Any], headers: dict[str, str]) -> None:
    client: TestClient = world["client"]
    for method, path, body in (("post", "/v1/findings", {"case": case(1)}), ("get", "/v1/findings/F-x", None),
                               ("post", "/v1/findings/F-x/reinspections", {"on": "2026-05-20", "rectified": True, "officer": "王某"}),
                               ("get", "/v1/due?on=2026-06-01", None), ("get", f"/v1/subjects/{uscc(1)}/history", None)):
        answer = client.request(method.upper(), path, json=body, headers=headers)
        assert answer.status_code == 401, (path, answer.text)
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert set(answer.json()["error"]) == {"field", "message"}


def test_a_revoked_token_is_refused_at_once(world: dict[str, Any]) -> None:
    answer = world["revoked"].get("/v1/due", on="2026-06-01")
    assert answer.status_code == 401 and "revoked" in answer.json()["error"]["message"]


def test_another_offices_ids_answer_404_as_unknown_ones(world: dict[str, Any]) -> None:
    north, south = world["north"], world["south"]
    rec = recorded(north)
    finding = rec["finding"]
    unknown = south.get("/v1/findings/F-000000000000")
    for answer in (south.get(f"/v1/findings/{finding}"),
                   south.post(f"/v1/findings/{finding}/reinspections", {"on": "2026-05-20", "rectified": True, "officer": "王某"}),
                   south.get(f"/v1/subjects/{uscc(1)}/history")):
        assert answer.status_code == 404 == unknown.status_code
        assert finding not in str(south.get("/v1/due", on="2026-06-01").json())
    assert south.get("/v1/due", on="2026-06-01", office=OFFICE["name"]).status_code == 404
    assert north.get(f"/v1/findings/{finding}").status_code == 200


def test_the_brigade_reads_every_office_and_changes_only_its_own(world: dict[str, Any]) -> None:
    rec = recorded(world["north"])
    recorded(world["south"], 2, office=OTHER_OFFICE)
    brigade = world["brigade"]
    assert brigade.get(f"/v1/findings/{rec['finding']}").status_code == 200
    assert {d["office"] for d in brigade.get("/v1/due", on="2026-06-01").json()} == {OFFICE["name"], OTHER_OFFICE["name"]}
    assert [d["office"] for d in brigade.get("/v1/due", on="2026-06-01", office=OFFICE["name"]).json()] == [OFFICE["name"]]
    assert brigade.get(f"/v1/subjects/{uscc(1)}/history").status_code == 200
    change = brigade.post(f"/v1/findings/{rec['finding']}/reinspections", {"on": "2026-05-20", "rectified": True, "officer": "王某"})
    assert change.status_code == 403
    own = brigade.post("/v1/findings", {"officer": "王某", "case": case(3, office={"level": "brigade", "name": BRIGADE})})
    assert own.status_code == 201


def test_legal_staff_read_everything_and_write_nothing(world: dict[str, Any]) -> None:
    rec = recorded(world["north"])
    legal = world["legal"]
    assert legal.get(f"/v1/findings/{rec['finding']}").status_code == 200
    assert len(legal.get("/v1/due", on="2026-06-01").json()) == 1
    writes = (legal.post("/v1/findings", {"officer": "王某", "case": case(4)}),
              legal.post(f"/v1/findings/{rec['finding']}/reinspections", {"on": "2026-05-20", "rectified": True, "officer": "王某"}))
    for answer in writes:
        assert answer.status_code == 403 and "write nothing" in answer.json()["error"]["message"]
    assert world["north"].get(f"/v1/findings/{rec['finding']}").json()["status"] == "open"


def test_without_a_ledger_the_ledger_endpoints_say_so() -> None:
    answer = TestClient(create_app()).get("/v1/due", params={"on": "2026-06-01"})
    assert answer.status_code == 503 and "--db" in answer.json()["error"]["message"]


def test_the_ledger_endpoints_on_postgresql(ledger_url: str) -> None:
    token = ledger_with_tokens(ledger_url, "north")["north"]
    with TestClient(create_app(Settings(db=ledger_url))) as client:
        north = Office(client, token)
        rec = recorded(north)
        assert north.get(f"/v1/findings/{rec['finding']}").json()["finding"] == rec["finding"]


def test_an_officer_sees_only_its_own_offices_part_of_a_subjects_history(world: dict[str, Any]) -> None:
    recorded(world["north"])
    recorded(world["south"], 1, office=OTHER_OFFICE, observed_on="2026-05-04")  # the same subject, elsewhere
    path = f"/v1/subjects/{uscc(1)}/history"
    assert [h["date"] for h in world["north"].get(path).json()] == ["2026-05-03"]
    assert [h["date"] for h in world["south"].get(path).json()] == ["2026-05-04"]
    assert [h["date"] for h in world["brigade"].get(path).json()] == ["2026-05-03", "2026-05-04"]


def test_a_retried_request_with_its_source_key_records_once(world: dict[str, Any]) -> None:
    north, south = world["north"], world["south"]
    first = north.post("/v1/findings", {"officer": "王某", "case": case(5), "source": "grid-4711"}).json()
    again = north.post("/v1/findings", {"officer": "王某", "case": case(5), "source": "grid-4711"})
    assert again.json()["finding"] == first["finding"]
    assert len(north.get("/v1/due", on="2026-06-01").json()) == 1
    elsewhere = south.post("/v1/findings", {"officer": "王某", "case": case(6, office=OTHER_OFFICE), "source": "grid-4711"})
    assert elsewhere.status_code == 201 and elsewhere.json()["finding"] != first["finding"]


def test_the_brigade_finds_the_referrals_sent_to_it(world: dict[str, Any]) -> None:
    """Nothing listed referrals: the brigade read one only if it knew its id (user trial)."""
    north, south, brigade = world["north"], world["south"], world["brigade"]
    handed = north.post("/v1/findings", {"officer": "王某", "case": case(1), "step": "referral", "reason": "安全出口严重堵塞，需临时查封"}).json()
    police = south.post("/v1/findings", {"officer": "王某", "case": case(2, item="PS-FALSE-ALARM", subject={
        "kind": "individual", "name": "李某"}, place={}, office={"level": "street", "name": ""})}).json()
    assert handed["step"] == police["step"] == "referral"
    with Ledger(world["url"]) as ledger:
        ledger.referral_answer(handed["finding"], on="2026-05-10", accepted=True, result="已立案")
    listed = brigade.get("/v1/referrals").json()
    assert [(r["finding"], r["office"]) for r in listed] == [(handed["finding"], OFFICE["name"]),
                                                            (police["finding"], OTHER_OFFICE["name"])]
    ours = brigade.get("/v1/referrals", to=BRIGADE).json()
    assert [r["finding"] for r in ours] == [handed["finding"]]
    assert ours[0]["answer"] == "accepted" and ours[0]["answered_on"] == "2026-05-10" and ours[0]["result"] == "已立案"
    assert ours[0]["subject"]["id"] != uscc(1) and ours[0]["sent_on"] == "2026-05-03"
    assert listed[1]["to"] == "public_security" and listed[1]["to_label"] == "公安机关" and listed[1]["answer"] is None
    assert [r["finding"] for r in brigade.get("/v1/referrals", awaiting="true").json()] == [police["finding"]]
    assert [r["finding"] for r in world["legal"].get("/v1/referrals", office=OTHER_OFFICE["name"]).json()] == \
        [police["finding"]]
    assert [r["finding"] for r in south.get("/v1/referrals").json()] == [police["finding"]]
    assert south.get("/v1/referrals", office=OFFICE["name"]).status_code == 404
    assert world["client"].get("/v1/referrals").status_code == 401


def test_a_reinspection_or_an_application_dated_after_today_is_a_422_naming_on(world: dict[str, Any]) -> None:
    north = world["north"]
    rec = recorded(north, 40)
    before = north.get(f"/v1/findings/{rec['finding']}").json()["events"]
    for path, body in (("reinspections", {"on": "2099-02-01", "rectified": True}),
                       ("applications", {"on": "2099-02-01"})):
        answer = north.post(f"/v1/findings/{rec['finding']}/{path}", body)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["field"] == "on" and "2099-02-01" in answer.json()["error"]["message"]
    assert north.get(f"/v1/findings/{rec['finding']}").json()["events"] == before

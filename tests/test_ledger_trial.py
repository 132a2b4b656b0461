"""What a fresh-clone trial of the ledger found (issue 11): the acting officer required, no
observation from the future, an unknown office named as such, the penalty's fine part of the
recorded action, one id under two names, history after an id correction and with weak matches,
a compact referral answer, and states said in the office's terms."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from fireenforce.cli import main
from fireenforce.errors import CaseError
from fireenforce.ledger import FineRequired, Ledger, LedgerError, OpenFinding, Record
from fireenforce.service import Settings, create_app
from ledgerkit import case, event_count, resident_id, uscc
from servicekit import ledger_with_tokens

PERSON = {"kind": "individual", "name": "张某", "address": "西峰区北街某小区5号楼"}


@pytest.fixture
def led(open_ledger: Ledger) -> Ledger:
    return open_ledger


def run(capsys: pytest.CaptureFixture[str], tmp_path: Path, *argv: str, data: dict[str, Any] | None = None,
        ) -> tuple[int, str, str]:
    """``fireenforce ledger …`` on the test's database; ``data`` is written as the case file CASE."""
    db = str(tmp_path / "office.db")
    if not Path(db).exists():
        assert main(["ledger", "init", "--db", db]) == 0
    if data is not None:
        (tmp_path / "case.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    args = [str(tmp_path / "case.json") if a == "CASE" else a for a in argv]
    capsys.readouterr()
    code = main(["ledger", *args, "--db", db])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(code: int, err: str, start: str) -> None:
    assert code == 2 and err.count("\n") == 1 and err.startswith(f"fireenforce: error: {start}"), err


# 1. the acting officer ------------------------------------------------------------------------

@pytest.mark.parametrize("officer", ["", "  "])
def test_a_record_without_the_acting_officer_is_refused_and_writes_nothing(led: Ledger, officer: str) -> None:
    before = event_count(led)
    with pytest.raises(CaseError, match="^officer: missing: .*执法全过程记录"):
        led.record(case(1), officer=officer)
    assert event_count(led) == before


@pytest.mark.parametrize("rectified", [True, False])
def test_a_reinspection_without_the_officer_warns(led: Ledger, rectified: bool) -> None:
    """The contract's reinspect has no officer: it is recorded, and the result says 检查人员 is blank."""
    finding = led.record(case(19), officer="王某").finding
    out = led.reinspect(finding, on="2026-05-10", rectified=rectified, officer=" ")
    assert [w.split(":")[0] for w in out.warnings] == ["officer"] and "检查人员" in out.warnings[0]
    named = led.reinspect(led.record(case(20), officer="王某").finding, on="2026-05-10", rectified=rectified,
                          officer="李某")
    assert named.warnings == ()


def test_the_command_line_warns_when_no_officer_reinspects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, tmp_path, "record", "CASE", "--officer", "王某", "--format", "json", data=case(21))
    code, _, err = run(capsys, tmp_path, "reinspect", json.loads(out)["finding"], "--on", "2026-05-10", "--rectified")
    assert code == 0 and err.startswith("fireenforce: warning: officer: not named:") and err.count("\n") == 1


def test_the_command_line_requires_the_officer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, tmp_path, "record", "CASE", data=case(1))
    one_line(code, err, "officer: missing")
    assert out == "" and run(capsys, tmp_path, "record", "CASE", "--officer", "王某")[0] == 0


@pytest.fixture
def http(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], str]]:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    tokens = ledger_with_tokens(url)
    with TestClient(create_app(Settings(db=url))) as client:
        yield client, {"Authorization": f"Bearer {tokens['north']}"}, url


@pytest.mark.parametrize("body, message", [
    ({}, "Field required"),
    ({"officer": " "}, "missing: the record of the enforcement"),
])
def test_http_requires_the_officer(http: tuple[TestClient, dict[str, str], str], body: dict[str, Any],
                                   message: str) -> None:
    client, headers, _ = http
    answer = client.post("/v1/findings", json={"case": case(1), **body}, headers=headers)
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "officer" and answer.json()["error"]["message"].startswith(message)


# 2. no observation from the future ------------------------------------------------------------

def test_a_case_observed_or_decided_after_today_is_refused(ledger_url: str) -> None:
    with Ledger(ledger_url, today=lambda: dt.date(2026, 5, 3)) as led:
        for field, over in (("observed_on", {"on": "2026-05-04"}), ("decided_on", {"decided_on": "2026-05-04"})):
            with pytest.raises(CaseError, match=f"^{field}: 2026-05-04 is after today \\(2026-05-03\\)"):
                led.record(case(2, **over), officer="王某")
        assert event_count(led) == 0
        assert led.record(case(2), officer="王某").finding  # today itself is fine


def test_the_command_line_refuses_a_future_observation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, tmp_path, "record", "CASE", "--officer", "王某", data=case(3, on="2099-01-04"))
    one_line(code, err, "observed_on: 2099-01-04 is after today")


# 3. an unknown office -------------------------------------------------------------------------

def test_an_unknown_office_is_named_with_the_known_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = case(4, office={"level": "street", "name": "东街街道消防安全办公室"})
    code, _, err = run(capsys, tmp_path, "record", "CASE", "--officer", "王某", data=data)
    one_line(code, err, 'office.name: unknown office "东街街道消防安全办公室"; known: 北街街道消防安全办公室, ')
    assert "庆阳市西峰区消防救援大队" in err and "offices.yaml" not in err


# 4. the fine is part of the recorded action ----------------------------------------------------

def test_a_penalty_on_reinspection_needs_its_fine_and_the_documents_carry_it(led: Ledger) -> None:
    rec = led.record(case(5), officer="王某")
    assert led.reinspect(rec.finding, on="2026-05-10", rectified=False, officer="李某").step == "warning"
    before = event_count(led)
    with pytest.raises(FineRequired, match="^fine: missing: the step is a penalty with a fine of 5000–50000 yuan") as info:
        led.reinspect(rec.finding, on="2026-05-20", rectified=False, officer="李某")
    assert event_count(led) == before and info.value.decision is not None and info.value.decision.step == "penalty"
    with pytest.raises(CaseError, match="^formal_warning: a formal warning is recorded only with a penalty"):
        led.reinspect(rec.finding, on="2026-05-20", rectified=False, officer="李某", formal_warning=True)
    penalty = led.reinspect(rec.finding, on="2026-05-20", rectified=False, officer="李某", fine=8000)
    assert isinstance(penalty, Record) and penalty.fine == 8000
    assert "8000" in led.render(rec.finding, "penalty_notice", format="text")
    with pytest.raises(LedgerError, match="^--formal-warning: the action A-[0-9a-f]+ imposed 8000 yuan"):
        led.render(rec.finding, "penalty_notice", format="text", formal_warning=True)


def test_a_formal_warning_instead_of_a_fine_is_recorded_and_rendered(led: Ledger) -> None:
    person = {**PERSON, "id": resident_id(6), "operating": True}
    with pytest.raises(FineRequired, match="or --formal-warning for a warning instead"):
        led.record(case(6, subject=person), officer="王某", step="penalty", reason="现场拒不改正")
    with pytest.raises(CaseError, match="^formal_warning: the law provides a formal warning or a fine, one of them"):
        led.record(case(6, subject=person), officer="王某", step="penalty", reason="现场拒不改正", fine=100,
                   formal_warning=True)
    rec = led.record(case(6, subject=person), officer="王某", step="penalty", reason="现场拒不改正", formal_warning=True)
    assert rec.formal_warning and rec.fine is None
    assert led.latest(rec.finding).formal_warning
    with pytest.raises(LedgerError, match="^--fine: the action A-[0-9a-f]+ imposed a formal warning"):
        led.render(rec.finding, "penalty_notice", format="text", fine=100)
    assert "警告" in led.render(rec.finding, "penalty_notice", format="text")


def test_the_command_line_asks_for_the_fine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, tmp_path, "record", "CASE", "--officer", "王某", "--format", "json", data=case(7))
    finding = json.loads(out)["finding"]
    assert run(capsys, tmp_path, "reinspect", finding, "--on", "2026-05-10", "--not-rectified", "--officer", "李某")[0] == 0
    code, _, err = run(capsys, tmp_path, "reinspect", finding, "--on", "2026-05-20", "--not-rectified",
                       "--officer", "李某")
    one_line(code, err, "fine: missing: the step is a penalty with a fine of 5000–50000 yuan")
    code, out, _ = run(capsys, tmp_path, "reinspect", finding, "--on", "2026-05-20", "--not-rectified",
                       "--officer", "李某", "--fine", "6000")
    assert code == 0 and "罚款：6000元" in out
    code, _, err = run(capsys, tmp_path, "render", finding, "--document", "penalty_notice", "--fine", "7000",
                       "--format", "text")
    one_line(code, err, "--fine: the action A-")


# 5. one id under two names ----------------------------------------------------------------------

def test_one_id_under_two_names_warns_and_history_keeps_both(led: Ledger) -> None:
    first = led.record(case(8), officer="王某")
    assert first.warnings == ()
    renamed = {**case(8)["subject"], "name": "某某便利店"}
    second = led.record(case(8, item="EB-PARK", subject=renamed), officer="王某")
    [warning] = second.warnings
    assert warning.startswith("subject.name: ") and "某某超市8号店" in warning and "某某便利店" in warning
    assert uscc(8) not in warning
    assert {h.subject_name for h in led.history_rows(uscc(8))} == {"某某超市8号店", "某某便利店"}
    assert led.record(case(9), officer="王某").warnings == ()


def test_the_command_line_warns_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, tmp_path, "record", "CASE", "--officer", "王某", data=case(10))[0] == 0
    renamed = {**case(10)["subject"], "name": "某某便利店"}
    code, out, err = run(capsys, tmp_path, "record", "CASE", "--officer", "王某", "--format", "json",
                         data=case(10, item="EB-PARK", subject=renamed))
    assert code == 0 and err.startswith("fireenforce: warning: subject.name: ") and err.count("\n") == 1
    assert json.loads(out)["warnings"] == [err.removeprefix("fireenforce: warning: ").strip()]
    code, out, _ = run(capsys, tmp_path, "history", uscc(10))
    assert "某某超市10号店" in out and "某某便利店" in out


# 6. history after an id correction: see test_ledger_cli (the link first, then the corrected id's)

def test_history_of_a_corrected_id_says_where_it_went_in_json_too(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, tmp_path, "record", "CASE", "--officer", "王某", "--format", "json", data=case(11))
    finding = json.loads(out)["finding"]
    event = json.loads(run(capsys, tmp_path, "show", finding, "--format", "json")[1])["events"][0]["id"]
    assert run(capsys, tmp_path, "correct", event, "--reason", "代码录入错误", "--set", f"subject_id={uscc(12)}")[0] == 0
    code, out, err = run(capsys, tmp_path, "history", uscc(11), "--format", "json")
    assert code == 0 and json.loads(out) == [] and "refiled under 916200" in err and uscc(12) not in err


# 7. weak matches marked in history ----------------------------------------------------------------

def test_history_marks_findings_joined_by_name_and_address(led: Ledger, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    weak = led.record(case(13, item="EB-CHARGE", subject=PERSON), officer="王某")
    led.reinspect(weak.finding, on="2026-05-04", rectified=True, officer="王某")
    strong = led.record(case(13, item="EB-CHARGE", subject={**PERSON, "id": resident_id(13)}, on="2026-06-01"),
                        officer="王某")
    rows = led.history_rows(resident_id(13))
    assert [(r.finding, r.weak) for r in rows] == [(weak.finding, True), (strong.finding, False)]
    assert [r.model_dump(exclude={"finding", "subject_name", "weak"}) for r in rows] == [
        h.model_dump() for h in led.history(resident_id(13))]


def test_the_command_line_marks_weak_matches(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, tmp_path, "record", "CASE", "--officer", "王某", "--format", "json",
                       data=case(14, item="EB-CHARGE", subject=PERSON))
    assert run(capsys, tmp_path, "reinspect", json.loads(out)["finding"], "--officer", "王某", "--on", "2026-05-04", "--rectified")[0] == 0
    assert run(capsys, tmp_path, "record", "CASE", "--officer", "王某",
               data=case(14, item="EB-CHARGE", subject={**PERSON, "id": resident_id(14)}, on="2026-06-01"))[0] == 0
    text = run(capsys, tmp_path, "history", resident_id(14))[1].splitlines()
    assert "弱匹配" in text[0] and "弱匹配" not in text[1]
    rows = json.loads(run(capsys, tmp_path, "history", resident_id(14), "--format", "json")[1])
    assert [r["weak"] for r in rows] == [True, False]


# 9. states in the office's terms ------------------------------------------------------------------

def test_refusals_say_the_state_in_the_offices_terms(led: Ledger) -> None:
    referred = led.record(case(15), officer="王某", step="referral", reason="安全出口严重堵塞，需临时查封")
    with pytest.raises(OpenFinding) as info:
        led.record(case(15, on="2026-05-04"), officer="王某")
    assert info.value.code == "open_finding" and info.value.status == "referred"
    assert "已移交 (referred) to " in str(info.value) and "status" not in str(info.value)
    with pytest.raises(LedgerError, match="the finding is 已移交: there is nothing to re-inspect"):
        led.reinspect(referred.finding, on="2026-05-05", rectified=True, officer="王某")
    led.referral_answer(referred.finding, on="2026-05-06", accepted=True)
    with pytest.raises(LedgerError) as answered:
        led.referral_answer(referred.finding, on="2026-05-07", accepted=False)
    assert "was 已接收 on 2026-05-06" in str(answered.value) and "status" not in str(answered.value)
    opened = led.record(case(16), officer="王某")
    with pytest.raises(LedgerError, match="the finding is 待整改复查, not 已移交"):
        led.referral_answer(opened.finding, on="2026-05-07", accepted=True)


def test_show_heads_a_referred_finding_with_the_brigades_answer(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, tmp_path, "record", "CASE", "--officer", "王某", "--step", "referral",
                       "--reason", "安全出口严重堵塞，需临时查封", "--format", "json", data=case(18))
    finding = json.loads(out)["finding"]
    assert run(capsys, tmp_path, "show", finding)[1].splitlines()[0].split()[2] == "已移交（待接收）"
    assert run(capsys, tmp_path, "referral", finding, "--on", "2026-05-06", "--accepted")[0] == 0
    assert "  已移交（已接收 2026-05-06）  " in run(capsys, tmp_path, "show", finding)[1].splitlines()[0]


def test_the_phone_page_says_the_new_refusals_in_chinese(led: Ledger) -> None:
    from fireenforce.service.wording import in_chinese

    said = []
    for call in (lambda: led.record(case(17), officer=""), lambda: led.record(case(17, on="2099-01-01"), officer="王某"),
                 lambda: led.record(case(17, office={"level": "street", "name": "东街"}), officer="王某"),
                 lambda: led.record(case(17), officer="王某", step="penalty", reason="拒不改正")):
        with pytest.raises(CaseError) as info:
            call()
        said.append(in_chinese(info.value.field, info.value.message))
    assert said[0] == "执法人员：必须填写：执法全过程记录须载明执法人员"
    assert said[1].startswith("发现日期：2099-01-01 晚于今天")
    assert said[2].startswith("执法单位名称：“东街”不是已登记的执法单位；已登记：北街街道消防安全办公室")
    assert said[3] == "罚款金额：本案处以行政处罚，请填写罚款金额（法定幅度 5000–50000 元）"

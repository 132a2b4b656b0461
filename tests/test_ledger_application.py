"""A party's application for re-inspection (复查申请, 《消防监督检查规定》第二十条第二款: 收到当事人的复查
申请之日起三个工作日内进行复查): the finding is due at once, within three working days of the
calendar, in Python, the CLI and the HTTP API; bad applications are refused with one line."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fireenforce.cli import main
from fireenforce.errors import CaseError
from fireenforce.ledger import Ledger, LedgerError
from fireenforce.service import Settings, create_app
from ledgerkit import case, event_count
from servicekit import ledger_with_tokens

D = dt.date.fromisoformat


@pytest.fixture
def led(open_ledger: Ledger) -> Ledger:
    return open_ledger


def test_an_application_makes_the_finding_due_before_its_deadline(led: Ledger) -> None:
    rec = led.record(case(1), officer="王某")  # a reminder of 2026-05-03 (劳动节 days off), deadline 2026-05-06
    assert rec.deadline == D("2026-05-06") and led.due("2026-05-04") == []
    view = led.apply_for_reinspection(rec.finding, on="2026-05-04", note="已清除堵塞物")
    assert view.applied_on == D("2026-05-04") and view.events[-1].kind == "application"
    [due] = led.due("2026-05-04")
    # three working days from the application: 05-04 and 05-05 are days off, so 05-06, 05-07, 05-08
    assert (due.finding, due.applied_on, due.overdue, due.reinspect_by) == (rec.finding, D("2026-05-04"), False,
                                                                            D("2026-05-08"))
    assert led.due("2026-05-03") == []  # not applied yet on that day
    led.reinspect(rec.finding, on="2026-05-05", rectified=False, officer="王某")  # before the deadline: the visit only
    assert led.due("2026-05-05") == [] and led.show(rec.finding).applied_on is None
    [late] = led.due("2026-05-07")  # the deadline passed: due as always, window from the deadline
    assert (late.applied_on, late.overdue, late.reinspect_by) == (None, True, D("2026-05-09"))  # Saturday 调休上班
    assert led.verify().ok


def test_bad_applications_are_refused_and_write_nothing(led: Ledger) -> None:
    rec = led.record(case(2), officer="王某")
    before = event_count(led)
    with pytest.raises(CaseError, match="on: 2026-05-02 is before the order it concerns"):
        led.apply_for_reinspection(rec.finding, on="2026-05-02")
    assert event_count(led) == before
    led.apply_for_reinspection(rec.finding, on="2026-05-04")
    with pytest.raises(LedgerError, match="applied for a re-inspection on 2026-05-04"):
        led.apply_for_reinspection(rec.finding, on="2026-05-05")
    led.reinspect(rec.finding, on="2026-05-06", rectified=True, officer="王某")
    with pytest.raises(LedgerError, match="the finding is closed"):
        led.apply_for_reinspection(rec.finding, on="2026-05-07")


def test_export_and_import_carry_the_application(led: Ledger, tmp_path: Path) -> None:
    rec = led.record(case(3), officer="王某")
    led.apply_for_reinspection(rec.finding, on="2026-05-04")
    out = io.StringIO()
    led.export(out)
    with Ledger(f"sqlite:///{tmp_path / 'copy.db'}") as copy:
        copy.import_(out.getvalue().splitlines())
        assert copy.show(rec.finding).applied_on == D("2026-05-04")
        assert [d.finding for d in copy.due("2026-05-04")] == [rec.finding]


def test_the_cli_records_an_application_and_refuses_a_bad_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "l.db"
    with Ledger(f"sqlite:///{db}") as led:
        finding = led.record(case(4), officer="王某").finding
    assert main(["ledger", "apply", finding, "--on", "2026-05-04", "--db", str(db)]) == 0
    assert "应于 2026-05-08 前复查" in capsys.readouterr().out
    assert main(["ledger", "due", "--on", "2026-05-04", "--db", str(db)]) == 0
    assert "（2026-05-04 申请复查）  复查至 2026-05-08" in capsys.readouterr().out
    assert main(["ledger", "apply", finding, "--on", "2026-05-05", "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "applied for a re-inspection on 2026-05-04" in err


def test_the_http_api_records_an_application(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    tokens = ledger_with_tokens(url, "north")
    headers = {"Authorization": f"Bearer {tokens['north']}"}
    with Ledger(url) as led:
        finding = led.record(case(5), officer="王某").finding
    with TestClient(create_app(Settings(db=url))) as client:
        path = f"/v1/findings/{finding}/applications"
        early: Any = client.post(path, json={"on": "2026-05-01"}, headers=headers)
        assert early.status_code == 422 and early.json()["error"]["field"] == "on"
        answer: Any = client.post(path, json={"on": "2026-05-04", "note": "已整改"}, headers=headers)
        assert answer.status_code == 201 and answer.json()["applied_on"] == "2026-05-04", answer.text
        again: Any = client.post(path, json={"on": "2026-05-04"}, headers=headers)
        assert again.status_code == 409
        [due] = client.get("/v1/due", params={"on": "2026-05-04"}, headers=headers).json()
        assert (due["applied_on"], due["reinspect_by"]) == ("2026-05-04", "2026-05-08")


def test_each_window_is_its_own_a_lapsed_one_flagged_an_oral_order_labelled_policy(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A reminder of 2026-05-03 (deadline 05-06, its window to 05-09) applied for on 05-20: the
    application's window (05-21, 05-22, 05-25) is the one to meet; the deadline's is flagged
    lapsed; the oral order's windows are local policy, not 检查规定第二十条第二款."""
    db = tmp_path / "l.db"
    with Ledger(f"sqlite:///{db}") as led:
        finding = led.record(case(6), officer="王某").finding
    assert main(["ledger", "apply", finding, "--on", "2026-05-20", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "收到复查申请之日起应于 2026-05-25 前复查（三个工作日，本地政策，policy/ladder.yaml oral_reinspection）" in out
    assert "整改期限（2026-05-06）届满起的复查期限（三个工作日，本地政策，policy/ladder.yaml oral_reinspection）已于 " \
           "2026-05-09 届满（已过）" in out
    assert "第二十条第二款）" not in out and "存疑（DOUBT-ORAL-ORDER-REINSPECTION）" in out
    with Ledger(f"sqlite:///{db}") as led:
        [due] = led.due("2026-05-20")
        assert due.reinspect_by == D("2026-05-25")  # the window still running, not the lapsed one


def test_an_application_before_the_penalty_decision_that_gives_the_order_is_refused(led: Ledger) -> None:
    """A penalty noticed 2026-05-03 (6000 yuan, no hearing) is decided, and the correction
    ordered, on 2026-05-07: an application of 05-05 precedes the order it would concern."""
    rec = led.record(case(7), step="penalty", reason="安全出口在营业期间锁闭，情况紧急", fine=6000, officer="王某")
    before = event_count(led)
    with pytest.raises(CaseError, match=r"^on: 2026-05-05 is before the order it concerns \(2026-05-07\)"):
        led.apply_for_reinspection(rec.finding, on="2026-05-05")
    assert event_count(led) == before
    assert led.apply_for_reinspection(rec.finding, on="2026-05-07").applied_on == D("2026-05-07")

"""The ledger's Python API on SQLite and PostgreSQL: record, history, reinspect, due, numbers,
departures, referrals, corrections, show, and refusals that leave nothing behind."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

import fireenforce as fe
from fireenforce.errors import CaseError
from fireenforce.ledger import Closure, Ledger, LedgerError, Record, UnknownFinding
from fireenforce.ledger.tables import events
from ledgerkit import OTHER_OFFICE, TODAY, case, uscc

NUMBER = re.compile(r"^西北街消(检查字|责改字|罚告字|罚决字|移字)〔2026〕第(\d+)号$")


@pytest.fixture
def led(ledger_url: str) -> Ledger:
    ledger = Ledger(ledger_url, today=lambda: TODAY)
    yield ledger
    ledger.close()


def event_count(led: Ledger) -> int:
    with led.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


def test_record_returns_the_contract_shape_and_the_decision_with_its_ruleset(led: Ledger) -> None:
    rec = led.record(case(1), officer="王某")
    data = rec.model_dump(mode="json")
    assert {"finding", "action", "status", "decision", "documents", "deadline"} <= set(data)
    assert data["finding"].startswith("F-") and data["action"].startswith("A-") and data["status"] == "open"
    plain = fe.decide(case(1))
    assert rec.decision == plain  # no history yet: the same as a bare decide
    assert data["deadline"] == plain.rectification.deadline.isoformat()
    assert [d["type"] for d in data["documents"]] == list(plain.documents)
    assert all(NUMBER.match(d["number"]) for d in data["documents"])
    assert data["subject"] == {"id": uscc(1)[:6] + "*" * 8 + uscc(1)[-4:], "name": "某某超市1号店", "weak": False}
    assert uscc(1) not in str(data)


def test_the_ledger_supplies_history_and_the_ladder_climbs(led: Ledger) -> None:
    first = led.record(case(2), officer="王某")
    led.reinspect(first.finding, on="2026-05-05", rectified=True, officer="王某")  # closed: the conduct seen again is a repeat
    second = led.record(case(2, on="2026-06-01"), officer="王某")
    history = led.history(uscc(2))
    assert [(h.date, h.step) for h in history] == [(dt.date(2026, 5, 3), first.step), (dt.date(2026, 6, 1), second.step)]
    expected = fe.decide({**case(2, on="2026-06-01"), "history": [history[0].model_dump(mode="json")]})
    assert second.decision == expected
    assert second.decision.step != "reminder" or first.step != "reminder"


def test_a_case_with_its_own_history_is_refused_and_writes_nothing(led: Ledger) -> None:
    bad = {**case(3), "history": [{"date": "2026-03-01", "item": "EV-BLOCK", "step": "reminder"}]}
    with pytest.raises(CaseError, match="^history: "):
        led.record(bad, officer="王某")
    assert event_count(led) == 0


@pytest.mark.parametrize("field, value", [("subject.id", "91620000MA00000010"), ("observed_on", "2026-13-01")])
def test_bad_input_is_one_line_naming_the_field_and_leaves_nothing(led: Ledger, field: str, value: str) -> None:
    data = case(4)
    if field == "subject.id":
        data["subject"] = {**data["subject"], "id": value}
    else:
        data[field] = value
    with pytest.raises(CaseError) as info:
        led.record(data, officer="王某")
    assert str(info.value).startswith(f"{field}: ") and "\n" not in str(info.value)
    assert value not in str(info.value) or field != "subject.id"  # the id itself is masked
    assert event_count(led) == 0


def test_reinspection_rectified_closes_the_finding(led: Ledger) -> None:
    rec = led.record(case(5), officer="王某")
    out = led.reinspect(rec.finding, on="2026-05-06", rectified=True, officer="王某")
    assert isinstance(out, Closure) and (out.finding, out.closed_on) == (rec.finding, dt.date(2026, 5, 6))
    assert out.reinspection is not None and out.reinspection.rectified
    assert [d.number for d in out.reinspection.documents] == ["西北街消检查字〔2026〕第2号"]  # after the reminder's
    view = led.show(rec.finding)
    assert (view.status, view.deadline, view.closed_on) == ("closed", None, dt.date(2026, 5, 6))
    assert led.due(on="2026-12-31", within_days=30) == []
    assert [h.rectified for h in led.history(uscc(5))] == [True]
    with pytest.raises(LedgerError, match="已整改销号"):
        led.reinspect(rec.finding, on="2026-05-07", rectified=False, officer="王某")


def test_reinspection_not_rectified_decides_the_next_step_with_the_unheeded_order(led: Ledger) -> None:
    rec = led.record(case(6), officer="王某")
    nxt = led.reinspect(rec.finding, on="2026-05-10", rectified=False, officer="李某")
    assert isinstance(nxt, Record) and nxt.finding == rec.finding and nxt.action != rec.action
    history = led.history(uscc(6))
    assert history[0].rectified is False and history[0].step == rec.step
    replay = fe.decide({**case(6, on="2026-05-10"), "decided_on": "2026-05-10",
                        "history": [history[0].model_dump(mode="json")]})
    assert nxt.decision == replay
    assert len(led.show(rec.finding).events) > 4


def test_due_lists_open_findings_past_their_deadline(led: Ledger) -> None:
    a = led.record(case(7), officer="王某")
    b = led.record(case(8, office=OTHER_OFFICE, on="2026-05-20"), officer="王某")
    deadline_a, deadline_b = a.deadline, b.deadline
    assert deadline_a and deadline_b
    assert led.due(on=deadline_a) == []  # the deadline day itself is still within time
    due = led.due(on=deadline_a + dt.timedelta(days=1))
    assert [d.finding for d in due] == [a.finding] and due[0].overdue and due[0].last_step == a.step
    assert due[0].model_dump(mode="json")["subject"]["id"].count("*") == 8
    later = deadline_b + dt.timedelta(days=1)
    assert [d.finding for d in led.due(on=later)] == [a.finding, b.finding]
    assert [d.finding for d in led.due(on=later, office=OTHER_OFFICE["name"])] == [b.finding]
    soon = led.due(on=deadline_a + dt.timedelta(days=1), within_days=30)
    assert [(d.finding, d.overdue) for d in soon] == [(a.finding, True), (b.finding, False)]


def test_document_numbers_are_per_office_type_and_year_and_gap_free(led: Ledger) -> None:
    numbers = [led.record(case(10 + n), officer="王某").documents[0].number for n in range(3)]
    assert [int(NUMBER.match(n).group(2)) for n in numbers] == [1, 2, 3]
    other = led.record(case(20, office=OTHER_OFFICE), officer="王某").documents[0].number
    assert other == "西南街消检查字〔2026〕第1号"
    next_year = led.record(case(21, on="2027-01-04"), officer="王某").documents[0].number
    assert next_year == "西北街消检查字〔2027〕第1号"
    order = led.reinspect(led.record(case(22), officer="王某").finding, on="2026-05-10", rectified=False,
                          officer="王某")
    assert [d.number for d in order.documents] == ["西北街消检查字〔2026〕第5号", "西北街消责改字〔2026〕第1号"]


def test_a_departure_needs_a_written_reason_and_is_recorded(led: Ledger) -> None:
    suggested = fe.decide(case(30)).step
    chosen = "warning" if suggested != "warning" else "reminder"
    with pytest.raises(CaseError, match="^reason: "):
        led.record(case(30), step=chosen, officer="王某")
    assert event_count(led) == 0
    rec = led.record(case(30), step=chosen, reason="当事人此前已被口头提醒两次", officer="王某")
    assert rec.step == chosen and rec.departure and rec.departure.suggested == suggested
    assert led.history(uscc(30))[0].step == chosen
    assert "rectification_order" in [d.type for d in rec.documents] or chosen != "warning"


def test_a_referral_is_sent_and_answered(led: Ledger) -> None:
    rec = led.record(case(31), step="referral", reason="涉嫌重大火灾隐患，移交大队", officer="王某")
    assert rec.status == "referred" and rec.deadline is None
    assert "referral_letter" in [d.type for d in rec.documents]
    with pytest.raises(LedgerError):
        led.reinspect(rec.finding, on="2026-05-10", rectified=True, officer="王某")
    with pytest.raises(CaseError, match="^on: 2026-01-02 is before the referral"):  # found by a trial
        led.referral_answer(rec.finding, on="2026-01-02", accepted=True)
    view = led.referral_answer(rec.finding, on="2026-05-12", accepted=False, result="不属于本大队管辖，退回")
    assert view.status == "open" and view.deadline == dt.date(2026, 5, 15)  # policy/ladder.yaml returned_days: 3
    assert led.due(on="2026-05-15") == [] and [d.finding for d in led.due(on="2026-05-16")] == [rec.finding]
    assert view.events[-1].payload["result"] == "不属于本大队管辖，退回"


def test_a_correction_is_a_new_event_and_changes_the_state(led: Ledger) -> None:
    rec = led.record(case(32), officer="王某")
    action_event = next(e for e in led.show(rec.finding).events if e.kind == "action")
    with pytest.raises(CaseError, match="^reason: "):
        led.correct(action_event.id, reason=" ", changes={"deadline": "2026-06-30"})
    with pytest.raises(CaseError, match="^changes.step: "):
        led.correct(action_event.id, reason="录入错误", changes={"step": "penalty"})
    with pytest.raises(CaseError, match="^changes.deadline: 2026-04-01 is before"):
        led.correct(action_event.id, reason="录入错误", changes={"deadline": "2026-04-01"})
    led.correct(action_event.id, reason="整改期限录入错误", changes={"deadline": "2026-06-30"})
    view = led.show(rec.finding)
    assert view.deadline == dt.date(2026, 6, 30)
    assert [e.kind for e in view.events].count("action") == 1 and view.events[-1].kind == "correction"
    assert next(e for e in view.events if e.kind == "action").payload == action_event.payload
    assert led.history(uscc(32))[0].model_dump().get("deadline", dt.date(2026, 6, 30)) == dt.date(2026, 6, 30)
    assert led.verify().ok


def test_subjects_without_an_id_match_by_normalised_name_and_address_weakly(led: Ledger) -> None:
    person = {"kind": "individual", "name": "张 某", "address": "西峰区北街某小区5号楼"}
    first = led.record(case(33, item="EB-CHARGE", subject=person), officer="王某")
    assert first.subject.weak and first.subject.id == ""
    led.reinspect(first.finding, on="2026-05-04", rectified=True, officer="王某")
    again = {**person, "name": "张某", "address": "西峰区北街某小区５号楼"}  # fullwidth digit, no space
    led.record(case(33, item="EB-CHARGE", subject=again, on="2026-06-01"), officer="王某")
    assert len(led.history(fe.Case.model_validate(case(33, subject=again)).subject)) == 2


def test_unknown_ids_are_typed_errors(led: Ledger) -> None:
    with pytest.raises(UnknownFinding, match="F-nothing"):
        led.show("F-nothing")
    with pytest.raises(UnknownFinding):
        led.reinspect("F-nothing", on="2026-05-01", rectified=True, officer="王某")
    with pytest.raises(CaseError, match="^subject_id: "):
        led.history("12345")


def test_show_masks_the_id_everywhere(led: Ledger) -> None:
    rec = led.record(case(34), officer="王某")
    text = led.show(rec.finding).model_dump_json()
    assert uscc(34) not in text and uscc(34)[-4:] in text


def test_verify_passes_on_an_intact_record(led: Ledger) -> None:
    rec = led.record(case(35), officer="王某")
    led.reinspect(rec.finding, on="2026-05-09", rectified=False, officer="王某")
    report = led.verify()
    assert report.ok and report.events == event_count(led) and report.offices == 1


def test_a_source_key_makes_recording_idempotent(led: Ledger) -> None:
    first = led.record(case(40), source="trigger-2026-05-03-17", officer="王某")
    before = event_count(led)
    again = led.record(case(40), source="trigger-2026-05-03-17", officer="王某")
    assert again == first and event_count(led) == before
    for other in ({"case": case(40, on="2026-05-04")}, {"officer": "李某"}, {"step": "warning", "reason": "理由"}):
        with pytest.raises(LedgerError, match="^--source trigger-2026-05-03-17: recorded already, as F-"):
            led.record(other.pop("case", case(40)), source="trigger-2026-05-03-17", **{"officer": "王某", **other})
    assert event_count(led) == before
    assert led.record(case(48, on="2026-05-04"), source="trigger-2026-05-04-1", officer="王某").finding != first.finding


def test_a_fine_is_recorded_within_the_legal_range_only_on_a_penalty(led: Ledger) -> None:
    with pytest.raises(CaseError, match="^fine: a fine is recorded only with a penalty .*the step is reminder"):
        led.record(case(41), fine=5000, officer="王某")
    rec = led.record(case(41), officer="王某")
    warning = led.reinspect(rec.finding, on="2026-05-10", rectified=False, officer="王某")
    assert isinstance(warning, Record) and warning.step == "warning"
    before = event_count(led)
    with pytest.raises(CaseError, match="^fine: 100 yuan is outside the legal range 5000–50000"):
        led.reinspect(rec.finding, on="2026-05-20", rectified=False, fine=100, officer="王某")
    assert event_count(led) == before
    penalty = led.reinspect(rec.finding, on="2026-05-20", rectified=False, fine=20000, officer="王某")
    assert isinstance(penalty, Record) and penalty.step == "penalty" and penalty.fine == 20000
    assert "贰万" in led.render(rec.finding, "penalty_decision", format="text") or "20000" in led.render(
        rec.finding, "penalty_decision", format="text")
    assert "20000" in led.render(rec.finding, "penalty_notice", format="text", fine=20000)
    with pytest.raises(LedgerError, match="^--fine: the action A-[0-9a-f]+ imposed 20000 yuan, as recorded"):
        led.render(rec.finding, "penalty_notice", format="text", fine=30000)


def test_events_for_reports_by_office_kind_and_date(led: Ledger) -> None:
    a = led.record(case(42), officer="王某")
    led.record(case(43, office=OTHER_OFFICE, on="2026-06-02"), officer="王某")
    led.reinspect(a.finding, on="2026-05-09", rectified=True, officer="王某")
    kinds = [e.kind for e in led.events(office="北街街道消防安全办公室")]
    assert kinds[:2] == ["finding", "action"] and kinds[-3:] == ["reinspection", "document", "closure"]
    may = list(led.events(since="2026-05-01", until="2026-05-31", kinds=["closure"]))
    assert [(e.finding, e.at) for e in may] == [(a.finding, dt.date(2026, 5, 9))]
    assert {e.office for e in led.events(since="2026-06-01")} == {OTHER_OFFICE["name"]}


def test_history_of_one_office(led: Ledger) -> None:
    led.record(case(44), officer="王某")
    led.record(case(44, office=OTHER_OFFICE, on="2026-06-01"), officer="王某")
    assert len(led.history(uscc(44))) == 2
    assert [h.date for h in led.history(uscc(44), office=OTHER_OFFICE["name"])] == [dt.date(2026, 6, 1)]
    assert [h.date for h in led.history(uscc(44), on="2026-05-31")] == [dt.date(2026, 5, 3)]


def test_export_import_round_trip_on_each_backend(led: Ledger, request: pytest.FixtureRequest, tmp_path) -> None:
    import io

    rec = led.record(case(45), officer="王某")
    led.reinspect(rec.finding, on="2026-05-10", rectified=False, officer="王某")
    led.record(case(46, office=OTHER_OFFICE), officer="王某")
    first = io.StringIO()
    count = led.export(first)
    if led.engine.dialect.name == "sqlite":
        url = f"sqlite:///{tmp_path / 'copy.db'}"
    else:
        url = request.getfixturevalue("postgres").create_database()
    with Ledger(url) as copy:
        assert copy.import_(first.getvalue().splitlines()) == count
        second = io.StringIO()
        copy.export(second)
        assert second.getvalue() == first.getvalue()
        assert copy.show(rec.finding) == led.show(rec.finding) and copy.verify().ok
        nxt = copy.record(case(47), officer="王某")  # the copy carries on numbering where the original stopped
        assert nxt.documents[0].number == "西北街消检查字〔2026〕第3号"
    with pytest.raises(LedgerError, match="^line:1: "):
        Ledger(f"sqlite:///{tmp_path / 'bad.db'}").import_(['{"seq": 1}'], source="line")


def test_a_departure_is_decided_as_the_step_taken_and_its_documents_render(led: Ledger) -> None:
    assert fe.decide(case(50)).step == "reminder"
    rec = led.record(case(50), step="penalty", reason="安全出口在营业期间锁闭，情况紧急", fine=6000, officer="王某")
    assert rec.step == rec.decision.step == "penalty" and rec.decision.procedure == "general"
    assert rec.departure and (rec.departure.suggested, rec.departure.chosen) == ("reminder", "penalty")
    assert rec.decision.penalty and rec.decision.penalty.fine and rec.decision.penalty.fine.min == 5000
    assert "departure" in [r.rule for r in rec.decision.reasons]
    assert [d.type for d in rec.documents] == list(rec.decision.documents)
    assert {"penalty_notice", "penalty_decision"} <= set(rec.decision.documents)
    for doc in rec.documents:
        text = led.render(rec.finding, doc.type, format="text", fine=6000 if "penalty" in doc.type else None)
        assert doc.number in text
    assert led.history(uscc(50))[0].step == "penalty"


@pytest.mark.parametrize("item, step, words", [
    ("EL-WIRING", "penalty", "precondition (overdue) is not met"),
    ("EB-INDOOR", "penalty", "provides no penalty"),
    ("SE-UNSEAL", "warning", "require a referral"),
])
def test_an_unlawful_departure_is_refused_and_writes_nothing(led: Ledger, item: str, step: str, words: str) -> None:
    data = case(51, item=item)
    if item == "EB-INDOOR":
        data["subject"] = {"kind": "individual", "name": "张某", "id": "", "address": "西峰区北街某小区"}
        data["place"] = {"name": "住宅", "address": "西峰区北街某小区"}
    with pytest.raises(CaseError, match=f"^step: {step}") as info:
        led.record(data, step=step, reason="理由", officer="王某")
    assert words in str(info.value) and "\n" not in str(info.value)
    assert event_count(led) == 0


def test_a_reason_without_a_departure_is_refused(led: Ledger) -> None:
    with pytest.raises(CaseError, match="^reason: .*--step"):
        led.record(case(52), reason="理由", officer="王某")
    with pytest.raises(CaseError, match="^reason: .*suggested"):
        led.record(case(52), step="reminder", reason="理由", officer="王某")
    assert event_count(led) == 0


def test_a_penalty_decision_orders_correction_from_its_own_date(led: Ledger) -> None:
    rec = led.record(case(53), officer="王某")
    led.reinspect(rec.finding, on="2026-05-08", rectified=False, officer="王某")
    penalty = led.reinspect(rec.finding, on="2026-05-20", rectified=False, fine=6000, officer="王某")
    assert isinstance(penalty, Record) and penalty.decision.procedure == "general" and penalty.deadline
    text = led.render(rec.finding, "penalty_decision", format="text")
    dated = re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    ordered = re.search(r"责令当事人于(\d{4})年(\d{1,2})月(\d{1,2})日前改正", text)
    assert ordered is not None
    day = dt.date(*map(int, dated[-1]))  # the decision's own date, at its foot
    by = dt.date(*map(int, ordered.groups()))
    assert day > dt.date(2026, 5, 20) and by > day
    assert by == penalty.deadline  # the ledger tracks the deadline the document orders
    assert led.due(on=by) == []


def test_only_the_penalty_decision_follows_its_notice(led: Ledger) -> None:
    """The notice and the inspection record keep the action's own day; only the decision waits."""
    rec = led.record(case(58), step="penalty", reason="安全出口在营业期间锁闭，情况紧急", fine=6000, officer="王某")
    assert rec.decision.procedure == "general"

    def dated(document: str) -> dt.date:
        text = led.render(rec.finding, document, format="text")
        days = re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text.split("送达回执")[0])
        return dt.date(*map(int, days[-1]))

    assert dated("inspection_record") == dt.date(2026, 5, 3)
    assert dated("penalty_notice") == dt.date(2026, 5, 3)
    assert dated("penalty_decision") > dt.date(2026, 5, 6)


@pytest.mark.parametrize("fine, issued", [
    (100, ["inspection_record", "summary_penalty_decision"]),
    (400, ["inspection_record", "penalty_notice", "penalty_decision"]),
    (None, ["inspection_record", "penalty_notice", "penalty_decision", "summary_penalty_decision"]),  # 警告
])
def test_a_known_fine_numbers_only_the_documents_of_its_procedure(led: Ledger, fine: int | None,
                                                                 issued: list[str]) -> None:
    """A penalty either procedure may take: the fine chosen decides which documents are issued,
    so no number goes to a document that will never exist; a formal warning instead of a fine
    (警告, which either procedure may impose) numbers them all."""
    data = case(59, subject={"kind": "individual", "operating": True, "name": "李某", "id": "",
                             "address": "西峰区北街某路20号"})
    rec = led.record(data, step="penalty", reason="现场拒不改正", fine=fine, formal_warning=fine is None,
                     officer="王某")
    assert "summary_penalty_decision" in rec.decision.documents and "penalty_notice" in rec.decision.documents
    assert [d.type for d in rec.documents] == issued
    numbered = [e.payload["type"] for e in led.show(rec.finding).events if e.kind == "document"]
    assert numbered == issued
    assert (rec.deadline == dt.date(2026, 5, 6)) == (fine == 100)


def test_a_referral_letter_does_not_call_an_order_nobody_reinspected_unheeded(led: Ledger) -> None:
    led.record(case(60), officer="王某")
    rec = led.record(case(60), step="referral", reason="安全出口严重堵塞，需临时查封", separate="另一处安全出口，另行立案", officer="王某")
    text = led.render(rec.finding, "referral_letter", format="text")
    assert "2026年5月3日，督促提醒（EV-BLOCK），整改期限2026年5月6日，尚未复查。" in text
    assert "未改正" not in text


def test_a_reinspection_within_the_deadline_decides_nothing(led: Ledger) -> None:
    rec = led.record(case(54), officer="王某")
    assert rec.deadline is not None
    early = rec.deadline - dt.timedelta(days=1)
    with pytest.raises(CaseError, match="^fine: the deadline runs until"):
        led.reinspect(rec.finding, on=early, rectified=False, fine=6000, officer="王某")
    same = led.reinspect(rec.finding, on=early, rectified=False, officer="王某")
    assert isinstance(same, Record) and same.action == rec.action and same.deadline == rec.deadline
    assert len(led.history(uscc(54))) == 1 and [e.kind for e in led.show(rec.finding).events][-2:] == \
        ["reinspection", "document"]  # the re-inspection's own record
    assert same.reinspection is not None and same.reinspection.documents[0].type == "inspection_record"
    nxt = led.reinspect(rec.finding, on=rec.deadline + dt.timedelta(days=1), rectified=False, officer="王某")
    assert isinstance(nxt, Record) and nxt.action != rec.action and nxt.step == "warning"
    assert [h.step for h in led.history(uscc(54))] == ["reminder", "warning"] and led.verify().ok


@pytest.mark.parametrize("option", [{"fine": 6000}, {"step": "penalty"}, {"reason": "理由"}])
def test_a_rectified_reinspection_takes_no_step_options(led: Ledger, option: dict) -> None:
    rec = led.record(case(55), officer="王某")
    with pytest.raises(CaseError, match=f"^{next(iter(option))}: a rectified finding is closed"):
        led.reinspect(rec.finding, on="2026-05-05", rectified=True, **option, officer="王某")
    assert led.show(rec.finding).status == "open"


def test_a_corrected_subject_name_reaches_later_documents(led: Ledger) -> None:
    rec = led.record(case(56), officer="王某")
    found = next(e for e in led.show(rec.finding).events if e.kind == "finding")
    led.correct(found.id, reason="名称录入错误", changes={"subject_name": "西峰区某某便民超市有限公司"})
    nxt = led.reinspect(rec.finding, on="2026-05-10", rectified=False, officer="王某")
    assert isinstance(nxt, Record) and "rectification_order" in [d.type for d in nxt.documents]
    assert "西峰区某某便民超市有限公司" in led.render(rec.finding, "rectification_order", format="text")
    first = led.render(rec.finding, "inspection_record", action=rec.action, format="text")
    assert "某某超市56号店" in first  # a document issued before the correction stays as issued


def test_open_only_an_existing_ledger(ledger_url: str) -> None:
    from fireenforce.ledger import LedgerUnavailable

    with pytest.raises(LedgerUnavailable, match="no ledger there|not a fireenforce ledger"):
        fe.Ledger(ledger_url, create=False)
    if ledger_url.startswith("sqlite"):
        assert not Path(ledger_url.removeprefix("sqlite:///")).exists()
    fe.Ledger(ledger_url).close()
    with fe.Ledger(ledger_url, create=False) as existing:
        assert existing.verify().ok


def test_rulesets_are_loaded_once_per_process(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from fireenforce.ledger import rulesets

    calls = []
    real = rulesets.load_family
    monkeypatch.setattr(rulesets, "load_family", lambda root: calls.append(root) or real(root))
    monkeypatch.setattr(rulesets, "_LOADED", {})
    with Ledger(tmp_path / "a.db") as one, Ledger(tmp_path / "b.db") as two:
        for day in range(3, 9):
            one.record(case(60 + day, on=f"2026-05-{day:02d}"), officer="王某")
            two.record(case(60 + day, on=f"2026-05-{day:02d}"), officer="王某")
    assert len(calls) == 1
    monkeypatch.setattr(rulesets, "RECHECK", -1.0)  # edits are noticed once the recheck interval has run
    assert rulesets.ruleset_on(None, dt.date(2026, 5, 3)) is rulesets.ruleset_on(None, dt.date(2026, 5, 4))
    assert len(calls) == 3

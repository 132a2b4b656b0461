"""The documents the ledger issues, read as rendered text: a re-inspection's record says it is a
复查 (of which order, when, with what result), documents in the brigade's name carry the code
the brigade gave the office, and every document of a finding orders the deadline the ledger
recorded."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest

from fireenforce.documents.numerals import chinese_date
from fireenforce.errors import DocumentError
from fireenforce.ledger import Ledger, Record
from ledgerkit import OTHER_OFFICE, case

STATUTE = Path(__file__).resolve().parents[1] / "rulesets/xifeng/2024.09/instruments/inspection-rules.yaml"
LEGAL = Path(__file__).resolve().parents[1] / "legal/fire-supervision-inspection-rules-120.md"
ORDERED = re.compile(r"(?:责令当事人|责令你（单位）|请你（单位）)于(\d{4}年\d{1,2}月\d{1,2}日)前改正上述违法行为")


@pytest.fixture
def led(open_ledger: Ledger) -> Ledger:
    return open_ledger


def test_a_reinspection_record_says_which_order_when_and_what_was_found(led: Ledger) -> None:
    rec = led.record(case(71), officer="王某")
    assert rec.deadline == dt.date(2026, 5, 6)
    nxt = led.reinspect(rec.finding, on="2026-05-07", rectified=False, note="东侧安全出口仍用挂锁锁闭", officer="王某")
    assert isinstance(nxt, Record) and nxt.step == "warning"
    text = led.render(rec.finding, "inspection_record", format="text")
    first = rec.documents[0].number
    assert "检查类别：复查" in text and "复查情况" in text
    assert (f"2026年5月3日，执法人员当场口头责令当事人于2026年5月6日前改正“占用、堵塞、封闭疏散通道、安全出口”的违法行为，"
            f"并在《消防监督检查记录》（{first}）上注明。") in text
    assert "2026年5月7日，执法人员对当事人的改正情况进行复查。复查结果：逾期未改正。" in text
    assert "复查所见：东侧安全出口仍用挂锁锁闭" in text
    # a reminder's order was oral: its re-inspection rests on local policy, never on 20(2)
    assert "复查依据：督促提醒时，执法人员口头责令当事人在三日内改正" in text and "本地政策，不是法律规定" in text
    assert "《消防监督检查规定》第二十条第二款：“" not in text and "存疑（DOUBT-ORAL-ORDER-REINSPECTION）" in text
    from docx import Document

    body = "".join(p.text for p in Document(io.BytesIO(led.render(rec.finding, "inspection_record",
                                                                    format="docx"))).paragraphs)
    assert "检查类别：复查" in body and "复查结果：逾期未改正。" in body
    html = led.render(rec.finding, "inspection_record", format="html")
    assert "<h2>复查情况</h2>" in html and "复查结果：逾期未改正。" in html
    # the first inspection's record stays a first inspection's
    assert "复查" not in led.render(rec.finding, "inspection_record", action=rec.action, format="text")

    order = next(d.number for d in nxt.documents if d.type == "rectification_order")
    pen = led.reinspect(rec.finding, on="2026-05-12", rectified=False, fine=6000, note="仍未改正", officer="王某")
    assert isinstance(pen, Record) and pen.step == "penalty"
    text = led.render(rec.finding, "inspection_record", format="text")
    assert f"2026年5月7日，《责令限期改正通知书》（{order}）责令当事人于2026年5月10日前改正" in text
    assert "2026年5月12日，执法人员对当事人的改正情况进行复查。复查结果：逾期未改正。" in text
    # a written order's re-inspection quotes 20(2) as the repository's copy of the statute has it
    quoted = re.search(r"《消防监督检查规定》第二十条第二款：“(.+?)”", text)
    assert quoted is not None and quoted.group(1) in STATUTE.read_text(encoding="utf-8")
    assert quoted.group(1) in LEGAL.read_text(encoding="utf-8") and "本地政策" not in text and "存疑" not in text


def test_a_corrected_reinspection_note_is_the_one_the_record_states(led: Ledger) -> None:
    rec = led.record(case(72), officer="王某")
    led.reinspect(rec.finding, on="2026-05-08", rectified=False, note="出口锁闭", officer="王某")
    seen = next(e for e in led.show(rec.finding).events if e.kind == "reinspection")
    led.correct(seen.id, reason="复查记录笔误", changes={"note": "东侧出口锁闭，西侧已打开"})
    text = led.render(rec.finding, "inspection_record", format="text")
    assert "复查所见：东侧出口锁闭，西侧已打开" in text and "复查所见：出口锁闭" not in text


@pytest.mark.parametrize("steps", [
    pytest.param({"step": "penalty", "reason": "安全出口在营业期间锁闭，情况紧急", "fine": 6000}, id="general-penalty"),
    pytest.param({}, id="reminder"),
    pytest.param({"step": "warning", "reason": "当事人拒绝当场改正"}, id="warning"),
])
def test_every_document_orders_the_deadline_the_ledger_recorded(led: Ledger, steps: dict) -> None:
    rec = led.record(case(73), officer="王某", **steps)
    shown = led.show(rec.finding).deadline
    assert shown is not None and rec.deadline == shown
    for doc in rec.documents:
        for fmt in ("text", "html"):
            printed = set(ORDERED.findall(led.render(rec.finding, doc.type, format=fmt)))
            assert printed == {chinese_date(shown)}, (doc.type, fmt, printed)


def test_the_worked_example_of_docs_ledger_md(led: Ledger) -> None:
    """A general-procedure penalty of 2026-05-03 (in the 劳动节 days off) with a hearing right (a
    fine of 30000 yuan on a unit): the five working days to request a hearing are 05-06, 05-07,
    05-08, Saturday 05-09 (调休上班) and 05-11, so it is decided 2026-05-12, and ordered to correct
    by 2026-05-15 on every document; with 6000 yuan (no hearing) decided 05-07, correct by 05-10."""
    rec = led.record(case(58), step="penalty", reason="安全出口在营业期间锁闭，情况紧急", fine=30000, officer="王某")
    assert rec.deadline == dt.date(2026, 5, 15)
    assert "有要求听证的权利" in led.render(rec.finding, "penalty_notice", format="text")
    low = led.record(case(59), step="penalty", reason="安全出口在营业期间锁闭，情况紧急", fine=6000, officer="王某")
    assert low.decision.hearing_right and low.deadline == dt.date(2026, 5, 10)  # the range's top, not the fine
    assert "有要求听证的权利" not in led.render(low.finding, "penalty_notice", format="text")
    assert set(ORDERED.findall(led.render(low.finding, "penalty_decision", format="text"))) == {"2026年5月10日"}
    decision = led.render(rec.finding, "penalty_decision", format="text")
    assert re.findall(r"\d{4}年\d{1,2}月\d{1,2}日", decision.split("送达回执")[0])[-1] == "2026年5月12日"
    for doc in ("inspection_record", "penalty_notice", "penalty_decision"):
        assert set(ORDERED.findall(led.render(rec.finding, doc, format="text"))) == {"2026年5月15日"}, doc
    docs = " ".join((Path(__file__).resolve().parents[1] / "docs/ledger.md").read_text(encoding="utf-8").split())
    assert "decided on 2026-05-12 and, with 3 days, ordered to correct by 2026-05-15" in docs
    assert "(a fine of 6000 yuan) only the three calendar days for statements run: decided 2026-05-07" in docs


def test_the_deadline_after_a_reinspection_and_after_a_correction_is_the_recorded_one(led: Ledger) -> None:
    rec = led.record(case(74), officer="王某")
    led.reinspect(rec.finding, on="2026-05-07", rectified=False, officer="王某")
    pen = led.reinspect(rec.finding, on="2026-05-12", rectified=False, fine=6000, officer="王某")
    assert isinstance(pen, Record)
    action = next(e for e in led.show(rec.finding).events if e.kind == "action" and e.payload["action"] == pen.action)
    led.correct(action.id, reason="整改难度大，延长期限", changes={"deadline": "2026-06-30"})
    assert led.show(rec.finding).deadline == dt.date(2026, 6, 30)
    for doc in pen.documents:
        assert set(ORDERED.findall(led.render(rec.finding, doc.type, format="text"))) == {"2026年6月30日"}, doc.type


def test_documents_in_the_brigades_name_carry_the_code_it_gave_the_office(led: Ledger) -> None:
    north = led.record(case(75), step="penalty", reason="安全出口在营业期间锁闭，情况紧急", fine=6000, officer="王某")
    south = led.record(case(76, office=OTHER_OFFICE), step="penalty", reason="安全出口在营业期间锁闭，情况紧急",
                       fine=6000, officer="王某")
    again = led.record(case(77), step="penalty", reason="安全出口在营业期间锁闭，情况紧急", fine=6000, officer="王某")
    numbers = {rec.finding: {d.type: d.number for d in rec.documents} for rec in (north, south, again)}
    assert numbers[north.finding] == {"inspection_record": "西北街消检查字〔2026〕第1号",
                                      "penalty_notice": "西消北街委罚告字〔2026〕第1号",
                                      "penalty_decision": "西消北街委罚决字〔2026〕第1号"}
    assert numbers[south.finding]["penalty_decision"] == "西消南街委罚决字〔2026〕第1号"
    assert numbers[again.finding]["penalty_decision"] == "西消北街委罚决字〔2026〕第2号"
    text = led.render(north.finding, "penalty_decision", format="text")
    head = text.split("当事人：")[0]
    assert "庆阳市西峰区消防救援大队" in head and "西消北街委罚决字〔2026〕第1号" in head
    assert "（受庆阳市西峰区消防救援大队委托，由庆阳市西峰区北街街道办事处实施；委托书：西消委〔2024〕第1号，2024年8月20日）" in head
    # the office's own record keeps the office's own code and name
    record = led.render(north.finding, "inspection_record", format="text")
    assert "西北街消检查字〔2026〕第1号" in record.split("当事人：")[0] and led.verify().ok


def test_an_entrusted_office_without_its_code_is_refused_naming_the_field(ledger_url: str, tmp_path: Path) -> None:
    offices = tmp_path / "offices.yaml"
    offices.write_text("offices:\n  东街街道消防安全办公室: {code: 西东街消}\n", encoding="utf-8")
    with Ledger(ledger_url, offices=offices) as led:
        east = {"level": "street", "name": "东街街道消防安全办公室"}
        assert led.record(case(78, office=east), officer="王某").documents[0].number == "西东街消检查字〔2026〕第1号"
        with pytest.raises(DocumentError, match=r"offices\.东街街道消防安全办公室\.entrusted_code: missing"):
            led.record(case(79, office=east), step="penalty", reason="情况紧急", fine=6000, officer="王某")
        assert [f for f in led.due(on="2026-12-31") if f.subject.name == "某某超市79号店"] == []

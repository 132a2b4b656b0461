"""Every re-inspection (复查) is recorded on paper: a numbered 检查记录 with 检查类别：复查 that names
the earlier order, the day, the result and what was seen, whatever the result. A written order's
re-inspection quotes 《消防监督检查规定》第二十条第二款 as the repository's copy of the statute has
it; a reminder's oral order is not governed by that paragraph, so its record quotes the local
policy (labelled as policy) and prints the doubt."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from fireenforce.cli import main
from fireenforce.errors import CaseError
from fireenforce.ledger import Closure, Ledger, LedgerError, Record, ReinspectionRef
from fireenforce.ruleset.load import load_version
from ledgerkit import case

ROOT = Path(__file__).resolve().parents[1]
LEGAL = (ROOT / "legal/fire-supervision-inspection-rules-120.md").read_text(encoding="utf-8")
LADDER = load_version(ROOT / "rulesets/xifeng/2024.09").policy.spec.ladder
QUOTED_20_2 = re.compile(r"《消防监督检查规定》第二十条第二款：“(.+?)”", re.S)
ORAL_DOUBT = "DOUBT-ORAL-ORDER-REINSPECTION"


@pytest.fixture
def led(open_ledger: Ledger) -> Ledger:
    return open_ledger


def _record_of(led: Ledger, finding: str, seen: ReinspectionRef) -> str:
    """The text of the re-inspection's own 检查记录, opened by the number the ledger returned."""
    (doc,) = seen.documents
    assert doc.type == "inspection_record"
    text = led.render(finding, "inspection_record", number=doc.number, format="text")
    assert isinstance(text, str) and doc.number in text and "检查类别：复查" in text
    return text


def _quotes_the_statute(text: str) -> None:
    quoted = QUOTED_20_2.search(text)
    assert quoted is not None and "复查依据：" in text
    assert quoted.group(1) == "公安机关消防机构应当在责令限期改正期限届满或者收到当事人的复查申请之日起三个工作日内进行复查。对逾期不改正的，依法予以处罚。"
    assert quoted.group(1) in LEGAL  # the repository's copy of the statute, word for word
    assert "本地政策" not in text and ORAL_DOUBT not in text


def _quotes_the_policy(text: str) -> None:
    policy = LADDER.oral_reinspection.policy
    assert f"复查依据：{policy.text.format(days='三')}（{policy.label}）" in text
    assert "本地政策，不是法律规定" in text
    assert QUOTED_20_2.search(text) is None  # 20(2) is never quoted as the basis of an oral order's re-inspection
    assert f"存疑（{ORAL_DOUBT}）：{LADDER.oral_reinspection.doubt.text}" in text


def _warned(led: Ledger, n: int) -> tuple[str, Record]:
    """A finding whose reminder went unheeded: the written order (警示, 责令限期改正通知书) runs."""
    rec = led.record(case(n), officer="王某")
    warning = led.reinspect(rec.finding, on="2026-05-07", rectified=False, officer="王某")
    assert isinstance(warning, Record) and warning.step == "warning" and warning.deadline == dt.date(2026, 5, 10)
    return rec.finding, warning


def test_a_written_order_found_rectified_is_closed_with_a_numbered_record(led: Ledger) -> None:
    finding, warning = _warned(led, 201)
    order = next(d.number for d in warning.documents if d.type == "rectification_order")
    closed = led.reinspect(finding, on="2026-05-11", rectified=True, note="东侧安全出口已打开，通道畅通", officer="王某")
    assert isinstance(closed, Closure) and closed.reinspection is not None
    assert closed.reinspection.rectified and closed.reinspection.on == dt.date(2026, 5, 11)
    assert closed.reinspection.doubts == ()
    text = _record_of(led, finding, closed.reinspection)
    assert "检查时间：2026年5月11日" in text
    assert (f"2026年5月7日，《责令限期改正通知书》（{order}）责令当事人于2026年5月10日前改正“占用、堵塞、封闭疏散通道、"
            "安全出口”的违法行为。") in text
    assert "2026年5月11日，执法人员对当事人的改正情况进行复查。复查结果：已改正。" in text
    assert "复查所见：东侧安全出口已打开，通道畅通" in text
    assert "当事人已改正上述违法行为，予以整改销号。" in text
    assert "检查情况" not in text and "本次处理措施" not in text  # no new step is decided
    _quotes_the_statute(text)


def test_a_written_order_not_yet_rectified_within_its_deadline_is_recorded_too(led: Ledger) -> None:
    finding, warning = _warned(led, 202)
    same = led.reinspect(finding, on="2026-05-09", rectified=False, note="正在清理", officer="王某")
    assert isinstance(same, Record) and same.action == warning.action and same.reinspection is not None
    assert not same.reinspection.rectified and same.reinspection.documents[0] not in warning.documents
    text = _record_of(led, finding, same.reinspection)
    assert "复查结果：未改正（整改期限尚未届满）。" in text and "复查所见：正在清理" in text
    assert "改正期限尚未届满，不视为逾期未改正；期限届满后再行复查。" in text
    _quotes_the_statute(text)


def test_a_written_order_unheeded_is_recorded_by_the_next_actions_record(led: Ledger) -> None:
    finding, _ = _warned(led, 203)
    penalty = led.reinspect(finding, on="2026-05-12", rectified=False, fine=6000, note="仍未改正", officer="王某")
    assert isinstance(penalty, Record) and penalty.step == "penalty" and penalty.reinspection is not None
    record = [d for d in penalty.documents if d.type == "inspection_record"]
    assert list(penalty.reinspection.documents) == record  # the action's own record states the 复查; no second one
    text = _record_of(led, finding, penalty.reinspection)
    assert "复查结果：逾期未改正。" in text and "本次处理措施：行政处罚。" in text
    _quotes_the_statute(text)


@pytest.mark.parametrize("rectified, day, result", [
    pytest.param(True, "2026-05-06", "已改正", id="rectified"),
    pytest.param(False, "2026-05-05", "未改正（整改期限尚未届满）", id="deadline-running"),
    pytest.param(False, "2026-05-07", "逾期未改正", id="unheeded"),
])
def test_a_reminders_oral_order_is_re_inspected_under_local_policy(led: Ledger, rectified: bool, day: str,
                                                                   result: str) -> None:
    rec = led.record(case(204), officer="王某")
    assert rec.step == "reminder"
    out = led.reinspect(rec.finding, on=day, rectified=rectified, note="现场查看", officer="王某")
    assert out.reinspection is not None
    assert [d.code for d in out.reinspection.doubts] == [ORAL_DOUBT]
    text = _record_of(led, rec.finding, out.reinspection)
    assert (f"2026年5月3日，执法人员当场口头责令当事人于2026年5月6日前改正“占用、堵塞、封闭疏散通道、安全出口”的违法行为，"
            f"并在《消防监督检查记录》（{rec.documents[0].number}）上注明。") in text
    assert f"复查结果：{result}。" in text
    _quotes_the_policy(text)


def test_the_oral_order_doubt_quotes_only_the_statute_as_written() -> None:
    doubt = LADDER.oral_reinspection.doubt.text
    quotes = re.findall(r"“([^”]+)”", doubt)
    assert len(quotes) == 3 and all(q in LEGAL for q in quotes)


def test_re_inspection_records_are_numbered_gap_free_with_the_other_records(led: Ledger) -> None:
    numbers = []
    for n in range(205, 209):
        rec = led.record(case(n), officer="王某")
        numbers += [d.number for d in rec.documents if d.type == "inspection_record"]
        early = led.reinspect(rec.finding, on="2026-05-05", rectified=False, officer="王某")
        assert early.reinspection is not None
        numbers += [d.number for d in early.reinspection.documents]
        closed = led.reinspect(rec.finding, on="2026-05-06", rectified=n % 2 == 0, officer="王某")
        assert closed.reinspection is not None
        numbers += [d.number for d in closed.reinspection.documents]
    assert numbers == [f"西北街消检查字〔2026〕第{i}号" for i in range(1, 13)]
    assert led.verify().ok
    led.rebuild()
    assert led.verify().ok


def test_a_re_inspection_record_takes_no_date_or_fine_and_an_unknown_number_is_named(led: Ledger) -> None:
    rec = led.record(case(209), officer="王某")
    closed = led.reinspect(rec.finding, on="2026-05-06", rectified=True, officer="王某")
    assert closed.reinspection is not None
    number = closed.reinspection.documents[0].number
    with pytest.raises(LedgerError, match="^--date/--fine/--formal-warning: the re-inspection record"):
        led.render(rec.finding, "inspection_record", number=number, date="2026-05-08")
    with pytest.raises(LedgerError, match="no inspection_record numbered 西北街消检查字〔2026〕第9号"):
        led.render(rec.finding, "inspection_record", number="西北街消检查字〔2026〕第9号")
    # the latest inspection record is the re-inspection's; the first one is still there by its number
    assert "检查类别：复查" in led.render(rec.finding, "inspection_record", format="text")
    first = led.render(rec.finding, "inspection_record", number=rec.documents[0].number, format="text")
    assert "检查类别" not in first and "本次处理措施：督促提醒。" in first


def test_a_refused_re_inspection_takes_no_number(led: Ledger) -> None:
    rec = led.record(case(210), officer="王某")
    with pytest.raises(CaseError, match="^fine: the deadline runs until"):
        led.reinspect(rec.finding, on="2026-05-05", rectified=False, fine=6000, officer="王某")
    again = led.reinspect(rec.finding, on="2026-05-05", rectified=False, officer="王某")
    assert again.reinspection is not None
    assert [d.number for d in again.reinspection.documents] == ["西北街消检查字〔2026〕第2号"]


def test_the_command_line_prints_the_number_the_doubt_and_renders_it(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "office.db")
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case(211), ensure_ascii=False), encoding="utf-8")
    assert main(["ledger", "init", "--db", db]) == 0
    capsys.readouterr()
    assert main(["ledger", "record", str(path), "--db", db, "--officer", "王某", "--format", "json"]) == 0
    finding = json.loads(capsys.readouterr().out)["finding"]
    assert main(["ledger", "reinspect", finding, "--officer", "王某", "--db", db, "--on", "2026-05-06", "--rectified"]) == 0
    out = capsys.readouterr().out
    number = "西北街消检查字〔2026〕第2号"
    assert f"{finding} 复查已整改，2026-05-06 销号" in out
    assert (f"复查记录：消防监督检查记录 {number}（打印：fireenforce ledger render {finding} --document "
            f"inspection_record --number {number}）") in out
    assert f"存疑（{ORAL_DOUBT}）：" in out
    assert main(["ledger", "show", finding, "--db", db]) == 0
    shown = capsys.readouterr().out
    assert "reinspection" in shown and "已改正" in shown and f"消防监督检查记录 {number}（复查记录）" in shown
    assert main(["ledger", "render", finding, "--db", db, "--document", "inspection_record", "--number", number,
                 "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert number in text and "复查结果：已改正。" in text
    _quotes_the_policy(text)
    assert main(["ledger", "render", finding, "--db", db, "--document", "inspection_record", "--number", number,
                 "--date", "2026-05-09"]) == 2
    assert capsys.readouterr().err.strip().startswith("fireenforce: error: --date/--fine/--formal-warning:")

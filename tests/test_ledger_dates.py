"""The ledger's dates: no write dated after today, the hearing right by the penalty recorded, a
decision never dated after the deadline it orders, one deadline on every output."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from fireenforce.errors import CaseError, DocumentError
from fireenforce.ledger import Ledger
from ledgerkit import case, event_count

TODAY = dt.date(2026, 5, 20)


@pytest.fixture
def led(ledger_url: str) -> Iterator[Ledger]:
    """A ledger whose today is 2026-05-20."""
    with Ledger(ledger_url, today=lambda: TODAY) as ledger:
        yield ledger


def test_no_write_after_record_is_dated_after_today(led: Ledger) -> None:
    rec = led.record(case(1), officer="王某")
    referred = led.record(case(2), step="referral", reason="涉嫌重大火灾隐患，移交大队", officer="王某")
    before = event_count(led)
    writes = (
        lambda: led.reinspect(rec.finding, on="2026-05-21", rectified=True, officer="王某"),
        lambda: led.reinspect(rec.finding, on="2026-12-31", rectified=False, officer="王某"),
        lambda: led.apply_for_reinspection(rec.finding, on="2026-05-21"),
        lambda: led.referral_answer(referred.finding, on="2027-01-01", accepted=True),
    )
    for write in writes:
        with pytest.raises(CaseError, match=r"^on: 20\d\d-\d\d-\d\d is after today \(2026-05-20\)"):
            write()
    assert event_count(led) == before
    assert led.reinspect(rec.finding, on=TODAY, rectified=True, officer="王某").closed_on == TODAY
    action = next(e for e in led.show(referred.finding).events if e.kind == "action")
    led.correct(action.id, reason="笔误", changes={"deadline": "2026-06-30"})
    corrected = [e for e in led.show(referred.finding).events if e.kind == "correction"]
    assert [e.at for e in corrected] == [TODAY]  # dated by the ledger's clock


def test_a_decision_is_never_dated_after_the_deadline_it_orders(led: Ledger) -> None:
    """Fine 6000 on a unit, no hearing: notice of 05-03, decided 05-07, correct by 05-10; the
    decision carries the ledger's assumption (DOUBT-NOTICE-SERVED) and a later date is refused."""
    rec = led.record(case(3), step="penalty", reason="安全出口在营业期间锁闭，情况紧急", fine=6000, officer="王某")
    assert rec.deadline == dt.date(2026, 5, 10)
    assert [d.code for d in rec.doubts] == ["DOUBT-NOTICE-SERVED"] == [d.code for d in led.latest(rec.finding).doubts]
    with pytest.raises(DocumentError, match=r"^date: 2026-05-11 is after the correction deadline 2026-05-10"):
        led.render(rec.finding, "penalty_decision", date="2026-05-11", format="text")
    assert "2026年5月9日" in led.render(rec.finding, "penalty_decision", date="2026-05-09", format="text")
    plain = led.record(case(4), officer="王某")
    assert plain.doubts == ()


def test_the_printed_record_shows_one_deadline_the_recorded_one(led: Ledger) -> None:
    from fireenforce.cli.ledger import record_text

    rec = led.record(case(5), step="penalty", reason="安全出口在营业期间锁闭，情况紧急", fine=30000, officer="王某")
    assert rec.decision.rectification.deadline == dt.date(2026, 5, 6)  # decide counts from the notice
    text = record_text(rec)
    assert "整改：2026-05-15前改正" in text and "整改期限：2026-05-15" in text and "2026-05-06" not in text
    assert "存疑（DOUBT-NOTICE-SERVED）" in text
    assert rec.hearing_right is True and "应告知听证权利" in text
    low = led.record(case(7), step="penalty", reason="安全出口在营业期间锁闭，情况紧急", fine=6000, officer="王某")
    assert low.decision.hearing_right and low.hearing_right is False  # the range's top gives one; 6000 does not
    assert "应告知听证权利" not in record_text(low) and led.latest(low.finding).hearing_right is False
    assert led.record(case(8), officer="王某").hearing_right is None


def test_a_reinspection_record_dates_a_penalty_decisions_order_by_the_decision(led: Ledger) -> None:
    """The 决定书 of a notice of 05-03 (fine 6000, no hearing) is dated 05-07: the order the 复查
    checks was given that day, not on the notice's."""
    rec = led.record(case(6), step="penalty", reason="安全出口在营业期间锁闭，情况紧急", fine=6000, officer="王某")
    number = next(d.number for d in rec.documents if d.type == "penalty_decision")
    led.reinspect(rec.finding, on="2026-05-11", rectified=True, officer="王某")
    text = led.render(rec.finding, "inspection_record", format="text")
    assert f"2026年5月7日，《行政处罚决定书》（{number}）责令当事人于2026年5月10日前改正" in text
    assert "2026年5月3日，《行政处罚决定书》" not in text


def test_a_penalty_decision_is_never_dated_on_the_deadline_it_orders(led: Ledger) -> None:
    """The deadline is the last day the party may still correct: a 决定书 dated on it (by hand, or
    by a deadline corrected onto the decision's day) would order correction by the day it is made."""
    rec = led.record(case(9), step="penalty", reason="安全出口在营业期间锁闭，情况紧急", fine=6000, officer="王某")
    assert rec.deadline == dt.date(2026, 5, 10)
    with pytest.raises(DocumentError, match=r"^date: 2026-05-10 is on the correction deadline 2026-05-10 the "
                                            r"document orders, the last day the party may still correct"):
        led.render(rec.finding, "penalty_decision", date="2026-05-10", format="text")
    with pytest.raises(DocumentError, match=r"^date: 2026-05-10 is on the correction deadline"):
        led.render(rec.finding, "penalty_notice", date="2026-05-10", format="text")
    action = next(e for e in led.show(rec.finding).events if e.kind == "action")
    before = event_count(led)
    for day in ("2026-05-07", "2026-05-05"):  # the decision's own day (notice 05-03 + 3 days), or earlier
        with pytest.raises(CaseError, match=rf"^changes.deadline: {day} is not after the date of the penalty "
                                            r"decision that orders it \(2026-05-07\)"):
            led.correct(action.id, reason="笔误", changes={"deadline": day})
    assert event_count(led) == before
    led.correct(action.id, reason="笔误", changes={"deadline": "2026-05-08"})
    assert "于2026年5月8日前改正" in led.render(rec.finding, "penalty_decision", format="text")


def test_a_penalty_for_an_unheeded_order_is_decided_after_that_orders_deadline(led: Ledger) -> None:
    """The ledger's own dating: the warning's order runs to 05-10; a re-inspection on that day
    decides nothing, the next day's decides the penalty, whose 决定书 is dated after the notice's
    periods and orders a deadline after its own date."""
    rec = led.record(case(10), officer="王某")
    warned = led.reinspect(rec.finding, on="2026-05-07", rectified=False, officer="王某")
    assert warned.step == "warning" and warned.deadline == dt.date(2026, 5, 10)
    same_day = led.reinspect(rec.finding, on="2026-05-10", rectified=False, officer="王某")
    assert same_day.action == warned.action  # the deadline's own day: not unheeded yet
    penalty = led.reinspect(rec.finding, on="2026-05-11", rectified=False, officer="王某", fine=6000)
    assert penalty.step == "penalty" and penalty.deadline == dt.date(2026, 5, 18)
    text = led.render(rec.finding, "penalty_decision", format="text")
    assert "2026年5月15日" in text and "于2026年5月18日前改正" in text


def test_a_referral_letter_dates_an_earlier_penalty_by_its_decision(led: Ledger) -> None:
    """The penalty of 05-11 (notice) was decided on 05-15 (statement period, no hearing): the
    移送案件通知书 that follows its unheeded order states the decision's date, not the notice's."""
    rec = led.record(case(11), officer="王某")
    led.reinspect(rec.finding, on="2026-05-07", rectified=False, officer="王某")
    led.reinspect(rec.finding, on="2026-05-11", rectified=False, officer="王某", fine=6000)
    referred = led.reinspect(rec.finding, on="2026-05-19", rectified=False, officer="王某")
    assert referred.step == "referral"
    text = led.render(rec.finding, "referral_letter", format="text")
    assert "3. 2026年5月15日，行政处罚（EV-BLOCK），未改正。" in text
    assert "2026年5月11日，行政处罚" not in text
    assert "1. 2026年5月3日，督促提醒（EV-BLOCK）" in text and "2. 2026年5月7日，警示（EV-BLOCK）" in text


def test_the_printed_reasons_follow_the_hearing_right_of_the_fine_recorded(led: Ledger) -> None:
    """The range's top (36500) reaches the unit's threshold, the recorded 6000 does not: the printed
    decision states procedure.no-hearing (reasons.yaml) instead of procedure.hearing, and no longer
    lists the hearing's own provisions; 30000 keeps the hearing reason. Stored and returned alike."""
    from fireenforce.cli.ledger import record_text
    from fireenforce.ruleset.load import load_version
    from fireenforce.resources import data_dir

    low = led.record(case(12), step="penalty", reason="安全出口在营业期间锁闭，情况紧急", fine=6000, officer="王某")
    assert low.decision.hearing_right and [r.rule for r in low.decision.reasons].count("procedure.hearing") == 1
    spec = load_version(data_dir("rulesets") / "xifeng" / "2024.09").policy.spec.reasons["procedure.no-hearing"]
    said = spec.text.format(imposed="罚款6000元", subject_label="单位", threshold=30000)
    assert low.hearing_reason is not None and low.hearing_reason.text == said
    for shown in (record_text(low), record_text(led.latest(low.finding))):
        assert f"[procedure.no-hearing] {said}（《中华人民共和国行政处罚法》第六十三条第一款第（一）项）" in shown
        assert "[procedure.hearing]" not in shown and "第64条第1项" not in shown and "第63条第1款：" not in shown
        assert "第63条第1款第1项" in shown  # the threshold's provision: why no hearing is due
    high = led.record(case(13), step="penalty", reason="安全出口在营业期间锁闭，情况紧急", fine=30000, officer="王某")
    shown = record_text(high)
    assert high.hearing_reason is None and "[procedure.hearing]" in shown and "procedure.no-hearing" not in shown
    assert "第64条第1项" in shown

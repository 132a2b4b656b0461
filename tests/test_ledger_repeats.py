"""The same conduct recorded again while its finding is open belongs to that finding: the record
is refused (OpenFinding, one line naming the finding, its deadline and the command), nothing is
written and the ladder does not climb; closed findings, accepted referrals and other offices'
findings do not block; a separate finding needs a written reason, which is recorded."""

from __future__ import annotations

import datetime as dt

from typing import Iterator

import pytest

from fireenforce.errors import CaseError
from fireenforce.ledger import FineRequired, Ledger, LedgerError, OpenFinding, Record
from ledgerkit import OTHER_OFFICE, case, event_count, uscc


@pytest.fixture
def led(ledger_url: str) -> Iterator[Ledger]:
    with Ledger(ledger_url) as ledger:
        yield ledger


def refused(led: Ledger, data: dict) -> OpenFinding:
    before = event_count(led)
    with pytest.raises(OpenFinding) as info:
        led.record(data, officer="王某")
    assert event_count(led) == before and "\n" not in str(info.value)
    assert info.value.code == "open_finding" and str(info.value).startswith("open_finding: ")
    assert isinstance(info.value, LedgerError)
    return info.value


def test_the_same_conduct_before_the_deadline_is_refused_saying_the_deadline_has_not_run(ledger_url: str) -> None:
    led = Ledger(ledger_url, today=lambda: dt.date(2026, 5, 5))
    first = led.record(case(1), officer="王某")
    assert first.deadline == dt.date(2026, 5, 6)
    err = refused(led, case(1, on="2026-05-05"))
    assert (err.finding, err.deadline, err.status) == (first.finding, first.deadline, "open")
    text = str(err)
    assert first.finding in text and "2026-05-06 has not run yet (today is 2026-05-05)" in text and "某某超市1号店" in text
    assert f"fireenforce ledger reinspect {first.finding}" in text and "--separate REASON" in text
    assert [h.step for h in led.history(uscc(1))] == ["reminder"]  # the ladder did not climb
    led.close()


def test_a_back_dated_repeat_is_judged_by_today_not_by_the_case_date(led: Ledger) -> None:
    """Recorded today (later than the deadline), a repeat observed before the deadline: the
    deadline has passed by today, whatever the case's own date."""
    first = led.record(case(10), officer="王某")
    err = refused(led, case(10, on="2026-05-05"))
    assert "deadline 2026-05-06 has passed" in str(err) and "has not run yet" not in str(err)
    # a re-inspection on the case's day (within the deadline) would only record the visit: the line
    # gives the one that decides the next step, on a day after the deadline
    assert ("but on 2026-05-05 it was still running, so a re-inspection on 2026-05-05 would decide nothing: "
            f"re-inspect it on a day after 2026-05-06 (fireenforce ledger reinspect {first.finding} --on DATE "
            "--not-rectified)") in str(err)
    assert "--on 2026-05-05" not in str(err)
    nxt = led.reinspect(first.finding, on="2026-05-07", rectified=False, officer="王某")
    assert isinstance(nxt, Record) and nxt.step == "warning"
    late = refused(led, case(10, on="2026-05-06"))  # before the warning of 05-07: no re-inspection that day
    assert "but 2026-05-06 is before its last action (2026-05-07)" in str(late) and "--on 2026-05-06" not in str(late)


def test_conduct_observed_by_a_closure_or_an_acceptance_is_that_findings(led: Ledger) -> None:
    first = led.record(case(11), officer="王某")
    led.reinspect(first.finding, on="2026-05-05", rectified=True)
    before = event_count(led)
    for on in ("2026-05-03", "2026-05-05"):
        with pytest.raises(CaseError, match=rf"^observed_on: {on} is on or before 2026-05-05, when {first.finding} "
                                            r"\(某某超市11号店, EV-BLOCK, opened 2026-05-03\) was closed"):
            led.record(case(11, on=on), officer="王某")
    assert event_count(led) == before and [h.step for h in led.history(uscc(11))] == ["reminder"]
    kept = led.record(case(11, on="2026-05-03"), officer="王某", separate="同一单位另一出口，另行立案")
    assert led.show(kept.finding).events[0].payload["separate"]["from"] == first.finding
    sent = led.record(case(12), step="referral", reason="安全出口严重堵塞，需临时查封", officer="王某")
    led.referral_answer(sent.finding, on="2026-05-08", accepted=True, result="已立案查处")
    with pytest.raises(CaseError, match=rf"^observed_on: 2026-05-08 is on or before 2026-05-08, when {sent.finding} .* "
                                        r"taken over by the brigade"):
        led.record(case(12, on="2026-05-08"), officer="王某")
    assert led.record(case(12, on="2026-05-09"), officer="王某").finding != sent.finding


def test_after_the_deadline_the_refusal_names_the_reinspection_that_escalates(led: Ledger) -> None:
    first = led.record(case(2), officer="王某")
    err = refused(led, case(2, on="2026-05-20"))
    assert "deadline 2026-05-06 has passed" in str(err)
    assert f"fireenforce ledger reinspect {first.finding} --on 2026-05-20 --not-rectified" in str(err)
    nxt = led.reinspect(first.finding, on="2026-05-20", rectified=False, officer="王某")
    assert isinstance(nxt, Record) and nxt.finding == first.finding and nxt.step == "warning"
    refused(led, case(2, on="2026-05-21"))  # the warning's order is open in turn


def test_a_refused_repeat_is_refused_before_any_fine_is_asked_for(led: Ledger) -> None:
    """The record would decide a fined penalty (a warning went unheeded): the refusal comes first,
    not a FineRequired that the officer would answer only to be refused."""
    first = led.record(case(14), officer="王某")
    assert led.reinspect(first.finding, on="2026-05-07", rectified=False, officer="王某").step == "warning"
    assert refused(led, case(14, on="2026-05-20")).finding == first.finding
    with pytest.raises(FineRequired):  # the re-inspection that escalates does ask for the fine
        led.reinspect(first.finding, on="2026-05-20", rectified=False, officer="王某")
    led.reinspect(first.finding, on="2026-05-20", rectified=False, officer="王某", fine=5000)
    led.reinspect(first.finding, on="2026-06-30", rectified=True)
    with pytest.raises(CaseError, match=r"^observed_on: 2026-06-30 is on or before 2026-06-30"):
        led.record(case(14, on="2026-06-30"), officer="王某")


def test_closed_findings_and_other_items_do_not_block_and_the_ladder_sees_them(led: Ledger) -> None:
    first = led.record(case(3), officer="王某")
    other_item = led.record(case(3, item="EB-PARK"), officer="王某")
    assert other_item.finding != first.finding
    led.reinspect(first.finding, on="2026-05-05", rectified=True, officer="王某")
    again = led.record(case(3, on="2026-06-01"), officer="王某")
    assert again.finding != first.finding
    history = led.history(uscc(3))
    assert [h.item for h in history] == ["EV-BLOCK", "EB-PARK", "EV-BLOCK"] and history[0].rectified is True


def test_another_office_keeps_its_own_findings(led: Ledger) -> None:
    first = led.record(case(4), officer="王某")
    theirs = led.record(case(4, office=OTHER_OFFICE), officer="王某")
    assert theirs.finding != first.finding and led.show(theirs.finding).office == OTHER_OFFICE["name"]


def test_a_referral_blocks_until_answered_then_accepted_frees_returned_blocks(led: Ledger) -> None:
    sent = led.record(case(5), step="referral", reason="安全出口严重堵塞，需临时查封", officer="王某")
    assert sent.status == "referred"
    err = refused(led, case(5, on="2026-05-04"))
    assert err.status == "referred" and f"fireenforce ledger referral {sent.finding}" in str(err)
    led.referral_answer(sent.finding, on="2026-05-08", accepted=False, result="退回属地办公室")
    again = refused(led, case(5, on="2026-05-12"))  # returned: open again, the office's, due by 05-11
    assert again.finding == sent.finding and "is open again (the referral was returned on 2026-05-08)" in str(again)
    assert f"re-inspect it on that day (fireenforce ledger reinspect {sent.finding} --on 2026-05-12" in str(again)
    other = led.record(case(6), step="referral", reason="安全出口严重堵塞，需临时查封", officer="王某")
    led.referral_answer(other.finding, on="2026-05-08", accepted=True, result="已立案查处")
    assert led.record(case(6, on="2026-05-09"), officer="王某").finding != other.finding  # the brigade's case now


def test_a_separate_finding_needs_a_reason_which_is_recorded(led: Ledger) -> None:
    first = led.record(case(7), officer="王某")
    second = led.record(case(7, on="2026-05-04"), separate="同一单位另一门店，另行立案", officer="王某")
    assert second.finding != first.finding
    payload = led.show(second.finding).events[0].payload
    assert payload["separate"] == {"from": first.finding, "reason": "同一单位另一门店，另行立案"}
    with pytest.raises(CaseError, match="^separate: the office has no open finding"):
        led.record(case(8), separate="理由", officer="王某")
    assert led.verify().ok


def test_a_weak_subject_repeats_by_its_normalised_name_and_address(led: Ledger) -> None:
    person = {"kind": "individual", "name": "张 某", "address": "西峰区北街某小区5号楼"}
    first = led.record(case(9, item="EB-CHARGE", subject=person), officer="王某")
    same = {**person, "name": "张某", "address": "西峰区北街某小区５号楼"}
    assert refused(led, case(9, item="EB-CHARGE", subject=same, on="2026-05-04")).finding == first.finding

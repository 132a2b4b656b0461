"""One subject under several keys: a subject id corrected by a correction event (refiled, never
updated), a record made without an id joined to the id'd one by its normalised name and address
(a weak match the Record names) and linked to the id by a correction, and merges only on request."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from fireenforce.errors import CaseError
from fireenforce.ledger import Ledger, OpenFinding, Record, SubjectMerge
from ledgerkit import case, resident_id, uscc

PERSON = {"kind": "individual", "name": "张某", "address": "西峰区北街某小区5号楼"}


@pytest.fixture
def led(ledger_url: str) -> Ledger:
    ledger = Ledger(ledger_url)
    yield ledger
    ledger.close()


def finding_event(led: Ledger, finding: str) -> str:
    return led.show(finding).events[0].id


def round_trip_equal(led: Ledger, tmp_url: str) -> None:
    out = io.StringIO()
    led.export(out)
    with Ledger(tmp_url) as copy:
        copy.import_(out.getvalue().splitlines())
        again = io.StringIO()
        copy.export(again)
        assert again.getvalue() == out.getvalue() and copy.verify().ok


def test_a_mistyped_id_is_corrected_by_an_event_and_the_history_follows(led: Ledger, tmp_path) -> None:
    wrong, right = uscc(1), uscc(2)
    first = led.record(case(1), officer="王某")
    led.reinspect(first.finding, on="2026-05-05", rectified=True, officer="王某")
    fix = led.correct(finding_event(led, first.finding), reason="统一社会信用代码录入错误",
                      changes={"subject_id": right.lower()})
    assert led.history(wrong) == () and [h.item for h in led.history(right)] == ["EV-BLOCK"]
    view = led.show(first.finding)
    assert view.subject.id == right[:6] + "*" * 8 + right[-4:] and view.events[0].payload["case"]["subject"]["id"] != right
    text = view.model_dump_json()
    assert wrong not in text and right not in text  # masked in lists
    for who in (wrong, right):  # either id says what happened
        [link] = led.subject_links(who)
        assert (link.finding, link.event, link.reason) == (first.finding, fix, "统一社会信用代码录入错误")
        assert link.before.endswith(wrong[-4:]) and link.after.endswith(right[-4:]) and not link.merge
    nxt = led.record({**case(1, on="2026-06-01"), "subject": {**case(1)["subject"], "id": right}}, officer="王某")
    assert nxt.decision.step == "warning" or len(nxt.decision.reasons) > 0
    assert [h.date for h in led.history(right)] == [dt.date(2026, 5, 3), dt.date(2026, 6, 1)]
    assert led.verify().ok
    round_trip_equal(led, f"sqlite:///{tmp_path / 'copy.db'}")


def test_later_actions_and_documents_carry_the_corrected_id(led: Ledger) -> None:
    first = led.record(case(3), officer="王某")
    led.correct(finding_event(led, first.finding), reason="代码录入错误", changes={"subject_id": uscc(4)})
    nxt = led.reinspect(first.finding, on="2026-05-10", rectified=False, officer="王某")
    assert isinstance(nxt, Record) and nxt.subject.id.endswith(uscc(4)[-4:])
    assert [h.step for h in led.history(uscc(4))] == ["reminder", "warning"]
    text = led.render(first.finding, "rectification_order", format="text")
    assert uscc(4) in text or uscc(4)[-4:] in text
    assert uscc(3) not in text


def test_bad_and_empty_id_corrections_are_refused_naming_the_field(led: Ledger) -> None:
    first = led.record(case(5), officer="王某")
    event = finding_event(led, first.finding)
    with pytest.raises(CaseError, match="^changes.subject_id: .*check digit"):
        led.correct(event, reason="录入错误", changes={"subject_id": uscc(5)[:17] + "0"})
    with pytest.raises(CaseError, match="^changes.subject_id: .*filed under .* already"):
        led.correct(event, reason="录入错误", changes={"subject_id": uscc(5)})
    with pytest.raises(CaseError, match="^merge: "):
        led.correct(event, reason="录入错误", changes={"subject_id": uscc(6)}, merge=True)
    action = next(e for e in led.show(first.finding).events if e.kind == "action")
    with pytest.raises(CaseError, match="^changes.subject_id: cannot be corrected on a action"):
        led.correct(action.id, reason="录入错误", changes={"subject_id": uscc(6)})
    assert led.verify().ok


def test_a_correction_into_another_subject_is_a_merge_only_when_asked(led: Ledger) -> None:
    mine = led.record(case(7), officer="王某")
    theirs = led.record(case(8, item="EB-PARK"), officer="王某")
    event = finding_event(led, mine.finding)
    with pytest.raises(SubjectMerge) as info:
        led.correct(event, reason="录入错误", changes={"subject_id": uscc(8)})
    message = str(info.value)
    assert info.value.code == "subject_merge" and "\n" not in message and uscc(8) not in message
    assert theirs.finding in message and "某某超市8号店" in message and "--merge" in message
    assert led.history(uscc(8)) and len(led.history(uscc(8))) == 1
    led.correct(event, reason="经核实为同一单位（名称变更前后）", changes={"subject_id": uscc(8)}, merge=True)
    assert len(led.history(uscc(8))) == 2 and led.subject_links(uscc(8))[0].merge
    assert "merge" in led.show(mine.finding).events[-1].payload and led.verify().ok


def test_a_record_with_the_id_finds_the_earlier_record_without_it(led: Ledger) -> None:
    weak = led.record(case(9, item="EB-CHARGE", subject=PERSON), officer="王某")
    led.reinspect(weak.finding, on="2026-05-04", rectified=True, officer="王某")
    with_id = {**PERSON, "name": "张 某", "id": resident_id(9)}
    strong = led.record(case(9, item="EB-CHARGE", subject=with_id, on="2026-06-01"), officer="王某")
    assert strong.weak_matches == (weak.finding,) and not strong.subject.weak
    assert [h.date for h in led.history(resident_id(9))] == [dt.date(2026, 5, 3), dt.date(2026, 6, 1)]
    action = [e for e in led.show(strong.finding).events if e.kind == "action"][0]
    assert action.payload["weak_matches"] == [weak.finding] and len(action.payload["history"]) == 1


def test_a_record_without_the_id_finds_the_earlier_record_with_it(led: Ledger) -> None:
    strong = led.record(case(10, item="EB-CHARGE", subject={**PERSON, "id": resident_id(10)}), officer="王某")
    with pytest.raises(OpenFinding) as info:  # open: the same conduct, whichever way the subject is named
        led.record(case(10, item="EB-CHARGE", subject=PERSON, on="2026-05-04"), officer="王某")
    assert info.value.finding == strong.finding
    led.reinspect(strong.finding, on="2026-05-04", rectified=True, officer="王某")
    weak = led.record(case(10, item="EB-CHARGE", subject=PERSON, on="2026-06-01"), officer="王某")
    assert weak.subject.weak and weak.weak_matches == (strong.finding,)
    assert len(weak.decision.reasons) > 0


def test_an_open_record_without_the_id_blocks_the_same_conduct_with_it(led: Ledger) -> None:
    weak = led.record(case(11, item="EB-CHARGE", subject=PERSON), officer="王某")
    with pytest.raises(OpenFinding) as info:
        led.record(case(11, item="EB-CHARGE", subject={**PERSON, "id": resident_id(11)}, on="2026-05-04"), officer="王某")
    assert info.value.finding == weak.finding


def test_a_weak_record_is_linked_to_the_id_by_a_correction(led: Ledger, tmp_path) -> None:
    weak = led.record(case(12, item="EB-CHARGE", subject=PERSON), officer="王某")
    led.reinspect(weak.finding, on="2026-05-04", rectified=True, officer="王某")
    strong = led.record(case(12, item="EB-PARK", subject={**PERSON, "id": resident_id(12)}, on="2026-06-01"), officer="王某")
    assert strong.weak_matches == (weak.finding,)
    # the ledger knows the id for the same name and address: linking is no merge
    fix = led.correct(finding_event(led, weak.finding), reason="补录身份证号", changes={"subject_id": resident_id(12)})
    view = led.show(weak.finding)
    assert not view.subject.weak and view.subject.id.endswith(resident_id(12)[-4:])
    [link] = led.subject_links(resident_id(12))
    assert link.event == fix and link.before == "（无证件号，按名称和地址）"
    later = led.record(case(12, item="FL-BLOCK", subject={**PERSON, "id": resident_id(12)}, on="2026-07-01"), officer="王某")
    assert later.weak_matches == () and len(led.history(resident_id(12))) == 3
    assert led.verify().ok
    round_trip_equal(led, f"sqlite:///{tmp_path / 'copy.db'}")


def test_other_ids_of_the_same_name_and_address_stay_apart(led: Ledger) -> None:
    led.record(case(13, item="EB-CHARGE", subject={**PERSON, "id": resident_id(13)}), officer="王某")
    other = led.record(case(14, item="EB-CHARGE", subject={**PERSON, "id": resident_id(14)}), officer="王某")
    assert other.weak_matches == () and len(led.history(resident_id(14))) == 1

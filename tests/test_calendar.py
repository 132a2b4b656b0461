"""The working-day calendar (policy/calendar.yaml): each year from its State Council notice, worked
cases across 春节, 国庆 and an adjusted working Saturday, a property over every covered day, and
what happens outside the covered years (decide: Monday to Friday with a doubt; a penalty decision's
date: refused)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from fireenforce import decide
from fireenforce.documents.offices import after_notice, load_offices, resolve_office
from fireenforce.errors import CaseError, RulesetError
from fireenforce.resources import bundled_family
from fireenforce.ruleset.load import compile_version, load_family

FAMILY = bundled_family()
RS = compile_version(FAMILY / "2024.09")
CAL = RS.calendar
D = dt.date.fromisoformat


def test_every_bundled_version_carries_the_same_calendar_and_it_covers_2021_to_2026() -> None:
    texts = {(v.path / "policy" / "calendar.yaml").read_text(encoding="utf-8") for v in load_family(FAMILY)}
    assert len(texts) == 1
    assert CAL.years == frozenset(range(2021, 2027))


def test_each_year_names_its_notice() -> None:
    for year, spec in RS.calendar_spec.years.items():
        source = spec.source
        assert source.title == f"国务院办公厅关于{year}年部分节假日安排的通知"
        assert source.issued.year == year - 1 and source.url.startswith("http")
        assert source.number is None or source.number.startswith(f"国办发明电〔{year - 1}〕")


@pytest.mark.parametrize(("start", "days", "end"), [
    ("2026-09-30", 3, "2026-10-10"),  # 国庆 10-01..07 off; 10-08, 10-09, Saturday 10-10 (调休上班)
    ("2026-02-13", 3, "2026-02-25"),  # Saturday 02-14 (调休上班); 春节 02-15..23 off; 02-24, 02-25
    ("2021-09-30", 3, "2021-10-11"),  # 国庆: 10-08, Saturday 10-09 (调休上班), Monday 10-11
    ("2023-01-20", 3, "2023-01-30"),  # 春节 01-21..27 off; Saturday 01-28 and Sunday 01-29 (调休上班), 01-30
    ("2026-05-03", 5, "2026-05-11"),  # the hearing example of docs/ledger.md: 05-06..08, Saturday 05-09, 05-11
    ("2026-05-08", 0, "2026-05-08"),
])
def test_worked_cases(start: str, days: int, end: str) -> None:
    assert CAL.add(D(start), days) == D(end)


def test_an_adjusted_saturday_works_and_a_weekday_in_the_holidays_does_not() -> None:
    assert CAL.is_working(D("2026-02-28")) and CAL.is_working(D("2026-01-04"))
    assert not CAL.is_working(D("2026-02-23")) and not CAL.is_working(D("2025-10-08"))
    assert not CAL.is_working(D("2026-03-07"))  # an ordinary Saturday


COVERED = st.dates(dt.date(2021, 1, 1), dt.date(2026, 11, 30))


@settings(max_examples=300, deadline=None)
@given(COVERED, st.integers(1, 20))
def test_the_count_never_lands_on_a_day_off_and_grows_with_the_days(day: dt.date, days: int) -> None:
    end = CAL.add(day, days)
    work = {d for spec in RS.calendar_spec.years.values() for d in spec.work}
    off = set(RS.calendar_spec.days_off())
    assert end not in off and (end.weekday() < 5 or end in work), end
    assert end < CAL.add(day, days + 1)
    assert sum(CAL.is_working(day + dt.timedelta(days=n)) for n in range(1, (end - day).days + 1)) == days


def test_a_window_outside_the_calendar_counts_monday_to_friday_and_says_so() -> None:
    assert CAL.add(D("2027-09-30"), 3) == D("2027-10-05")  # no notice for 2027: Monday to Friday
    assert CAL.uncovered(D("2026-12-30"), D("2027-01-04")) == (2027,)
    case = {"item": "EV-BLOCK", "observed_on": "2027-10-08", "office": {"level": "street", "name": "北街"},
            "subject": {"kind": "unit", "operating": True, "name": "某店"}, "place": {"crowded": True},
            "history": [{"date": "2027-09-27", "item": "EV-BLOCK", "step": "warning", "deadline": "2027-10-12"}]}
    decision = decide(case)
    assert decision.reinspection is not None and decision.reinspection.latest == D("2027-10-15")
    codes = {d.code for d in decision.doubts}
    assert {"DOUBT-CALENDAR-UNCOVERED", "DOUBT-REINSPECTION-HOLIDAYS", "DOUBT-DEADLINE-CALENDAR-DAYS"} <= codes
    inside = decide({**case, "observed_on": "2026-09-29",
                     "history": [{"date": "2026-09-27", "item": "EV-BLOCK", "step": "warning", "deadline": "2026-09-30"}]})
    assert inside.reinspection is not None and inside.reinspection.latest == D("2026-10-10")
    assert "DOUBT-CALENDAR-UNCOVERED" not in {d.code for d in inside.doubts}


def test_a_running_oral_order_cites_no_reinspection_provision_and_says_why() -> None:
    """检查规定第二十条第二款 governs written orders: a warning's re-inspection cites it; a reminder's
    oral order cites nothing and carries the local-policy doubt instead."""
    case = {"item": "EV-BLOCK", "observed_on": "2026-09-29", "office": {"level": "street", "name": "北街"},
            "subject": {"kind": "unit", "operating": True, "name": "某店"}, "place": {"crowded": True},
            "history": [{"date": "2026-09-27", "item": "EV-BLOCK", "step": "warning", "deadline": "2026-09-30"}]}
    written = decide(case)
    assert written.reinspection is not None and written.reinspection.cites == ("inspection-rules:20:2",)
    assert "DOUBT-ORAL-ORDER-REINSPECTION" not in {d.code for d in written.doubts}
    oral = decide({**case, "history": [{**case["history"][0], "step": "reminder"}]})
    assert oral.reinspection is not None and oral.reinspection.step == "reminder" and oral.reinspection.cites == ()
    assert "DOUBT-ORAL-ORDER-REINSPECTION" in {d.code for d in oral.doubts}


def test_a_hearing_period_outside_the_calendar_is_refused_not_guessed() -> None:
    path = RS.path / "offices.yaml"
    office = resolve_office([(path, load_offices(path))], "street", "北街街道消防安全办公室")
    assert after_notice(office, CAL, D("2026-12-21"), True) == D("2026-12-29")
    assert after_notice(office, CAL, D("2026-12-28"), False) == D("2027-01-01")  # 3 calendar days: no calendar needed
    with pytest.raises(CaseError, match=r"decided_on: 2026-12-28: .*runs into 2027.*policy/calendar.yaml"):
        after_notice(office, CAL, D("2026-12-28"), True)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("work: [2026-01-04,", "work: [2026-01-05,", "2026-01-05 is not a Saturday or Sunday"),
    ("      issued: 2025-11-04", "      issued: 2026-11-04", "the notice for 2026 is dated 2026-11-04"),
    ("      - [2026-10-01, 2026-10-07]", "      - [2026-10-07, 2026-10-01]", "range ends (2026-10-01) before"),
    ("      url: https://politics.gmw.cn", "      url: politics.gmw.cn", "String should match pattern"),
])
def test_a_wrong_calendar_is_refused_with_its_file_and_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    root = tmp_path / "2024.09"
    shutil.copytree(FAMILY / "2024.09", root)
    path = root / "policy" / "calendar.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        compile_version(root)
    assert any(message in f.message and f.file.endswith("policy/calendar.yaml") for f in info.value.findings), \
        [f.format() for f in info.value.findings]


def test_a_version_without_a_calendar_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "2024.09"
    shutil.copytree(FAMILY / "2024.09", root)
    (root / "policy" / "calendar.yaml").unlink()
    with pytest.raises(RulesetError, match="calendar.yaml"):
        compile_version(root)

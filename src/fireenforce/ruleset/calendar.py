"""The working-day calendar (``policy/calendar.yaml``): per year the State Council's holiday notice,
its days off (放假调休) and adjusted working days (调休上班), with the notice as the year's source."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from pydantic import Field

from fireenforce.dates import WorkingCalendar
from fireenforce.errors import Finding
from fireenforce.ruleset.schema import DoubtSpec, Spec

if TYPE_CHECKING:
    from fireenforce.ruleset.load import Source

CALENDAR_FILE = "calendar.yaml"


class SourceSpec(Spec):
    """The notice a year's days rest on."""

    title: str = Field(min_length=1)
    """Its title, e.g. 国务院办公厅关于2026年部分节假日安排的通知."""
    number: str | None = None
    """Its document number (文号), e.g. 国办发明电〔2024〕12号; null where it could not be verified."""
    issued: dt.date
    """The date it was issued."""
    url: str = Field(pattern=r"^https?://")
    """Where its text was checked."""


class YearSpec(Spec):
    """One year's days, as its notice gives them."""

    source: SourceSpec
    """The notice."""
    off: list[tuple[dt.date, dt.date]] = Field(min_length=1)
    """Days off (放假调休), as [first, last] ranges, both included."""
    work: list[dt.date] = []
    """Adjusted working days (调休上班): Saturdays and Sundays that are working days."""


class CalendarSpec(Spec):
    """``policy/calendar.yaml``: working days by year, and the doubts that go with counting them."""

    years: dict[int, YearSpec] = Field(min_length=1)
    """The years known, each with its notice."""
    holidays_doubt: DoubtSpec
    """Which days count as working days (what the notices' days off mean for the law's 工作日)."""
    uncovered_doubt: DoubtSpec
    """Shown where a period runs into a year the calendar does not know (counted Monday to Friday)."""

    def days_off(self) -> Iterator[dt.date]:
        for year in self.years.values():
            for first, last in year.off:
                yield from (first + dt.timedelta(days=n) for n in range((last - first).days + 1))

    def compile(self) -> WorkingCalendar:
        return WorkingCalendar(self.years, self.days_off(), (d for y in self.years.values() for d in y.work))


def read_calendar(src: "Source", root: Path) -> CalendarSpec | None:
    """``policy/calendar.yaml``; None when missing or invalid (the findings are in ``src.findings``)."""
    path = root / "policy" / CALENDAR_FILE
    if not path.is_file():
        src.findings.append(Finding("RS-POLICY-MISSING", f"missing policy file {CALENDAR_FILE}",
                                    file=src.rel(root / "policy")))
        return None
    spec = src.read(path, CalendarSpec)
    if spec is not None:
        src.findings += check_calendar(src, spec)
    return spec


def check_calendar(src: "Source", spec: CalendarSpec) -> list[Finding]:
    """Each year's days lie in or next to it, ranges are ordered, working days are weekend days off no list."""
    name = src.rel(src.root / "policy" / CALENDAR_FILE)
    out: list[Finding] = []

    def problem(message: str, *loc: str | int) -> None:
        out.append(Finding("RS-CALENDAR", message, file=name, line=src.line(name, *loc),
                           field=".".join(str(part) for part in loc)))

    off = set(spec.days_off())
    for year, days in spec.years.items():
        for j, (first, last) in enumerate(days.off):
            if last < first:
                problem(f"range ends ({last}) before it starts ({first})", "years", year, "off", j)
            if not {first.year, last.year} <= {year - 1, year}:
                problem(f"range {first}–{last} lies outside {year} (a notice may reach back into December only)",
                        "years", year, "off", j)
        for j, day in enumerate(days.work):
            if day.year != year or day.weekday() < 5 or day in off:
                problem(f"{day} is not a Saturday or Sunday of {year} outside the days off", "years", year, "work", j)
        if days.source.issued.year >= year:
            problem(f"the notice for {year} is dated {days.source.issued}, not in the year before",
                    "years", year, "source", "issued")
    return out

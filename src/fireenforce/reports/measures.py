"""The monthly assessment's numbers (考核问效), read from the ledger database.

Everything is counted by the date of the event it rests on: a finding in the month it was found,
a closure in the month it was closed, a step in the month it was taken, a re-inspection in the
month it took place. ``overdue`` is as of the month's last day: orders whose deadline had passed
by then without a re-inspection (referrals excluded: the brigade follows those up). One pass over the rows of the twelve months ending with the
month gives the month and its trend.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import Connection, and_, func, or_, select

from fireenforce.dates import WorkingCalendar, add_months
from fireenforce.ledger.tables import actions, events, findings
from fireenforce.model.enums import STEPS
from fireenforce.ruleset.assessment import AssessmentSpec
from fireenforce.triage.tables import outcomes

DISTRICT = "全区"


@dataclass(frozen=True)
class Month:
    first: dt.date

    @classmethod
    def parse(cls, text: str) -> "Month":
        try:
            day = dt.date.fromisoformat(f"{text}-01")
        except ValueError:
            raise ValueError(f"{text!r} is not a month (YYYY-MM)") from None
        try:  # the report reads the twelve months to it
            add_months(day, 1), add_months(day, -12)
        except ValueError:
            raise ValueError(f"{text!r} is out of range") from None
        return cls(day)

    @property
    def last(self) -> dt.date:
        return add_months(self.first, 1) - dt.timedelta(days=1)

    def shift(self, months: int) -> "Month":
        return Month(add_months(self.first, months))

    def __str__(self) -> str:
        return f"{self.first:%Y-%m}"


def working_days_after(calendar: WorkingCalendar, deadline: dt.date, day: dt.date) -> int:
    """Working days of ``calendar`` after ``deadline`` up to and including ``day``."""
    count, current = 0, deadline
    while current < day:
        current += dt.timedelta(days=1)
        count += calendar.is_working(current)
    return count


@dataclass
class Tally:
    """The numbers of one office (or the district) in one month."""

    findings: int = 0
    by_family: Counter[str] = field(default_factory=Counter)
    orders: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    closed: int = 0
    close_days: list[int] = field(default_factory=list)
    steps: Counter[str] = field(default_factory=Counter)
    fines: int = 0
    fines_unrecorded: int = 0
    referrals: int = 0
    accepted: int = 0
    returned: int = 0
    consultations: int = 0
    device_findings: int = 0
    departures: list[dict[str, str]] = field(default_factory=list)
    campaigns: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    quantities: Counter[str] = field(default_factory=Counter)

    def add(self, other: "Tally") -> None:
        for name in ("findings", "orders", "on_time", "late", "overdue", "closed", "fines", "fines_unrecorded",
                     "referrals", "accepted", "returned", "consultations", "device_findings"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.by_family.update(other.by_family)
        self.close_days += other.close_days
        self.steps.update(other.steps)
        self.departures += other.departures
        for key, counts in other.campaigns.items():
            self.campaigns[key].update(counts)
        self.quantities.update(other.quantities)

    def median_days(self) -> float | None:
        return statistics.median(self.close_days) if self.close_days else None


@dataclass
class Measured:
    """Tallies by (month, office) over the months read, plus campaign totals to date by office."""

    months: list[Month]
    tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)
    campaigns_to_date: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    offices: set[str] = field(default_factory=set)

    def at(self, month: Month | str, office: str) -> Tally:
        key = (month if isinstance(month, str) else str(month), office)
        tally = self.tallies.get(key)
        if tally is None:
            self.offices.add(office)
            tally = self.tallies[key] = Tally()
        return tally

    def district(self, month: Month) -> Tally:
        total = Tally()
        for (key, _), tally in sorted(self.tallies.items()):
            if key == str(month):
                total.add(tally)
        return total


def measure(conn: Connection, month: Month, policy: AssessmentSpec, calendar: WorkingCalendar, *,
            months: int = 12) -> Measured:
    """Read the ledger once for ``months`` months ending with ``month``."""
    first = month.shift(-(months - 1))
    span = [first.shift(i) for i in range(months)]
    out = Measured(span)
    start, end = first.first, month.last

    def month_of(day: dt.date) -> str | None:
        return f"{day.year:04d}-{day.month:02d}" if start <= day <= end else None

    _findings(conn, out, start, end, month_of)
    _actions(conn, out, span, start, end, month_of, policy, calendar)
    _events(conn, out, start, end, month_of)
    _month_details(conn, out, month)
    _campaigns(conn, out, month, policy)
    query = select(outcomes.c.on, outcomes.c.kind, outcomes.c.office).where(outcomes.c.on.between(start, end))
    for row in conn.execute(query):
        found = month_of(row.on)
        if found is not None and row.kind == "consultation":
            out.at(found, row.office or DISTRICT).consultations += 1
    return out


def _findings(conn: Connection, out: Measured, start: dt.date, end: dt.date, month_of: Any) -> None:
    query = select(findings.c.office, findings.c.item, findings.c.opened_on, findings.c.closed_on).where(
        or_(findings.c.opened_on.between(start, end), findings.c.closed_on.between(start, end)))
    for office, item, opened, closed in conn.execute(query):
        found = month_of(opened)
        if found is not None:
            tally = out.at(found, office)
            tally.findings += 1
            tally.by_family[item.split("-", 1)[0]] += 1
        shut = month_of(closed) if closed is not None else None
        if shut is not None:
            tally = out.at(shut, office)
            tally.closed += 1
            tally.close_days.append((closed - opened).days)


def _actions(conn: Connection, out: Measured, span: list[Month], start: dt.date, end: dt.date, month_of: Any,
             policy: AssessmentSpec, calendar: WorkingCalendar) -> None:
    grace = policy.reinspection.working_days
    lasts, keys = [m.last for m in span], [str(m) for m in span]
    query = select(actions.c.office, actions.c.date, actions.c.step, actions.c.deadline,
                   actions.c.reinspected_on).where(
        actions.c.date <= end,
        or_(actions.c.date >= start, actions.c.reinspected_on.is_(None), actions.c.reinspected_on >= start))
    for office, day, step, deadline, reinspected in conn.execute(query):
        taken = month_of(day)
        if taken is not None:
            out.at(taken, office).steps[step] += 1
        if deadline is None:
            continue
        if reinspected is not None and (done := month_of(reinspected)) is not None:
            tally = out.at(done, office)
            if reinspected <= deadline or working_days_after(calendar, deadline, reinspected) <= grace:
                tally.on_time += 1
            else:
                tally.late += 1
        if step == "referral":  # a referred finding is the brigade's to follow up, not overdue here
            continue
        # overdue at the end of each month whose last day is on or after the action, after the
        # deadline, and before the re-inspection
        first = bisect.bisect_left(lasts, max(day, deadline + dt.timedelta(days=1)))
        stop = len(lasts) if reinspected is None else bisect.bisect_left(lasts, reinspected)
        for index in range(first, stop):
            out.at(keys[index], office).overdue += 1


def _events(conn: Connection, out: Measured, start: dt.date, end: dt.date, month_of: Any) -> None:
    kinds = ("referral_sent", "referral_accepted", "referral_returned")
    query = select(events.c.office, events.c.kind, events.c.at).where(
        events.c.at.between(start, end),
        or_(events.c.kind.in_(kinds),
            and_(events.c.kind == "document", events.c.payload.like('%"type":"rectification_order"%'))))
    field_of = {"referral_sent": "referrals", "referral_accepted": "accepted", "referral_returned": "returned",
                "document": "orders"}
    for office, kind, at in conn.execute(query):
        found = month_of(at)
        if found is not None:
            tally = out.at(found, office)
            setattr(tally, field_of[kind], getattr(tally, field_of[kind]) + 1)


def _month_details(conn: Connection, out: Measured, month: Month) -> None:
    """What needs the payloads, for the reported month only: fines, departures, device findings."""
    in_month = events.c.at.between(month.first, month.last)
    query = select(events.c.office, events.c.finding, events.c.payload).where(
        in_month, events.c.kind == "action",
        or_(events.c.payload.like('%"step":"penalty"%'), events.c.payload.not_like('%"departure":null%')))
    for office, finding, text in conn.execute(query):
        payload = json.loads(text)
        tally = out.at(month, office)
        departure = payload.get("departure")
        if departure:
            tally.departures.append({"finding": finding, "suggested": departure["suggested"],
                                     "chosen": departure["chosen"], "reason": departure["reason"]})
        if payload.get("step") == "penalty":
            fine = payload.get("fine")
            if isinstance(fine, (int, float)):
                tally.fines += int(fine)
            else:
                tally.fines_unrecorded += 1
    query = select(events.c.office).where(in_month, events.c.kind == "finding",
                                          events.c.payload.like('%"trigger":%'))
    for row in conn.execute(query):
        out.at(month, row.office).device_findings += 1


def _campaigns(conn: Connection, out: Measured, month: Month, policy: AssessmentSpec) -> None:
    """Campaign steps (and quantities such as m² removed) of the month and to date."""
    if not policy.campaigns:
        return
    query = select(events.c.office, events.c.at, events.c.payload).where(
        events.c.kind == "finding", events.c.at <= month.last, events.c.payload.like('%"campaign":%'))
    for office, at, text in conn.execute(query):
        facts = json.loads(text)["case"].get("facts", {})
        spec = policy.campaigns.get(str(facts.get("campaign")))
        if spec is None:
            continue
        key = str(facts["campaign"])
        tallies = [out.campaigns_to_date[office]] + ([out.at(month, office)] if at >= month.first else [])
        for tally in tallies:
            tally.campaigns[key][str(facts.get("campaign_step", ""))] += 1
            if spec.quantity is not None and isinstance(facts.get(spec.quantity.key), (int, float)):
                tally.quantities[key] += facts[spec.quantity.key]


def first_record(conn: Connection, office: str | None, until: dt.date) -> dt.date | None:
    """The day of the ledger's first event up to ``until`` (of ``office``, or of any office): the
    months before it have no records, which is not the same as nothing found."""
    query = select(func.min(events.c.at)).where(events.c.at <= until)
    if office is not None:
        query = query.where(events.c.office == office)
    day = conn.execute(query).scalar()
    return dt.date.fromisoformat(day) if isinstance(day, str) else day


def steps_of(tally: Tally) -> dict[str, int]:
    return {step: tally.steps.get(step, 0) for step in STEPS}


def families_of(tally: Tally, policy: AssessmentSpec) -> dict[str, int]:
    return {family: tally.by_family[family] for family in policy.families if tally.by_family.get(family)}


def offices_in(measured: Measured, month: Month) -> list[str]:
    return sorted({office for (key, office) in measured.tallies if key == str(month)} - {DISTRICT})


def all_offices(measured: Measured) -> Iterable[str]:
    return sorted(measured.offices - {DISTRICT})

"""Replay a seeded district's activity into a ledger, day by day, through the public API: findings
recorded (decide with the ledger's history), re-inspections on or after the deadline (some late,
some failing and escalating), the brigade's answers to referrals, device events, and triage."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from dataclasses import dataclass, field
from typing import Callable, Iterator

from fireenforce.dates import add_months
from fireenforce.engine import decide
from fireenforce.ledger import Closure, FineRequired, Ledger, OpenFinding, Record
from fireenforce.model import Decision
from fireenforce.model.case import parse_case
from fireenforce.simulate.district import (
    HEAVIER_REASONS, LIGHTER_REASONS, Inspection, build_district, inspections_on, signals_on,
)
from fireenforce.triage.signals import Signal
from fireenforce.triage.store import PlaceEntry, ruleset_in_force, run_triage, store_places, store_signals


@dataclass
class Summary:
    """What a replay did, by kind (for the demo's output and the tests' sanity checks)."""

    days: int = 0
    findings: int = 0
    reinspections: int = 0
    referral_answers: int = 0
    signals: int = 0
    outcomes: int = 0
    departures: int = 0
    repeats: int = 0  # the same conduct observed while its finding was open: re-inspected instead
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(order=True)
class _Due:
    day: dt.date
    order: int
    kind: str = field(compare=False)  # reinspect | answer
    finding: str = field(compare=False)
    plan: Inspection = field(compare=False)
    attempt: int = field(compare=False, default=0)


def seed_ledger(led: Ledger, *, seed: int = 2026, start: dt.date = dt.date(2025, 6, 1), months: int = 12,
                scale: float = 1.0, rate: float = 1.0, triage_from: dt.date | None = None,
                progress: Callable[[dt.date], None] | None = None) -> Summary:
    """Fill ``led`` with ``months`` of activity from ``start``; deterministic for a seed (apart
    from the ledger's random ids). Triage runs every day from ``triage_from`` (default: the start;
    a later day saves time where only recent consultations matter). Events dated after the last
    day are not replayed."""
    ruleset_in_force(led.ruleset_path, start, "from")  # before anything is written
    triage_from = triage_from or start
    district = build_district(seed, scale)
    store_places(led, [PlaceEntry.model_validate(p.to_json()) for p in district.places])
    end = add_months(start, months)
    summary = Summary()
    queue = _Queue()
    day = start
    while day < end:
        received = [Signal.model_validate(s) for s in signals_on(district, day, seed, rate)]
        if received:
            summary.signals += store_signals(led, received)[0]
        # a finding closed or taken over by the brigade today ends what was observed up to today: the
        # same conduct of that subject is not a new finding before tomorrow (the ledger refuses it)
        ended = {_conduct(due.plan) for due in queue.pop_until(day) if _follow(led, due, queue, summary)}
        for plan in inspections_on(district, day, seed, rate):
            if _conduct(plan) in ended:
                continue
            try:
                queue.schedule(_record(led, plan, summary), plan, day, 0)
            except OpenFinding as repeat:
                _repeat(led, repeat, plan, day, queue, summary)
        if day >= triage_from:
            summary.outcomes += len(run_triage(led, day))
        summary.days += 1
        if progress is not None:
            progress(day)
        day += dt.timedelta(days=1)
    return summary


def _record(led: Ledger, plan: Inspection, summary: Summary) -> Record:
    """Record the finding as the officer would: the suggested step (or, for a few, a departure
    with its reason), and for a fine the amount within the suggested range."""
    summary.findings += 1
    summary.counts[plan.case["item"]] = summary.counts.get(plan.case["item"], 0) + 1
    case = parse_case(plan.case)
    decision = decide(case.model_copy(update={"history": led.history(case.subject)}))
    if plan.depart is not None and decision.step in ("reminder", "warning"):
        other, reasons = ("warning", HEAVIER_REASONS) if decision.step == "reminder" else ("reminder", LIGHTER_REASONS)
        summary.departures += 1
        return led.record(plan.case, officer=plan.officer, step=other, reason=reasons[int(plan.depart * len(reasons))])
    return led.record(plan.case, officer=plan.officer, fine=_fine(decision, plan))


def _fine(decision: Decision, plan: Inspection) -> int | None:
    """The fine an officer imposes on a penalty: within the suggested range, in steps of 50 yuan."""
    penalty = decision.penalty
    if decision.step != "penalty" or penalty is None or penalty.fine is None or "fine" not in penalty.kinds:
        return None
    low, high = penalty.fine.suggested.min, penalty.fine.suggested.max
    return min(max(penalty.fine.min, 1, round((low + plan.fine_share * (high - low)) / 50) * 50), penalty.fine.max)


def _reinspect(led: Ledger, finding: str, day: dt.date, rectified: bool, plan: Inspection) -> Record | Closure:
    """A re-inspection; where it decides a penalty with a fine, the officer then sets the amount."""
    try:
        return led.reinspect(finding, on=day, rectified=rectified, officer=plan.officer)
    except FineRequired as need:
        assert need.decision is not None
        return led.reinspect(finding, on=day, rectified=rectified, officer=plan.officer, fine=_fine(need.decision, plan))


class _Queue:
    """What falls due, by day; a finding's follow-up scheduled anew replaces its earlier one."""

    def __init__(self) -> None:
        self.heap: list[_Due] = []
        self.order = itertools.count()
        self.latest: dict[str, int] = {}

    def push(self, due: _Due) -> None:
        self.latest[due.finding] = due.order
        heapq.heappush(self.heap, due)

    def pop_until(self, day: dt.date) -> Iterator[_Due]:
        while self.heap and self.heap[0].day <= day:
            due = heapq.heappop(self.heap)
            if self.latest.get(due.finding) == due.order:
                yield due

    def schedule(self, record: Record, plan: Inspection, day: dt.date, attempt: int) -> None:
        if record.status == "referred":
            self.push(_Due(day + dt.timedelta(days=plan.answer_days), next(self.order), "answer",
                           record.finding, plan, attempt))
        elif record.status == "open" and record.deadline is not None:
            late = plan.late_days[min(attempt, len(plan.late_days) - 1)]
            self.push(_Due(max(record.deadline + dt.timedelta(days=late), day), next(self.order), "reinspect",
                           record.finding, plan, attempt))


def _repeat(led: Ledger, repeat: OpenFinding, plan: Inspection, day: dt.date, queue: _Queue,
            summary: Summary) -> None:
    """The conduct seen again while its finding is open belongs to that finding: re-inspect it
    (after the deadline the next step is decided; before it only the visit is recorded). A
    referral awaiting the brigade's answer is left to the brigade."""
    summary.repeats += 1
    if repeat.status != "open":
        return
    summary.reinspections += 1
    result = _reinspect(led, repeat.finding, day, False, plan)
    if isinstance(result, Record) and (repeat.deadline is None or day > repeat.deadline):
        queue.schedule(result, plan, day, 1)


def _follow(led: Ledger, due: _Due, queue: _Queue, summary: Summary) -> bool:
    """The brigade's answer or the re-inspection that falls due; whether it ended the finding
    (closed, or the referral accepted)."""
    if due.kind == "answer":
        summary.referral_answers += 1
        view = led.referral_answer(due.finding, on=due.day, accepted=due.plan.referral_accepted,
                                   result="已立案查处" if due.plan.referral_accepted else "不属于本大队管辖，退回属地办公室")
        if view.status == "open" and view.deadline is not None:  # returned: re-inspect it like any open finding
            queue.push(_Due(view.deadline, next(queue.order), "reinspect", due.finding, due.plan,
                            due.plan.fixes_after))
        return due.plan.referral_accepted
    summary.reinspections += 1
    result = _reinspect(led, due.finding, due.day, due.attempt >= due.plan.fixes_after, due.plan)
    if isinstance(result, Closure):
        return True
    queue.schedule(result, due.plan, due.day, due.attempt + 1)
    return False


def _conduct(plan: Inspection) -> tuple[str, str, str]:
    """Whose conduct an inspection finds, and where: the subject, the item, the office."""
    case = plan.case
    return case["subject"].get("id") or case["subject"].get("name", ""), case["item"], case["office"]["name"]

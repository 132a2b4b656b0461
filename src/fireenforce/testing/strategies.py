"""Hypothesis strategies that generate valid cases for any ruleset.

``cases(ruleset)`` mixes free cases with cases steered into the box of each step-table rule
(``rule_cases``), so every rule of the policy is exercised; ``fired_rule`` says which one decided.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence, cast

from hypothesis import assume, strategies as st

from fireenforce.engine import penalty as pen
from fireenforce.dates import add_months, add_years
from fireenforce.model.case import Case, Facts, HistoryEntry, Office, Place, Subject
from fireenforce.model.decision import Decision
from fireenforce.model.enums import OFFICE_LEVELS, OfficeLevel, SubjectKind
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.items import ALL_CONDITIONS, CompiledItem, Conditions

OPEN_END_YEARS = 3  # an open in-force period is explored this many years past its start


@dataclass(frozen=True, slots=True)
class Profile:
    """An item, the case conditions, the acting level and whether a refusal is found, with the
    penalty status (a step-table input) they give on the reference day."""

    code: str
    conditions: Conditions
    level: str
    refused: bool
    status: str


def decision_period(ruleset: Ruleset) -> tuple[dt.date, dt.date]:
    """First and last decision dates to explore: the in-force period inside the coverage."""
    start = max(ruleset.in_force.from_, ruleset.coverage.from_)
    ends = [p.to - dt.timedelta(days=1) for p in (ruleset.in_force, ruleset.coverage) if p.to is not None]
    return start, min(ends) if ends else add_years(start, OPEN_END_YEARS)


def fired_rule(ruleset: Ruleset, decision: Decision) -> str | None:
    """The id of the step-table rule that decided ``decision``."""
    ids = set(ruleset.policy.step_table.rule_ids())
    return next((r.rule for r in decision.reasons if r.rule in ids), None)


def _fits(item: CompiledItem, conditions: Conditions) -> bool:
    """Conditions a valid case of this item can have (minor and serious never together)."""
    subject, operating, high_rise, _, serious, minor, _ = conditions
    return (subject in item.subjects and (high_rise or not item.high_rise_only)
            and (operating or not item.operating_only) and not (serious and minor))


def profiles(ruleset: Ruleset, codes: Iterable[str], day: dt.date) -> list[Profile]:
    """Every consistent (item, conditions, level, refused) with its penalty status on ``day``."""
    out = []
    for code in codes:
        item = ruleset.items[code]
        for conditions in ALL_CONDITIONS:
            if not _fits(item, conditions):
                continue
            branch = item.resolve(conditions, day).branch
            for level in OFFICE_LEVELS:
                for refused in (False, True):
                    if branch is None:
                        status = "none"
                    elif branch.spec.precondition and not refused:  # no agency notice is generated then
                        status = "needs_notice" if branch.spec.precondition == "notice" else "unmet"
                    elif not pen.competence(ruleset, item, branch, level).holds:
                        status = "no_power"
                    else:
                        status = "available"
                    out.append(Profile(code, conditions, level, refused, status))
    return out


@st.composite
def _dates(draw: st.DrawFn, start: dt.date, end: dt.date, barred_years: int | None, floor: dt.date,
           pivots: Sequence[dt.date]) -> tuple[dt.date, dt.date | None, dt.date, dt.date]:
    """(occurred_on, ended_on, observed_on, decided_on); with ``barred_years`` the conduct ended
    more than that many years before it was observed. Conduct often ends on either side of a
    ``pivot`` (a day the item's law changes), so the law by date and lex mitior are exercised."""
    decided = draw(st.dates(start, end))
    observed = draw(st.dates(max(floor, decided - dt.timedelta(days=60)), decided))
    if barred_years is not None:
        latest_end = add_years(observed, -barred_years) - dt.timedelta(days=1)
        ended: dt.date | None = draw(st.dates(min(floor, latest_end), latest_end))
    else:
        lowest = max(floor, add_years(observed, -5))
        near = sorted(_span(lowest, observed, pivots))
        ends = st.dates(lowest, observed) | st.sampled_from(near) if near else st.dates(lowest, observed)
        ended = draw(st.none() | ends)
    first = min(observed, ended) if ended else observed
    occurred = draw(st.dates(min(first, max(floor, first - dt.timedelta(days=400))), first))
    return occurred, ended, observed, decided


def _span(low: dt.date, high: dt.date, pivots: Sequence[dt.date]) -> set[dt.date]:
    """The days next to the pivots that fall inside [low, high]."""
    return {d + dt.timedelta(days=k) for d in pivots for k in (-1, 0) if low <= d + dt.timedelta(days=k) <= high}


def _history(ruleset: Ruleset, code: str, decided: dt.date, prior: str | None,
             others: Sequence[str]) -> st.SearchStrategy[tuple[HistoryEntry, ...]]:
    """Earlier actions: with ``prior``, the highest step on ``code`` inside the window is exactly it
    (None: anything). Entries outside the window and on other items are mixed in. Entries inside
    the window are past their deadline, so the ladder counts them (a running order is re-inspected)."""
    steps: list[str] = list(ruleset.policy.spec.ladder.steps)
    months = ruleset.policy.lookback_months(decided) or 0
    cutoff = add_months(decided, -months)
    latest = decided - dt.timedelta(days=ruleset.items[code].rectification_days + 1)
    inside = st.dates(cutoff, max(cutoff, latest))
    outside = st.dates(cutoff - dt.timedelta(days=500), cutoff - dt.timedelta(days=1))
    noise = st.builds(HistoryEntry, date=outside, item=st.just(code), step=st.sampled_from(steps),
                      rectified=st.booleans())
    if others:
        noise |= st.builds(HistoryEntry, date=inside | outside, item=st.sampled_from(others),
                           step=st.sampled_from(steps), rectified=st.booleans())
    if prior is None:
        same = st.builds(HistoryEntry, date=inside, item=st.just(code), step=st.sampled_from(steps),
                         rectified=st.booleans())
        return st.lists(same | noise, max_size=5).map(tuple)
    if prior == "none":
        return st.lists(noise, max_size=3).map(tuple)
    lower = steps[: steps.index(prior) + 1]
    top = st.builds(HistoryEntry, date=inside, item=st.just(code), step=st.just(prior), rectified=st.booleans())
    below = st.builds(HistoryEntry, date=inside, item=st.just(code), step=st.sampled_from(lower),
                      rectified=st.booleans())
    return st.tuples(top, st.lists(below | noise, max_size=3)).map(lambda t: (t[0], *t[1]))


@st.composite
def _case(draw: st.DrawFn, ruleset: Ruleset, pool: st.SearchStrategy[Profile], prior: str | None, barred: bool,
          period: tuple[dt.date, dt.date], excused: bool = False) -> Case:
    profile = draw(pool)
    subject, operating, high_rise, crowded, serious, minor, hinders = profile.conditions
    start, end = period
    limitation = ruleset.policy.limitation(end)
    years = limitation.base_years if limitation and barred else None
    item = ruleset.items[profile.code]
    pivots = sorted(ruleset.provisions.change_dates([c for b in item.spec.penalties for c in b.cite]))
    occurred, ended, observed, decided = draw(_dates(start, end, years, ruleset.coverage.from_, pivots))
    assume(bool(item.resolve(profile.conditions, decided).grounds))  # the duty must exist by the decision
    if item.completed:
        ended = occurred  # a completed act ends the day it is done
        assume(bool(item.resolve(profile.conditions, ended).grounds))
    elif ended is not None and not item.resolve(profile.conditions, ended).grounds:
        ended = None  # no duty in force when the conduct ended: judge it as continuing instead
    harm = False if barred else draw(st.booleans())
    rare = st.sampled_from((False, False, False, True))  # grounds of no penalty: often enough, not always
    facts = Facts(
        serious=serious, minor=minor, hinders_evacuation=hinders, harm=harm, slight_harm=harm and draw(rare),
        slight=not serious and draw(rare) and draw(rare),  # seldom: it often excuses (art. 33(1)) and hides the rest
        rectified_on_spot=draw(st.booleans()), corrected_in_time=draw(rare), no_fault=excused or draw(rare),
        refused=profile.refused,
        mitigating=draw(_fact_codes(ruleset.policy.mitigating)),
        aggravating=draw(_fact_codes(ruleset.policy.aggravating)),
    )
    others = [c for c in ruleset.items if c != profile.code]
    history = draw(_history(ruleset, profile.code, decided, prior, others))
    written = ruleset.policy.written_orders
    if prior is not None and profile.status in ("unmet", "needs_notice"):
        history = tuple(h.model_copy(update={"rectified": True}) if h.item == profile.code and h.step in written
                        else h for h in history)
    if profile.refused and item.orders:
        # the element of the offence: a written order (by the fire-rescue agency) past its deadline, unrectified;
        # dated before the lookback window, so the ladder's prior step is unchanged
        months = ruleset.policy.lookback_months(decided) or 0
        served = add_months(decided, -months) - dt.timedelta(days=draw(st.integers(1, 300)))
        order = HistoryEntry(date=max(served, ruleset.coverage.from_), item=profile.code, step="warning",
                             issued_by="fire_rescue")
        history = (order, *history)
    return Case(
        item=profile.code, subject=Subject(kind=cast(SubjectKind, subject), operating=operating),
        place=Place(high_rise=high_rise, crowded=crowded), office=Office(level=cast(OfficeLevel, profile.level)),
        occurred_on=occurred, ended_on=ended, observed_on=observed, decided_on=decided, facts=facts,
        history=history,
    )


def _pick(pool: Sequence[Profile]) -> st.SearchStrategy[Profile]:
    """An item, then one of its profiles: every item equally likely (and no huge repr)."""
    by_item: dict[str, list[Profile]] = defaultdict(list)
    for p in pool:
        by_item[p.code].append(p)
    groups = list(by_item.values())

    @st.composite
    def profile(draw: st.DrawFn) -> Profile:
        group = groups[draw(st.integers(0, len(groups) - 1))]
        return group[draw(st.integers(0, len(group) - 1))]

    return profile()


def _fact_codes(known: Iterable[str]) -> st.SearchStrategy[tuple[str, ...]]:
    codes = sorted(known)
    return st.lists(st.sampled_from(codes), max_size=2, unique=True).map(tuple) if codes else st.just(())


def _codes(ruleset: Ruleset, items: Iterable[str] | None) -> list[str]:
    codes = sorted(ruleset.items) if items is None else [c for c in items if c in ruleset.items]
    if not codes:
        raise ValueError("no catalogue item to generate cases for")
    return codes


def rule_cases(ruleset: Ruleset, rule_id: str, *, items: Iterable[str] | None = None,
               period: tuple[dt.date, dt.date] | None = None) -> st.SearchStrategy[Case] | None:
    """Cases steered into the box of one step-table rule: for each input combination (prior step,
    serious, penalty status, acting office) the table gives to this rule, matching profiles and a
    history whose highest step is that prior; kept only when the rule decides them. None when no
    catalogue item can reach the rule."""
    period = period or decision_period(ruleset)
    return _aimed(ruleset, rule_id, _by_inputs(ruleset, profiles(ruleset, _codes(ruleset, items), period[0])), period)


Inputs = tuple[bool, str, str, bool]  # (serious, penalty status, acting, completed)


def _by_inputs(ruleset: Ruleset, every: Iterable[Profile]) -> dict[Inputs, list[Profile]]:
    """Profiles by the table inputs they fix: (serious, penalty status, acting, completed); a profile
    with a penalty branch can also be made time-barred by its dates, or excused by its facts (no fault)."""
    out: dict[Inputs, list[Profile]] = defaultdict(list)
    for p in every:
        acting = "brigade" if p.level == "brigade" else "office"
        completed = ruleset.items[p.code].completed
        out[(p.conditions[4], p.status, acting, completed)].append(p)
        if p.status != "none":
            out[(p.conditions[4], "barred", acting, completed)].append(p)
            out[(p.conditions[4], "excused", acting, completed)].append(p)
    return out


def _aimed(ruleset: Ruleset, rule_id: str, groups: dict[Inputs, list[Profile]],
           period: tuple[dt.date, dt.date]) -> st.SearchStrategy[Case] | None:
    from fireenforce.engine import decide

    table = ruleset.policy.step_table
    box = table.boxes()[table.rule_ids().index(rule_id)]
    combos = [c for c in itertools.product(*box.values()) if table.decide(*c).id == rule_id]
    named = [dict(zip(box, c)) for c in combos]
    options = [
        _case(ruleset, _pick(pool), cast(str, c["prior"]), c["penalty"] == "barred", period, c["penalty"] == "excused")
        for c in named
        if (pool := groups.get(cast(Inputs, (c["serious"], c["penalty"], c["acting"], c["completed"]))))
    ]
    if not options:
        return None
    return st.one_of(*options).filter(lambda case: fired_rule(ruleset, decide(case, ruleset=ruleset, what_if=True)) == rule_id)


def cases(ruleset: Ruleset, *, items: Iterable[str] | None = None,
          period: tuple[dt.date, dt.date] | None = None) -> st.SearchStrategy[Case]:
    """Valid cases for ``ruleset``: free ones and ones aimed at each step-table rule.

    ``items`` restricts the catalogue codes; ``period`` the decision dates (default: the
    ruleset's in-force period inside its coverage)."""
    period = period or decision_period(ruleset)
    every = profiles(ruleset, _codes(ruleset, items), period[0])
    groups = _by_inputs(ruleset, every)
    free = _case(ruleset, _pick(every), None, False, period)
    aimed = [s for rule in ruleset.policy.step_table.rule_ids()
             if (s := _aimed(ruleset, rule, groups, period)) is not None]
    return st.one_of(free, *aimed)

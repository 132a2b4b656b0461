"""The law by date: conduct-time law, lex mitior (penalty-law art. 37), limitation (art. 36)."""

from __future__ import annotations

import datetime as dt
import functools

from fireenforce.dates import add_years
from fireenforce.errors import CaseError
from fireenforce.model.case import Case
from fireenforce.model.decision import Limitation, Reason
from fireenforce.model.fast import construct
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.items import CompiledItem, Conditions, Resolution
from fireenforce.ruleset.schema import LimitationPeriod


def conduct_day(case: Case) -> dt.date:
    """The time of the conduct: its end; a conduct still going on is judged at decision time."""
    values = case.__dict__
    ended = values["ended_on"]
    return ended if ended is not None else (values["decided_on"] or values["observed_on"])


def applied_law(
    rs: Ruleset, item: CompiledItem, conditions: Conditions, case: Case, now_day: dt.date
) -> tuple[Resolution, dt.date, Reason]:
    """The law at the time of the conduct, unless the law at decision time (``now_day``) is lighter."""
    ended = case.__dict__["ended_on"]
    then_day = ended if ended is not None else now_day
    then = item.resolve(conditions, then_day)
    if not then.grounds:
        field = "ended_on" if ended is not None else "decided_on"
        raise CaseError(field, f"no duty provision of {item.code} in this ruleset is in force on {then_day}")
    now = then if now_day == then_day else item.resolve(conditions, now_day)
    resolution, lighter, reason = milder_law(rs, then, now)
    return resolution, now_day if lighter else then_day, reason


def milder_law(rs: Ruleset, then: Resolution, now: Resolution) -> tuple[Resolution, bool, Reason]:
    """The law applied of the conduct-time law ``then`` and the decision-time law ``now``: the
    resolution, whether it is ``now`` (lighter, or no longer punishable), and why."""
    if now is not then and then.branch is not None and now.grounds:
        if now.branch is None:
            return now, True, rs.static_reasons["law.no-longer-punishable"]
        if now.branch.severity < then.branch.severity:
            return now, True, rs.static_reasons["law.lex-mitior"]
    return then, False, rs.static_reasons["law.conduct-time"]


def limitation(case: Case, day: dt.date, period: LimitationPeriod | None) -> Limitation:
    """Whether the penalty is time-barred on ``day`` under ``period``: not discovered within the
    period after the conduct ended."""
    if period is None:
        raise CaseError("decided_on", f"the ruleset has no limitation period for {day}")
    values = case.__dict__
    years = period.extended_years if values["facts"].harm else period.base_years
    ended = values["ended_on"]
    if ended is None:
        return _limitation(years, None, False)
    return _limitation(years, ended, values["observed_on"] > add_years(ended, years))


@functools.lru_cache(maxsize=32768)
def _limitation(years: int, runs_from: dt.date | None, barred: bool) -> Limitation:
    """The period runs from the end of the conduct; a continuing conduct has not started it."""
    expires = add_years(runs_from, years) if runs_from is not None else None
    return construct(Limitation, years=years, runs_from=runs_from, expires_on=expires, barred=barred)

"""A named office's own powers on the act's day (``offices.yaml``, compiled into the ruleset):
under 委托 only what its 委托书 entrusts, within its term (penalty-law art. 20 paras. 2 and 4);
under 赋权 what its level holds, in its township's own name (art. 24)."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from fireenforce.dates import chinese_date
from fireenforce.engine.penalty import Competence, entrusted_reason, lacking_kinds
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.items import CompiledItem, PenaltyBranch
from fireenforce.ruleset.offices import Entrustment, OfficeDelegation

Earliest = Callable[[], "dt.date | None"]  # the earliest lawful day of the penalty decision (None: that day)

HOLDING = frozenset({"power.holds", "power.entrusted", "power.empowered"})  # the level holds the penalty


def bounded(rs: Ruleset, found: Competence, item: CompiledItem, branch: PenaltyBranch, name: str, level: str,
            day: dt.date, earliest: Earliest | None = None) -> Competence:
    """``found`` (what the level holds) bounded by the named office's form and 委托书 on ``day``
    and, where ``earliest`` gives the first lawful day of the penalty decision (after the notice's
    statement and hearing request periods), on that day too: the decision is the act that must
    fall within the 委托书's term (penalty-law art. 20 paras. 2, 4). An office the ruleset does
    not name keeps its level's powers. One cached object per outcome (memo keys use its identity)."""
    office = rs.delegations.offices.get(name)
    if office is None or not found.holds or found.brigade:
        return found
    now = _on(rs, found, item, branch, office, level, day)
    terms = rs.delegations.terms
    if not now.holds or earliest is None or terms is None:
        return now
    latest = terms.decision_from(rs.calendar, day, True)
    if not any(day < change <= latest for change in office.dates()):
        return now  # nothing changes before any decision could be made
    by = earliest()
    if by is None or by <= day:
        return now
    then = _on(rs, found, item, branch, office, level, by)
    if then.holds:
        return now  # its documents take the form of their own day
    key = ("lapsed", id(now), id(then), by)
    cached: Competence | None = rs.competences.get(key)
    if cached is None:
        reason = rs.policy_reason("power.entrustment-lapses", then.reason.cites, decided_label=chinese_date(by),
                                  then=then.reason.text)
        cached = rs.competences[key] = Competence(False, then.authority, reason, found.brigade)
    return cached


def lapse_horizon(rs: Ruleset) -> Callable[[dt.date], dt.date] | None:
    """The latest day a penalty decision following a notice of the given day may first be made
    (statement and hearing request periods): the window ``bounded`` looks into (None: no terms)."""
    terms = rs.delegations.terms
    return None if terms is None else (lambda day: terms.decision_from(rs.calendar, day, True))


def _on(rs: Ruleset, found: Competence, item: CompiledItem, branch: PenaltyBranch, office: OfficeDelegation,
        level: str, day: dt.date) -> Competence:
    """``found`` bounded by ``office``'s form and 委托书 on ``day``."""
    form = office.form_on(day, rs.delegations.level_forms.get(level))
    if form is None:
        return found
    entrustment = office.entrustment_on(day) if form == "委托" else None
    key = ("entrusted", id(found), id(branch), form, id(entrustment))
    cached: Competence | None = rs.competences.get(key)
    if cached is None:
        cached = rs.competences[key] = _bounded(rs, found, item, branch, level, form, entrustment)
    return cached


def _bounded(rs: Ruleset, found: Competence, item: CompiledItem, branch: PenaltyBranch, level: str, form: str,
             entrustment: Entrustment | None) -> Competence:
    delegation = rs.policy.spec.delegation
    label = delegation.levels[level].name  # type: ignore[index]  # a validated OfficeLevel
    to = delegation.default_authority
    authority = delegation.authorities[to]
    if form == "赋权":  # its level's powers, on the township's own authority (penalty-law art. 24)
        cites = tuple(delegation.empowered_cites or found.cites)
        reason = rs.policy_reason("power.empowered", cites, level_label=label) \
            if found.reason.rule in HOLDING else found.reason
        return Competence(True, None, reason, found.brigade, cites, found.summary_only)
    if entrustment is None:
        return Competence(False, to, rs.policy_reason("power.entrustment-none", level_label=label,
                                                      authority=authority), found.brigade)
    named = f"（{entrustment.number}，{chinese_date(entrustment.date)}）"
    if item.code not in entrustment.items:
        return Competence(False, to, rs.policy_reason("power.entrustment-item", entrustment=named,
                                                      authority=authority), found.brigade)
    lacking = lacking_kinds(branch, entrustment.powers)
    if lacking:
        kinds = "、".join(rs.policy.kind_labels[k] for k in lacking)
        return Competence(False, to, rs.policy_reason("power.entrustment-kind", entrustment=named, kinds_label=kinds,
                                                      authority=authority), found.brigade)
    if found.reason.rule == "power.empowered":  # a level under 赋权, this office under 委托
        cites = tuple(delegation.form_cites)
        return Competence(True, None, entrusted_reason(rs, label, cites), found.brigade, cites, found.summary_only)
    return found  # within the 委托书: the documents in the agency's name cite it

"""A named office's own powers on the act's day (``offices.yaml``, compiled into the ruleset):
under 委托 only what its 委托书 entrusts, within its term (penalty-law art. 20 paras. 2 and 4);
under 赋权 what its level holds, in its township's own name (art. 24)."""

from __future__ import annotations

import datetime as dt

from fireenforce.engine.penalty import Competence, entrusted_reason, lacking_kinds
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.items import CompiledItem, PenaltyBranch
from fireenforce.ruleset.offices import Entrustment

HOLDING = frozenset({"power.holds", "power.entrusted", "power.empowered"})  # the level holds the penalty


def bounded(rs: Ruleset, found: Competence, item: CompiledItem, branch: PenaltyBranch, name: str, level: str,
            day: dt.date) -> Competence:
    """``found`` (what the level holds) bounded by the named office's form and 委托书 on ``day``;
    an office the ruleset does not name keeps its level's powers. One cached object per outcome
    (decision memo keys use its identity)."""
    office = rs.delegations.offices.get(name)
    if office is None or not found.holds or found.brigade:
        return found
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
    named = f"{entrustment.number}，{entrustment.date.isoformat()}"
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

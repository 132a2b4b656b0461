"""The penalty side of a decision: precondition, competence, tier, fine range, procedure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Collection

from fireenforce.dates import add_years, full_years
from fireenforce.model.case import Case
from fireenforce.model.decision import Fine, FineRange, Reason
from fireenforce.labels import PRECONDITION_LABELS, SUBJECT_LABELS, TIER_LABELS
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.items import CompiledItem, PenaltyBranch
from fireenforce.ruleset.schema import Limits
from fireenforce.model.fast import construct


@dataclass(frozen=True, slots=True)
class Competence:
    holds: bool
    authority: str | None  # the code (policy/delegation.yaml authorities) of who may, when this office may not
    reason: Reason
    brigade: bool
    cites: tuple[str, ...] = ()  # the acting level's own competence provisions (cited on a penalty)
    summary_only: bool = False  # the level holds only what a summary decision can carry


def competence(rs: Ruleset, item: CompiledItem, branch: PenaltyBranch, level: str) -> Competence:
    """Whether the acting office may impose this branch; if not, who may (cached per branch and level)."""
    key = (id(branch), level)
    found: Competence | None = rs.competences.get(key)
    if found is None:
        found = rs.competences[key] = _competence(rs, item, branch, level)
    return found


def _competence(rs: Ruleset, item: CompiledItem, branch: PenaltyBranch, level: str) -> Competence:
    """Kinds reserved to another authority go there first; then the item must be delegated to the level."""
    policy = rs.policy
    delegation = policy.spec.delegation
    level_spec = delegation.levels[level]  # type: ignore[index]  # a validated OfficeLevel
    powers = policy.powers[level]
    label = level_spec.name
    brigade = level == "brigade"
    lacking = lacking_kinds(branch, powers)
    if lacking:
        key = delegation.reserved.get(lacking[0], delegation.default_authority)  # type: ignore[call-overload]
        kinds_label = "、".join(policy.kind_labels[k] for k in lacking)
        return Competence(False, key, rs.policy_reason(
            "power.lacks-kind", kinds_label=kinds_label, authority=delegation.authorities[key]), brigade)
    if not (level_spec.holds_all_items or level in item.delegated_to):
        key = delegation.default_authority
        return Competence(False, key, rs.policy_reason("power.lacks-item", level_label=label,
                                                        authority=delegation.authorities[key]), brigade)
    if brigade or level_spec.cites:  # its own power (fire-law art. 70 para. 1)
        cites = tuple(level_spec.cites or delegation.form_cites)
        reason = rs.policy_reason("power.holds", cites, level_label=label)
    elif level_form(rs, level) == "赋权":  # its township's own power (penalty-law art. 24)
        cites = tuple(delegation.empowered_cites or delegation.form_cites)
        reason = rs.policy_reason("power.empowered", cites, level_label=label)
    else:  # the agency's power, exercised by the township it entrusted (penalty-law art. 20)
        cites = tuple(delegation.form_cites)
        reason = entrusted_reason(rs, label, cites)
    return Competence(True, None, reason, brigade, cites, level_spec.scope == "summary")


def level_form(rs: Ruleset, level: str) -> str:
    """How offices of ``level`` hold their powers: ``offices.yaml`` (its level, or defaults), else
    the policy's ``delegation.form``."""
    found = rs.delegations.level_forms.get(level)
    if found:
        return found
    return "委托" if rs.policy.spec.delegation.form == "entrustment" else "赋权"


def entrusted_reason(rs: Ruleset, label: str, cites: tuple[str, ...]) -> Reason:
    """Under 委托 the power stays the entrusting agency's; the township acts in its name."""
    delegation = rs.policy.spec.delegation
    return rs.policy_reason("power.entrusted", cites, level_label=label,
                            authority=delegation.authorities[delegation.default_authority])


def lacking_kinds(branch: PenaltyBranch, held: Collection[str]) -> list[str]:
    """The kinds of ``branch`` not in ``held`` that keep it from the holder (all of them where the
    branch imposes every kind; else only when none of its kinds is held); empty when it may."""
    required = branch.kinds if branch.spec.choice == "one" else branch.required_kinds
    lacking = [k for k in required if k not in held]
    return lacking if lacking and (branch.spec.choice == "all" or len(lacking) == len(required)) else []


def scoped(rs: Ruleset, found: Competence, plan: "Plan", level: str, kind: str) -> Competence:
    """A summary-scope level (简易 items) holds the penalty only when a summary decision can carry
    the suggested penalty; otherwise it goes to the default authority. Cached, so the result is
    one stable object per input (decision memo keys use its identity)."""
    if not (found.holds and found.summary_only):
        return found
    key = (id(found), kind, plan.limit, plan.summary)
    cached: Competence | None = rs.competences.get(key)
    if cached is None:
        cached = rs.competences[key] = _scoped(rs, found, plan, level, kind)
    return cached


def _scoped(rs: Ruleset, found: Competence, plan: "Plan", level: str, kind: str) -> Competence:
    delegation = rs.policy.spec.delegation
    label = delegation.levels[level].name  # type: ignore[index]
    subject = SUBJECT_LABELS[kind]
    if plan.summary:
        reason = rs.policy_reason("power.summary-scope", found.cites, level_label=label, subject_label=subject,
                                  limit=plan.limit)
        return Competence(True, None, reason, found.brigade, found.cites, True)
    key = delegation.default_authority
    reason = rs.policy_reason("power.beyond-summary-scope", level_label=label, subject_label=subject, limit=plan.limit,
                              authority=delegation.authorities[key])
    return Competence(False, key, reason, found.brigade)


def subject_grounds(rs: Ruleset, case: Case, conduct: dt.date) -> tuple[str | None, tuple[str, ...]]:
    """Penalty-law arts. 30, 31 from the subject: a mandatory ground of no penalty, or the
    mitigating fact codes the subject brings (a 14–18-year-old; limited capacity)."""
    spec = rs.policy.spec.exemptions
    subject = case.subject
    extra: list[str] = []
    if subject.born_on is not None:
        age = full_years(subject.born_on, conduct)
        if age < spec.no_penalty_below_age:
            return "under-age", ()
        if age < spec.mitigate_below_age:
            extra.append(spec.juvenile)
    if subject.capacity == "none":
        return "incapable", ()
    if subject.capacity == "limited":
        extra.append(spec.limited_capacity)
    return None, tuple(extra)


def on_age_birthday(rs: Ruleset, case: Case, conduct: dt.date) -> bool:
    """The conduct fell on the birthday that completes an age limit of arts. 30 (the day the
    counting of full years from the day after the birthday decides)."""
    born = case.__dict__["subject"].__dict__["born_on"]
    if born is None:
        return False
    spec = rs.policy.spec.exemptions
    return any(conduct == add_years(born, age) for age in (spec.no_penalty_below_age, spec.mitigate_below_age))


def mandatory(rs: Ruleset, codes: tuple[str, ...]) -> bool:
    """Some of the mitigating codes lowers the tier by law (not a discretionary 可以从轻)."""
    if not codes:
        return False
    known = rs.policy.mitigating
    return any(not (code in known and known[code].discretionary) for code in codes)


def counted_aggravating(rs: Ruleset, codes: tuple[str, ...], refused: bool) -> tuple[str, ...]:
    """The aggravating codes that count: a refusal_element fact does not where the penalty
    already rests on a refusal (an unheeded order)."""
    if not refused:
        return codes
    known = rs.policy.aggravating
    return tuple(c for c in codes if not (c in known and known[c].refusal_element))


def excuse(case: Case, ground: str | None, correctable: bool = True) -> str | None:
    """The mandatory ground of no penalty (arts. 30, 31, 33(1) first sentence, 33(2)), if any; art. 33(1)
    (违法行为轻微: ``slight``, or the deprecated ``minor``) needs an act that can be 及时改正, never a
    completed one (``correctable`` false)."""
    if ground is not None:
        return ground
    facts = case.__dict__["facts"].__dict__  # several fields: read past pydantic's attribute hook
    if facts["no_fault"]:
        return "no-fault"
    slight = facts["slight"] or facts["minor"]  # minor (情节较轻) still opens it, with DOUBT-MINOR-AS-SLIGHT
    if correctable and slight and (facts["corrected_in_time"] or facts["rectified_on_spot"]) and not facts["harm"]:
        return "minor-corrected"
    return None


def sparable(case: Case, prior: str, correctable: bool = True) -> bool:
    """Art. 33(1) second sentence: a first offence with slight harm, corrected in time, MAY be spared
    (never a completed act: it cannot be corrected in time)."""
    facts = case.__dict__["facts"].__dict__
    return correctable and prior == "none" and facts["slight_harm"] and (facts["corrected_in_time"] or facts["rectified_on_spot"])


def precondition_reason(rs: Ruleset, branch: PenaltyBranch, met: bool) -> Reason:
    """Whether the penalty's precondition holds; a kind with its own sentence in policy/reasons.yaml
    (``precondition.met-notice``: the notice must come from the fire-rescue agency) uses it."""
    cites = tuple(branch.spec.precondition_cite)
    kind = branch.spec.precondition or "refusal"
    rule = f"precondition.{'met' if met else 'missing'}"
    if f"{rule}-{kind}" in rs.policy.spec.reasons:
        return rs.policy_reason(f"{rule}-{kind}", cites)
    if met:
        return rs.policy_reason(rule, cites)
    return rs.policy_reason(rule, cites, precondition_label=PRECONDITION_LABELS[kind])


def fine_of(rs: Ruleset, branch: PenaltyBranch, tier: str) -> Fine | None:
    spec = branch.fine
    if spec is None:
        return None
    band = rs.policy.tiers[tier]
    width = spec.max - spec.min
    suggested = construct(FineRange, min=spec.min + int(width * band.low + 0.5), max=spec.min + int(width * band.high + 0.5))
    return construct(Fine, min=spec.min, max=spec.max, suggested=suggested, optional=spec.optional)


def formal_warning_fits(rs: Ruleset, branch: PenaltyBranch, tier: str) -> bool:
    """A formal warning is the penalty to suggest: the only kind, or an alternative in this tier."""
    if "formal_warning" not in branch.kinds:
        return False
    return branch.required_kinds == ("formal_warning",) or rs.policy.tiers[tier].formal_warning


@dataclass(frozen=True, slots=True)
class Plan:
    """The penalty to suggest and the procedures it and the other lawful choices need (art. 51)."""

    fine: Fine | None  # statutory range, and the tier's suggestion (never cut to a summary limit: art. 5(2))
    warning: bool      # a formal warning is the suggested penalty
    limit: int         # the on-the-spot fine limit for this subject on the decision date
    summary: bool      # the suggested penalty can be decided on the spot
    possible: bool     # some lawful penalty of this branch can be decided on the spot
    needed: bool       # some lawful penalty of this branch needs the general procedure
    cites: tuple[str, ...]


SUMMARY_KINDS = frozenset({"formal_warning", "fine"})


def plan(rs: Ruleset, branch: PenaltyBranch, tier: str, kind: str, day: dt.date, summary_only: bool) -> Plan:
    """Which procedures the branch's penalties need: a formal warning, or a fine alone up to the
    subject's limit, may be decided on the spot; anything else needs the general procedure.
    Remembered per ruleset (``Ruleset.plans``: at most branches x tiers x kinds x the dated limits x 2)."""
    limits = rs.policy.summary_limit(day)
    key = (id(branch), tier, kind, id(limits), summary_only)  # the branch and limits live as long as the ruleset
    found = rs.plans.get(key)
    if found is None:
        found = rs.plans[key] = _plan(rs, branch, tier, kind, limits, summary_only)
    return found


def _plan(rs: Ruleset, branch: PenaltyBranch, tier: str, kind: str, limits: Limits | None, summary_only: bool) -> Plan:
    limit = getattr(limits, kind) if limits else -1
    cites = tuple(limits.cites) if limits else ()
    fine, warning = fine_of(rs, branch, tier), formal_warning_fits(rs, branch, tier)
    spec = branch.fine
    if branch.spec.choice == "one":
        possible = "formal_warning" in branch.kinds or (spec is not None and "fine" in branch.kinds and spec.min <= limit)
    else:
        required = set(branch.required_kinds)
        possible = required <= SUMMARY_KINDS and ("fine" not in required or (spec is not None and spec.min <= limit))
    needed = any(k not in SUMMARY_KINDS for k in branch.kinds) or (spec is not None and spec.max > limit)
    summary = possible and (warning or (fine is not None and fine.suggested.max <= limit))
    return Plan(fine, warning, limit, summary, possible, needed and not summary_only, cites)


def tier_reasons(rs: Ruleset, case: Case, tier: str, fine: Fine | None, extra: tuple[str, ...],
                 aggravating: tuple[str, ...]) -> list[Reason]:
    """The tier rule, the suggested range and the facts that moved it; ``extra``: mitigating fact
    codes that come from the subject (arts. 30, 31) rather than from ``facts.mitigating``;
    ``aggravating``: the aggravating codes that count (see ``counted_aggravating``)."""
    label = TIER_LABELS[tier]
    policy = rs.policy
    facts = case.facts
    known = policy.mitigating
    codes = (*facts.mitigating, *(c for c in extra if c not in facts.mitigating))
    discretionary = tuple(c for c in codes if c in known and known[c].discretionary)
    mitigating = tuple(c for c in codes if c not in discretionary)
    rule = policy.tier_table.decide(facts.serious, bool(mitigating), bool(aggravating))
    out = [
        rs.reason(rule.id, rule.text, tuple(rule.cites)),
        rs.policy_reason("penalty.tier", fine_min=fine.min, fine_max=fine.max, tier_label=label,
                         suggested_min=fine.suggested.min, suggested_max=fine.suggested.max)
        if fine is not None else rs.policy_reason("penalty.tier-no-fine", tier_label=label)
    ]
    dropped = tuple(c for c in facts.aggravating if c not in aggravating)
    for group, table, rule_id in ((mitigating, known, "penalty.mitigating"),
                                  (discretionary, known, "penalty.discretionary-mitigation"),
                                  (aggravating, policy.aggravating, "penalty.aggravating"),
                                  (dropped, policy.aggravating, "penalty.aggravating-element")):
        if group:
            texts = "；".join(table[c].text if c in table else c for c in group)
            cites = tuple(dict.fromkeys(cite for c in group if c in table for cite in table[c].cites))
            out.append(rs.policy_reason(rule_id, () if rule_id == "penalty.aggravating-element" else cites,
                                        facts=texts))
    if facts.rectified_on_spot:
        out.append(rs.policy_reason("penalty.rectified-on-spot"))
    return out


def penalised_kind(branch: PenaltyBranch, kind: str) -> str:
    """Who the penalty falls on, as a subject kind: a unit's responsible persons are individuals."""
    return "individual" if branch.spec.target == "responsible_persons" else kind


def procedure_of(rs: Ruleset, case: Case, branch: PenaltyBranch, found: Plan) -> tuple[str, bool, list[Reason]]:
    """summary when the suggested penalty fits penalty-law art. 51; else general, with a hearing
    right past the threshold. Where both procedures are lawful for some choice, it says so."""
    kind = penalised_kind(branch, case.subject.kind)
    subject, limit = SUBJECT_LABELS[kind], found.limit
    if found.summary:
        reasons = [rs.policy_reason("procedure.summary", found.cites, subject_label=subject, limit=limit)]
        procedure, hearing = "summary", False
    else:
        reasons = [rs.policy_reason("procedure.general", subject_label=subject, limit=limit)]
        spec = rs.policy.spec.procedure
        threshold = rs.policy.hearing_threshold(case.decision_date)
        fine = found.fine
        by_amount = threshold is not None and fine is not None and fine.suggested.max >= getattr(threshold, kind)
        hearing = by_amount or any(k in spec.hearing_kinds for k in branch.kinds)
        if hearing:
            amount = getattr(threshold, kind) if threshold else 0
            reasons.append(rs.policy_reason("procedure.hearing", tuple(spec.hearing_cites) + tuple(threshold.cites if threshold else ()),
                                            subject_label=SUBJECT_LABELS[kind], threshold=amount))
        procedure = "general"
    if found.possible and found.needed:
        reasons.append(rs.policy_reason("procedure.either", subject_label=subject, limit=limit))
    return procedure, hearing, reasons


def procedures(found: Plan, procedure: str) -> tuple[str, ...]:
    """The procedures whose documents the decision names: its own first, then the other one
    where some lawful choice needs it."""
    other = "general" if procedure == "summary" else "summary"
    lawful = found.needed if other == "general" else found.possible
    return (procedure, other) if lawful else (procedure,)

"""The penalty side of a decision: precondition, competence, tier, fine range, procedure."""

from __future__ import annotations

from dataclasses import dataclass

from fireenforce.model.case import Case
from fireenforce.model.decision import Fine, FineRange, Reason
from fireenforce.labels import PRECONDITION_LABELS, SUBJECT_LABELS, TIER_LABELS
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.items import CompiledItem, PenaltyBranch
from fireenforce.ruleset.schema import TableRule
from fireenforce.model.fast import construct


@dataclass(frozen=True, slots=True)
class Competence:
    holds: bool
    authority: str | None  # the code (policy/delegation.yaml authorities) of who may, when this office may not
    reason: Reason
    brigade: bool


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
    required = branch.kinds if branch.spec.choice == "one" else branch.required_kinds
    lacking = [k for k in required if k not in powers]
    if lacking and (branch.spec.choice == "all" or len(lacking) == len(required)):
        key = delegation.reserved.get(lacking[0], delegation.default_authority)  # type: ignore[call-overload]
        kinds_label = "、".join(policy.kind_labels[k] for k in lacking)
        return Competence(False, key, rs.policy_reason(
            "power.lacks-kind", kinds_label=kinds_label, authority=delegation.authorities[key]), level == "brigade")
    if not (level_spec.holds_all_items or level in item.delegated_to):
        key = delegation.default_authority
        return Competence(False, key, rs.policy_reason("power.lacks-item", level_label=label,
                                                        authority=delegation.authorities[key]), level == "brigade")
    return Competence(True, None, rs.policy_reason("power.holds", tuple(delegation.form_cites), level_label=label),
                      level == "brigade")


def precondition_reason(rs: Ruleset, branch: PenaltyBranch, met: bool) -> Reason:
    cites = tuple(branch.spec.precondition_cite)
    if met:
        return rs.policy_reason("precondition.met", cites)
    label = PRECONDITION_LABELS[branch.spec.precondition or "refusal"]
    return rs.policy_reason("precondition.missing", cites, precondition_label=label)


def tier_rule(rs: Ruleset, case: Case) -> TableRule:
    facts = case.facts
    return rs.policy.tier_table.decide(facts.serious, bool(facts.mitigating) or facts.rectified_on_spot,
                                       bool(facts.aggravating))


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


def tier_reasons(rs: Ruleset, case: Case, tier: str, fine: Fine | None) -> list[Reason]:
    label = TIER_LABELS[tier]
    rule = tier_rule(rs, case)
    out = [
        rs.reason(rule.id, rule.text, tuple(rule.cites)),
        rs.policy_reason("penalty.tier", fine_min=fine.min, fine_max=fine.max, tier_label=label,
                         suggested_min=fine.suggested.min, suggested_max=fine.suggested.max)
        if fine is not None else rs.policy_reason("penalty.tier-no-fine", tier_label=label)
    ]
    policy = rs.policy
    for group, known, rule_id in (("mitigating", policy.mitigating, "penalty.mitigating"),
                                  ("aggravating", policy.aggravating, "penalty.aggravating")):
        codes = getattr(case.facts, group)
        spot = policy.spec.discretion.rectified_on_spot
        if group == "mitigating" and case.facts.rectified_on_spot and spot not in codes:
            codes = (*codes, spot)
        if codes:
            texts = "；".join(known[c].text if c in known else c for c in codes)
            cites = tuple(dict.fromkeys(cite for c in codes if c in known for cite in known[c].cites))
            out.append(rs.policy_reason(rule_id, cites, facts=texts))
    return out


def procedure_of(
    rs: Ruleset, case: Case, branch: PenaltyBranch, fine: Fine | None, warning_fits: bool
) -> tuple[str, bool, list[Reason]]:
    """summary within penalty-law art. 51; else general, with a hearing right past the threshold."""
    day = case.decision_date
    kind = case.subject.kind
    limits = rs.policy.summary_limit(day)
    fine_alone = branch.required_kinds == ("fine",) or (branch.spec.choice == "one" and "fine" in branch.kinds)
    limit = getattr(limits, kind) if limits else -1
    if warning_fits or (fine_alone and fine is not None and fine.suggested.min <= limit):
        return "summary", False, [rs.policy_reason("procedure.summary", tuple(limits.cites) if limits else ())]
    reasons = [rs.policy_reason("procedure.general")]
    spec = rs.policy.spec.procedure
    threshold = rs.policy.hearing_threshold(day)
    by_amount = threshold is not None and fine is not None and fine.suggested.max >= getattr(threshold, kind)
    hearing = by_amount or any(k in spec.hearing_kinds for k in branch.kinds)
    if hearing:
        amount = getattr(threshold, kind) if threshold else 0
        reasons.append(rs.policy_reason("procedure.hearing", tuple(spec.hearing_cites) + tuple(threshold.cites if threshold else ()),
                                        subject_label=SUBJECT_LABELS[kind], threshold=amount))
    return "general", hearing, reasons

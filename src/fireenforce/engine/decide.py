"""``decide``: pure, deterministic, thread-safe; no I/O once the ruleset is loaded."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from fireenforce.engine import law, penalty as pen
from fireenforce.engine.dates import add_months
from fireenforce.errors import CaseError
from fireenforce.model.case import Case, parse_case
from fireenforce.model.decision import (
    Decision, Doubt, Inference, LegalBasis, Penalty, Reason, Rectification,
)
from fireenforce.ruleset.compiled import SUBJECT_LABELS, Ruleset
from fireenforce.ruleset.items import CompiledItem, PenaltyBranch

_NO_INFERENCE: tuple[Inference, ...] = ()


def decide(case: Case | dict[str, Any] | str, ruleset: Ruleset | None = None) -> Decision:
    """The step to take for one case, with its legal basis, penalty, procedure and reasons.

    ``ruleset`` defaults to the bundled version in force on the decision date.
    """
    case = parse_case(case)
    rs = ruleset if ruleset is not None else _bundled(case.decision_date)
    return _decide(case, rs)


def decide_many(cases: Iterable[Case | dict[str, Any] | str], ruleset: Ruleset | None = None) -> list[Decision]:
    """``decide`` over a batch (errors propagate with the index of the failing case)."""
    out: list[Decision] = []
    append = out.append
    for index, case in enumerate(cases):
        try:
            parsed = parse_case(case)
            append(_decide(parsed, ruleset if ruleset is not None else _bundled(parsed.decision_date)))
        except CaseError as exc:
            raise CaseError(f"[{index}].{exc.field}" if exc.field else f"[{index}]", exc.message) from None
    return out


_FAMILY: list[Ruleset] = []


def _bundled(day: dt.date) -> Ruleset:
    if not _FAMILY:
        from fireenforce.resources import bundled_family
        from fireenforce.ruleset.load import load_version, versions_of

        _FAMILY.extend(load_version(d) for d in versions_of(bundled_family()))
    for rs in _FAMILY:
        if rs.in_force.covers(day):
            return rs
    spans = ", ".join(f"{r.version} from {r.in_force.from_}" for r in _FAMILY)
    raise CaseError("decided_on", f"no version of the bundled ruleset is in force on {day} ({spans})")


def _item(case: Case, rs: Ruleset) -> tuple[CompiledItem, Case, tuple[Inference, ...], list[Reason]]:
    """The catalogue item: given, or found from the description (and place facts inferred)."""
    if case.item:
        item = rs.items.get(case.item)
        if item is None:
            raise CaseError("item", f"unknown item {case.item!r} (see `fireenforce catalogue`)")
        return item, case, _NO_INFERENCE, []
    from fireenforce.query import infer_place, resolve

    match = resolve(case.description, rs)
    item = rs.items[match.code]
    reasons = [rs.policy_reason("item.inferred", item_name=item.name, matched="、".join(match.matched))]
    inferred = [Inference.model_construct(field="item", value=match.code, source=case.description)]
    told = case.place.model_fields_set
    updates: dict[str, bool] = {}
    for field, value, word in infer_place(case.description, rs):
        name = field.removeprefix("place.")
        if name in told or name in updates:
            continue
        updates[name] = value
        inferred.append(Inference.model_construct(field=field, value=value, source=word))
        label = {"high_rise": "高层民用建筑", "crowded": "人员密集场所"}.get(name, name)
        reasons.append(rs.policy_reason("place.inferred", word=word, field_label=label if value else f"非{label}"))
    if updates:
        case = case.model_copy(update={"place": case.place.model_copy(update=updates)})
    return item, case, tuple(inferred), reasons


def _prior(rs: Ruleset, case: Case, code: str, cutoff: dt.date) -> str:
    rank = rs.policy.step_rank
    escalating = rs.policy.escalating
    best = -1
    for index, entry in enumerate(case.history):
        if entry.item not in rs.items:
            raise CaseError(f"history[{index}].item", f"unknown item {entry.item!r}")
        if entry.item == code and entry.date >= cutoff and entry.step in escalating:
            best = max(best, rank[entry.step])
    return rs.policy.spec.ladder.steps[best] if best >= 0 else "none"


def _decide(case: Case, rs: Ruleset) -> Decision:
    day = case.decision_date
    if not rs.coverage.covers(day):
        raise CaseError("decided_on", f"{day} is outside the dates ruleset {rs.id} {rs.version} answers for "
                                      f"(from {rs.coverage.from_})")
    item, case, inferred, reasons = _item(case, rs)
    policy = rs.policy
    subject, place, facts = case.subject, case.place, case.facts
    conditions = (subject.kind, subject.operating, place.high_rise, place.crowded, facts.serious, facts.minor)
    applied = law.applied_law(rs, item, conditions, case)
    reasons.append(applied.reason)
    resolution = applied.resolution
    branch = resolution.branch
    limitation, limitation_cites = law.limitation(rs, case)
    months = policy.lookback_months(day)
    cutoff = add_months(day, -months) if months else day
    prior = _prior(rs, case, item.code, cutoff)
    doubts: list[Doubt] = [*rs.doubts, *item.doubts]

    status = "none"
    refused = pen.precondition_met(case, item.code, cutoff)
    met = True
    competence = None
    if branch is None:
        reasons.append(rs.policy_reason("law.no-penalty-for-subject", subject_label=SUBJECT_LABELS[subject.kind]))
    else:
        if branch.doubt is not None:
            doubts.append(branch.doubt)
        if branch.spec.precondition:
            met = refused
            reasons.append(pen.precondition_reason(rs, branch, met))
        competence = pen.competence(rs, item, branch, case.office.level)
        if limitation.barred:
            status = "barred"
            reasons.append(rs.policy_reason("limitation.barred", limitation_cites, years=limitation.years))
        elif not met:
            status = "unmet"
        elif not competence.holds:
            status = "no_power"
        else:
            status = "available"

    acting = "brigade" if case.office.level == "brigade" else "office"
    rule = policy.step_table.decide(prior, facts.serious, status, acting)
    step = rule.then["step"]
    reasons.append(rs.reason(rule.id, rule.text, tuple(rule.cites)))

    procedure, hearing, referral_to = "none", False, None
    penalty_out = None
    procedure_cites: tuple[str, ...] = ()
    if branch is not None:
        tier, tier_reason = pen.tier_of(rs, case)
        fine = pen.fine_of(rs, branch, tier)
        warning_fits = pen.formal_warning_fits(rs, branch, tier)
        if step == "penalty":
            reasons.append(competence.reason)  # type: ignore[union-attr]
            reasons.append(tier_reason)
            reasons.extend(pen.tier_reasons(rs, case, tier, fine))
            procedure, hearing, procedure_reasons = pen.procedure_of(rs, case, branch, fine, warning_fits)
            reasons.extend(procedure_reasons)
            procedure_cites = tuple(c for r in procedure_reasons for c in r.cites)
            doubts.extend(policy_doubts(rs, procedure))
        penalty_out = Penalty.model_construct(
            available=status in ("available", "no_power"), kinds=branch.kinds, choice=branch.spec.choice,
            fine=fine, tier=tier, formal_warning_suggested=warning_fits, precondition=branch.spec.precondition,
            precondition_met=met, note=branch.spec.note,
        )
    if step == "referral":
        referral_to = competence.authority if competence is not None and competence.authority else \
            policy.spec.delegation.authorities[policy.spec.delegation.default_authority]
        if competence is not None and not competence.holds:
            reasons.append(competence.reason)

    continuing = case.ended_on is None
    days = policy.spec.ladder.reminder_days if step == "reminder" else item.rectification_days
    if continuing:
        reasons.append(rs.policy_reason("rectification.order", days=days))
    rectification = Rectification.model_construct(
        required=continuing, deadline=day + dt.timedelta(days=days) if continuing else None)
    documents = policy.documents[step if step != "penalty" else f"penalty.{procedure}"]
    legal_basis = _legal_basis(rs, resolution, branch, refused, day, procedure_cites, step, referral_to is not None)
    return Decision.model_construct(
        step=step, item=item.ref, legal_basis=legal_basis, penalty=penalty_out, procedure=procedure,
        hearing_right=hearing, referral_to=referral_to, rectification=rectification, documents=documents,
        reasons=tuple(reasons), ruleset=rs.ref, law_date=applied.day, limitation=limitation,
        doubts=tuple(dict.fromkeys(doubts)), inferred=inferred,
    )


def _legal_basis(
    rs: Ruleset, resolution: law.Resolution, branch: PenaltyBranch | None, refused: bool, day: dt.date,
    procedure_cites: tuple[str, ...], step: str, referral: bool,
) -> tuple[LegalBasis, ...]:
    """Duty violated, penalty provision, compulsory execution (after a refusal), procedure, competence."""
    out = list(resolution.violated)
    if branch is not None:
        out.extend(branch.basis)
        if refused:
            out.extend(branch.compulsory)
    cites: list[tuple[str, str]] = [(c, "procedure") for c in dict.fromkeys(procedure_cites)]
    if step == "penalty":
        cites += [(c, "competence") for c in rs.policy.spec.delegation.form_cites]
    elif referral:
        cites.append(("fire-law:70:1", "competence"))
    for cite, role in cites:
        basis = rs.provisions.basis(cite, role, day)  # type: ignore[arg-type]
        if basis is not None:
            out.append(basis)
    return tuple(out)


def policy_doubts(rs: Ruleset, procedure: str) -> list[Doubt]:
    """Unconfirmed policy parameters that this penalty decision relied on."""
    out = []
    discretion = rs.policy.spec.discretion
    if not discretion.confirmed:
        out.append(Doubt.model_construct(code="DOUBT-DISCRETION-TIERS", text=f"裁量阶次比例未经甘肃基准确认：{discretion.reference}"))
    if procedure == "general":
        threshold = rs.policy.spec.procedure.hearing_threshold
        for entry in threshold:
            if not entry.confirmed:
                out.append(Doubt.model_construct(code="DOUBT-HEARING-THRESHOLD", text=entry.note or "听证标准未确认"))
                break
    return out

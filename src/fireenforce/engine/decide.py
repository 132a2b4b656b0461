"""``decide``: pure, deterministic, thread-safe; no I/O once the ruleset is loaded."""

from __future__ import annotations

import datetime as dt
import functools
import threading
from dataclasses import dataclass
from typing import Any, Iterable

from fireenforce.engine import law, penalty as pen
from fireenforce.errors import CaseError
from fireenforce.model.case import Case, Subject, check_dates, check_local_facts, parse_case
from fireenforce.model.fast import construct
from fireenforce.model.decision import (
    Decision, Doubt, Inference, LegalBasis, Penalty, Reason, Rectification,
)
from fireenforce.labels import PLACE_LABELS, SUBJECT_LABELS
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.resources import bundled_family
from fireenforce.ruleset.load import in_force_on, load_family
from fireenforce.ruleset.items import CompiledItem, Conditions, PenaltyBranch, Resolution
from fireenforce.ruleset.schema import DoubtSpec, TableRule

def decide(case: Case | dict[str, Any] | str, ruleset: Ruleset | None = None, *, what_if: bool = False) -> Decision:
    """The step to take for one case, with its legal basis, penalty, procedure and reasons.

    ``ruleset`` defaults to the bundled version in force on the decision date. A version answers
    only for the dates it is in force; ``what_if=True`` (legal staff comparing versions) applies
    it to any date its law covers, and the decision then says it is hypothetical (a doubt).
    """
    if type(case) is Case:
        check_dates(case)
    else:
        case = parse_case(case)
    rs = ruleset if ruleset is not None else _bundled(case.decision_date)
    return _decide(case, rs, what_if)


def decide_many(
    cases: Iterable[Case | dict[str, Any] | str], ruleset: Ruleset | None = None, *, what_if: bool = False,
) -> list[Decision]:
    """``decide`` over a batch: all decisions, or the first error with the failing case's index."""
    out: list[Decision] = []
    append = out.append
    for index, case in enumerate(cases):
        try:
            parsed = parse_case(case)
            append(_decide(parsed, ruleset if ruleset is not None else _bundled(parsed.decision_date), what_if))
        except CaseError as exc:
            raise exc.within(f"[{index}]") from None
    return out


_FAMILY: list[Ruleset] = []
_FAMILY_LOCK = threading.Lock()


def _bundled(day: dt.date) -> Ruleset:
    """The bundled version in force on ``day`` (the family is loaded once, under a lock)."""
    if not _FAMILY:
        with _FAMILY_LOCK:
            if not _FAMILY:
                _FAMILY.extend(load_family(bundled_family()))
    return in_force_on(_FAMILY, day)


def _item(case: Case, rs: Ruleset) -> tuple[CompiledItem, Case, tuple[Inference, ...], list[Reason]]:
    """The catalogue item, given or found from the description, and the place facts it implies."""
    inferred: list[Inference] = []
    reasons: list[Reason] = []
    if case.item:
        item = rs.items.get(case.item)
        if item is None:
            raise CaseError("item", f"unknown item {case.item!r} (see `fireenforce catalogue`)")
        hints: list[tuple[str, bool, str | None]] = []
    else:
        from fireenforce.query import infer_place, resolve

        match = resolve(case.description, rs)
        item = rs.items[match.code]
        reasons.append(rs.policy_reason("item.inferred", item_name=item.name, matched="、".join(match.matched)))
        inferred.append(construct(Inference, field="item", value=match.code, source=case.description))
        hints = [(field.removeprefix("place."), value, word) for field, value, word in infer_place(case.description, rs)]
    told = case.place.model_fields_set
    if item.high_rise_only and not case.place.high_rise:
        if "high_rise" in told:
            raise CaseError("place.high_rise", f"false, but item {item.code} exists only in high-rise buildings")
        hints = [("high_rise", True, None), *(h for h in hints if h[0] != "high_rise")]
    if not hints:
        return item, case, tuple(inferred), reasons
    updates: dict[str, bool] = {}
    for name, value, word in hints:
        if name in told or name in updates:
            continue
        updates[name] = value
        inferred.append(construct(Inference, field=f"place.{name}", value=value, source=word or item.code))
        if word is None:
            reasons.append(rs.policy_reason("place.implied-by-item", item_name=item.name))
        else:
            label = PLACE_LABELS[name]
            reasons.append(rs.policy_reason("place.inferred", word=word, field_label=label if value else f"非{label}"))
    if updates:
        case = case.model_copy(update={"place": case.place.model_copy(update=updates)})
    return item, case, tuple(inferred), reasons


def _history(rs: Ruleset, case: Case, code: str, cutoff: dt.date) -> tuple[str, bool]:
    """The highest earlier step on this item in the window, and whether a written order went unheeded."""
    rank = rs.policy.step_rank
    escalating = rs.policy.escalating
    items = rs.items
    best = -1
    unheeded = False
    for index, entry in enumerate(case.history):
        if entry.item != code:
            if entry.item not in items:
                raise CaseError(f"history[{index}].item", f"unknown item {entry.item!r}")
            continue
        if entry.date >= cutoff and entry.step in escalating:
            best = max(best, rank[entry.step])
            if entry.step != "reminder" and not entry.rectified:
                unheeded = True
    return (rs.policy.spec.ladder.steps[best] if best >= 0 else "none"), unheeded or case.facts.refused


@dataclass(frozen=True, slots=True)
class _Core:
    """Everything in a decision that does not depend on the case's own dates."""

    step: str
    legal_basis: tuple[LegalBasis, ...]
    penalty: Penalty | None
    procedure: str
    hearing_right: bool
    referral_to: str | None
    documents: tuple[str, ...]
    reasons: tuple[Reason, ...]
    doubts: tuple[Doubt, ...]
    delay: dt.timedelta  # from the decision date to the rectification deadline
    summary_limit: int | None


def _decide(case: Case, rs: Ruleset, what_if: bool = False) -> Decision:
    """The hot path: derive the discrete inputs, then reuse the memoised date-independent part."""
    day = case.decided_on or case.observed_on
    in_force = rs.in_force.covers(day)
    if not rs.covers(day) or not (in_force or what_if):
        raise rs.outside(day, what_if)
    if case.facts.model_extra:
        check_local_facts(case.facts, rs.policy.local_facts)
    digest = case.digest  # of the case as given, before inference
    item, case, inferred, pre = _item(case, rs)
    subject, place, facts = case.subject, case.place, case.facts
    serious = facts.serious
    conditions = (subject.kind, subject.operating, place.high_rise, place.crowded, serious, facts.minor,
                  facts.hinders_evacuation)
    resolution, law_day, law_reason = law.applied_law(rs, item, conditions, case, day)
    policy = rs.policy
    today = policy.on(day)
    limitation = law.limitation(case, day, today.limitation)
    prior, refused = _history(rs, case, item.code, today.cutoff)
    conduct = law.conduct_day(case)
    ground, extra = pen.subject_grounds(rs, case, conduct) if _personal(subject) else (None, ())
    excuse = pen.excuse(case, ground)
    aggravating = pen.counted_aggravating(rs, facts.aggravating, refused)
    tier = policy.tier_table.decide(serious, pen.mandatory(rs, (*facts.mitigating, *extra)),
                                    bool(aggravating)).then["tier"]
    branch = resolution.branch
    level = case.office.level
    plan = None
    if branch is None:
        competence = None
        status = "none"
    else:
        competence = rs.competences.get((id(branch), level)) or pen.competence(rs, item, branch, level)
        if competence.summary_only:
            plan = pen.plan(rs, branch, tier, subject.kind, day, True)
            competence = pen.scoped(rs, competence, plan, level, subject.kind)
        status = _status(branch, refused, limitation.barred, excuse, competence)
    acting = "brigade" if level == "brigade" else "office"
    rule = policy.step_table.decide(prior, serious, status, acting)
    continuing = case.ended_on is None
    spared = branch is not None and status != "excused" and pen.sparable(case, prior)
    birthday = pen.on_age_birthday(rs, case, conduct)
    penalty_facts = (facts.mitigating, facts.aggravating, facts.rectified_on_spot, extra) \
        if rule.then["step"] == "penalty" else None
    key = (id(resolution), law_reason.rule, id(competence), status, rule.id, refused, tier, penalty_facts,
           continuing, today.segment, limitation.years if limitation.barred else 0, excuse, spared, birthday,
           facts.rectified_on_spot)
    core = None if pre else rs.cores.get(key)
    if core is None:
        core = _core(rs, case, item, conditions, resolution, law_reason, limitation.years, status, rule, refused,
                     competence, tier, continuing, pre, _Gate(excuse, spared, extra, plan, aggravating, birthday))
        if not pre:
            rs.cores.put(key, core)
    return construct(
        Decision, step=core.step, item=item.ref, legal_basis=core.legal_basis, penalty=core.penalty,
        procedure=core.procedure, hearing_right=core.hearing_right, referral_to=core.referral_to,
        rectification=_rectification(day + core.delay if continuing else None), documents=core.documents,
        reasons=core.reasons, ruleset=rs.ref, law_date=law_day, limitation=limitation,
        doubts=core.doubts if in_force else (*core.doubts, _hypothetical(rs, day)), inferred=inferred,
        case_digest=digest, summary_limit=core.summary_limit,
    )


def _hypothetical(rs: Ruleset, day: dt.date) -> Doubt:
    """The doubt a what-if decision carries: the version applied is not the law of its date."""
    start, end = rs.answers_for
    return construct(Doubt, code="DOUBT-WHAT-IF", text=f"假设性决定：规则 {rs.id} {rs.version} 于 {day} 不施行"
                     f"（适用期间 {start} 起{f'至 {end} 前' if end else ''}），本决定仅供比较版本，不得据以执法。")


def _personal(subject: Subject) -> bool:
    """Whether the subject carries facts of penalty-law arts. 30–31."""
    return subject.born_on is not None or subject.capacity != "full"


@dataclass(frozen=True, slots=True)
class _Gate:
    """Penalty-law arts. 30–33 for this case: the mandatory ground of no penalty, whether art.
    33(1)'s discretion to spare is open, the subject's mitigating codes, a precomputed plan, the
    aggravating codes that count, whether the age counting from the birthday decides."""

    excuse: str | None
    spared: bool
    extra: tuple[str, ...]
    plan: pen.Plan | None
    aggravating: tuple[str, ...]  # the aggravating codes that count (not the refusal itself again)
    birthday: bool  # the conduct fell on an age limit's birthday (how 周岁 are counted is a doubt)


@functools.lru_cache(maxsize=65536)
def _rectification(deadline: dt.date | None) -> Rectification:
    """The order to correct: required, with its deadline, while the conduct continues."""
    return construct(Rectification, required=deadline is not None, deadline=deadline)


def _status(branch: PenaltyBranch | None, refused: bool, barred: bool, excuse: str | None,
            competence: pen.Competence | None) -> str:
    """The penalty's state for this case: an input of the step table."""
    if branch is None:
        return "none"
    if barred:
        return "barred"
    if excuse is not None:
        return "excused"
    if branch.spec.precondition and not refused:
        return "unmet"
    return "available" if competence is not None and competence.holds else "no_power"


def _core(
    rs: Ruleset, case: Case, item: CompiledItem, conditions: Conditions, resolution: Resolution, law_reason: Reason,
    years: int, status: str, rule: TableRule,
    refused: bool,
    competence: pen.Competence | None, tier: str, continuing: bool, pre: list[Reason], gate: _Gate,
) -> _Core:
    """The date-independent part of a decision, with every reason in the order the rules fired."""
    day = case.decided_on or case.observed_on
    policy = rs.policy
    reasons = [*pre, law_reason]
    branch = resolution.branch
    doubts: list[Doubt] = [*rs.doubts, *item.doubts_for(conditions)]
    if resolution.competed:
        competing = policy.spec.competing
        reasons.append(rs.policy_reason(f"law.competing-{competing.precedence.replace('_', '-')}"))
        doubt = competing.doubt[competing.precedence]
        doubts.append(construct(Doubt, code=doubt.code, text=doubt.text))
    if branch is None:
        reasons.append(rs.policy_reason("law.no-penalty-for-subject", subject_label=SUBJECT_LABELS[case.subject.kind]))
    else:
        if branch.doubt is not None:
            doubts.append(branch.doubt)
        if status == "excused":
            rule_id = f"exemption.{gate.excuse}"
            reasons.append(rs.policy_reason(rule_id, age=policy.spec.exemptions.no_penalty_below_age)
                           if gate.excuse == "under-age" else rs.policy_reason(rule_id))
            if gate.excuse == "minor-corrected" and case.facts.rectified_on_spot:
                reasons.append(rs.policy_reason("exemption.rectified-on-spot"))
        if gate.birthday:
            doubts.append(_doubt(policy.spec.exemptions.birthday_doubt))
        if branch.spec.precondition:
            reasons.append(pen.precondition_reason(rs, branch, refused))
        if status == "barred":
            period = rs.policy.limitation(day)
            cites = tuple(period.cites) if period is not None else ()
            reasons.append(rs.policy_reason("limitation.barred", cites, years=years))
    step = rule.then["step"]
    reasons.append(rs.reason(rule.id, rule.text, tuple(rule.cites)))
    if gate.spared and step in ("penalty", "referral"):
        reasons.append(rs.policy_reason("exemption.first-offence"))
        first = policy.spec.exemptions.first_offence_doubt
        doubts.append(construct(Doubt, code=first.code, text=first.text))

    procedure, hearing, referral_to, limit = "none", False, None, None
    penalty_out = None
    procedure_cites: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    if branch is not None:
        plan = gate.plan or pen.plan(rs, branch, tier, case.subject.kind, day, False)
        fine = plan.fine
        if step == "penalty":
            reasons.append(competence.reason)  # type: ignore[union-attr]
            reasons.extend(pen.tier_reasons(rs, case, tier, fine, gate.extra, gate.aggravating))
            procedure, hearing, procedure_reasons = pen.procedure_of(rs, case, branch, plan)
            reasons.extend(procedure_reasons)
            procedure_cites = tuple(c for r in procedure_reasons for c in r.cites)
            procedures = pen.procedures(plan, procedure)
            doubts.extend(policy_doubts(rs, procedure, gate.aggravating))
            doubts.extend(procedure_doubts(rs, plan, procedures, case.subject.kind, day))
            documents = tuple(dict.fromkeys(d for p in procedures for d in policy.documents[f"penalty.{p}"]))
            limit = plan.limit
        penalty_out = construct(
            Penalty, available=status in ("available", "no_power"), kinds=branch.kinds, choice=branch.spec.choice,
            fine=fine, tier=tier, formal_warning_suggested=plan.warning, precondition=branch.spec.precondition,
            precondition_met=refused or not branch.spec.precondition, note=branch.spec.note,
        )
    if step == "referral":
        delegation = policy.spec.delegation
        referral_to = competence.authority if competence is not None and competence.authority else \
            delegation.authorities[delegation.default_authority]
        if competence is not None and not competence.holds:
            reasons.append(competence.reason)

    days = policy.spec.ladder.reminder_days if step == "reminder" else item.rectification_days
    if continuing:
        guardian = status == "excused" and gate.excuse in ("under-age", "incapable")
        reasons.append(rs.policy_reason("rectification.guardian" if guardian else "rectification.order", days=days))
    documents = documents or policy.documents[step]
    own = competence.cites if competence is not None else ()
    legal_basis = _legal_basis(rs, resolution, branch, refused and status != "excused", day, procedure_cites, step, referral_to is not None, own)
    unique = tuple({d.code: d for d in doubts}.values())
    return _Core(step, legal_basis, penalty_out, procedure, hearing, referral_to, documents, tuple(reasons), unique,
                 dt.timedelta(days=days), limit)


def _legal_basis(
    rs: Ruleset, resolution: law.Resolution, branch: PenaltyBranch | None, refused: bool, day: dt.date,
    procedure_cites: tuple[str, ...], step: str, referral: bool, own: tuple[str, ...],
) -> tuple[LegalBasis, ...]:
    """Duty violated, penalty provision, compulsory execution (after a refusal), procedure, competence."""
    out = list(resolution.violated)
    if branch is not None:
        out.extend(branch.basis)
        if refused:
            out.extend(branch.compulsory)
    cites: list[tuple[str, str]] = [(c, "procedure") for c in dict.fromkeys(procedure_cites)]
    if step == "penalty":
        cites += [(c, "competence") for c in own]
    elif referral:
        cites += [(c, "competence") for c in rs.policy.spec.delegation.referral_cites]
    for cite, role in cites:
        basis = rs.provisions.basis(cite, role, day)  # type: ignore[arg-type]
        if basis is not None:
            out.append(basis)
    return tuple(out)


def procedure_doubts(rs: Ruleset, plan: pen.Plan, procedures: tuple[str, ...], kind: str,
                     day: dt.date) -> list[Doubt]:
    """The statement period of a general procedure's notice (not set by law); a unit's summary
    limit where it decides something (some lawful fine lies between the individual's and the
    unit's limits) since the unit may be a 个体工商户."""
    spec = rs.policy.spec.procedure
    out = [_doubt(spec.general_doubt)] if "general" in procedures else []
    limits, fine = rs.policy.summary_limit(day), plan.fine
    if kind == "unit" and limits is not None and fine is not None and fine.min <= limits.unit \
            and fine.max > limits.individual:
        out.append(_doubt(spec.unit_limit_doubt))
    return out


def _doubt(spec: DoubtSpec) -> Doubt:
    return construct(Doubt, code=spec.code, text=spec.text)


def policy_doubts(rs: Ruleset, procedure: str, aggravating: tuple[str, ...]) -> list[Doubt]:
    """Unconfirmed policy parameters that this penalty decision relied on."""
    out = []
    discretion = rs.policy.spec.discretion
    if not discretion.confirmed:
        out.append(Doubt.model_construct(code="DOUBT-DISCRETION-TIERS", text=f"裁量阶次比例未经甘肃基准确认：{discretion.reference}"))
    known = rs.policy.aggravating
    if any(code in known and not known[code].confirmed for code in aggravating):
        out.append(Doubt.model_construct(code="DOUBT-AGGRAVATING-UNCONFIRMED", text=discretion.unconfirmed_doubt))
    if procedure == "general":
        threshold = rs.policy.spec.procedure.hearing_threshold
        for entry in threshold:
            if not entry.confirmed:
                out.append(Doubt.model_construct(code="DOUBT-HEARING-THRESHOLD", text=entry.note or "听证标准未确认"))
                break
    return out

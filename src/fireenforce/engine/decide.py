"""``decide``: pure, deterministic, thread-safe; no I/O once the ruleset is loaded."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import threading
from dataclasses import dataclass, field as dataclass_field
from typing import Any, Iterable

from fireenforce.engine import law, penalty as pen, recall
from fireenforce.engine.entrusted import bounded
from fireenforce.engine.steps import Step, penalty_status, referral
from fireenforce.errors import CaseError
from fireenforce.model.case import Case, HistoryEntry, Subject, check_dates, check_fact_codes, check_local_facts, parse_case
from fireenforce.model.fast import construct, instance, replaced
from fireenforce.model.decision import (
    Decision, Doubt, Inference, LegalBasis, Penalty, Reason, Rectification, Reinspection,
)
from fireenforce.labels import PLACE_LABELS, STEP_LABELS, SUBJECT_LABELS
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.resources import bundled_family
from fireenforce.ruleset.load import in_force_on, load_family
from fireenforce.ruleset.items import CompiledItem, Conditions, PenaltyBranch, Resolution
from fireenforce.ruleset.schema import DoubtSpec, TableRule

def decide(case: Case | dict[str, Any] | str, ruleset: Ruleset | None = None, *, what_if: bool = False,
           step: str | None = None) -> Decision:
    """The step to take for one case, with its legal basis, penalty, procedure and reasons.

    ``ruleset`` defaults to the bundled version in force on the decision date. A version answers
    only for the dates it is in force; ``what_if=True`` (legal staff comparing versions) applies
    it to any date its law covers, and the decision then says it is hypothetical (a doubt).
    ``step`` is an officer's departure from the suggested step: the decision of that step (its
    procedure, fine range, deadline and documents, with the reason ``departure``), refused with a
    CaseError on ``step`` where the law does not allow it (a penalty without a penalty provision
    for this subject, its elements, power or time; anything but the referral a fact requires).
    An equal case decided before is recalled rather than decided again (``engine/recall.py``).
    """
    if what_if or step is not None:
        return decide_reference(case, ruleset, what_if=what_if, step=step)
    return recall.decide(case, ruleset, decide_reference)


def decide_reference(case: Case | dict[str, Any] | str, ruleset: Ruleset | None = None, *,
                     what_if: bool = False, step: str | None = None) -> Decision:
    """``decide`` without recalling earlier decisions: the reference engine, always deciding anew."""
    if type(case) is Case:
        check_dates(case)
    else:
        case = parse_case(case)
    rs = ruleset if ruleset is not None else _bundled(case.decision_date)
    return _decide(case, rs, what_if, step)


def decide_many(
    cases: Iterable[Case | dict[str, Any] | str], ruleset: Ruleset | None = None, *, what_if: bool = False,
) -> list[Decision]:
    """``decide`` over a batch: all decisions, or the first error with the failing case's index."""
    out: list[Decision] = []
    append = out.append
    for index, case in enumerate(cases):
        try:
            append(decide(case, ruleset, what_if=what_if))
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
    values = case.__dict__  # several fields: read past pydantic's attribute hook
    code = values["item"]
    if code:
        item = rs.items.get(code)
        if item is None:
            raise CaseError("item", f"unknown item {code!r} (see `fireenforce catalogue`)")
        hints: list[tuple[str, bool, str | None]] = []
    else:
        from fireenforce.query import infer_place, resolve

        match = resolve(case.description, rs)
        item = rs.items[match.code]
        reasons.append(rs.policy_reason("item.inferred", item_name=item.name, matched="、".join(match.matched)))
        inferred.append(construct(Inference, field="item", value=match.code, source=case.description))
        hints = [(field.removeprefix("place."), value, word) for field, value, word in infer_place(case.description, rs)]
    subject = values["subject"]
    if subject.__dict__["kind"] not in item.subjects:
        kinds = "、".join(SUBJECT_LABELS[k] for k in item.subjects)
        raise CaseError("subject.kind", f"{subject.kind!r}, but item {item.code} applies only to {kinds} "
                                        f"({', '.join(item.subjects)})")
    if item.completed and values["ended_on"] not in (None, case.start_date):
        raise CaseError("ended_on", f"{case.ended_on}, but item {item.code} is a completed act: it ends the day it "
                                    f"was done ({case.start_date}); limitation runs from that day")
    if item.operating_only and not subject.operating:
        if "operating" in subject.__pydantic_fields_set__:
            raise CaseError("subject.operating", f"false, but item {item.code} applies only to operating places "
                                                 "(生产、储存、经营场所)")
        case = replaced(case, subject=replaced(case.subject, operating=True))
        inferred.append(construct(Inference, field="subject.operating", value=True, source=item.code))
        reasons.append(rs.policy_reason("subject.implied-by-item", item_name=item.name))
    place = values["place"]
    told = place.__pydantic_fields_set__
    if item.high_rise_only and not place.high_rise:
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
        case = replaced(case, place=replaced(place, **updates))
    return item, case, tuple(inferred), reasons


@dataclass(frozen=True, slots=True)
class _Record:
    """What the subject's history on this item means for this case."""

    prior: str  # the highest earlier step that counts for the ladder ("none" if none)
    running: HistoryEntry | None  # the highest order whose deadline is still running, unrectified
    deadline: dt.date | None  # that order's deadline
    elements: frozenset[str]  # precondition kinds met: refusal, overdue, notice
    agency_notice: bool  # a written order by (or in the name of) the fire-rescue agency was served, unrectified


def _history(rs: Ruleset, case: Case, item: CompiledItem, cutoff: dt.date) -> _Record:
    """Read the history on this item: the ladder's prior step, a still-running order, the elements.

    An order counts for the ladder once its deadline has passed unrectified, or when the subject
    relapsed after rectifying; until then it is re-inspected. 逾期不改正 needs a written order past
    its deadline unrectified; 拒不改正 a written order and a refusal (or the deadline missed);
    经消防救援机构通知 such an order issued by (or in the name of) the fire-rescue agency.
    """
    values = case.__dict__
    history = values["history"]
    if not history:
        return _NO_RECORD
    code, known, policy = item.code, rs.items, rs.policy
    rank, written, escalating, reinspect = policy.step_rank, policy.written_orders, policy.escalating, policy.reinspect_steps
    today = values["decided_on"] or values["observed_on"]
    orders = item.orders
    pending = orders and values["ended_on"] is None
    mine = False
    best = -1
    running: HistoryEntry | None = None
    running_deadline: dt.date | None = None
    served = overdue = notice = agency = False
    for index, entry in enumerate(history):  # one pass; an unknown item on any entry is refused
        fields = entry.__dict__  # an entry's fields, read past pydantic's attribute hook
        if fields["item"] != code:
            if fields["item"] not in known:
                raise CaseError(f"history[{index}].item", f"unknown item {fields['item']!r}")
            continue
        mine = True
        step, date, rectified = fields["step"], fields["date"], fields["rectified"]
        deadline = fields["deadline"] or date + _order_days(rs, item, step)
        if orders and not rectified and step in written:
            served = True
            by_agency = fields["issued_by"] == "fire_rescue"
            agency = agency or by_agency
            if today > deadline:
                overdue = True
                notice = notice or by_agency
        if date < cutoff or step not in escalating:
            continue
        if pending and not rectified and today <= deadline and step in reinspect:
            if running is None or rank[step] > rank[running.step]:
                running, running_deadline = entry, deadline
        elif best < rank[step]:
            best = rank[step]
    if not mine:
        return _NO_RECORD
    elements = _ELEMENTS[(overdue, served and (overdue or values["facts"].refused), notice)]
    prior = policy.spec.ladder.steps[best] if best >= 0 else "none"
    return _Record(prior, running, running_deadline, elements, agency)


_ELEMENTS = {
    (overdue, refusal, notice): frozenset(name for name, met in (
        ("overdue", overdue), ("refusal", refusal), ("notice", notice)) if met)
    for overdue in (False, True) for refusal in (False, True) for notice in (False, True)
}
_NO_RECORD = _Record("none", None, None, frozenset(), False)
_REFUSAL_ELEMENTS = frozenset({"refusal", "overdue"})  # a penalty resting on these rests on an unheeded order


def order_deadline(rs: Ruleset, item: CompiledItem, entry: HistoryEntry) -> dt.date:
    """The deadline of the order a history entry carries: given, or its date plus the item's
    rectification days (the ladder's reminder days for a reminder)."""
    return entry.deadline or entry.date + _order_days(rs, item, entry.step)


def _order_days(rs: Ruleset, item: CompiledItem, step: str) -> dt.timedelta:
    days = rs.policy.spec.ladder.reminder_days if step == "reminder" else item.rectification_days
    return _DAYS[days] if days < len(_DAYS) else dt.timedelta(days=days)


_DAYS = tuple(dt.timedelta(days=n) for n in range(366))
_SUBJECT_CONDITIONS = operator.itemgetter("kind", "operating")  # a case's conditions, from its parts' __dict__
_PLACE_CONDITIONS = operator.itemgetter("high_rise", "crowded")
_FACT_CONDITIONS = operator.itemgetter("serious", "minor", "hinders_evacuation")


@dataclass(frozen=True, slots=True)
class _Core:
    """Everything in a decision that does not depend on the case's own dates."""

    step: str
    legal_basis: tuple[LegalBasis, ...]
    penalty: Penalty | None
    procedure: str
    hearing_right: bool
    referral_to: str | None
    referral_label: str | None
    documents: tuple[str, ...]
    reasons: tuple[Reason, ...]
    doubts: tuple[Doubt, ...]
    delay: dt.timedelta | None  # from the decision date to the rectification deadline; None: no order
    summary_limit: int | None
    fields: dict[str, Any] = dataclass_field(init=False, repr=False, compare=False)  # the Decision's, per-case ones None

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", {name: None if per_case else getattr(self, name)
                                            for name, per_case in _FIELDS})


_PER_CASE = frozenset({"item", "rectification", "ruleset", "law_date", "limitation", "doubts", "inferred",
                       "case_digest", "reinspection"})  # the Decision's fields that _decide fills in per case
_DECISION_FIELDS = frozenset(Decision.model_fields)
_FIELDS = tuple((name, name in _PER_CASE) for name in Decision.model_fields)  # in their declared order


def _decision_day(rs: Ruleset, case: Case, branch: PenaltyBranch, tier: str, plan: pen.Plan | None,
                  day: dt.date) -> dt.date | None:
    """The earliest lawful day of the penalty decision suggested for a case decided (noticed) on
    ``day``: None for a summary decision (made on the spot), else after the notice's statement and,
    with a hearing right, hearing request periods (offices.yaml terms)."""
    terms = rs.delegations.terms
    kind = pen.penalised_kind(branch, case.subject.kind)
    procedure, hearing, _ = pen.procedure_of(rs, case, branch, plan or pen.plan(rs, branch, tier, kind, day, False))
    return None if procedure == "summary" or terms is None else terms.decision_from(rs.calendar, day, hearing)


def _decide(case: Case, rs: Ruleset, what_if: bool = False, forced: str | None = None) -> Decision:
    """The hot path: derive the discrete inputs, then reuse the memoised date-independent part.
    Fields are read through the models' ``__dict__`` where a model gives several (an attribute of a
    pydantic model goes through its ``__getattr__`` hook, about 300 instructions a read)."""
    values = case.__dict__
    day = values["decided_on"] or values["observed_on"]
    in_force = rs.in_force.covers(day)
    if not rs.covers(day) or not (in_force or what_if):
        raise rs.outside(day, what_if)
    office = values["office"].__dict__
    level = office["level"]
    wrong_level = rs.delegations.check_level(office["name"], level)
    if wrong_level:
        raise CaseError("office.level", wrong_level)
    facts = values["facts"]
    told = facts.__dict__
    if facts.__pydantic_extra__:
        check_local_facts(facts, rs.policy.local_facts)
    if told["mitigating"] or told["aggravating"]:
        check_fact_codes(facts, rs.policy.mitigating, rs.policy.aggravating)
    digest = case.digest  # of the case as given, before inference
    item, case, inferred, pre = _item(case, rs)
    values = case.__dict__
    if item.completed and values["ended_on"] is None:
        case = replaced(case, ended_on=case.start_date)
        values = case.__dict__
    subject, place = values["subject"], values["place"]
    subject_kind, operating = _SUBJECT_CONDITIONS(subject.__dict__)
    serious, minor, evacuation = _FACT_CONDITIONS(told)
    conditions = (subject_kind, operating, *_PLACE_CONDITIONS(place.__dict__), serious, minor, evacuation)
    resolution, law_day, law_reason = law.applied_law(rs, item, conditions, case, day)
    policy = rs.policy
    today = policy.on(day)
    limitation = law.limitation(case, day, today.limitation)
    record = _history(rs, case, item, today.cutoff)
    conduct = law.conduct_day(case)
    ground, extra = pen.subject_grounds(rs, case, conduct) if _personal(subject) else (None, ())
    excuse = pen.excuse(case, ground, correctable=not item.completed)
    aggravating = pen.counted_aggravating(rs, told["aggravating"], bool(record.elements & _REFUSAL_ELEMENTS))
    tier = policy.tier_table.decide(serious, pen.mandatory(rs, (*told["mitigating"], *extra)),
                                    bool(aggravating)).then["tier"]
    branch = resolution.branch
    plan = None
    if branch is None:
        competence = None
        status = "none"
    else:
        competence = rs.competences.get((id(branch), level)) or pen.competence(rs, item, branch, level)
        if competence.summary_only:
            kind = pen.penalised_kind(branch, subject_kind)
            plan = pen.plan(rs, branch, tier, kind, day, True)
            competence = pen.scoped(rs, competence, plan, level, kind)
        competence = bounded(rs, competence, item, branch, office["name"], level, day,
                             lambda: _decision_day(rs, case, branch, tier, plan, day))
        status = penalty_status(branch, record.elements, record.agency_notice, limitation.barred, excuse, competence)
    acting = "brigade" if level == "brigade" else "office"
    rule = policy.step_table.decide(record.prior, serious, status, acting, item.completed)
    running = record.running
    if running is not None and policy.step_rank[running.step] < policy.step_rank[rule.then["step"]]:  # type: ignore[index]
        running = None
    trigger = referral(rs, facts, level, item, conditions)
    if trigger is not None:
        running = None
    departure: tuple[str, str] | None = None  # (the step taken, the step suggested)
    if forced is not None:
        suggested = trigger.step if trigger is not None else running.step if running is not None else rule.then["step"]
        if forced != suggested:
            _check_departure(rs, forced, suggested, status, branch, competence, level, trigger)
            departure, running = (forced, suggested), None
    continuing = values["ended_on"] is None
    rectified_on_spot = told["rectified_on_spot"]
    order = item.orders and continuing and not rectified_on_spot
    spared = branch is not None and status != "excused" and pen.sparable(case, record.prior, correctable=not item.completed)
    birthday = pen.on_age_birthday(rs, case, conduct)
    taken = departure[0] if departure is not None else rule.then["step"]
    penalty_facts = (told["mitigating"], told["aggravating"], extra) if taken == "penalty" else None
    key = (id(resolution), law_reason.rule, id(competence), status, rule.id, record.elements, tier, penalty_facts,
           order, rectified_on_spot, told["crime_suspected"], told["sealing_needed"], level,
           running.step if running else None, today.segment, limitation.years if limitation.barred else 0,
           excuse, told["slight"], spared, birthday, departure)
    core = None if pre else rs.cores.get(key)
    if core is None:
        core = _core(rs, case, item, conditions, resolution, law_reason, limitation.years, status, rule, trigger,
                     record.elements, competence, tier, order, running.step if running else None, pre,
                     _Gate(excuse, spared, extra, plan, aggravating, birthday), departure)
        if not pre:
            rs.cores.put(key, core)
    reinspection = None
    doubts = core.doubts if in_force else (*core.doubts, _hypothetical(rs, day))
    if core.step == "penalty" or (office["name"] and rs.delegations.lacks(office["name"])):
        office_doubt = _office_doubt(rs, case, level, day, core.step == "penalty")
        if office_doubt is not None:
            doubts = (*doubts, office_doubt)
    if running is not None and record.deadline is not None:
        reinspection = _reinspection(rs, running, record.deadline)
        rectification = _rectification(record.deadline)
        if not reinspection.cites:
            doubts = (*doubts, _doubt(policy.spec.ladder.oral_reinspection.doubt))
        if rs.calendar.uncovered(record.deadline, reinspection.latest or record.deadline):
            doubts = (*doubts, _doubt(rs.calendar_spec.uncovered_doubt))
    else:
        rectification = _rectification(day + core.delay if core.delay is not None else None)
    if rectification.deadline is not None:
        doubts = (*doubts, _doubt(policy.spec.ladder.deadline_doubt))
    values = core.fields.copy()  # the Decision's fields in order, the core's in place; then the case's own
    values["item"] = item.ref
    values["rectification"] = rectification
    values["ruleset"] = rs.ref
    values["law_date"] = law_day
    values["limitation"] = limitation
    values["doubts"] = doubts
    values["inferred"] = inferred
    values["case_digest"] = digest
    values["reinspection"] = reinspection
    return instance(Decision, values, set(_DECISION_FIELDS))


def _office_doubt(rs: Ruleset, case: Case, level: str, day: dt.date, penalty: bool) -> Doubt | None:
    """On a penalty, a 委托书 the ruleset cannot vouch for (penalty-law art. 20 para. 2); else an
    office name ``offices.yaml`` does not list (decided by its level; no document can name it)."""
    delegation = rs.policy.spec.delegation
    unverified = rs.delegations.unverified(case.office.name, level, day) if penalty else ""
    spec = delegation.unpublished_doubt if unverified == "unpublished" else \
        delegation.unnamed_doubt if unverified == "unnamed" else None
    if spec is None and case.office.name and rs.delegations.lacks(case.office.name):
        spec = delegation.unknown_office_doubt
    return _doubt(spec) if spec is not None else None


def _reinspection(rs: Ruleset, running: HistoryEntry, deadline: dt.date) -> Reinspection:
    """The re-inspection window of a running order (policy/ladder.yaml ``reinspection``). Its
    provisions govern written orders only: a reminder's oral order cites none (its window is local
    policy, ``oral_reinspection``, whose doubt the decision carries)."""
    spec = rs.policy.spec.ladder.reinspection
    return construct(Reinspection, step=running.step, ordered_on=running.date, deadline=deadline,
                     due=deadline + _DAYS[spec.after_days], latest=rs.calendar.add(deadline, spec.working_days),
                     cites=tuple(spec.cites) if running.step in rs.policy.written_orders else ())


def _hypothetical(rs: Ruleset, day: dt.date) -> Doubt:
    """The doubt a what-if decision carries: the version applied is not the law of its date."""
    start, end = rs.answers_for
    return construct(Doubt, code="DOUBT-WHAT-IF", text=f"假设性决定：规则 {rs.id} {rs.version} 于 {day} 不施行"
                     f"（适用期间 {start} 起{f'至 {end} 前' if end else ''}），本决定仅供比较版本，不得据以执法。")


def _personal(subject: Subject) -> bool:
    """Whether the subject carries facts of penalty-law arts. 30–31."""
    fields = subject.__dict__
    return fields["born_on"] is not None or fields["capacity"] != "full"


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
    """The order to correct: required exactly when it has a deadline."""
    return construct(Rectification, required=deadline is not None, deadline=deadline)


DEPARTURE = "departure"  # the reason of a decision an officer's departure forced (policy/reasons.yaml)
_UNLAWFUL_PENALTY = {
    "none": "the law provides no penalty for this subject's conduct",
    "barred": "the violation is time-barred",
    "excused": "a mandatory ground of no penalty holds",
    "unmet": "the penalty provision's precondition ({}) is not met",
    "no_power": "this office does not hold the power for this penalty (refer the case instead)",
}


def _check_departure(rs: Ruleset, step: str, suggested: str, status: str, branch: PenaltyBranch | None,
                     competence: pen.Competence | None, level: str, trigger: Step | None) -> None:
    """An officer may depart from the suggested step only to a step the law allows here."""
    if step not in rs.policy.step_rank:
        raise CaseError("step", f"{step!r} is not one of {', '.join(rs.policy.spec.ladder.steps)}")
    if trigger is not None:
        authority = rs.policy.spec.delegation.authorities.get(trigger.authority or "", "another authority")
        raise CaseError("step", f"{step}: the facts require a referral to {authority} (suggested {suggested}); "
                                "no other step may replace it")
    if step == "penalty" and status != "available":
        precondition = branch.spec.precondition if branch is not None else None
        raise CaseError("step", f"penalty: not lawful here: {_UNLAWFUL_PENALTY[status].format(precondition)} "
                                f"(suggested {suggested})")
    if step == "referral":
        delegation = rs.policy.spec.delegation
        to = competence.authority if competence is not None and competence.authority else delegation.default_authority
        if to == level:
            raise CaseError("step", f"referral: this office is itself {delegation.authorities[to]}, where a referral "
                                    f"would go (suggested {suggested})")


def _core(
    rs: Ruleset, case: Case, item: CompiledItem, conditions: Conditions, resolution: Resolution, law_reason: Reason,
    years: int, status: str, rule: TableRule, trigger: Step | None, elements: frozenset[str],
    competence: pen.Competence | None, tier: str, order: bool, running: str | None, pre: list[Reason], gate: _Gate,
    departure: tuple[str, str] | None = None,
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
        doubts.append(_doubt(competing.doubt[competing.precedence]))
    if branch is None:
        if trigger is None:  # a referral leaves the penalty to the authority it goes to
            reasons.append(rs.policy_reason("law.no-penalty-for-subject",
                                            subject_label=SUBJECT_LABELS[case.subject.kind]))
    else:
        if branch.doubt is not None:
            doubts.append(branch.doubt)
        if status == "excused":
            rule_id = f"exemption.{gate.excuse}"
            reasons.append(rs.policy_reason(rule_id, age=policy.spec.exemptions.no_penalty_below_age)
                           if gate.excuse == "under-age" else rs.policy_reason(rule_id))
            if gate.excuse == "minor-corrected" and not case.facts.slight:
                doubts.append(_doubt(policy.spec.exemptions.minor_doubt))
            if gate.excuse == "minor-corrected" and case.facts.rectified_on_spot:
                reasons.append(rs.policy_reason("exemption.rectified-on-spot"))
        if gate.birthday:
            doubts.append(_doubt(policy.spec.exemptions.birthday_doubt))
        if branch.spec.precondition:
            reasons.append(pen.precondition_reason(rs, branch, branch.spec.precondition in elements))
        if status == "barred":
            period = rs.policy.limitation(day)
            cites = tuple(period.cites) if period is not None else ()
            reasons.append(rs.policy_reason("limitation.barred", cites, years=years))
    if departure is not None:
        chosen = Step(departure[0], rs.policy_reason(DEPARTURE, step_label=STEP_LABELS[departure[0]],
                                                      suggested_label=STEP_LABELS[departure[1]]))
    else:
        chosen = trigger or Step(rule.then["step"], _step_reason(rs, item, rule))
    step = running or chosen.step
    if running is None:
        reasons.append(chosen.reason)
    else:
        ladder = policy.spec.ladder
        reasons.append(rs.policy_reason("reinspection.running", step_label=STEP_LABELS[running],
                                        days=ladder.reinspection.working_days))
        doubts.append(_doubt(ladder.reinspection.calendar_doubt))
    if gate.spared and step in ("penalty", "referral") and running is None:
        reasons.append(rs.policy_reason("exemption.first-offence"))
        doubts.append(_doubt(policy.spec.exemptions.first_offence_doubt))

    procedure, hearing, limit = "none", False, None
    referral_to: str | None = None
    penalty_out = None
    procedure_cites: tuple[str, ...] = ()
    penalty_documents: tuple[str, ...] = ()
    refused = "refusal" in elements
    if branch is not None:
        kind = pen.penalised_kind(branch, case.subject.kind)
        plan = gate.plan or pen.plan(rs, branch, tier, kind, day, False)
        fine = plan.fine
        if step == "penalty" and running is None:
            reasons.append(competence.reason)  # type: ignore[union-attr]
            if kind != case.subject.kind:
                reasons.append(rs.policy_reason("penalty.responsible-persons", tuple(branch.spec.cite)))
            reasons.extend(pen.tier_reasons(rs, case, tier, fine, gate.extra, gate.aggravating))
            procedure, hearing, procedure_reasons = pen.procedure_of(rs, case, branch, plan)
            reasons.extend(procedure_reasons)
            procedure_cites = tuple(c for r in procedure_reasons for c in r.cites)
            procedures = pen.procedures(plan, procedure)
            doubts.extend(policy_doubts(rs, procedure, gate.aggravating))
            doubts.extend(procedure_doubts(rs, plan, procedures, kind, day))
            if hearing:  # its request period counts working days (penalty-law arts. 64(1), 85)
                doubts.append(_doubt(rs.calendar_spec.holidays_doubt))
            penalty_documents = tuple(dict.fromkeys(d for p in procedures for d in policy.documents[f"penalty.{p}"]))
            limit = plan.limit
        penalty_out = construct(
            Penalty, available=status in ("available", "no_power"), kinds=branch.kinds, choice=branch.spec.choice,
            fine=fine, tier=tier, formal_warning_suggested=plan.warning, precondition=branch.spec.precondition,
            precondition_met=not branch.spec.precondition or branch.spec.precondition in elements,
            note=branch.spec.note, target=branch.spec.target,
        )
    referral_cites: tuple[str, ...] = ()
    if step == "referral":
        delegation = policy.spec.delegation
        if chosen.authority is not None:
            referral_to, referral_cites = chosen.authority, chosen.cites
        else:
            referral_to = competence.authority if competence is not None and competence.authority else \
                delegation.default_authority
            referral_cites = tuple(delegation.referral_cites)
            if competence is not None and not competence.holds:
                reasons.append(competence.reason)

    delay: dt.timedelta | None = None
    if running is not None:
        documents: tuple[str, ...] = policy.documents["reinspection"]
    else:
        documents = penalty_documents or policy.documents[step]
        if order:
            delay = _order_days(rs, item, step)
            guardian = status == "excused" and gate.excuse in ("under-age", "incapable")
            reasons.append(rs.policy_reason("rectification.guardian" if guardian else ORDER_REASONS[step],
                                            days=delay.days))
        else:
            reasons.append(rs.policy_reason(_no_order_rule(item, case)))
            documents = tuple(d for d in documents if d not in ORDER_DOCUMENTS)
    own = competence.cites if competence is not None else ()
    legal_basis = _legal_basis(rs, resolution, branch, refused and status != "excused", day, procedure_cites, step,
                               referral_cites, own)
    unique = tuple({d.code: d for d in doubts}.values())
    label = policy.spec.delegation.authorities[referral_to] if referral_to is not None else None
    return _Core(step, legal_basis, penalty_out, procedure, hearing, referral_to, label, documents, tuple(reasons),
                 unique, delay, limit)


def _step_reason(rs: Ruleset, item: CompiledItem, rule: TableRule) -> Reason:
    """The step table's reason; an item binding only a general duty (catalogue ``duty: general``)
    gets advice in its stead (``advice.<step>``): no order to correct, no penalty language."""
    if item.spec.duty == "general":
        return rs.policy_reason(f"advice.{rule.then['step']}")
    return rs.reason(rule.id, rule.text, tuple(rule.cites))


# The order to correct, by step: a penalty's (penalty-law art. 28 para. 1), a written order's
# (责令限期改正通知书), a reminder's oral one (local policy), a referral's (noted in the record).
ORDER_REASONS = {"penalty": "rectification.order", "warning": "rectification.order-written",
                 "reminder": "rectification.order-oral", "referral": "rectification.order-referral"}
ORDER_DOCUMENTS = frozenset({"rectification_order"})  # documents that order a correction with a deadline


def _no_order_rule(item: CompiledItem, case: Case) -> str:
    """Why no order to correct is given: a completed act, a general duty only, corrected, or ended."""
    if item.completed:
        return "rectification.none-completed"
    if not item.orders:
        return "rectification.none-general-duty"
    if case.facts.rectified_on_spot:
        return "rectification.none-corrected"
    return "rectification.none-ended"


def _legal_basis(
    rs: Ruleset, resolution: law.Resolution, branch: PenaltyBranch | None, refused: bool, day: dt.date,
    procedure_cites: tuple[str, ...], step: str, referral_cites: tuple[str, ...], own: tuple[str, ...],
) -> tuple[LegalBasis, ...]:
    """Duty violated, the authority's basis, penalty provision, compulsory execution (after a refusal),
    procedure, competence."""
    out = list(resolution.grounds)
    if branch is not None:
        out.extend(branch.basis)
        if refused:
            out.extend(branch.compulsory)
    cites: list[tuple[str, str]] = [(c, "procedure") for c in dict.fromkeys(procedure_cites)]
    if step == "penalty" and procedure_cites:
        cites += [(c, "competence") for c in own]
    elif step == "referral":
        cites += [(c, "competence") for c in referral_cites]
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
    return _doubt_of(spec.code, spec.text)


@functools.lru_cache(maxsize=1024)
def _doubt_of(code: str, text: str) -> Doubt:
    """One Doubt per code and text, shared (the deadline's doubt is on most decisions)."""
    return construct(Doubt, code=code, text=text)


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

"""The standard properties of a ruleset and the engine, as reusable checks.

Each ``check_*(ruleset, case)`` decides the case (and variants of it) and raises AssertionError
with a clear message when the property fails. ``PROPERTIES`` maps a name to each check.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from pathlib import Path
from typing import Callable

from fireenforce.engine import decide
from fireenforce.engine.decide import ORDER_DOCUMENTS, ORDER_REASONS, order_deadline
from fireenforce.engine.law import conduct_day
from fireenforce.model.case import Case, HistoryEntry, ResponsiblePerson
from fireenforce.model.decision import Decision, Penalty
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.items import Conditions

Check = Callable[[Ruleset, Case], None]
LAW_DATE_ROLES = ("violated", "basis", "penalty", "compulsory")


def _conditions(case: Case) -> Conditions:
    s, p, f = case.subject, case.place, case.facts
    return (s.kind, s.operating, p.high_rise, p.crowded, f.serious, f.minor, f.hinders_evacuation)


def check_monotone_escalation(ruleset: Ruleset, case: Case) -> None:
    """Adding an action on the same item inside the window (with its deadline running or passed)
    never lowers the step."""
    rank = ruleset.policy.step_rank
    decision = decide(case, ruleset=ruleset)
    before, day = decision.step, case.decision_date
    past = max(day - dt.timedelta(days=ruleset.items[decision.item.code].rectification_days + 1), case.start_date)
    for step, date, rectified in itertools.product(ruleset.policy.spec.ladder.steps, (day, past), (False, True)):
        entry = HistoryEntry(date=date, item=decision.item.code, step=step, rectified=rectified)
        after = decide(case.model_copy(update={"history": (*case.history, entry)}), ruleset=ruleset).step
        assert rank[after] >= rank[before], (
            f"adding a {step} (rectified={rectified}) on {date} lowered the step from {before} to {after}")


def check_fine_in_range(ruleset: Ruleset, case: Case) -> None:
    """The statutory range is the branch's, and the suggested range lies inside it."""
    decision = decide(case, ruleset=ruleset)
    fine = decision.penalty.fine if decision.penalty else None
    if fine is None:
        return
    assert 0 <= fine.min <= fine.max, f"statutory range {fine.min}..{fine.max} is empty or negative"
    assert fine.min <= fine.suggested.min <= fine.suggested.max <= fine.max, (
        f"suggested {fine.suggested.min}..{fine.suggested.max} is outside the statutory range {fine.min}..{fine.max}")
    branch = ruleset.items[decision.item.code].resolve(_conditions(case), decision.law_date).branch
    if branch is not None and branch.fine is not None:
        assert (fine.min, fine.max) == (branch.fine.min, branch.fine.max), (
            f"range {fine.min}..{fine.max} differs from branch {branch.id}: {branch.fine.min}..{branch.fine.max}")


def check_penalty_has_provision(ruleset: Ruleset, case: Case) -> None:
    """A penalty step has an available penalty and cites a penalty provision."""
    decision = decide(case, ruleset=ruleset)
    if decision.step != "penalty":
        return
    assert decision.penalty is not None, "step is penalty but penalty is null"
    assert decision.penalty.available, "step is penalty but the penalty is not available"
    assert any(b.role == "penalty" for b in decision.legal_basis), "step is penalty but no provision has role penalty"


def check_cites_in_force(ruleset: Ruleset, case: Case) -> None:
    """Every cited provision is in force on the date its role is judged by, with its text then."""
    decision = decide(case, ruleset=ruleset)
    for basis in decision.legal_basis:
        day = decision.law_date if basis.role in LAW_DATE_ROLES else case.decision_date
        assert basis.valid_from <= day and (basis.valid_to is None or day < basis.valid_to), (
            f"{basis.cite} ({basis.role}) is valid {basis.valid_from}..{basis.valid_to}, not on {day}")
        version = ruleset.provisions.at(basis.cite, day)
        assert version is not None and version.text == basis.text, f"{basis.cite}: text is not the one in force on {day}"


def severity(ruleset: Ruleset, penalty: Penalty) -> tuple[int, int, int]:
    """Heaviest kind, then maximum and minimum fine: the order lex mitior compares by."""
    kinds = ruleset.policy.spec.kinds
    fine = penalty.fine
    return (max(kinds[k].severity for k in penalty.kinds), fine.max if fine else 0, fine.min if fine else 0)


def _at_conduct_time(case: Case, day: dt.date) -> Case:
    return case.model_copy(update={
        "decided_on": day, "observed_on": min(case.observed_on, day), "occurred_on": min(case.start_date, day),
        "history": tuple(h for h in case.history if h.date <= day),
    })


def check_lex_mitior(ruleset: Ruleset, case: Case) -> None:
    """The penalty applied is never heavier than the one the conduct-time law provides."""
    then_day = conduct_day(case)
    if then_day == case.decision_date or not ruleset.coverage.covers(then_day):
        return
    now = decide(case, ruleset=ruleset).penalty
    then = decide(_at_conduct_time(case, then_day), ruleset=ruleset, what_if=True).penalty
    if now is None:
        return
    assert then is not None, f"a penalty is applied though the law on the conduct date {then_day} had none"
    assert severity(ruleset, now) <= severity(ruleset, then), (
        f"applied penalty {severity(ruleset, now)} is heavier than the conduct-time law's {severity(ruleset, then)}")


def check_deterministic(ruleset: Ruleset, case: Case) -> None:
    """The same case gives the same decision, whatever the order of its history."""
    first = decide(case, ruleset=ruleset).model_dump(mode="json")
    assert decide(case, ruleset=ruleset).model_dump(mode="json") == first, "deciding twice gave different results"
    history = list(case.history)
    for seed in range(2):
        random.Random(seed).shuffle(history)
        shuffled = decide(case.model_copy(update={"history": tuple(history)}), ruleset=ruleset).model_dump(mode="json")
        assert shuffled == first, "reordering the history changed the decision"


def _with_penalty_step(ruleset: Ruleset, case: Case) -> tuple[Case, ...]:
    """The case, and variants steered to the penalty step, one per subject kind the item lists: a
    continuing conduct whose only action on the item is a written order 40 days before the
    decision (its deadline passed), unheeded and refused, with no ground of no penalty and no
    finding of serious circumstances. Generated cases reach the penalty step rarely; procedure
    properties need it."""
    item = ruleset.items.get(case.item or "")
    if item is None:
        return (case,)
    entry = HistoryEntry(date=case.decision_date - dt.timedelta(days=40), item=item.code, step="warning")
    facts = case.facts.model_copy(update={"refused": True, "no_fault": False, "corrected_in_time": False,
                                          "rectified_on_spot": False, "serious": False})
    history = (*(h for h in case.history if h.item != item.code), entry)
    variants = [case]
    for kind in item.subjects:
        subject = case.subject.model_copy(update={"kind": kind, "born_on": None, "capacity": "full"})
        variants.append(case.model_copy(update={"history": history, "facts": facts, "subject": subject,
                                                "ended_on": None, "occurred_on": None}))
    return tuple(variants)


def _lawful_procedures(decision: Decision) -> tuple[bool, bool]:
    """From the decision alone (penalty-law art. 51): whether some penalty within the statutory range
    can be decided on the spot (a formal warning, or a fine alone up to the limit), and whether some
    penalty needs the general procedure (a fine above the limit, or another kind)."""
    penalty, limit = decision.penalty, decision.summary_limit
    assert penalty is not None and limit is not None, "a penalty step states its penalty and summary limit"
    fine = penalty.fine
    others = [k for k in penalty.kinds if k not in ("formal_warning", "fine")]
    warning = "formal_warning" in penalty.kinds and (penalty.choice == "one" or list(penalty.kinds) == ["formal_warning"])
    fine_alone = fine is not None and "fine" in penalty.kinds and (penalty.choice == "one" or not others)
    possible = warning or (fine_alone and fine.min <= limit)  # type: ignore[union-attr]
    needed = bool(others) or (fine is not None and fine.max > limit)
    return possible, needed


def check_documents(ruleset: Ruleset, case: Case) -> None:
    """The documents are those the policy lists for the step (for a running order: for a
    re-inspection; without the order document when no order to correct is given); a penalty step
    names the documents of its procedure and, where some other lawful choice needs the other
    procedure, those too."""
    for variant in _with_penalty_step(ruleset, case):
        _documents_fit(ruleset, variant)


def _documents_fit(ruleset: Ruleset, case: Case) -> None:
    decision = decide(case, ruleset=ruleset)
    documents = ruleset.policy.documents
    if decision.reinspection is not None or decision.step != "penalty":
        key = "reinspection" if decision.reinspection is not None else decision.step
        listed = documents.get(key, ())
        expected = tuple(d for d in listed if decision.rectification.required or d not in ORDER_DOCUMENTS)
        assert decision.documents == expected, f"documents {decision.documents} for {key}, policy says {listed}"
        return
    own = documents[f"penalty.{decision.procedure}"]
    assert decision.documents[:len(own)] == own, f"documents {decision.documents} do not start with {own}"
    possible, needed = _lawful_procedures(decision)
    level = ruleset.policy.spec.delegation.levels[case.office.level]
    for procedure, lawful in (("summary", possible), ("general", needed and level.scope == "all")):
        named = set(documents[f"penalty.{procedure}"]) <= set(decision.documents)
        assert named == (lawful or procedure == decision.procedure), (
            f"{procedure} documents {'named' if named else 'missing'} though lawful={lawful}: {decision.documents}")


def check_one_order(ruleset: Ruleset, case: Case) -> None:
    """Step, documents, rectification and reasons agree: an order document or an order reason only
    with a required rectification that has a deadline; none for a completed act or a general duty."""
    decision = decide(case, ruleset=ruleset)
    required, deadline = decision.rectification.required, decision.rectification.deadline
    assert required == (deadline is not None), f"rectification required={required} with deadline {deadline}"
    ordered = any(r.rule in ORDER_REASONS.values() for r in decision.reasons)
    if decision.reinspection is None:
        assert ordered == required, f"rectification required={required} but order reason given={ordered}"
    else:
        assert deadline == decision.reinspection.deadline, "a running order keeps its own deadline"
    if any(d in ORDER_DOCUMENTS for d in decision.documents):
        assert required and decision.reinspection is None, "an order document without an order to correct"
    item = ruleset.items[decision.item.code]
    if not item.orders or case.facts.rectified_on_spot:
        assert not required, f"{decision.item.code}: an order to correct where none may be given"


def check_completed_act(ruleset: Ruleset, case: Case) -> None:
    """A completed act never gets a rectification deadline nor a reminder, even when barred or excused;
    penalty-law art. 33(1) (minor and corrected in time; first offence) never spares it; its
    limitation runs from the act."""
    item = ruleset.items[case.item or ""] if case.item in ruleset.items else None
    if item is None or not item.completed:
        return
    decision = decide(case, ruleset=ruleset)
    assert decision.rectification.deadline is None, "a completed act got a rectification deadline"
    assert decision.step != "reminder", "a completed act got a reminder"
    spared = {"exemption.minor-corrected", "exemption.first-offence"} & {r.rule for r in decision.reasons}
    assert not spared, f"penalty-law art. 33(1) applied to a completed act: {spared}"
    ended = case.ended_on or case.start_date
    assert decision.limitation.runs_from == ended, f"limitation runs from {decision.limitation.runs_from}, not {ended}"


def check_elements(ruleset: Ruleset, case: Case) -> None:
    """No penalty under a precondition (逾期不改正 / 拒不改正 / 经通知) before a written order's
    deadline has passed unrectified; facts.refused alone never unlocks it."""
    decision = decide(case, ruleset=ruleset)
    penalty = decision.penalty
    if penalty is None or penalty.precondition is None or not penalty.precondition_met:
        assert decision.step != "penalty" or penalty is None or penalty.precondition is None, (
            "a penalty whose precondition is not met")
        return
    item = ruleset.items[decision.item.code]
    day = case.decision_date
    orders = [h for h in case.history if h.item == item.code and h.step in ruleset.policy.written_orders
              and not h.rectified and order_deadline(ruleset, item, h) < day
              and (penalty.precondition != "notice" or h.issued_by == "fire_rescue")]
    assert orders, f"precondition {penalty.precondition} met without an unrectified written order past its deadline"


def check_summary_within_limit(ruleset: Ruleset, case: Case) -> None:
    """No summary label with a suggested maximum above the art. 51 limit the decision states, which
    is the policy's limit for this subject on the decision date."""
    for variant in _with_penalty_step(ruleset, case):
        _summary_fits(ruleset, variant)


def _summary_fits(ruleset: Ruleset, case: Case) -> None:
    decision = decide(case, ruleset=ruleset)
    if decision.step != "penalty":
        assert decision.summary_limit is None, f"step {decision.step} states a summary limit"
        return
    limits = ruleset.policy.summary_limit(case.decision_date)
    penalty = decision.penalty
    assert penalty is not None
    targets = {b.target for b in ruleset.items[decision.item.code].spec.penalties}
    assert penalty.target in targets, f"penalty target {penalty.target} is none of the catalogue's {targets}"
    # a unit's responsible persons (e.g. 消防法 67) are individuals: their limit is an individual's
    kind = "individual" if penalty.target == "responsible_persons" else case.subject.kind
    assert limits is not None and decision.summary_limit == getattr(limits, kind), (
        f"summary limit {decision.summary_limit} is not the policy's for a {kind} (penalty on {penalty.target})")
    if decision.procedure == "summary" and not penalty.formal_warning_suggested:
        assert penalty.fine is not None and penalty.fine.suggested.max <= getattr(limits, kind), (
            f"summary procedure with a suggested fine up to {penalty.fine and penalty.fine.suggested.max} "
            f"above the limit {decision.summary_limit}")


def check_article33_gate(ruleset: Ruleset, case: Case) -> None:
    """Penalty-law art. 33(1) first sentence and 33(2): minor + corrected in time + no harm (an act
    that can be corrected, not a completed one), or no fault, gives no penalty and no referral for
    one, whatever the history."""
    facts = case.facts
    corrected = facts.corrected_in_time or facts.rectified_on_spot
    item = ruleset.items.get(case.item or "")
    correctable = not (item is not None and item.completed)  # a completed act never is
    for variant in (case, case.model_copy(update={"facts": facts.model_copy(update={"no_fault": True})})):
        f = variant.facts
        if not (f.no_fault or (correctable and f.minor and corrected and not f.harm)):
            continue
        decision = decide(variant, ruleset=ruleset)
        assert decision.step not in ("penalty", "referral"), f"art. 33 holds but the step is {decision.step}"
        assert decision.penalty is None or not decision.penalty.available, "art. 33 holds but a penalty is available"


def check_mitigation_not_cancelled(ruleset: Ruleset, case: Case) -> None:
    """Mandatory mitigation (arts. 30, 32): with a mitigating fact, adding aggravating facts never
    raises the tier. Discretionary codes (可以从轻, e.g. art. 31) lower nothing by themselves."""
    known = ruleset.policy.mitigating
    if not any(not (code in known and known[code].discretionary) for code in case.facts.mitigating):
        return
    bare = case.facts.model_copy(update={"aggravating": ()})
    every = case.facts.model_copy(update={"aggravating": tuple(ruleset.policy.aggravating)})
    tiers = [decide(case.model_copy(update={"facts": f}), ruleset=ruleset).penalty for f in (bare, every)]
    if tiers[0] is None or tiers[1] is None:
        return
    order = {"minor": 0, "ordinary": 1, "serious": 2}
    assert order[tiers[1].tier] <= order[tiers[0].tier], (
        f"aggravating facts raised a mitigated tier from {tiers[0].tier} to {tiers[1].tier}")


def _office_name(ruleset: Ruleset, level: str) -> str:
    """An office of ``level`` in the ruleset's offices.yaml (named by the level's suffix), if any."""
    from fireenforce.documents.offices import load_offices

    suffix = ruleset.policy.spec.delegation.levels[level].name  # type: ignore[index]
    offices = load_offices(Path(ruleset.path) / "offices.yaml").offices
    return next((name for name in offices if name.endswith(suffix)), "")


def check_documents_agree(ruleset: Ruleset, case: Case) -> None:
    """Every document a penalty decision names renders for each lawful choice that fits its
    procedure (fines at the statutory bounds, the summary limit and the suggestion; a formal
    warning where allowed), states that choice, and is refused for a fine outside the range or
    above the summary limit: the document, the decision and the statutory range agree."""
    for variant in _with_penalty_step(ruleset, case):
        _documents_agree(ruleset, variant)


def _documents_agree(ruleset: Ruleset, case: Case) -> None:
    from fireenforce.documents.render import render
    from fireenforce.errors import CaseError, DocumentError

    if case.office.level != "brigade" and not case.office.name:
        case = case.model_copy(update={"office": case.office.model_copy(update={"name": _office_name(ruleset, case.office.level)})})
    decision = decide(case, ruleset=ruleset)
    penalty, limit = decision.penalty, decision.summary_limit
    if decision.step != "penalty" or penalty is None or limit is None:
        return
    if penalty.target == "responsible_persons" and case.responsible_person is None:
        # the penalty falls on the unit's responsible persons: no penalty document without the person
        for named in (d for d in decision.documents if d in ("summary_penalty_decision", "penalty_notice")):
            try:
                render(case, decision, named, formal_warning="formal_warning" in penalty.kinds, format="text",
                       ruleset=ruleset)
            except DocumentError as exc:
                assert str(exc).startswith("responsible_person:"), f"{named} refused for another reason: {exc}"
                continue
            raise AssertionError(f"{named} issued a penalty on responsible persons without naming one")
        case = case.model_copy(update={"responsible_person": ResponsiblePerson(name="王五", id="620102198001010011")})
        decision = decide(case, ruleset=ruleset)
    from fireenforce.documents.context import citation

    provisions = [citation(b) for b in decision.legal_basis if b.role == "penalty"]
    fine = penalty.fine
    choices: list[tuple[int | None, bool]] = []
    if "formal_warning" in penalty.kinds and penalty.choice == "one":
        choices.append((None, True))
    if fine is not None:
        amounts = sorted({fine.min, fine.max, fine.suggested.min, fine.suggested.max, min(max(limit, fine.min), fine.max)})
        choices += [(a, False) for a in amounts]
    elif not choices:
        choices.append((None, False))
    for document in decision.documents:
        if document not in ("summary_penalty_decision", "penalty_notice", "penalty_decision"):
            continue
        for amount, warning in choices:
            if penalty.choice == "all" and fine is not None and not fine.optional and amount is None:
                continue
            others = penalty.choice == "all" and any(k not in ("formal_warning", "fine") for k in penalty.kinds)
            fits = document != "summary_penalty_decision" or (not others and (amount is None or amount <= limit))
            try:
                text = render(case, decision, document, fine=amount, formal_warning=warning, format="text",
                              ruleset=ruleset)
            except DocumentError as exc:
                assert not fits, f"{document} refused a lawful choice (fine={amount}, warning={warning}): {exc}"
                continue
            except CaseError as exc:  # refused only where the hearing request period leaves the calendar
                later = case.decision_date + dt.timedelta(days=31)  # (the notice orders from the decision's date)
                assert document in ("penalty_notice", "penalty_decision") and exc.field == "decided_on" and \
                    ruleset.calendar.uncovered(case.decision_date, later), f"{document} refused: {exc}"
                continue
            assert fits, f"{document} issued a fine of {amount} above the summary limit {limit}"
            if amount is not None:
                assert f"罚款人民币{amount}元" in text, f"{document} does not state the fine of {amount} yuan"
            for label in provisions:
                assert label in text, f"{document} does not cite the penalty provision {label}"
    if fine is not None:
        for outside in (fine.min - 1, fine.max + 1):
            try:
                render(case, decision, decision.documents[-1] if decision.documents[-1] != "inspection_record"
                       else decision.documents[1], fine=outside, format="text", ruleset=ruleset)
            except DocumentError:
                continue
            raise AssertionError(f"a fine of {outside} outside the statutory range {fine.min}–{fine.max} was issued")


def check_penalty_null_iff_no_branch(ruleset: Ruleset, case: Case) -> None:
    """``penalty`` is null exactly when the law applied has no branch for this subject."""
    decision = decide(case, ruleset=ruleset)
    branch = ruleset.items[decision.item.code].resolve(_conditions(case), decision.law_date).branch
    assert (decision.penalty is None) == (branch is None), (
        f"penalty is {'null' if decision.penalty is None else 'set'} but the law on {decision.law_date} has "
        f"{'no branch' if branch is None else 'branch ' + branch.id}")


def check_referral_target(ruleset: Ruleset, case: Case) -> None:
    """``referral_to`` is set exactly when the step is referral: an authority code, labelled."""
    decision = decide(case, ruleset=ruleset)
    assert (decision.referral_to is not None) == (decision.step == "referral"), (
        f"step {decision.step} with referral_to {decision.referral_to!r}")
    authorities = ruleset.policy.spec.delegation.authorities
    if decision.referral_to is not None:
        assert decision.referral_label == authorities.get(decision.referral_to), (
            f"referral_to {decision.referral_to!r} labelled {decision.referral_label!r}")


def check_procedure_only_for_penalty(ruleset: Ruleset, case: Case) -> None:
    """A procedure is chosen exactly for the penalty step."""
    decision: Decision = decide(case, ruleset=ruleset)
    assert (decision.procedure != "none") == (decision.step == "penalty"), (
        f"step {decision.step} with procedure {decision.procedure}")


def check_no_automatic_mitigation(ruleset: Ruleset, case: Case) -> None:
    """Correcting on the spot (the duty of penalty-law art. 28(1)) and limited capacity (art. 31:
    可以从轻, discretion) never lower the tier by themselves."""
    if case.subject.kind != "individual" or case.subject.capacity == "none":
        return
    facts = case.facts.model_copy(update={"minor": False, "slight_harm": False, "rectified_on_spot": False})
    base = case.model_copy(update={"facts": facts, "subject": case.subject.model_copy(update={"capacity": "full"})})
    varied = base.model_copy(update={"facts": facts.model_copy(update={"rectified_on_spot": True}),
                                     "subject": base.subject.model_copy(update={"capacity": "limited"})})
    before, after = (decide(c, ruleset=ruleset).penalty for c in (base, varied))
    if before is not None and after is not None:
        assert before.tier == after.tier, f"on-spot correction / limited capacity moved the tier {before.tier} → {after.tier}"


def check_suggestion_fits_tier(ruleset: Ruleset, case: Case) -> None:
    """The suggested range is the tier's share of the statutory range (art. 5(2)), never cut to
    what the acting office may impose: a range beyond its scope is referred, not shrunk."""
    from fireenforce.engine.penalty import fine_of

    decision = decide(case, ruleset=ruleset)
    penalty = decision.penalty
    if penalty is None or penalty.fine is None:
        return
    branch = ruleset.items[decision.item.code].resolve(_conditions(case), decision.law_date).branch
    assert branch is not None
    fitting = fine_of(ruleset, branch, penalty.tier)
    assert fitting is not None and penalty.fine.suggested == fitting.suggested, (
        f"suggested {penalty.fine.suggested} is not the {penalty.tier} tier's {fitting and fitting.suggested}")


def check_excused_subject_not_compelled(ruleset: Ruleset, case: Case) -> None:
    """A subject not penalised for age or incapacity (arts. 30, 31) is not ordered to correct nor
    threatened with compulsory execution: the order goes to the guardian."""
    if case.subject.kind != "individual":
        return
    day = conduct_day(case)
    child = case.subject.model_copy(update={"born_on": day.replace(year=day.year - 10, day=min(day.day, 28))})
    incapable = case.subject.model_copy(update={"capacity": "none"})
    for subject in (child, incapable):
        decision = decide(case.model_copy(update={"subject": subject}), ruleset=ruleset)
        fired = {r.rule for r in decision.reasons}
        if not fired & {"exemption.under-age", "exemption.incapable"}:
            continue  # no penalty branch, or time-barred: the gate is not reached
        assert not [b.cite for b in decision.legal_basis if b.role == "compulsory"], "compulsory execution cited"
        assert not fired & set(ORDER_REASONS.values()), "the order to correct is addressed to the excused subject"


def check_cited_once(ruleset: Ruleset, case: Case) -> None:
    """No reason cites a provision twice, and the legal basis lists each provision once."""
    decision = decide(case, ruleset=ruleset)
    for reason in decision.reasons:
        assert len(set(reason.cites)) == len(reason.cites), f"{reason.rule} cites {reason.cites}"
    cites = [b.cite for b in decision.legal_basis]
    assert len(set(cites)) == len(cites), f"legal basis repeats a provision: {cites}"


GATED_CITES = {"penalty-law:33:1": {"exemption.minor-corrected", "exemption.first-offence"},
               "inspection-rules:19:2": {"exemption.rectified-on-spot"}}


def check_gate_cites_only_with_elements(ruleset: Ruleset, case: Case) -> None:
    """Art. 33(1) and inspection rules 19(2) are cited only where the gate found their elements,
    never as the basis of the local ladder's soft first step."""
    decision = decide(case, ruleset=ruleset)
    fired = {r.rule for r in decision.reasons}
    for reason in decision.reasons:
        for cite in reason.cites:
            if cite in GATED_CITES:
                assert fired & GATED_CITES[cite], f"{reason.rule} cites {cite} without the gate's finding"


def check_refusal_not_counted_twice(ruleset: Ruleset, case: Case) -> None:
    """Where the penalty rests on an unheeded written order (overdue, 拒不改正), an aggravating fact
    that is the refusal itself does not raise the tier again."""
    codes = tuple(c for c, f in ruleset.policy.aggravating.items() if f.refusal_element)
    if not codes or case.facts.minor or not ruleset.items[case.item or ""].orders:
        return
    day = case.decided_on or case.observed_on
    unheeded = HistoryEntry(date=day - dt.timedelta(days=40), item=case.item or "", step="warning",
                            deadline=day - dt.timedelta(days=30), rectified=False)
    bare = case.model_copy(update={"facts": case.facts.model_copy(update={"refused": True, "aggravating": ()}),
                                   "history": (*case.history, unheeded)})
    with_codes = bare.model_copy(update={"facts": bare.facts.model_copy(update={"aggravating": codes})})
    tiers = [decide(c, ruleset=ruleset).penalty for c in (bare, with_codes)]
    if tiers[0] is not None and tiers[1] is not None:
        assert tiers[0].tier == tiers[1].tier, f"the refusal aggravated: {tiers[0].tier} → {tiers[1].tier}"

def check_reinspection_window(ruleset: Ruleset, case: Case) -> None:
    """A running written order is re-inspected from the ruleset's first day after its deadline to
    its last working day (Monday to Friday) after it, with the basis and the holiday doubt
    (policy/ladder.yaml ``reinspection``; inspection rules 20(2)). Checked on the case and on a
    variant whose only order on the item, a warning, is still running."""
    spec = ruleset.policy.spec.ladder.reinspection
    variants = [case]
    item = ruleset.items.get(case.item or "")
    if item is not None and item.orders:
        day = case.decision_date
        running = HistoryEntry(date=day - dt.timedelta(days=1), item=item.code, step="warning",
                               deadline=day + dt.timedelta(days=len(case.history) % 7))
        variants.append(case.model_copy(update={
            "history": (*(h for h in case.history if h.item != item.code), running), "ended_on": None}))
    for variant in variants:
        decision = decide(variant, ruleset=ruleset)
        window = decision.reinspection
        if window is None:
            continue
        assert window.due == window.deadline + dt.timedelta(days=spec.after_days), f"due {window.due}"
        latest = window.latest
        working = ruleset.calendar.is_working
        assert latest is not None and working(latest), f"last re-inspection day {latest} is not a working day"
        counted = sum(working(window.deadline + dt.timedelta(days=n)) for n in range(1, (latest - window.deadline).days + 1))
        assert counted == spec.working_days, f"{latest} is {counted} working days after {window.deadline}"
        assert window.cites == tuple(spec.cites)
        assert spec.calendar_doubt.code in {d.code for d in decision.doubts}, "window without the holiday doubt"


def check_general_duty_advice(ruleset: Ruleset, case: Case) -> None:
    """An item binding only a general duty (catalogue ``duty: general``) gets advice: never an order to
    correct, a penalty, nor the ladder's order language. Checked on the case moved onto each such item."""
    for code, item in ruleset.items.items():
        if item.spec.duty != "general" or case.subject.kind not in item.subjects:
            continue
        moved = case.model_copy(update={
            "item": code, "description": "",
            "history": tuple(h.model_copy(update={"item": code}) if h.item == case.item else h for h in case.history)})
        decision = decide(moved, ruleset=ruleset)
        assert "rectification_order" not in decision.documents and not decision.rectification.required
        assert decision.penalty is None and decision.step != "penalty", f"{code}: step {decision.step}"
        fired = [r.rule for r in decision.reasons]
        if decision.step in ("reminder", "warning"):
            assert f"advice.{decision.step}" in fired, f"{code}: no advice reason ({fired})"
            assert not any(r.startswith(("ladder.", "override.")) for r in fired), f"{code}: order language {fired}"


PROPERTIES: dict[str, Check] = {
    "monotone-escalation": check_monotone_escalation,
    "fine-in-range": check_fine_in_range,
    "penalty-has-provision": check_penalty_has_provision,
    "cites-in-force": check_cites_in_force,
    "lex-mitior": check_lex_mitior,
    "deterministic": check_deterministic,
    "documents": check_documents,
    "penalty-null-iff-no-branch": check_penalty_null_iff_no_branch,
    "referral-target": check_referral_target,
    "procedure-only-for-penalty": check_procedure_only_for_penalty,
    "one-order": check_one_order,
    "completed-act": check_completed_act,
    "elements": check_elements,
    "summary-within-limit": check_summary_within_limit,
    "article33-gate": check_article33_gate,
    "mitigation-not-cancelled": check_mitigation_not_cancelled,
    "documents-agree": check_documents_agree,
    "no-automatic-mitigation": check_no_automatic_mitigation,
    "suggestion-fits-tier": check_suggestion_fits_tier,
    "excused-subject-not-compelled": check_excused_subject_not_compelled,
    "cited-once": check_cited_once,
    "gate-cites-only-with-elements": check_gate_cites_only_with_elements,
    "refusal-not-counted-twice": check_refusal_not_counted_twice,
    "reinspection-window": check_reinspection_window,
    "general-duty-advice": check_general_duty_advice,
}

"""The hearing right of a penalty as imposed: one rule for the ledger's dates and the documents."""

from __future__ import annotations

from fireenforce.labels import KIND_LABELS, SUBJECT_LABELS
from fireenforce.model import Case, Decision, Reason
from fireenforce.ruleset.compiled import Ruleset

HEARING = "procedure.hearing"  # the engine's reason: the suggested range reaches the hearing threshold
NO_HEARING = "procedure.no-hearing"  # reasons.yaml: the penalty imposed does not


def penalised_kind(case: Case, decision: Decision) -> str:
    """The kind of party the penalty falls on: a unit's responsible persons are individuals."""
    penalty = decision.penalty
    return "individual" if penalty is not None and penalty.target == "responsible_persons" else case.subject.kind


def imposed_others(decision: Decision) -> tuple[str, ...]:
    """The penalty kinds imposed besides a fine and a formal warning: where the law imposes its
    kinds together, all of its other kinds (where it offers one of them, the fine or warning chosen)."""
    penalty = decision.penalty
    if penalty is None or penalty.choice == "one":
        return ()
    return tuple(k for k in penalty.kinds if k not in ("fine", "formal_warning"))


def hearing_due(ruleset: Ruleset, case: Case, decision: Decision, fine: int | None) -> bool:
    """Whether the party has a hearing right for the penalty actually imposed (penalty-law art.
    63(1), 64(1)): a recorded ``fine`` reaching the ruleset's threshold (``policy/procedure.yaml``
    ``hearing_threshold``) for the party penalised, or a kind that always carries one
    (``hearing_kinds``). Not the suggested range's top: the notice, the decision's date and the
    correction deadline all follow what was imposed."""
    penalty = decision.penalty
    if decision.step != "penalty" or penalty is None or not penalty.available:
        return False
    threshold = ruleset.policy.hearing_threshold(case.decision_date)
    by_amount = threshold is not None and fine is not None and fine >= getattr(threshold, penalised_kind(case, decision))
    return by_amount or any(k in ruleset.policy.spec.procedure.hearing_kinds for k in imposed_others(decision))


def no_hearing_reason(ruleset: Ruleset, case: Case, decision: Decision, fine: int | None) -> Reason | None:
    """What the decision says on the hearing right where the suggested range gave one and the
    penalty imposed (``fine`` as recorded, else the formal warning) gives none: the ruleset's
    ``procedure.no-hearing`` (``policy/reasons.yaml``), naming the penalty and the threshold;
    None where the ruleset has no such reason or no threshold (``procedure.hearing`` is then
    dropped without a replacement)."""
    threshold = ruleset.policy.hearing_threshold(case.decision_date)
    if NO_HEARING not in ruleset.policy.spec.reasons or threshold is None:
        return None
    kind = penalised_kind(case, decision)
    first = KIND_LABELS["formal_warning"] if fine is None else f"{KIND_LABELS['fine']}{fine}元"
    imposed = "、".join([first, *(KIND_LABELS[k] for k in imposed_others(decision))])
    return ruleset.policy_reason(NO_HEARING, tuple(threshold.cites), imposed=imposed,
                                 subject_label=SUBJECT_LABELS[kind], threshold=getattr(threshold, kind))


def as_imposed(decision: Decision, hearing: bool, reason: Reason | None) -> Decision:
    """``decision`` as stated for the penalty imposed: its hearing right ``hearing``; where the
    suggested range gave one and the penalty does not, its ``procedure.hearing`` reason replaced by
    ``reason`` (from :func:`no_hearing_reason`; dropped where None) and the provisions only that
    reason cited (the hearing's own rules) left out of its legal basis."""
    if hearing or not decision.hearing_right:
        return decision.model_copy(update={"hearing_right": hearing})
    reasons = [reason if r.rule == HEARING else r for r in decision.reasons]
    kept = [r for r in reasons if r is not None]
    gone = {c for r in decision.reasons if r.rule == HEARING for c in r.cites} - {c for r in kept for c in r.cites}
    return decision.model_copy(update={"hearing_right": False, "reasons": tuple(kept),
                                       "legal_basis": tuple(b for b in decision.legal_basis if b.cite not in gone)})

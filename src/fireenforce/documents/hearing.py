"""The hearing right of a penalty as imposed: one rule for the ledger's dates and the documents."""

from __future__ import annotations

from fireenforce.model import Case, Decision
from fireenforce.ruleset.compiled import Ruleset


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

"""What the rule says for each recorded action: the action's case re-decided, on the history it
was decided on, by the ruleset version in force on its date. ``rules_for`` is the one place the
audit calls the engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from fireenforce.auditing.actions import Action
from fireenforce.engine import decide
from fireenforce.errors import FireEnforceError
from fireenforce.model.decision import Decision
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import in_force_on


@dataclass(frozen=True, slots=True)
class Rule:
    """The parts of a re-decided action the audit compares against what the office did."""

    step: str
    item: str
    ruleset: Ruleset
    fine_min: int | None = None  # the statutory range for this subject (None: no fine provided)
    fine_max: int | None = None
    suggested: tuple[int, int] | None = None  # the discretion tier's suggested range
    summary_limit: int | None = None  # penalty-law art. 51's limit for this subject on this date
    running: str | None = None  # the step whose order is still running (re-inspect, issue nothing new)
    running_until: dt.date | None = None  # that order's deadline
    penalty_cite: str = ""
    referral_label: str = ""  # where a referral goes


@dataclass(frozen=True, slots=True)
class Undecidable:
    """The ruleset in force cannot decide the action's case (e.g. no version on its date)."""

    message: str


def rules_for(actions: Sequence[Action], family: Sequence[Ruleset]) -> list[Rule | Undecidable]:
    """Re-decide every action with the version of ``family`` in force on its date."""
    out: list[Rule | Undecidable] = []
    for action in actions:
        try:
            ruleset = in_force_on(family, action.date)
            out.append(_rule(decide(action.case, ruleset=ruleset), ruleset, action))
        except FireEnforceError as exc:
            out.append(Undecidable(str(exc)))
    return out


def _rule(decision: Decision, ruleset: Ruleset, action: Action) -> Rule:
    penalty = decision.penalty
    fine = penalty.fine if penalty is not None and "fine" in penalty.kinds else None
    limits = ruleset.policy.summary_limit(action.date)
    cite = next((b.cite for b in decision.legal_basis if b.role == "penalty"), "")
    running = decision.reinspection
    return Rule(
        step=decision.step, item=decision.item.code, ruleset=ruleset,
        fine_min=fine.min if fine else None, fine_max=fine.max if fine else None,
        suggested=(fine.suggested.min, fine.suggested.max) if fine else None,
        summary_limit=getattr(limits, action.case.subject.kind) if limits is not None else None,
        running=running.step if running is not None else None, running_until=running.deadline if running is not None else None,
        penalty_cite=cite, referral_label=decision.referral_label or "",
    )

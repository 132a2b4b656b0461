"""What the rule says for each recorded action: the action's case re-decided, on the history it
was decided on, by the ruleset version in force on its date. ``rules_for`` is the one place the
audit calls the engine: the columnar batch path (``fe.decide_table``) for every row, and
``decide`` alone for the few rows whose details it does not return (an action that differs
from its rule, a case described without an item code, an order that may still be running, a
summary fine above the on-the-spot limit, a row the batch path refused)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any, Sequence

from fireenforce.auditing.actions import Action
from fireenforce.engine import decide
from fireenforce.engine.decide import order_deadline
from fireenforce.errors import FireEnforceError
from fireenforce.model.case import HistoryEntry
from fireenforce.model.decision import Decision
from fireenforce.ruleset.audit import Bar
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import in_force_on
from fireenforce.ruleset.schema import Limits

CITE_SEPARATOR = ";"  # between penalty provisions when a branch cites more than one (as the batch path)


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
    # Only ``decide`` alone says these (the audit asks it for every action whose step differs):
    step_rule: str = field(default="", compare=False)  # the step-table rule (or referral) that set the step
    step_cites: tuple[str, ...] = field(default=(), compare=False)  # its citations
    step_text: str = field(default="", compare=False)  # its text
    bar: Bar | None = field(default=None, compare=False)  # why the law allows no penalty here (none: it may)
    bar_cites: tuple[str, ...] = field(default=(), compare=False)  # the provisions saying so
    precondition: str = field(default="", compare=False)  # the penalty's precondition (refusal, overdue, notice)
    doubts: tuple[str, ...] = field(default=(), compare=False)  # the decision's doubts (not the version-wide ones)


@dataclass(frozen=True, slots=True)
class Undecidable:
    """The ruleset in force cannot decide the action's case (e.g. no version on its date)."""

    message: str


def rules_for(actions: Sequence[Action], family: Sequence[Ruleset], table: Any = None) -> list[Rule | Undecidable]:
    """Re-decide every action with the version of ``family`` in force on its date. ``table``: the
    actions' cases as an Arrow table, when the reader has one."""
    rows = _batch(actions, family, table)
    if rows is None:
        return [_alone(action, family) for action in actions]
    versions: dict[dt.date, Ruleset] = {}
    out: list[Rule | Undecidable] = []
    for action, row in zip(actions, rows):
        if row["error"] is None and row["step"] == action.step and action.case.get("item"):
            ruleset = versions.get(action.date) or versions.setdefault(action.date, in_force_on(family, action.date))
            if not _may_run(action, ruleset, row["step"]) and not _over_limit(action, ruleset):
                out.append(_from_row(action, row, ruleset))
                continue
        out.append(_alone(action, family))
    return out


def _batch(actions: Sequence[Action], family: Sequence[Ruleset], table: Any) -> list[dict[str, Any]] | None:
    """The batch path's rows, or None where it is not installed or the cases do not form a table."""
    try:
        import pyarrow as pa

        from fireenforce.batch import decide_table
    except ImportError:
        return None
    if table is None:
        if not actions:
            return []
        try:  # every case's keys (``from_pylist`` would take the top-level columns from the first case only)
            table = pa.Table.from_struct_array(pa.array([action.case for action in actions]))
        except (pa.ArrowException, TypeError, ValueError):  # e.g. a local fact that is a number here, text there
            return None
    return decide_table(table, family).to_pylist()


def _may_run(action: Action, ruleset: Ruleset, step: str) -> bool:
    """Whether an earlier order on the item may still be running (then only decide says so)."""
    policy = ruleset.policy
    if step not in policy.reinspect_steps:
        return False
    item = ruleset.items.get(action.case["item"])
    for entry in action.case.get("history") or ():
        if entry.get("item") == action.case["item"] and entry.get("step") in policy.reinspect_steps \
                and not entry.get("rectified"):
            if item is None or order_deadline(ruleset, item, HistoryEntry.model_validate(_present(entry))) >= action.date:
                return True
    return False


def _over_limit(action: Action, ruleset: Ruleset) -> bool:
    """A summary-procedure fine above the on-the-spot limit (then decide says the doubts on the limit)."""
    if action.procedure != "summary" or action.fine is None:
        return False
    limit = _limit(ruleset, action)
    return limit is not None and action.fine > limit


def _present(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if v is not None}


def _from_row(action: Action, row: dict[str, Any], ruleset: Ruleset) -> Rule:
    """The rule of an action as the batch path's row says it (a row that says all the audit needs:
    decided, the step taken, an item code, no order that may still run)."""
    low, high = row["suggested_min"], row["suggested_max"]
    return Rule(
        step=row["step"], item=action.case["item"], ruleset=ruleset, fine_min=row["fine_min"], fine_max=row["fine_max"],
        suggested=(low, high) if low is not None else None, summary_limit=_limit(ruleset, action),
        penalty_cite=row["penalty_cite"] or "",
        referral_label=ruleset.policy.spec.delegation.authorities[row["referral_to"]] if row["referral_to"] else "",
    )


def _alone(action: Action, family: Sequence[Ruleset]) -> Rule | Undecidable:
    """``decide`` on one action: a bad case is an input error; a case the law in force cannot
    decide (no version on its date) is undecidable."""
    case = action.parsed()
    try:
        ruleset = in_force_on(family, action.date)
        decision = decide(case, ruleset=ruleset)
    except FireEnforceError as exc:
        return Undecidable(str(exc))
    return _rule(decision, ruleset, action)


def _rule(decision: Decision, ruleset: Ruleset, action: Action) -> Rule:
    penalty = decision.penalty
    fine = penalty.fine if penalty is not None else None
    running = decision.reinspection
    return Rule(
        step=decision.step, item=decision.item.code, ruleset=ruleset,
        fine_min=fine.min if fine else None, fine_max=fine.max if fine else None,
        suggested=(fine.suggested.min, fine.suggested.max) if fine else None, summary_limit=_limit(ruleset, action),
        running=running.step if running is not None else None,
        running_until=running.deadline if running is not None else None,
        penalty_cite=CITE_SEPARATOR.join(b.cite for b in decision.legal_basis if b.role == "penalty"),
        referral_label=decision.referral_label or "", **_step_rule(decision, ruleset), **_bar(decision),
        precondition=penalty.precondition or "" if penalty is not None else "",
        doubts=tuple(d.code for d in decision.doubts if d not in ruleset.doubts),
    )


def _step_rule(decision: Decision, ruleset: Ruleset) -> dict[str, Any]:
    """The reason of the step-table rule, referral or advice that set the decision's step."""
    ids = _step_ids(ruleset)
    for reason in decision.reasons:
        if reason.rule in ids or reason.rule.startswith(("referral.", "advice.")):
            return {"step_rule": reason.rule, "step_cites": reason.cites, "step_text": reason.text}
    return {}


@functools.lru_cache(maxsize=16)
def _step_ids(ruleset: Ruleset) -> frozenset[str]:
    return frozenset(rule.id for rule in ruleset.policy.spec.step_table.rules)


BAR_REASONS = {"none": ("law.no-penalty-for-subject", "law.no-longer-punishable"), "barred": ("limitation.barred",),
               "excused": ("exemption.",)}


def _bar(decision: Decision) -> dict[str, Any]:
    """Why the law allows no penalty in this case (and the provisions the decision cites for it):
    it provides none for this subject, the case is time-barred, a ground of no penalty holds, or the
    penalty's precondition (逾期不改正, 拒不改正, a notice) is not met; nothing when one is allowed."""
    penalty = decision.penalty
    if penalty is not None and penalty.available:
        return {}
    excused = any(r.rule.startswith("exemption.") and r.rule != "exemption.first-offence" for r in decision.reasons)
    bar: Bar = "none" if penalty is None else "barred" if decision.limitation.barred else "excused" if excused else \
        "unmet" if not penalty.precondition_met else "excused"
    if bar == "unmet":
        cites = tuple(b.cite for b in decision.legal_basis if b.role == "penalty")
    else:
        cites = tuple(dict.fromkeys(c for r in decision.reasons if r.rule.startswith(BAR_REASONS[bar])
                                    and r.rule != "exemption.first-offence" for c in r.cites))
    return {"bar": bar, "bar_cites": cites}


def _limit(ruleset: Ruleset, action: Action) -> int | None:
    limits = _limits(ruleset, action.date)
    return getattr(limits, action.case["subject"]["kind"]) if limits is not None else None


@functools.lru_cache(maxsize=4096)
def _limits(ruleset: Ruleset, day: dt.date) -> Limits | None:
    return ruleset.policy.summary_limit(day)

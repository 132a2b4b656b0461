"""The audit's findings: where an action differs from its rule (one action at a time), and where
alike cases were treated unalike (同案不同罚: groups of actions, within an office and across
offices, by the thresholds of ``policy/audit.yaml``)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Callable, Sequence, get_args

from fireenforce.auditing.actions import Action
from fireenforce.auditing.rules import CITE_SEPARATOR, Rule, Undecidable
from fireenforce.documents.context import citation, reinspection_doubts
from fireenforce.labels import AUDIT_LABELS, PRECONDITION_LABELS, STEP_LABELS
from fireenforce.ruleset.audit import AuditSpec, CompareKey
from fireenforce.ruleset.compiled import Ruleset

DISTRICT = "全区"
RANK = {step: rank for rank, step in enumerate(STEP_LABELS)}  # reminder < warning < penalty < referral


@dataclass(frozen=True)
class AuditFinding:
    """One finding of the audit; ``as_row`` gives the stable columns (docs/contract.md, Audit)."""

    code: str
    office: str
    detail: str
    date: str = ""
    finding: str = ""
    action: str = ""
    item: str = ""
    subject: str = ""
    step: str = ""
    rule_step: str = ""
    suggested_step: str = ""
    fine: int | None = None
    fine_min: int | None = None
    fine_max: int | None = None
    procedure: str = ""
    summary_limit: int | None = None
    reason: str = ""
    group: str = ""
    cases: int = 1
    actions: tuple[str, ...] = ()
    basis: tuple[str, ...] = ()
    ruleset_version: str = ""
    ruleset_digest: str = ""
    doubts: tuple[str, ...] = ()  # codes of the doubts (DOUBT-...) the finding carries

    @property
    def label(self) -> str:
        return AUDIT_LABELS[self.code]

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, **{k: getattr(self, k) for k in COLUMNS[2:]},
                "actions": list(self.actions), "basis": list(self.basis), "doubts": list(self.doubts)}


COLUMNS = ("code", "label", "office", "date", "finding", "action", "item", "subject", "step", "rule_step",
           "suggested_step", "fine", "fine_min", "fine_max", "procedure", "summary_limit", "reason", "group", "cases",
           "actions", "detail", "basis", "ruleset_version", "ruleset_digest", "doubts")


def check_action(action: Action, rule: Rule | Undecidable) -> list[AuditFinding]:
    """Every way one action differs from its rule."""
    if isinstance(rule, Undecidable):
        return [_finding("AUDIT-UNDECIDABLE", action, None, rule.message)]
    out = []
    step = _step_finding(action, rule)
    if step is not None:
        out.append(step)
    out += _fine_findings(action, rule)
    if action.suggested is not None and action.step != action.suggested and not action.reason.strip():
        out.append(_finding("AUDIT-DEPARTURE-NO-REASON", action, rule,
                            f"建议措施为{STEP_LABELS[action.suggested]}，实际为{STEP_LABELS[action.step]}，未记载书面理由"))
    return out


def _step_finding(action: Action, rule: Rule) -> AuditFinding | None:
    taken, ruled = action.step, rule.step
    if taken == ruled:
        return None
    said = f"规则所定步骤为{STEP_LABELS[ruled]}，实际为{STEP_LABELS[taken]}"
    if ruled == "referral":
        return _ruled("AUDIT-REFERRAL-MISSING", action, rule, f"{said}；规则要求移交{rule.referral_label}")
    if RANK[taken] < RANK[ruled]:
        return _finding("AUDIT-STEP-LOWER", action, rule, said)
    if rule.running is not None:
        return _before_deadline(action, rule, said)
    written = rule.ruleset.policy.written_orders
    ordered = any(h.get("item") == rule.item and h.get("step") in written for h in action.case.get("history") or ())
    said += "" if ordered else "；该事项此前没有书面责令改正的记录"
    audit = rule.ruleset.audit
    barred = audit.no_penalty.get(rule.bar) if audit is not None and taken == "penalty" and rule.bar else None
    if barred is None:
        return _ruled("AUDIT-ESCALATION-SKIPPED", action, rule, said)
    cites = tuple(dict.fromkeys((*rule.bar_cites, *barred.cites)))
    text = barred.text.replace("{precondition}", PRECONDITION_LABELS.get(rule.precondition, ""))
    return _finding("AUDIT-ESCALATION-SKIPPED", action, rule, f"{said}；{text}{_cited(rule, cites, action.date)}", cites)


def _ruled(code: str, action: Action, rule: Rule, said: str) -> AuditFinding:
    """A step above or beside the rule's: under a rule of the local ladder, a departure from local
    policy (its text joins the detail, nothing is cited); under any other rule, that rule's
    provisions (and the penalty's precondition's) are what the step taken lacks."""
    ladder = rule.ruleset.audit.ladder if rule.ruleset.audit is not None else None
    if ladder is not None and rule.step_rule in ladder.rules:
        return _finding(code, action, rule, f"{said}（{ladder.text}）", ())
    cites = rule.step_cites + (rule.bar_cites if rule.bar == "unmet" else ())
    cites = tuple(dict.fromkeys(cites))
    lacks = "" if code == "AUDIT-REFERRAL-MISSING" else "；所采取的更重措施缺少该规则所述的法定条件"
    return _finding(code, action, rule, f"{said}；规则所定步骤的理由：{rule.step_text.rstrip('。')}{lacks}"
                    f"{_cited(rule, cites, action.date)}",
                    cites)


def _before_deadline(action: Action, rule: Rule, said: str) -> AuditFinding:
    """A heavier step while an earlier order on the item still ran: a penalty whose precondition is
    an overdue or refused order lacks it (the precondition's provision is cited); otherwise the
    local ladder makes the office wait (local policy)."""
    running = STEP_LABELS[rule.running]  # type: ignore[index]
    said = f"{said}；此前{running}所定改正期限至{rule.running_until}尚未届满，应在期限届满或者收到当事人的复查申请后复查"
    doubts = tuple(d.code for d in reinspection_doubts(rule.ruleset, rule.running))  # type: ignore[arg-type]
    if action.step == "penalty" and rule.precondition in ("overdue", "refusal"):
        cites = tuple(rule.penalty_cite.split(CITE_SEPARATOR))
        label = PRECONDITION_LABELS[rule.precondition]
        return _finding("AUDIT-BEFORE-DEADLINE", action, rule,
                        f"{said}；罚则以“{label}”为前提，期限届满前该前提不能成就{_cited(rule, cites, action.date)}", cites, doubts)
    return _finding("AUDIT-BEFORE-DEADLINE", action, rule, said, doubts=doubts)


def _cited(rule: Rule, cites: Sequence[str], day: dt.date) -> str:
    """``_names`` in brackets; nothing for no citation."""
    return f"（{_names(rule, cites, day)}）" if cites else ""


def _names(rule: Rule, cites: Sequence[str], day: dt.date) -> str:
    """Citations as the documents name them (《中华人民共和国消防法》第六十条第一款第（三）项): the text in
    force on ``day``, else the first the ruleset holds."""
    provisions = rule.ruleset.provisions
    names = []
    for cite in cites:
        versions = provisions.versions(cite)
        basis = provisions.basis(cite, "penalty", day if provisions.at(cite, day) or not versions
                                 else versions[0].valid_from)
        names.append(citation(basis) if basis is not None else cite)
    return "、".join(names)


def _fine_findings(action: Action, rule: Rule) -> list[AuditFinding]:
    fine = action.fine
    if fine is None or action.step != "penalty":
        return []
    out = []
    low, high = rule.fine_min, rule.fine_max
    if low is None or high is None:
        out.append(_finding("AUDIT-FINE-RANGE", action, rule, f"记载罚款{fine}元，但该当事人此项行为依法不处罚款"))
    elif not max(low, 1) <= fine <= high:
        cites = tuple(rule.penalty_cite.split(CITE_SEPARATOR)) if rule.penalty_cite else ()
        law = _names(rule, cites, action.date)
        # a range without a minimum (the ruleset writes 五百元以下 as 1–500) as the law says it
        legal = f"{high}元以下" if low <= 1 else f"{low}–{high}元"
        if fine > high:
            detail = f"罚款{fine}元，超出法定幅度（{legal}；{law}）"
        else:
            reduced = tuple(rule.ruleset.audit.reduced) if rule.ruleset.audit is not None else ()
            detail = f"罚款{fine}元，低于法定最低额{low}元（法定幅度{legal}；{law}）"
            if reduced:
                detail += f"；是否有依法应当减轻处罚的情形{_cited(rule, reduced, action.date)}，须结合案卷核查"
            cites += reduced
        out.append(_finding("AUDIT-FINE-RANGE", action, rule, detail, cites))
    if action.procedure == "summary" and rule.summary_limit is not None and fine > rule.summary_limit:
        out.append(_finding("AUDIT-SUMMARY-LIMIT", action, rule,
                            f"简易程序当场罚款{fine}元，超过当场处罚限额{rule.summary_limit}元，应适用普通程序",
                            doubts=rule.doubts))
    return out


def _finding(code: str, action: Action, rule: Rule | None, detail: str, basis: tuple[str, ...] | None = None,
             doubts: tuple[str, ...] = ()) -> AuditFinding:
    """A finding of one action. ``basis``: the provisions it rests on (default: the kind's in
    ``policy/audit.yaml``, or its local-policy text joins the detail)."""
    audit = rule.ruleset.audit if rule is not None else None
    if basis is None:
        basis = tuple(audit.basis.get(code, ())) if audit is not None else ()
        if audit is not None and code in audit.local:
            detail = f"{detail}（{audit.local[code]}）"
    if audit is not None:
        doubts = (*audit.doubts.get(code, ()), *doubts)
    if rule is not None and code in STEP_KINDS:
        doubts = (*doubts, *rule.doubts)
    return AuditFinding(
        code=code, office=action.office, detail=detail, date=action.date.isoformat(), finding=action.finding,
        action=action.id, item=rule.item if rule else action.case.get("item") or "", subject=action.subject,
        step=action.step, rule_step=rule.step if rule else "", suggested_step=action.suggested or "",
        fine=action.fine, fine_min=rule.fine_min if rule else None, fine_max=rule.fine_max if rule else None,
        procedure=action.procedure or "", summary_limit=rule.summary_limit if rule else None, reason=action.reason,
        actions=(action.id,), basis=basis, doubts=tuple(dict.fromkeys(doubts)),
        ruleset_version=rule.ruleset.version if rule else "", ruleset_digest=rule.ruleset.digest if rule else "",
    )


# The step kinds: their rules always come from ``decide`` alone (the step taken differs from the rule's).
STEP_KINDS = ("AUDIT-REFERRAL-MISSING", "AUDIT-STEP-LOWER", "AUDIT-BEFORE-DEADLINE", "AUDIT-ESCALATION-SKIPPED")


# -- 同案不同罚 ------------------------------------------------------------------------------

@dataclass
class _Cell:
    """The actions of one group in one office: steps taken (count, first action) and fines."""

    steps: dict[str, list[Any]] = field(default_factory=dict)
    fines: list[tuple[int, str]] = field(default_factory=list)
    count: int = 0


class Disparity:
    """Collects decided actions by group and office, then compares them. Collections made apart
    (batches, worker processes) ``merge`` into the one they would have been made in turn; a
    pickled one travels without its rulesets (the receiver knows them by digest)."""

    def __init__(self, family: Sequence[Ruleset] = ()) -> None:
        self.cells: dict[tuple[Any, ...], dict[str, _Cell]] = defaultdict(dict)
        self.rulesets: dict[str, Ruleset] = {ruleset.digest: ruleset for ruleset in family}
        self.picks: dict[str, Callable[[tuple[Any, ...]], tuple[Any, ...]]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"cells": dict(self.cells)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]
        self.cells.update(state["cells"])

    def add(self, action: Action, rule: Rule) -> None:
        ruleset = rule.ruleset
        if ruleset.audit is None:
            return
        pick = self.picks.get(ruleset.digest)
        if pick is None:
            pick = self.picks[ruleset.digest] = _pick(ruleset.audit.disparity.compare_by)
            self.rulesets[ruleset.digest] = ruleset
        # a running order (re-inspect, nothing new) is never the same case as a fresh step
        key = (ruleset.digest, rule.running, *pick(_attributes(action, rule)))
        cell = self.cells[key].get(action.office)
        if cell is None:
            cell = self.cells[key][action.office] = _Cell()
        cell.count += 1
        seen = cell.steps.get(action.step)
        if seen is None:
            cell.steps[action.step] = [1, action.id]
        else:
            seen[0] += 1
        if action.step == "penalty" and action.fine is not None:
            cell.fines.append((action.fine, action.id))

    def merge(self, later: "Disparity") -> None:
        """Add what ``later`` collected from the actions after this one's."""
        for key, offices in later.cells.items():
            mine = self.cells[key]
            for office, cell in offices.items():
                into = mine.get(office)
                if into is None:
                    mine[office] = cell
                    continue
                into.count += cell.count
                for step, (count, first) in cell.steps.items():
                    seen = into.steps.get(step)
                    if seen is None:
                        into.steps[step] = [count, first]
                    else:
                        seen[0] += count
                into.fines += cell.fines

    def findings(self) -> list[AuditFinding]:
        out = []
        for key, offices in self.cells.items():
            ruleset = self.rulesets[key[0]]
            spec: AuditSpec = ruleset.audit  # type: ignore[assignment]  # add() keeps only versions with one
            group = " ".join(f"{name}={_text(value)}" for name, value in zip(spec.disparity.compare_by, key[2:]))
            for office, cell in sorted(offices.items()):
                found = _within_office(cell, spec)
                if found:
                    out.append(_group_finding(ruleset, spec, office, group, key, cell.count, *found))
            found = _across_offices(offices, spec)
            if found:
                out.append(_group_finding(ruleset, spec, DISTRICT, group, key,
                                          sum(c.count for c in offices.values()), *found))
        return out


ATTRIBUTES = get_args(CompareKey)  # the order _attributes reads them in


def _attributes(action: Action, rule: Rule) -> tuple[Any, ...]:
    """Every attribute ``compare_by`` may name, in the order of ATTRIBUTES."""
    case = action.case
    subject, place, facts = case["subject"], case.get("place") or {}, case.get("facts") or {}
    return (rule.item, subject["kind"], bool(subject.get("operating")), bool(place.get("high_rise")),
            bool(place.get("crowded")), bool(facts.get("serious")), rule.step, rule.suggested)


def _pick(names: list[CompareKey]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    indexes = [ATTRIBUTES.index(name) for name in names]
    if len(indexes) == 1:
        return lambda values: (values[indexes[0]],)
    return itemgetter(*indexes)


def _text(value: Any) -> str:
    if isinstance(value, tuple):
        return "–".join(str(v) for v in value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _within_office(cell: _Cell, spec: AuditSpec) -> tuple[str, tuple[str, ...]] | None:
    policy = spec.disparity
    if cell.count < policy.min_cases:
        return None
    parts, examples = [], []
    if len(cell.steps) > 1:
        parts.append("措施不同：" + "、".join(f"{STEP_LABELS[s]}{n}件" for s, (n, _) in _by_rank(cell.steps)))
        examples += [first for _, (_, first) in _by_rank(cell.steps)]
    if len(cell.fines) >= policy.min_cases:
        low, high = min(cell.fines), max(cell.fines)
        if high[0] > policy.fine_ratio * low[0]:
            parts.append(f"罚款{low[0]}–{high[0]}元，最高额超过最低额的{_ratio(policy.fine_ratio)}倍")
            examples += [low[1], high[1]]
    return ("；".join(parts), tuple(dict.fromkeys(examples))) if parts else None


def _across_offices(offices: dict[str, _Cell], spec: AuditSpec) -> tuple[str, tuple[str, ...]] | None:
    policy = spec.disparity
    enough = {name: cell for name, cell in sorted(offices.items()) if cell.count >= policy.min_cases}
    if len(enough) < policy.min_offices:
        return None
    parts, examples = [], []
    usual = {name: max(cell.steps.items(), key=lambda s: (s[1][0], -RANK[s[0]])) for name, cell in enough.items()}
    if len({step for step, _ in usual.values()}) > 1:
        parts.append("各办公室最常采取的措施不同：" + "、".join(f"{name}{STEP_LABELS[step]}" for name, (step, _) in usual.items()))
        examples += [first for _, (_, first) in usual.values()]
    medians = {name: statistics.median(f for f, _ in cell.fines) for name, cell in enough.items()
               if len(cell.fines) >= policy.min_cases}
    if len(medians) >= policy.min_offices and max(medians.values()) > policy.office_fine_ratio * min(medians.values()):
        parts.append("各办公室罚款中位数：" + "、".join(f"{name}{m:g}元" for name, m in medians.items())
                     + f"，最高超过最低的{_ratio(policy.office_fine_ratio)}倍")
    return ("；".join(parts), tuple(examples)) if parts else None


def _by_rank(steps: dict[str, list[Any]]) -> list[tuple[str, list[Any]]]:
    return sorted(steps.items(), key=lambda s: RANK[s[0]])


def _ratio(value: float) -> str:
    return f"{value:g}"


def _group_finding(ruleset: Ruleset, spec: AuditSpec, office: str, group: str, key: tuple[Any, ...], cases: int,
                   detail: str, examples: tuple[str, ...]) -> AuditFinding:
    names = spec.disparity.compare_by
    values = dict(zip(names, key[2:]))
    return AuditFinding(
        code="AUDIT-DISPARITY", office=office, detail=f"同组{cases}件。{detail}。{spec.disparity.note}".replace("。。", "。"),
        item=str(values.get("item", "")), rule_step=str(values.get("rule.step", "")), group=group, cases=cases,
        actions=examples, basis=tuple(spec.basis.get("AUDIT-DISPARITY", ())), ruleset_version=ruleset.version,
        ruleset_digest=ruleset.digest,
    )

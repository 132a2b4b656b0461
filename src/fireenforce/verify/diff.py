"""What changed between two ruleset versions, in legal terms, and which decisions it changes.

``legal_diff`` compares manifests, catalogue items (search words left out), provisions and policy;
``impact`` re-decides a corpus under both versions and groups every changed decision field by
item and step, old and new value side by side, with one example case each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from fireenforce.engine import decide
from fireenforce.errors import CaseError
from fireenforce.model.case import Case
from fireenforce.model.decision import Decision
from fireenforce.ruleset.compiled import Ruleset

SEARCH_ONLY = {"aliases", "keywords"}
LIST_KEYS = ("id", "code", "tier", "cite", "from")  # what names an entry of a list of mappings


@dataclass(frozen=True)
class Change:
    """One changed value: ``area`` is manifest, item, provision or policy; ``subject`` what changed."""

    area: str
    subject: str
    path: str
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        return {"area": self.area, "subject": self.subject, "path": self.path, "old": self.old, "new": self.new}


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of nested data by dotted path; list entries named by their id/code/tier/cite/from."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, sub in value.items():
            out.update(flatten(sub, f"{prefix}.{key}" if prefix else str(key)))
        return out or {prefix: {}}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        key = next((k for k in LIST_KEYS if all(k in v for v in value)), None)
        if key is not None:
            return flatten({str(v[key]): {k: x for k, x in v.items() if k != key} for v in value}, prefix)
        return flatten({str(i): v for i, v in enumerate(value)}, prefix)
    return {prefix: value}


def _compare(area: str, subject: str, old: Any, new: Any) -> list[Change]:
    a, b = flatten(old), flatten(new)
    return [Change(area, subject, path, a.get(path), b.get(path))
            for path in sorted(set(a) | set(b)) if a.get(path) != b.get(path)]


def _item(rs: Ruleset, code: str) -> dict[str, Any]:
    return rs.items[code].spec.model_dump(mode="json", by_alias=True, exclude=SEARCH_ONLY)


def _provisions(rs: Ruleset) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for spec in rs.provisions.instruments.values():
        for ref, texts in spec.provisions.items():
            out[f"{spec.id}:{ref}"] = [t.model_dump(mode="json", by_alias=True) for t in texts]
    return out


def legal_diff(old: Ruleset, new: Ruleset) -> list[Change]:
    """Every legal change from ``old`` to ``new``: identity and dates, items, provisions, policy."""
    keep = {"version", "published", "in_force", "coverage", "catalogue", "doubts"}
    changes = _compare("manifest", "ruleset.yaml", old.manifest.model_dump(mode="json", by_alias=True, include=keep),
                       new.manifest.model_dump(mode="json", by_alias=True, include=keep))
    for code in sorted(set(old.items) | set(new.items)):
        if code not in new.items or code not in old.items:
            gone = code not in new.items
            changes.append(Change("item", code, "", old.items[code].name if gone else None,
                                  None if gone else new.items[code].name))
        else:
            changes += _compare("item", code, _item(old, code), _item(new, code))
    a, b = _provisions(old), _provisions(new)
    for cite in sorted(set(a) | set(b)):
        if a.get(cite) != b.get(cite):
            changes += _compare("provision", cite, a.get(cite, {}), b.get(cite, {}))
    old_policy = old.policy.spec.model_dump(mode="json", by_alias=True)
    new_policy = new.policy.spec.model_dump(mode="json", by_alias=True)
    for key in old_policy:
        changes += _compare("policy", key, old_policy[key], new_policy[key])
    return changes


def project(decision: Decision | CaseError) -> dict[str, Any]:
    """The decision fields compared: everything but reasons, texts and the ruleset identity."""
    if isinstance(decision, CaseError):
        return {"error": f"{decision.field}: {decision.message}"}
    data = decision.model_dump(mode="json", exclude={"reasons", "ruleset", "inferred", "legal_basis", "doubts"})
    out = flatten(data)
    out["legal_basis"] = [f"{b.role} {b.cite}" for b in decision.legal_basis]
    out["doubts"] = sorted({d.code for d in decision.doubts if d.code != "DOUBT-WHAT-IF"})
    return out


@dataclass
class FieldChange:
    field: str
    old: Any
    new: Any
    count: int = 0
    example: Case | None = None


@dataclass
class Group:
    """Decisions of one item whose step went from ``old_step`` to ``new_step`` and changed."""

    item: str
    old_step: str
    new_step: str
    count: int = 0
    changes: dict[tuple[str, str, str], FieldChange] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item, "old_step": self.old_step, "new_step": self.new_step, "cases": self.count,
                "changes": [{"field": c.field, "old": c.old, "new": c.new, "cases": c.count,
                             "example": c.example.model_dump(mode="json", exclude_defaults=True) if c.example else None}
                            for c in self.changes.values()]}


@dataclass
class Impact:
    decided: int
    groups: list[Group]

    @property
    def changed(self) -> int:
        return sum(g.count for g in self.groups)


def _decide(case: Case, rs: Ruleset) -> Decision | CaseError:
    try:
        return decide(case, ruleset=rs, what_if=True)
    except CaseError as exc:
        return exc


def _step(result: Decision | CaseError) -> str:
    return "error" if isinstance(result, CaseError) else result.step


def impact(old: Ruleset, new: Ruleset, corpus: Iterable[Case]) -> Impact:
    """Decide each case under both versions; group the changed fields by item and step."""
    groups: dict[tuple[str, str, str], Group] = {}
    decided = 0
    for case in corpus:
        decided += 1
        before, after = _decide(case, old), _decide(case, new)
        a, b = project(before), project(after)
        changed = [(f, a.get(f), b.get(f)) for f in sorted(set(a) | set(b)) if a.get(f) != b.get(f)]
        if not changed:
            continue
        key = (case.item or "", _step(before), _step(after))
        group = groups.setdefault(key, Group(*key))
        group.count += 1
        for name, was, now in changed:
            entry = group.changes.setdefault((name, repr(was), repr(now)), FieldChange(name, was, now, 0, case))
            entry.count += 1
    return Impact(decided, sorted(groups.values(), key=lambda g: (g.item, g.old_step, g.new_step)))


def overlap(old: Ruleset, new: Ruleset) -> tuple[dt.date, dt.date]:
    """Decision dates both versions answer for (their coverages), through the newer one's force."""
    from fireenforce.testing.strategies import decision_period

    start = max(old.coverage.from_, new.coverage.from_)
    ends = [p.to - dt.timedelta(days=1) for p in (old.coverage, new.coverage) if p.to is not None]
    end = max(decision_period(old)[1], decision_period(new)[1])
    return start, min([end, *ends])


def affected(old: Ruleset, new: Ruleset, changes: Iterable[Change]) -> list[str]:
    """Items both versions hold whose decisions may change: those changed, or all of them when a
    provision or the policy changed."""
    common = sorted(set(old.items) & set(new.items))
    changes = list(changes)
    if any(c.area in ("provision", "policy") for c in changes):
        return common
    touched = {c.subject for c in changes if c.area == "item"}
    return [code for code in common if code in touched] or common


def generated(old: Ruleset, new: Ruleset, count: int, seed: int = 0, items: Iterable[str] | None = None) -> list[Case]:
    """``count`` generated cases on ``items`` (default: every item both versions hold), dated
    inside both coverages."""
    from hypothesis import HealthCheck, Phase, given, seed as hypothesis_seed, settings

    from fireenforce.testing.strategies import cases

    out: list[Case] = []
    common = sorted(set(old.items) & set(new.items) & set(items if items is not None else old.items))

    @hypothesis_seed(seed)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(cases(old, items=common, period=overlap(old, new)))
    def collect(case: Case) -> None:
        out.append(case)

    collect()
    return out

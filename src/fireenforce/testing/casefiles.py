"""Example-case files: cases with the decision fields legal staff expect, checked against the engine.

A file holds ``cases: [{name, case, expect}]`` (see docs/case-files.md). ``load_case_file``
reads it strictly (file:line errors); ``run_case`` decides one case and lists the mismatches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from fireenforce.engine import decide
from fireenforce.errors import CaseError, Finding, RulesetError
from fireenforce.model.case import Case, parse_case
from fireenforce.model.enums import DocumentType, Precondition, Procedure, Step, Tier
from fireenforce.resources import bundled_family
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import MANIFEST, load_ruleset, versions_of
from fireenforce.ruleset.yamlsafe import YamlProblem, dotted, line_of, load_yaml

_STRICT = ConfigDict(extra="forbid", frozen=True)


class RangeExpect(BaseModel):
    model_config = _STRICT
    min: int | None = None
    max: int | None = None


class FineExpect(RangeExpect):
    suggested: RangeExpect | None = None
    optional: bool | None = None


class PenaltyExpect(BaseModel):
    model_config = _STRICT
    kinds: list[str] | None = None
    fine: FineExpect | None = None
    tier: Tier | None = None
    available: bool | None = None
    precondition: Precondition | None = None
    precondition_met: bool | None = None
    formal_warning_suggested: bool | None = None
    target: Literal["subject", "responsible_persons"] | None = None


class RectificationExpect(BaseModel):
    model_config = _STRICT
    required: bool | None = None
    deadline: dt.date | None = None


class ReinspectionExpect(BaseModel):
    model_config = _STRICT
    step: Step | None = None
    ordered_on: dt.date | None = None
    deadline: dt.date | None = None
    due: dt.date | None = None
    latest: dt.date | None = None
    cites: list[str] | None = None


class ErrorExpect(BaseModel):
    model_config = _STRICT
    field: str
    message_contains: str = ""


class Expect(BaseModel):
    """Only the keys given are checked."""

    model_config = _STRICT
    step: Step | None = None
    item: str | None = None
    procedure: Procedure | None = None
    hearing_right: bool | None = None
    referral_to: str | None = None
    referral_label: str | None = None
    penalty: PenaltyExpect | None = None
    cites: list[str] | None = None
    cites_include: list[str] | None = None
    cites_by_role: dict[Literal["violated", "penalty", "procedure", "competence", "compulsory", "basis"], list[str]] | None = None
    documents: list[DocumentType] | None = None
    rectification: RectificationExpect | None = None
    reinspection: ReinspectionExpect | None = None
    rules: list[str] | None = None
    rules_absent: list[str] | None = None
    reason_cites: dict[str, list[str]] | None = None
    doubts_include: list[str] | None = None
    doubts_absent: list[str] | None = None
    summary_limit: int | None = None
    law_date: dt.date | None = None
    version: str | None = None
    error: ErrorExpect | None = None


class CaseSpec(BaseModel):
    model_config = _STRICT
    name: str
    case: dict[str, Any]
    expect: Expect


class _File(BaseModel):
    model_config = _STRICT
    cases: list[CaseSpec]


@dataclass(frozen=True)
class ExampleCase:
    """One case of a file, with where it was written."""

    spec: CaseSpec
    file: str
    line: int | None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Mismatch:
    path: str
    expected: Any
    actual: Any

    def format(self) -> str:
        text = f"  {self.path}:\n    expected: {_show(self.expected)}\n    actual:   {_show(self.actual)}"
        if isinstance(self.expected, list) and isinstance(self.actual, list):
            missing = [x for x in self.expected if x not in self.actual]
            extra = [x for x in self.actual if x not in self.expected]
            text += "".join(f"\n    {sign} {_show(x)}" for sign, xs in (("-", missing), ("+", extra)) for x in xs)
        return text


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return "null" if value is None else str(value)


def format_mismatches(case: ExampleCase, mismatches: list[Mismatch]) -> str:
    """The readable diff of one failing case."""
    return f"FAIL {case.where}: {case.spec.name}\n" + "\n".join(m.format() for m in mismatches)


def load_case_file(path: Path) -> list[ExampleCase]:
    """Every case of a file; RulesetError with file:line findings when the file is malformed."""
    name = str(path)
    try:
        data, lines = load_yaml(path, name)
    except YamlProblem as exc:
        raise RulesetError([exc.finding]) from None
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        raise RulesetError([Finding("CASE-SCHEMA", _message(e), file=name, line=line_of(lines, e["loc"]),
                                    field=dotted(e["loc"])) for e in exc.errors()]) from None
    findings: list[Finding] = []
    seen: set[str] = set()
    for index, spec in enumerate(parsed.cases):
        at = ("cases", index)
        if spec.name in seen:
            findings.append(Finding("CASE-DUPLICATE", f"duplicate case name {spec.name!r}", file=name,
                                    line=line_of(lines, (*at, "name")), field=dotted((*at, "name"))))
        seen.add(spec.name)
        if spec.expect.error is None:
            try:
                parse_case(spec.case)
            except CaseError as exc:
                loc: tuple[str | int, ...] = (*at, "case", *exc.field.split("."))
                findings.append(Finding("CASE-INVALID", exc.message, file=name, line=line_of(lines, loc),
                                        field=dotted((*at, "case")) + "." + exc.field))
    if findings:
        raise RulesetError(findings)
    return [ExampleCase(spec, name, line_of(lines, ("cases", i))) for i, spec in enumerate(parsed.cases)]


def _message(error: Any) -> str:
    return "unknown field (a typo?)" if error["type"] == "extra_forbidden" else error["msg"]


def case_files(paths: list[Path]) -> list[Path]:
    """The files named, and the *.yaml files under the folders named, in order."""
    out: list[Path] = []
    for path in paths:
        out.extend(sorted(path.rglob("*.yaml")) if path.is_dir() else [path])
    return out


def bundled_suites() -> list[Path]:
    """The ``cases/`` folder of every bundled ruleset version that has one, oldest first."""
    return [d / "cases" for d in versions_of(bundled_family()) if (d / "cases").is_dir()]


def resolver(ruleset: Path | None, what_if: bool = False) -> Callable[[Case], Ruleset]:
    """Ruleset per case: the given version (for the dates it answers, or for any date with
    ``what_if``), or the version of a family in force on the decision date."""
    root = ruleset if ruleset is not None else bundled_family()
    return lambda case: load_ruleset(root, on=None if what_if else case.decision_date)


def version_of(path: Path) -> Path | None:
    """The ruleset version folder a case file sits in (``<version>/cases/...``), if any."""
    for parent in path.resolve().parents:
        if (parent / MANIFEST).is_file():
            return parent
    return None


def run_case(example: ExampleCase, ruleset_for: Callable[[Case], Ruleset], what_if: bool = False) -> list[Mismatch]:
    """Decide one case and compare the fields its ``expect`` names; [] when it passes."""
    expect = example.spec.expect
    try:
        case = parse_case(example.spec.case)
        actual = decide(case, ruleset_for(case), what_if=what_if).model_dump(mode="json")
    except CaseError as exc:
        if expect.error is None:
            return [Mismatch("error", None, str(exc))]
        return _error_mismatches(expect.error, exc)
    if expect.error is not None:
        return [Mismatch("error", expect.error.model_dump(), None)]
    wanted = expect.model_dump(mode="json", exclude_unset=True, exclude={"error"})
    out: list[Mismatch] = []
    for key, value in wanted.items():
        out.extend(_compare(key, value, _view(key, value, actual)))
    return out


def _error_mismatches(expected: ErrorExpect, exc: CaseError) -> list[Mismatch]:
    out = []
    if exc.field != expected.field:
        out.append(Mismatch("error.field", expected.field, exc.field))
    if expected.message_contains not in exc.message:
        out.append(Mismatch("error.message_contains", expected.message_contains, exc.message))
    return out


def _view(key: str, expected: Any, actual: dict[str, Any]) -> Any:
    """The part of the Decision JSON that ``expect.<key>`` describes."""
    cites = [b["cite"] for b in actual["legal_basis"]]
    if key == "item":
        return actual["item"]["code"]
    if key == "version":
        return actual["ruleset"]["version"]
    if key == "cites":
        return cites
    if key == "cites_include":
        return [c for c in expected if c in cites]
    if key == "cites_by_role":
        return {role: [b["cite"] for b in actual["legal_basis"] if b["role"] == role] for role in expected}
    if key == "rules":
        fired = [r["rule"] for r in actual["reasons"]]
        return expected if _in_order(expected, fired) else fired
    if key == "rules_absent":
        fired_ids = {r["rule"] for r in actual["reasons"]}
        return [r for r in expected if r not in fired_ids]
    if key == "reason_cites":
        cited = {r["rule"]: list(r["cites"]) for r in reversed(actual["reasons"])}
        return {rule: cited.get(rule) for rule in expected}
    if key == "doubts_include":
        codes = [d["code"] for d in actual["doubts"]]
        return [c for c in expected if c in codes]
    if key == "doubts_absent":
        found = {d["code"] for d in actual["doubts"]}
        return [c for c in expected if c not in found]
    return actual[key]


def _in_order(wanted: list[str], fired: list[str]) -> bool:
    rest = iter(fired)
    return all(rule in rest for rule in wanted)


def _compare(path: str, expected: Any, actual: Any) -> list[Mismatch]:
    """Expected mappings are subsets: only their keys are compared."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return [m for key, value in expected.items() for m in _compare(f"{path}.{key}", value, actual.get(key))]
    return [] if expected == actual else [Mismatch(path, expected, actual)]

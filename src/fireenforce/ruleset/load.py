"""Loading: read a ruleset directory strictly, validate it, compile it once, cache it."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence, TypeVar

from pydantic import BaseModel, ValidationError

from fireenforce.errors import CaseError, Finding, RulesetError
from fireenforce.resources import bundled_family
from fireenforce.ruleset import checks
from fireenforce.ruleset.compiled import Policy, Ruleset
from fireenforce.ruleset.items import CompiledItem, ConflictError
from fireenforce.ruleset.provisions import Provisions
from fireenforce.ruleset.assessment import check_assessment, read_assessment
from fireenforce.ruleset.audit import check_audit, read_audit
from fireenforce.ruleset.calendar import read_calendar
from fireenforce.ruleset.offices import OFFICES_FILE, check_offices, compile_delegations, read_offices
from fireenforce.ruleset.schema import (
    OPTIONAL_POLICY_FILES, POLICY_FILES, InstrumentSpec, ItemSpec, Manifest, Period, PolicySpec,
)
from fireenforce.ruleset.triggers import check_triggers, read_triggers
from fireenforce.ruleset.yamlsafe import Lines, YamlProblem, dotted, line_of, load_yaml

M = TypeVar("M", bound=BaseModel)
MANIFEST = "ruleset.yaml"


class Source:
    """The parsed files of one version directory, with line maps for error locations."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.findings: list[Finding] = []
        self.lines: dict[str, Lines] = {}

    def rel(self, path: Path) -> str:
        return str(path.relative_to(self.root.parent)) if self.root.parent in path.parents else str(path)

    def read(self, path: Path, model: type[M], wrap: str | None = None) -> M | None:
        name = self.rel(path)
        try:
            data, lines = load_yaml(path, name)
        except YamlProblem as problem:
            self.findings.append(problem.finding)
            return None
        self.lines[name] = lines
        if wrap is not None:
            data = {wrap: data}
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"][1:] if wrap else err["loc"])
                message = err["msg"]
                if err["type"] == "extra_forbidden":
                    message = "unknown key (a typo?)"
                elif message.startswith("Value error, "):
                    message = message.removeprefix("Value error, ")
                self.findings.append(Finding(
                    "RS-SCHEMA", message, file=name, line=line_of(lines, loc), field=dotted(loc)))
            return None

    def line(self, name: str, *loc: str | int) -> int | None:
        return line_of(self.lines.get(name, {}), loc)


def _digest(root: Path) -> tuple[str, tuple[str, ...]]:
    sha = hashlib.sha256()
    files = tuple(sorted(
        str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")
    ))
    for rel in files:
        sha.update(rel.encode() + b"\0")
        sha.update((root / rel).read_bytes() + b"\0")
    return "sha256:" + sha.hexdigest(), files


def compile_version(root: Path) -> Ruleset:
    """Read, validate and compile one version directory. Raises RulesetError with all findings."""
    src = Source(root)
    if not (root / MANIFEST).is_file():
        raise RulesetError([Finding("RS-MANIFEST-MISSING", f"no {MANIFEST} in {root}", file=str(root))])
    manifest = src.read(root / MANIFEST, Manifest)
    instruments: dict[str, InstrumentSpec] = {}
    for path in sorted((root / "instruments").glob("*.yaml")):
        spec = src.read(path, InstrumentSpec)
        if spec is not None:
            if spec.id != path.stem:
                src.findings.append(Finding("RS-FILE-NAME", f"instrument id {spec.id!r} differs from the file name",
                                            file=src.rel(path), line=src.line(src.rel(path), "id"), field="id"))
            instruments[spec.id] = spec
    item_specs: dict[str, tuple[ItemSpec, str]] = {}
    for path in sorted((root / "catalogue").glob("*.yaml")):
        item = src.read(path, ItemSpec)
        if item is not None:
            name = src.rel(path)
            if item.code != path.stem:
                src.findings.append(Finding("RS-FILE-NAME", f"item code {item.code!r} differs from the file name",
                                            file=name, line=src.line(name, "code"), field="code"))
            item_specs[item.code] = (item, name)
    policy_data: dict[str, Any] = {}
    for key, filename in {**POLICY_FILES, **OPTIONAL_POLICY_FILES}.items():
        path = root / "policy" / filename
        if not path.is_file():
            if key in OPTIONAL_POLICY_FILES:
                continue
            src.findings.append(Finding("RS-POLICY-MISSING", f"missing policy file {filename}", file=src.rel(root / "policy")))
            continue
        try:
            policy_data[key], src.lines[src.rel(path)] = load_yaml(path, src.rel(path))
        except YamlProblem as problem:
            src.findings.append(problem.finding)
    triggers = read_triggers(src, root)
    assessment = read_assessment(src, root)
    audit = read_audit(src, root)
    calendar = read_calendar(src, root)
    offices = read_offices(src, root)
    policy_spec = None
    if all(key in policy_data for key in POLICY_FILES):
        try:
            policy_spec = PolicySpec.model_validate(policy_data)
        except ValidationError as exc:
            for err in exc.errors():
                part, *rest = err["loc"]
                name = src.rel(root / "policy" / {**POLICY_FILES, **OPTIONAL_POLICY_FILES}[str(part)])
                loc = tuple(rest)
                message = "unknown key (a typo?)" if err["type"] == "extra_forbidden" else err["msg"]
                src.findings.append(Finding("RS-SCHEMA", message, file=name, line=src.line(name, *loc), field=dotted(loc)))
    if src.findings or manifest is None or policy_spec is None or triggers is None or assessment is None \
            or calendar is None:
        raise RulesetError(src.findings or [Finding("RS-SCHEMA", "invalid ruleset", file=str(root))])

    provisions = Provisions(instruments)
    policy = Policy(policy_spec, provisions.change_dates(list(provisions.all_cites())))
    findings = checks.run(src, manifest, provisions, item_specs, policy)
    findings += check_triggers(src, manifest, provisions, triggers, item_specs)
    findings += check_assessment(src, manifest, provisions, assessment, item_specs)
    if audit is not None:
        findings += check_audit(src, manifest, provisions, audit, policy_spec.step_table)
    findings += check_offices(src, offices, item_specs, policy_spec)
    severities: dict[str, int] = {kind: k.severity for kind, k in policy_spec.kinds.items()}
    items: dict[str, CompiledItem] = {}
    for code, (item_spec, name) in item_specs.items():
        try:
            items[code] = CompiledItem(item_spec, provisions, severities, policy_spec.competing.precedence)
        except ConflictError as exc:
            findings.append(Finding("RS-BRANCH-CONFLICT", str(exc), file=name, line=src.line(name, "penalties"),
                                    field="penalties"))
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise RulesetError(errors)
    digest, files = _digest(root)
    return Ruleset(manifest, provisions, items, policy, root, digest, files, tuple(findings), triggers, assessment,
                   audit, compile_delegations(offices), calendar=calendar)


_CACHE: dict[tuple[str, tuple[tuple[str, int, int], ...]], Ruleset] = {}
_LOCK = threading.Lock()


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple(sorted(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*") if p.is_file()
    ))


def load_version(root: Path) -> Ruleset:
    """Compile a version directory once; later calls return the same immutable object."""
    root = root.resolve()
    key = (str(root), _signature(root))
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is None:
            cached = _CACHE[key] = compile_version(root)
        return cached


def loaded(digest: str) -> Ruleset | None:
    """A version this process has loaded whose digest is ``digest`` (the one a decision names),
    wherever it was loaded from; None when none was."""
    with _LOCK:
        return next((rs for rs in reversed(list(_CACHE.values())) if rs.digest == digest), None)


def versions_of(family: Path) -> list[Path]:
    """The version directories of a family, oldest first by effective date."""
    dirs = [d for d in family.iterdir() if (d / MANIFEST).is_file()]
    return sorted(dirs, key=lambda d: d.name)


def load_ruleset(path: str | Path | None = None, *, on: dt.date | str | None = None) -> Ruleset:
    """Load a ruleset: a version directory, or a family (pick the version in force ``on``).

    With no path, the bundled Xifeng family; with no date, its newest version.
    """
    day = _day(on)
    loaded = load_directory(path if path is not None else bundled_family())
    if isinstance(loaded, Ruleset):
        if day is not None and not (loaded.in_force.covers(day) and loaded.covers(day)):
            raise loaded.outside(day)
        return loaded
    if day is None:
        return max(loaded, key=lambda r: r.in_force.from_)
    return in_force_on(loaded, day)


def load_directory(path: str | os.PathLike[str]) -> Ruleset | list[Ruleset]:
    """A ruleset directory: its version, or its family's versions oldest first (RS-NOT-FOUND when
    it is not a directory), so that a wrong path is one error before any work starts."""
    root = Path(path)
    if not root.is_dir():
        raise RulesetError([Finding("RS-NOT-FOUND", "no such ruleset directory", file=str(root))])
    return load_version(root) if (root / MANIFEST).is_file() else load_family(root)


def _day(on: dt.date | str | None) -> dt.date | None:
    if on is None or type(on) is dt.date:
        return on
    try:
        return dt.date.fromisoformat(on) if isinstance(on, str) and len(on) == 10 else _not_a_date(on)
    except ValueError:
        return _not_a_date(on)


def _not_a_date(on: object) -> dt.date:
    raise CaseError("on", f"{on!r} is not a date (expected a date or an ISO string YYYY-MM-DD)")


def load_family(root: Path) -> list[Ruleset]:
    """Every version of a family, oldest first; RulesetError when their periods overlap or leave a gap."""
    candidates = versions_of(root)
    if not candidates:
        raise RulesetError([Finding("RS-MANIFEST-MISSING", f"no {MANIFEST} here or in any sub-directory", file=str(root))])
    loaded = sorted((load_version(d) for d in candidates), key=lambda r: r.in_force.from_)
    errors = family_findings(loaded)
    if errors:
        raise RulesetError(errors)
    return loaded


def family_findings(versions: Sequence[Ruleset]) -> list[Finding]:
    """The versions of one family must follow each other: each in force until the next one's date."""
    out = []
    ordered = sorted(versions, key=lambda r: r.in_force.from_)
    for earlier, later in zip(ordered, ordered[1:]):
        end, start = earlier.in_force.to, later.in_force.from_
        if end == start:
            continue
        problem = ("RS-FAMILY-OVERLAP", f"in force from {start}, while {earlier.version} is still in force "
                   f"(until {end or 'no end date'})") if end is None or end > start else \
                  ("RS-FAMILY-GAP", f"in force from {start}, but {earlier.version} ends on {end}: no version "
                   f"answers from {end} to {start}")
        name = f"{later.path.name}/{MANIFEST}"
        out.append(Finding(*problem, file=name, line=_line(later.path / MANIFEST, "in_force"), field="in_force"))
    out.extend(_entrustment_numbers(ordered))
    ids = {r.id for r in ordered}
    if len(ids) > 1:
        out.append(Finding("RS-FAMILY-IDS", f"versions of one family carry different ids: {sorted(ids)}",
                           file=str(ordered[0].path.parent)))
    return out


def _entrustment_numbers(versions: Sequence[Ruleset]) -> Iterable[Finding]:
    """One 委托书 number is one document: the same office, date, items, powers and term wherever
    a version lists it (a changed scope is a new 委托书 with a number and date of its own)."""
    seen: dict[str, tuple[tuple[object, ...], str]] = {}
    for rs in versions:
        for office in rs.delegations.offices.values():
            for e in office.entrustments:
                content = (office.name, e.date, frozenset(e.items), frozenset(e.powers), e.from_, e.until)
                where = f"{rs.path.name}/{OFFICES_FILE}"
                first = seen.setdefault(e.number, (content, where))
                if first[0] != content:
                    yield Finding("RS-ENTRUST-NUMBER", f"委托书 {e.number} differs from the one of that number in "
                                  f"{first[1]} ({_difference(first[0], content)}): a 委托书 whose scope, term or "
                                  "office changes is a new one, with a number and date of its own",
                                  file=where, field=f"offices.{office.name}.entrustments")


def _difference(first: tuple[object, ...], then: tuple[object, ...]) -> str:
    names = ("office", "date", "items", "powers", "from", "until")
    return ", ".join(n for n, a, b in zip(names, first, then) if a != b)


def _line(path: Path, key: str) -> int | None:
    try:
        return line_of(load_yaml(path, str(path))[1], (key,))
    except YamlProblem:
        return None


class Dated(Protocol):
    """A version of a family as far as its dates and names go: a ``Ruleset`` or a ``Version``."""

    id: str
    version: str

    @property
    def in_force(self) -> Period: ...


D = TypeVar("D", bound=Dated)


def in_force_on(versions: Sequence[D], day: dt.date) -> D:
    """The version of a family in force on ``day`` (pure: the versions are already loaded)."""
    for ruleset in versions:
        if ruleset.in_force.covers(day):
            return ruleset
    spans = ", ".join(f"{r.version} from {r.in_force.from_}" for r in versions)
    family = versions[0].id if versions else "the family"
    raise CaseError("decided_on", f"no version of {family} is in force on {day} ({spans})")


class Version:
    """One version of a family, known by its manifest and digest and compiled on first use
    (``ruleset``): a batch whose cases all fall in one version's dates compiles that one only."""

    def __init__(self, manifest: Manifest, digest: str, path: Path, compiled: Ruleset | None = None) -> None:
        self.id, self.version, self.in_force = manifest.id, manifest.version, manifest.in_force
        self.digest, self.path = digest, path
        self._compiled = compiled

    @classmethod
    def of(cls, ruleset: Ruleset) -> Version:
        """A version already compiled."""
        return cls(ruleset.manifest, ruleset.digest, ruleset.path, ruleset)

    def ruleset(self) -> Ruleset:
        """The version compiled (once: ``load_version`` keeps it); RS-CHANGED where its files no
        longer have the digest read with its manifest (which a batch's output already names)."""
        if self._compiled is None:
            compiled = load_version(self.path)
            if compiled.digest != self.digest:
                raise RulesetError([Finding(
                    "RS-CHANGED", f"version {self.version} changed after it was read ({self.digest}, now "
                                  f"{compiled.digest}): run again", file=str(self.path))])
            self._compiled = compiled
        return self._compiled


def family_versions(root: Path) -> list[Version]:
    """The versions of a family checked as a whole elsewhere (the bundled one: ``fireenforce
    check`` and the tests), oldest first, read from their manifests; each compiles on first use."""
    versions = []
    for path in versions_of(root):
        src = Source(path)
        manifest = src.read(path / MANIFEST, Manifest)
        if manifest is None:
            raise RulesetError(src.findings)
        versions.append(Version(manifest, _digest(path)[0], path.resolve()))
    return sorted(versions, key=lambda v: v.in_force.from_)

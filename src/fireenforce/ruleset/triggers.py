"""Triage triggers as ruleset data (``policy/triggers.yaml``): their structure, checks and compiled form.

A trigger says when the day's signals and ledger records call for a joint consultation (会商) or a
device-generated finding: which records count (clauses), grouped by what (``per``), how many, over
which window. The triage package evaluates them; this module only reads and checks them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Iterable, Literal, Mapping

from pydantic import Field, model_validator

from fireenforce.dates import add_months
from fireenforce.errors import Finding
from fireenforce.ruleset.provisions import Provisions
from fireenforce.ruleset.schema import DoubtSpec, Manifest, Spec

if TYPE_CHECKING:
    from fireenforce.ruleset.load import Source

TRIGGERS_FILE = "triggers.yaml"
Source_ = Literal["signal", "finding", "referral"]
Per = Literal["place", "compound", "subject"]

# What each kind of record carries (the attributes a clause may test, and the groupings it may use).
ATTRIBUTES: Mapping[str, frozenset[str]] = MappingProxyType({
    "signal": frozenset({"kind", "source", "device", "place", "item"}),
    "finding": frozenset({"item", "family", "open", "serious", "crowded", "high_rise", "place", "compound",
                          "subject", "campaign"}),
    "referral": frozenset({"item", "family", "place", "compound", "subject"}),
})
BOOLEAN_ATTRIBUTES = frozenset({"open", "serious", "crowded", "high_rise"})
# Event kinds the contract promises in every bundled Xifeng version.
CONTRACT_KINDS = ("ebike_in_elevator", "smoke_alarm", "grid_report")


class SignalKindSpec(Spec):
    """An event kind devices or grid workers may report."""

    label: str = Field(min_length=1)
    """What the event means, in Chinese."""
    needs_one_of: list[Literal["item", "description"]] = []
    """Fields an event of this kind must carry at least one of (a grid worker's report: item or description)."""


class WindowSpec(Spec):
    """A window ending on the triage day (inclusive): the last ``days`` days or ``months`` months."""

    days: int | None = Field(None, ge=1, le=3660, strict=True)
    """The last N days, the triage day included."""
    months: int | None = Field(None, ge=1, le=120, strict=True)
    """The last N calendar months up to the triage day (from the day after the same date N months back)."""

    @model_validator(mode="after")
    def _one(self) -> "WindowSpec":
        if (self.days is None) == (self.months is None):
            raise ValueError("give exactly one of 'days' or 'months'")
        return self

    def start(self, day: dt.date) -> dt.date:
        """The first day inside the window that ends on ``day``."""
        if self.days is not None:
            return day - dt.timedelta(days=self.days - 1)
        return add_months(day, -(self.months or 0)) + dt.timedelta(days=1)


class ClauseSpec(Spec):
    """At least ``at_least`` distinct records of ``source`` whose attributes equal ``where``
    (a list means any of its values)."""

    source: Source_
    """Which records the clause counts: device or grid events, ledger findings, or referrals."""
    where: dict[str, str | bool | list[str]] = {}
    """Attributes a record must have (a list: any of its values), e.g. kind, family, open, crowded."""
    at_least: int = Field(1, ge=1, le=1000, strict=True)
    """How many distinct records (by id) the window must hold."""


class FindingSpec(Spec):
    """The finding a device trigger records for the place's manager."""

    item: str
    """The catalogue item recorded (decided like any case, for the place's manager)."""


class TriggerSpec(Spec):
    """When the day's records call for a consultation (会商) or a device-generated finding."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    """Stable id, cited in triage output and in the findings it records."""
    text: str = Field(min_length=1)
    """What the trigger means and what follows, in Chinese."""
    outcome: Literal["consultation", "finding"]
    """A joint consultation of departments, or a finding recorded in the ledger."""
    per: Per
    """What records are grouped by: the same place (building), compound, or subject."""
    within: WindowSpec | None = None
    """The window ending on the triage day; omitted: no time limit."""
    all: list[ClauseSpec] = Field(min_length=1)
    """Clauses that must all hold for the group, at least one of their records dated the triage day."""
    departments: list[str] = []
    """Keys of the departments to summon (listed under departments)."""
    finding: FindingSpec | None = None
    """For outcome finding: what is recorded."""
    basis: list[str] = Field(min_length=1)
    """Citations (instrument:article[:paragraph[:item]]) among the ruleset's provisions."""
    doubt: DoubtSpec | None = None
    """What the law leaves open about this trigger, shown with each outcome."""


class TriggersSpec(Spec):
    """``policy/triggers.yaml``: event kinds, departments and the triage triggers."""

    signals: dict[str, SignalKindSpec] = {}
    """The event kinds accepted from devices and grid workers, by kind."""
    departments: dict[str, str] = {}
    """Departments a consultation may summon: key to name."""
    triggers: list[TriggerSpec] = []
    """The triggers, evaluated in this order."""


class Triggers:
    """The compiled triggers of one ruleset version (immutable); ``digest`` names them in the
    triage engine's registry."""

    def __init__(self, spec: TriggersSpec) -> None:
        self.spec = spec
        self.signals: Mapping[str, SignalKindSpec] = MappingProxyType(dict(spec.signals))
        self.departments: Mapping[str, str] = MappingProxyType(dict(spec.departments))
        self.triggers: tuple[TriggerSpec, ...] = tuple(spec.triggers)
        canonical = json.dumps(spec.model_dump(mode="json", by_alias=True), sort_keys=True, ensure_ascii=False)
        self.digest = hashlib.sha256(canonical.encode()).hexdigest()

    def __bool__(self) -> bool:
        return bool(self.triggers)

    def department_labels(self, trigger: TriggerSpec) -> list[str]:
        return [self.departments[key] for key in trigger.departments]


NO_TRIGGERS = Triggers(TriggersSpec())


def read_triggers(src: "Source", root: Path) -> Triggers | None:
    """``policy/triggers.yaml`` when present (a ruleset without it has no triggers); None on errors,
    which are added to ``src.findings``."""
    path = root / "policy" / TRIGGERS_FILE
    if not path.is_file():
        return NO_TRIGGERS
    spec = src.read(path, TriggersSpec)
    return Triggers(spec) if spec is not None else None


def check_triggers(src: "Source", manifest: Manifest, provisions: Provisions, triggers: Triggers,
                   item_codes: Iterable[str]) -> list[Finding]:
    """Meaning: known ids, kinds, items, families, departments and citations; file:line for each."""
    from fireenforce.ruleset.checks import _cite as cite_findings

    name = src.rel(src.root / "policy" / TRIGGERS_FILE)
    codes = set(item_codes)
    families = {code.split("-", 1)[0] for code in codes}
    known = {"kind": set(triggers.signals), "item": codes, "family": families}
    out: list[Finding] = []

    def problem(code: str, message: str, *loc: str | int) -> None:
        out.append(Finding(code, message, file=name, line=src.line(name, *loc),
                           field=".".join(str(p) for p in loc)))

    if manifest.id == "xifeng" and triggers is not NO_TRIGGERS:
        for kind in CONTRACT_KINDS:
            if kind not in triggers.signals:
                problem("RS-TRIGGER-KIND", f"signals lacks the contract's event kind {kind}", "signals")
    seen: set[str] = set()
    for i, trigger in enumerate(triggers.triggers):
        where = ("triggers", i)
        if trigger.id in seen:
            problem("RS-TRIGGER-DUPLICATE", f"trigger id {trigger.id!r} is used twice", *where, "id")
        seen.add(trigger.id)
        for j, clause in enumerate(trigger.all):
            allowed = ATTRIBUTES[clause.source]
            if trigger.per not in allowed:
                problem("RS-TRIGGER-FIELD", f"{clause.source} records carry no {trigger.per!r} to group by",
                        *where, "per")
            for key, value in clause.where.items():
                values = value if isinstance(value, list) else [value]
                if key not in allowed:
                    problem("RS-TRIGGER-FIELD", f"{clause.source} records have no attribute {key!r} "
                            f"(known: {', '.join(sorted(allowed))})", *where, "all", j, "where", key)
                elif (key in BOOLEAN_ATTRIBUTES) != all(isinstance(v, bool) for v in values):
                    problem("RS-TRIGGER-VALUE", f"{key} takes {'true or false' if key in BOOLEAN_ATTRIBUTES else 'text'}",
                            *where, "all", j, "where", key)
                elif key in known:
                    for v in values:
                        if v not in known[key]:
                            problem("RS-TRIGGER-VALUE", f"unknown {key} {v!r}", *where, "all", j, "where", key)
        for j, department in enumerate(trigger.departments):
            if department not in triggers.departments:
                problem("RS-TRIGGER-DEPARTMENT", f"department {department!r} is not listed under departments",
                        *where, "departments", j)
        if trigger.outcome == "consultation" and not trigger.departments:
            problem("RS-TRIGGER-DEPARTMENT", "a consultation summons at least one department (departments: [key, …])",
                    *where, "outcome")
        if trigger.outcome == "finding" and trigger.finding is None:
            problem("RS-TRIGGER-FINDING", "outcome finding needs the item to record (finding: {item: CODE})",
                    *where, "outcome")
        elif trigger.outcome != "finding" and trigger.finding is not None:
            problem("RS-TRIGGER-FINDING", "a 'finding' block goes only with outcome finding", *where, "finding")
        elif trigger.finding is not None and trigger.finding.item not in codes:
            problem("RS-TRIGGER-VALUE", f"unknown item {trigger.finding.item!r}", *where, "finding", "item")
        for j, cite in enumerate(trigger.basis):
            out.extend(cite_findings(src, provisions, cite, name, (*where, "basis", j), manifest.coverage))
    return out

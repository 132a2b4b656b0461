"""What triage reads (records: signals, findings, referrals) and what it produces (outcomes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from fireenforce.documents.context import citation
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.triggers import ClauseSpec, TriggerSpec, Triggers
from fireenforce.triage.signals import Signal

Value = str | bool


@dataclass(frozen=True)
class Record:
    """One dated record the triggers count: a signal, a finding or a referral, with the attributes
    a clause may test (``ATTRIBUTES`` in ``fireenforce.ruleset.triggers``)."""

    id: str
    source: str
    day: dt.date
    attrs: Mapping[str, Value] = field(default_factory=dict)

    @classmethod
    def of_signal(cls, signal: Signal) -> "Record":
        attrs: dict[str, Value] = {"kind": signal.kind, "source": signal.source, "device": signal.device,
                                   "place": signal.place}
        if signal.item is not None:
            attrs["item"] = signal.item
        return cls(signal.id, "signal", signal.day, attrs)


def cited(ruleset: Ruleset, cites: Iterable[str], day: dt.date) -> list[str]:
    """Citation ids (``inspection-rules:20:2``) as officers read them (《消防监督检查规定》第二十条第二款),
    in the text in force on ``day``; an id the ruleset does not hold on that day stays as it is."""
    out = []
    for cite in cites:
        basis = ruleset.provisions.basis(cite, "procedure", day)
        out.append(citation(basis) if basis is not None else cite)
    return out


def matches(clause: ClauseSpec, record: Record) -> bool:
    """Whether ``record`` is of the clause's source and has every attribute it asks for."""
    if record.source != clause.source:
        return False
    for key, wanted in clause.where.items():
        value = record.attrs.get(key)
        if value is None or (value not in wanted if isinstance(wanted, list) else value != wanted):
            return False
    return True


@dataclass(frozen=True)
class Candidates:
    """For one trigger, group and day: each clause's distinct records up to that day, newest first."""

    group: str
    clauses: tuple[tuple[Record, ...], ...]


def candidates(trigger: TriggerSpec, records: Iterable[Record], day: dt.date) -> list[Candidates]:
    """Group and order the records a trigger could count on ``day`` (duplicates by id count once,
    arrival order does not matter, records dated after ``day`` are not yet known)."""
    groups: dict[str, list[dict[str, Record]]] = {}
    for record in records:
        if record.day > day:
            continue
        for index, clause in enumerate(trigger.all):
            if matches(clause, record):
                group = record.attrs.get(trigger.per)
                if isinstance(group, str):
                    per_clause = groups.setdefault(group, [{} for _ in trigger.all])
                    per_clause[index].setdefault(record.id, record)
    return [
        Candidates(group, tuple(
            tuple(sorted(found.values(), key=lambda r: (r.day, r.id), reverse=True)) for found in per_clause))
        for group, per_clause in sorted(groups.items())
    ]


def window_start(trigger: TriggerSpec, day: dt.date) -> dt.date | None:
    return trigger.within.start(day) if trigger.within is not None else None


def evidence(trigger: TriggerSpec, found: Candidates, day: dt.date) -> tuple[str, ...]:
    """The ids of every record inside the window that a clause counted (sorted)."""
    start = window_start(trigger, day)
    return tuple(sorted({r.id for rows in found.clauses for r in rows if start is None or r.day >= start}))


@dataclass(frozen=True)
class Outcome:
    """A consultation to convene, or a finding to record, for one group on one day."""

    trigger: str
    kind: str  # consultation | finding
    per: str
    place: str  # the group: a place, a compound or a subject id
    events: tuple[str, ...]
    departments: tuple[str, ...]
    on: dt.date
    text: str
    basis: tuple[str, ...]
    item: str | None = None  # the catalogue item of a device-generated finding
    doubt: Mapping[str, str] | None = None

    @classmethod
    def of(cls, triggers: Triggers, trigger: TriggerSpec, group: str, events: tuple[str, ...],
           day: dt.date) -> "Outcome":
        return cls(
            trigger=trigger.id, kind=trigger.outcome, per=trigger.per, place=group, events=events,
            departments=tuple(triggers.department_labels(trigger)), on=day, text=trigger.text,
            basis=tuple(trigger.basis), item=trigger.finding.item if trigger.finding else None,
            doubt=trigger.doubt.model_dump() if trigger.doubt else None,
        )

    def to_json(self, finding: str | None = None) -> dict[str, Any]:
        """The contract's triage entry, then the explanation (what, why, which basis)."""
        return {
            "trigger": self.trigger, "kind": self.kind, "place": self.place, "events": list(self.events),
            "departments": list(self.departments), "finding": finding,
            "per": self.per, "on": self.on.isoformat(), "text": self.text, "basis": list(self.basis),
            "item": self.item, "doubt": dict(self.doubt) if self.doubt else None,
        }

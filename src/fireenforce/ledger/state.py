"""Current state derived from events: the pure replay that both the projection tables and
``verify`` use, and the one mapping from a recorded action to the HistoryEntry decide reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from fireenforce.ledger.events import Event
from fireenforce.ledger.subjects import name_key
from fireenforce.model.case import HistoryEntry

CORRECTABLE = {
    "action": ("deadline",),
    "reinspection": ("note",),
    "finding": ("subject_name", "subject_id", "note"),
}


@dataclass(slots=True)
class ActionState:
    id: str
    seq: int
    date: dt.date
    item: str
    step: str
    deadline: dt.date | None
    officer: str
    office: str
    issued_by: str
    fine: int | None = None
    rectified: bool | None = None
    reinspected_on: dt.date | None = None
    documents: list[dict[str, Any]] = field(default_factory=list)

    def history_fields(self) -> dict[str, Any]:
        return {
            "date": self.date, "item": self.item, "step": self.step, "deadline": self.deadline,
            "rectified": self.rectified, "reinspected_on": self.reinspected_on,
            "officer": self.officer, "office": self.office, "issued_by": self.issued_by,
        }


@dataclass(slots=True)
class FindingState:
    id: str
    office: str
    subject: str
    subject_name: str
    weak: bool
    item: str
    opened_on: dt.date
    source: str | None = None
    address: str = ""
    recorded_subject: str = ""
    status: str = "open"
    closed_on: dt.date | None = None
    deadline: dt.date | None = None
    actions: list[ActionState] = field(default_factory=list)
    referral: dict[str, Any] = field(default_factory=dict)
    corrections: list[dict[str, Any]] = field(default_factory=list)
    reinspections: list[dict[str, Any]] = field(default_factory=list)  # each: event, on, rectified, documents

    @property
    def last(self) -> ActionState:
        return self.actions[-1]

    @property
    def name_key(self) -> str | None:
        """The subject's normalised name and address (as corrected): joins id and no-id records."""
        return name_key(self.subject_name, self.address)

    def projection(self) -> dict[str, Any]:
        """The ``findings`` row."""
        return {
            "id": self.id, "office": self.office, "subject": self.subject, "subject_name": self.subject_name,
            "weak": self.weak, "item": self.item, "status": self.status, "opened_on": self.opened_on,
            "closed_on": self.closed_on, "deadline": self.deadline, "last_step": self.last.step,
            "last_action": self.last.id, "source": self.source, "recorded_subject": self.recorded_subject,
            "name_key": self.name_key,
        }

    def action_rows(self) -> list[dict[str, Any]]:
        """The ``actions`` rows."""
        return [
            {"id": a.id, "seq": a.seq, "finding": self.id, "subject": self.subject, "office": a.office,
             "date": a.date, "item": a.item, "step": a.step, "deadline": a.deadline, "rectified": a.rectified,
             "reinspected_on": a.reinspected_on, "officer": a.officer, "issued_by": a.issued_by, "fine": a.fine,
             "name_key": self.name_key}
            for a in self.actions
        ]


def replay(events: Iterable[Event]) -> FindingState:
    """The state of one finding from its events, in order."""
    state: FindingState | None = None
    by_id: dict[str, Event] = {}
    for ev in events:
        by_id[ev.id] = ev
        p = ev.payload
        if ev.kind == "finding":
            state = FindingState(
                id=ev.finding or "", office=ev.office, subject=ev.subject or "",
                subject_name=p["case"]["subject"].get("name", ""), weak=p["weak"], item=p["item"], opened_on=ev.at,
                source=p.get("source"), address=p["case"]["subject"].get("address", ""),
                recorded_subject=ev.subject or "",
            )
            continue
        if state is None:
            raise ValueError(f"event {ev.id}: {ev.kind} before the finding event")
        _apply(state, ev, by_id)
    if state is None or not state.actions:
        raise ValueError("a finding needs a finding event and an action")
    return state


def _apply(state: FindingState, ev: Event, by_id: dict[str, Event]) -> None:
    p = ev.payload
    if ev.kind == "action":
        deadline = _date(p.get("deadline"))
        state.actions.append(ActionState(
            id=p["action"], seq=ev.seq, date=ev.at, item=p["item"], step=p["step"], deadline=deadline,
            officer=p.get("officer", ""), office=ev.office, issued_by=p["issued_by"], fine=p.get("fine"),
        ))
        state.status, state.deadline = ("referred", None) if p["step"] == "referral" else ("open", deadline)
    elif ev.kind == "document":  # an action's, a re-inspection's (its 检查记录), or both
        doc = {"type": p["type"], "number": p["number"], "serial": p["serial"], "year": p["year"]}
        if "action" in p:
            _action(state, p["action"]).documents.append(doc)
        if "reinspection" in p:
            _reinspection(state, p["reinspection"])["documents"].append(doc)
    elif ev.kind == "reinspection":
        last = state.last
        last.rectified, last.reinspected_on = p["rectified"], ev.at
        state.reinspections.append({"event": ev.id, "on": ev.at, "rectified": p["rectified"], "documents": []})
    elif ev.kind == "closure":
        state.status, state.closed_on, state.deadline = "closed", ev.at, None
    elif ev.kind == "referral_sent":
        state.status, state.deadline = "referred", None
        state.referral = {"sent_on": ev.at, "to": p.get("to")}
    elif ev.kind in ("referral_accepted", "referral_returned"):
        accepted = ev.kind == "referral_accepted"
        state.referral.update({"answer": "accepted" if accepted else "returned", "answered_on": ev.at,
                               "result": p.get("result", "")})
        state.status, state.deadline = ("referred", None) if accepted else ("open", _date(p.get("deadline")) or ev.at)
    elif ev.kind == "correction":
        _correct(state, by_id[p["target"]], p["changes"])
        state.corrections.append({"event": ev.id, "target": p["target"], "reason": p["reason"]})


def _correct(state: FindingState, target: Event, changes: dict[str, Any]) -> None:
    if target.kind == "action" and "deadline" in changes:
        action = _action(state, target.payload["action"])
        action.deadline = _date(changes["deadline"])
        if action is state.last and state.status == "open":
            state.deadline = action.deadline
    if target.kind == "finding" and "subject_name" in changes:
        state.subject_name = changes["subject_name"]
    if target.kind == "finding" and "subject_id" in changes:  # refiled under the id (a weak record linked)
        state.subject, state.weak = f"id:{changes['subject_id']}", False


def _action(state: FindingState, action_id: str) -> ActionState:
    for action in state.actions:
        if action.id == action_id:
            return action
    raise ValueError(f"action {action_id} is not part of finding {state.id}")


def _reinspection(state: FindingState, event_id: str) -> dict[str, Any]:
    for seen in state.reinspections:
        if seen["event"] == event_id:
            return seen
    raise ValueError(f"re-inspection {event_id} is not part of finding {state.id}")


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def action_case(finding: dict[str, Any], day: dt.date, *, first: bool, name: str | None = None,
                subject_id: str | None = None) -> dict[str, Any]:
    """The case (JSON) an action decided, from its finding event's payload: the finding's own for
    the first action; for a failed re-inspection, the same conduct observed again (and
    continuing) on ``day``; the subject under its corrected ``name`` and ``subject_id`` where
    they were corrected."""
    case = finding["case"]
    corrected = {k: v for k, v in (("name", name), ("id", subject_id)) if v is not None}
    if corrected:
        case = {**case, "subject": {**case["subject"], **corrected}}
    if first:
        return dict(case)
    return {**case, "item": finding["item"], "observed_on": day.isoformat(),
            "decided_on": day.isoformat(), "ended_on": None}


def history_entry(fields: dict[str, Any], as_of: dt.date | None = None) -> HistoryEntry:
    """The single mapping from a recorded action to what decide reads. Every field the model
    declares is filled; a result not known ``as_of`` that day (not re-inspected yet) is left to
    the model's default."""
    if as_of is not None and fields.get("reinspected_on") is not None and fields["reinspected_on"] > as_of:
        fields = {**fields, "rectified": None, "reinspected_on": None}
    known = HistoryEntry.model_fields
    return HistoryEntry(**{k: v for k, v in fields.items() if k in known and v is not None})


def joins(state: FindingState, subject: str, names: Iterable[str]) -> bool:
    """Whether a finding belongs to the history of ``subject``: an id joins its own findings and
    the no-id findings under any of its ``names`` (normalised name and address); a name and
    address joins every finding whose subject has that name and address, with or without an id."""
    if subject.startswith("id:"):
        return state.subject == subject or (state.weak and state.name_key is not None and state.name_key in names)
    return state.name_key == subject


def history_of(states: Iterable[FindingState], subject: str, as_of: dt.date | None = None,
               names: Iterable[str] = ()) -> tuple[HistoryEntry, ...]:
    """A subject's history replayed from findings' states: the same list the ledger hands decide
    (``names``: the name keys an id is joined with; by default those of its own findings)."""
    states = list(states)
    joined = set(names) | {s.name_key for s in states if s.subject == subject and s.name_key}
    rows = sorted((a.date, a.seq, a) for s in states if joins(s, subject, joined) for a in s.actions
                  if as_of is None or a.date <= as_of)
    return tuple(history_entry(a.history_fields(), as_of) for _, _, a in rows)

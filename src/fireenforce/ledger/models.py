"""What the ledger returns (pydantic, frozen); ``model_dump(mode="json")`` is the contract's JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from fireenforce.model import Decision, Doubt, HistoryEntry, Reason
from fireenforce.model.enums import DocumentType, Step

_OUT = ConfigDict(extra="forbid", frozen=True)
Status = Literal["open", "closed", "referred"]


class IssuedDocument(BaseModel):
    """A document issued through the ledger, with its number (unique per office, type and year)."""

    model_config = _OUT
    type: DocumentType
    number: str


class SubjectRef(BaseModel):
    """A subject as lists show it: the id masked; ``weak`` when matched by name and address only."""

    model_config = _OUT
    id: str
    name: str
    weak: bool = False


class Departure(BaseModel):
    """The officer chose another step than the one suggested, and said why."""

    model_config = _OUT
    suggested: Step
    chosen: Step
    reason: str


class ReinspectionRef(BaseModel):
    """A re-inspection (复查) as recorded: its event, day and result, the numbered 检查记录 that
    records it (``ledger render FINDING --document inspection_record --number NUMBER``) and the
    doubts on its basis (a reminder's oral order is re-inspected under local policy, not law)."""

    model_config = _OUT
    event: str
    on: dt.date
    rectified: bool
    documents: tuple[IssuedDocument, ...]
    doubts: tuple[Doubt, ...] = ()


class Record(BaseModel):
    """A recorded action on a finding: from ``record`` and from a re-inspection that escalates."""

    model_config = _OUT
    finding: str
    action: str
    status: Status
    decision: Decision
    documents: tuple[IssuedDocument, ...]
    deadline: dt.date | None
    step: Step
    subject: SubjectRef
    departure: Departure | None = None
    fine: int | None = None  # the fine imposed, in yuan, when the officer recorded one
    weak_matches: tuple[str, ...] = ()  # findings in the history joined by name and address only
    formal_warning: bool = False  # the penalty imposed is a formal warning (警告) instead of a fine
    warnings: tuple[str, ...] = ()  # what the officer should check (one line each), e.g. another name for the id
    reinspection: ReinspectionRef | None = None  # from ``reinspect``: the re-inspection just recorded
    doubts: tuple[Doubt, ...] = ()  # the ledger's own assumptions for this action (DOUBT-NOTICE-SERVED)
    hearing_right: bool | None = None  # a general-procedure penalty: the hearing right for the penalty recorded
    # where the suggested range gave a hearing right and the penalty recorded gives none: the reason
    # (procedure.no-hearing) the printed decision states in place of the range's procedure.hearing
    hearing_reason: Reason | None = None


class LedgerHistoryEntry(HistoryEntry):
    """A history entry as the ledger shows it: the finding it belongs to, the subject's name on
    that finding, and ``weak`` when the finding was joined by name and address only (not by the id)."""

    finding: str
    subject_name: str
    weak: bool = False


class SubjectLink(BaseModel):
    """A finding refiled under another id by a correction (ids masked; ``before`` may be a
    record made without an id)."""

    model_config = _OUT
    finding: str
    event: str
    on: dt.date
    before: str
    after: str
    reason: str
    merge: bool = False


class Closure(BaseModel):
    """A finding closed (整改销号) after a re-inspection found it rectified."""

    model_config = _OUT
    finding: str
    status: Literal["closed"] = "closed"
    closed_on: dt.date
    reinspection: ReinspectionRef | None = None  # the re-inspection that closed it, with its 检查记录
    warnings: tuple[str, ...] = ()  # what the officer should check (e.g. no officer named)


class PlaceRef(BaseModel):
    """Where a finding was made, as its case names it (empty strings when the case gave none)."""

    model_config = _OUT
    name: str = ""
    address: str = ""

    def label(self) -> str:
        """地点 as an officer reads it: name（address）."""
        return "".join(filter(None, [self.name, f"（{self.address}）" if self.address else ""])) or "（未写明地点）"


class Due(BaseModel):
    """An open finding whose deadline passed (or falls within the asked window), or whose party
    applied for a re-inspection."""

    model_config = _OUT
    finding: str
    subject: SubjectRef
    item: str
    deadline: dt.date
    last_step: Step
    office: str
    overdue: bool
    place: PlaceRef = PlaceRef()  # where to go for the re-inspection
    applied_on: dt.date | None = None  # the party applied for a re-inspection (复查申请) on this day
    reinspect_by: dt.date | None = None  # the window's last working day; null where the calendar lacks the year


class EventView(BaseModel):
    """One event of a finding, for ``show`` (ids masked)."""

    model_config = _OUT
    id: str
    kind: str
    at: dt.date
    recorded_at: str
    payload: dict[str, Any]


class FindingView(BaseModel):
    """One finding with its current state and all its events."""

    model_config = _OUT
    finding: str
    office: str
    status: Status
    subject: SubjectRef
    item: str
    opened_on: dt.date
    closed_on: dt.date | None
    deadline: dt.date | None
    last_step: Step
    last_action: str
    events: tuple[EventView, ...]
    applied_on: dt.date | None = None  # a pending application for re-inspection (复查申请)


class Broken(BaseModel):
    """The first place the record does not hold together."""

    model_config = _OUT
    office: str
    event: str | None
    office_seq: int | None
    reason: str


class VerifyReport(BaseModel):
    """``ok`` when every chain, number series and projection recomputes from the events."""

    model_config = _OUT
    ok: bool
    events: int
    offices: int
    broken: Broken | None = None
    heads: dict[str, str] = {}  # office -> the hash of its last event (keep these elsewhere)

"""The Case: what an officer observed, about whom, where, when, and the subject's history."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from fireenforce.errors import CaseError

from fireenforce.model.enums import Issuer, OfficeLevel, Step, SubjectKind

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Subject(BaseModel):
    """Who did it: a unit (organisation, including 个体工商户) or an individual."""

    model_config = _STRICT
    kind: SubjectKind
    operating: bool = False
    name: str = ""
    id: str = ""
    address: str = ""


class Place(BaseModel):
    """Where it happened. ``high_rise``/``crowded`` select the applicable provision."""

    model_config = _STRICT
    name: str = ""
    address: str = ""
    high_rise: bool = False
    crowded: bool = False


class Office(BaseModel):
    """The office that acts: its level decides which items it holds."""

    model_config = _STRICT
    level: OfficeLevel
    name: str = ""


class Facts(BaseModel):
    """The officer's findings. Extra keys are kept (local facts), not refused.

    ``refused``: the subject refuses to correct (拒不改正); it is an element only after a written
    order to correct was served. ``crime_suspected``: the conduct is suspected to be a crime (the
    case goes to the judicial organs). ``sealing_needed``: the hazard calls for 临时查封.
    """

    model_config = ConfigDict(extra="allow", frozen=True)
    serious: bool = False
    minor: bool = False
    harm: bool = False
    rectified_on_spot: bool = False
    refused: bool = False
    crime_suspected: bool = False
    sealing_needed: bool = False
    mitigating: tuple[str, ...] = ()
    aggravating: tuple[str, ...] = ()
    narrative: str = ""

    @model_validator(mode="after")
    def _coherent(self) -> "Facts":
        if self.minor and self.serious:
            raise ValueError("minor and serious contradict each other (情节较轻 and 情节严重); give one")
        return self


class HistoryEntry(BaseModel):
    """An earlier action against the same subject, with the order to correct it carried.

    ``deadline``: the order's deadline (default: ``date`` plus the item's rectification days, the
    ladder's reminder days for a reminder). ``rectified``: the subject corrected the conduct (a
    later finding is then a relapse). ``reinspected_on``: the day of the re-inspection that found
    ``rectified``. ``issued_by``: ``office`` (the office in its own name) or ``fire_rescue`` (the
    fire-rescue agency, or an office acting in its name).
    """

    model_config = _STRICT
    date: dt.date = Field(description="The day the action was taken (the order served).")
    item: str = Field(description="The catalogue code of the conduct acted on.")
    step: Step = Field(description="The step taken.")
    rectified: bool = Field(default=False, description="The subject corrected the conduct; a later finding is a relapse.")
    deadline: dt.date | None = Field(default=None, description=(
        "The order's deadline; default: date plus the item's rectification days (the ladder's reminder days "
        "for a reminder). Until it has passed unrectified, the order is re-inspected, not escalated."))
    reinspected_on: dt.date | None = Field(default=None, description="The day of the re-inspection that found `rectified`.")
    issued_by: Issuer = Field(default="office", description=(
        "Who issued the order: `office` (in its own name) or `fire_rescue` (the fire-rescue agency, or an office "
        "acting in its name); 消防法 60(1)(7) needs `fire_rescue`."))

    @model_validator(mode="after")
    def _ordered(self) -> "HistoryEntry":
        if self.deadline is not None and self.deadline < self.date:
            raise ValueError(f"deadline {self.deadline} is before the order's date {self.date}")
        if self.reinspected_on is not None and self.reinspected_on < self.date:
            raise ValueError(f"reinspected_on {self.reinspected_on} is before the order's date {self.date}")
        return self


class Case(BaseModel):
    """One observed violation. ``item`` or ``description`` is required; ``item`` wins.
    ``decided_on`` and ``occurred_on`` default to ``observed_on`` (see ``decision_date``)."""

    model_config = _STRICT
    item: str | None = None
    description: str = ""
    subject: Subject
    place: Place = Field(default_factory=Place)
    office: Office
    occurred_on: dt.date | None = None
    ended_on: dt.date | None = None
    observed_on: dt.date
    decided_on: dt.date | None = None
    facts: Facts = Field(default_factory=Facts)
    history: tuple[HistoryEntry, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> "Case":
        if not self.item and not self.description.strip():
            raise ValueError("item or description is required")
        return self

    @property
    def decision_date(self) -> dt.date:
        return self.decided_on or self.observed_on

    @property
    def start_date(self) -> dt.date:
        return self.occurred_on or self.observed_on


def check_dates(case: Case) -> None:
    """Refuse impossible timelines, naming the field. Cheap: called on every decide."""
    observed = case.observed_on
    start = case.occurred_on or observed
    decided = case.decided_on or observed
    if start > observed:
        raise CaseError("occurred_on", f"{start} is after observed_on {observed}")
    if case.ended_on is not None:
        if case.ended_on < start:
            raise CaseError("ended_on", f"conduct ends ({case.ended_on}) before it began ({start})")
        if case.ended_on > decided:
            raise CaseError("ended_on", f"{case.ended_on} is after decided_on {decided}")
    if observed > decided:
        raise CaseError("decided_on", f"{decided} is before observed_on {observed}")
    for i, entry in enumerate(case.history):
        if entry.date > decided:
            raise CaseError(f"history[{i}].date", f"{entry.date} is after decided_on {decided}")
        if entry.reinspected_on is not None and entry.reinspected_on > decided:
            raise CaseError(f"history[{i}].reinspected_on", f"{entry.reinspected_on} is after decided_on {decided}")


def parse_case(data: Any) -> Case:
    """A Case from a Case, a dict or JSON text; errors become one-line CaseErrors."""
    if isinstance(data, Case):
        case = data
    else:
        try:
            if isinstance(data, (str, bytes)):
                try:
                    data = json.loads(data)
                except json.JSONDecodeError as exc:
                    raise CaseError("", f"case is not valid JSON: {exc}") from None
            if not isinstance(data, dict):
                raise CaseError("", f"a case must be a JSON object, not {type(data).__name__}")
            case = Case.model_validate(data)
        except ValidationError as exc:
            raise CaseError(*_first_error(exc)) from None
    check_dates(case)
    return case


def _first_error(exc: Any) -> tuple[str, str]:
    err = exc.errors()[0]
    loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown field (a typo?)"
    elif err["type"] == "literal_error":
        msg = f"{err.get('input')!r} is not allowed; {err['msg'].removeprefix('Input should be ')}"
    elif err["type"].startswith("date_"):
        msg = f"{err.get('input')!r} is not a date (expected YYYY-MM-DD)"
    elif msg.startswith("Value error, "):
        msg = msg.removeprefix("Value error, ")
        if not loc and msg.startswith("item or description"):
            loc = "item"
    return loc or "case", msg

"""The Case: what an officer observed, about whom, where, when, and the subject's history."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from fireenforce.errors import CaseError

from fireenforce.model.enums import OfficeLevel, Step, SubjectKind

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
    """The officer's findings. Extra keys are kept (local facts), not refused."""

    model_config = ConfigDict(extra="allow", frozen=True)
    serious: bool = False
    minor: bool = False
    harm: bool = False
    rectified_on_spot: bool = False
    refused: bool = False
    mitigating: tuple[str, ...] = ()
    aggravating: tuple[str, ...] = ()
    narrative: str = ""


class HistoryEntry(BaseModel):
    """An earlier action against the same subject."""

    model_config = _STRICT
    date: dt.date
    item: str
    step: Step
    rectified: bool = False


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
            raise CaseError(*first_error(exc.errors())) from None
    check_dates(case)
    return case


def first_error(errors: Sequence[Any]) -> tuple[str, str]:
    """(field, message) for the first of pydantic's validation errors, in the library's words
    (the CLI and the HTTP API both report bad input with it)."""
    err = errors[0]
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

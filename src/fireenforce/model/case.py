"""The Case: what an officer observed, about whom, where, when, and the subject's history."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from operator import itemgetter
from typing import Annotated, Any, Collection, Literal, Mapping, Sequence

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, ValidationError, model_validator

from fireenforce.errors import CaseError, field_path
from fireenforce.model import jsontext
from fireenforce.model.enums import Issuer, OfficeLevel, Step, SubjectKind

_STRICT = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

MAX_TEXT = 4000  # characters of a description or narrative (a page of writing)
MAX_NAME = 200  # characters of a name, id or address
MAX_HISTORY = 1000  # earlier actions against one subject
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def _iso_date(value: object) -> dt.date:
    """A date given as a date or as an ISO ``YYYY-MM-DD`` string, within FIRST_DAY..LAST_DAY."""
    if isinstance(value, str) and len(value) == 10:
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, dt.datetime):
        raise ValueError(f"a date and time ({value.isoformat(sep=' ')}) given where a date is expected (YYYY-MM-DD)")
    if type(value) is not dt.date:
        raise ValueError(f"{shown(value)} is not a date (expected YYYY-MM-DD)")
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"{value} is outside the dates a case may carry ({FIRST_DAY} to {LAST_DAY})")
    return value


# The JSON Schema says what _iso_date accepts: an ISO date of the years FIRST_DAY..LAST_DAY.
DATE_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date), Field(json_schema_extra={"pattern": DATE_PATTERN})]
Name = Annotated[str, Field(max_length=MAX_NAME)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]


Capacity = Literal["full", "limited", "none"]


class Subject(BaseModel):
    """Who did it: a unit (organisation, including 个体工商户) or an individual.

    ``born_on`` (individuals): age on the day of the conduct decides penalty-law art. 30.
    ``capacity`` (individuals, art. 31): at the time of the conduct, ``none`` = a mentally ill or
    intellectually disabled person who could not recognise or control the conduct; ``limited`` =
    one who had not wholly lost that ability; ``full`` otherwise (also intermittent illness in a
    normal state)."""

    model_config = _STRICT
    kind: SubjectKind
    """`unit` (an organisation, including 个体工商户) or `individual`."""
    operating: StrictBool = False
    """Whether the subject operates a business (经营性); selects the fine range where the law distinguishes."""
    name: Name = ""
    """The subject's name, as it will appear on documents."""
    id: Name = ""
    """Unified social credit code or ID number; identifies the subject across cases."""
    address: Name = ""
    """The subject's address, for documents."""
    born_on: IsoDate | None = None
    """Individuals: the date of birth; age on the day of the conduct decides penalty-law art. 30."""
    capacity: Capacity = "full"
    """Individuals, penalty-law art. 31: `none`, `limited` or `full` capacity to recognise or control the conduct."""

    @model_validator(mode="after")
    def _person_facts(self) -> "Subject":
        if self.kind == "unit" and (self.born_on is not None or self.capacity != "full"):
            raise ValueError("born_on and capacity describe an individual, not a unit")
        return self


class ResponsiblePerson(BaseModel):
    """A unit's directly responsible person (直接负责的主管人员或者其他直接责任人员): the party of a
    penalty the law imposes on such persons rather than on the unit (e.g. 消防法 art. 67)."""

    model_config = _STRICT
    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
    """The person's name, as it will appear on documents."""
    id: Name = ""
    """The person's ID number (公民身份号码)."""
    position: Name = ""
    """The person's post in the unit (职务), e.g. 法定代表人, 消防安全管理人."""
    address: Name = ""
    """The person's address, for documents."""


class Place(BaseModel):
    """Where it happened. ``high_rise``/``crowded`` select the applicable provision."""

    model_config = _STRICT
    name: Name = ""
    """The place's name (building, shop, compound)."""
    address: Name = ""
    """The place's address."""
    high_rise: StrictBool = False
    """A high-rise civil building (住宅 over 27 m, public over 24 m); selects the high-rise provisions."""
    crowded: StrictBool = False
    """A crowded place (人员密集场所); selects the provisions for such places."""


class Office(BaseModel):
    """The office that acts: its level decides which items it holds."""

    model_config = _STRICT
    level: OfficeLevel
    """The acting office's level: `street`, `town`, `township`, or `brigade` (the fire brigade itself)."""
    name: Name = ""
    """The office's name; documents are headed with it (or with the entrusting agency's)."""


class Facts(BaseModel):
    """The officer's findings. Extra keys are local facts: ``decide`` accepts only those the
    ruleset declares (``policy/facts.yaml``).

    Penalty-law art. 33: ``corrected_in_time`` (及时改正: on the spot or within the deadline set;
    ``rectified_on_spot`` implies it), ``slight_harm`` (the harm that occurred was slight: needs
    ``harm``), ``no_fault`` (evidence shows no fault, 33(2))."""

    model_config = ConfigDict(extra="allow", frozen=True, use_attribute_docstrings=True)
    serious: StrictBool = False
    """The officer finds the circumstances serious (情节严重)."""
    minor: StrictBool = False
    """The officer finds the circumstances lighter (情节较轻): selects a provision's lighter branch (e.g.
    消防法 64). Deprecated as the art. 33(1) finding: it still opens that gate as before, with the doubt
    DOUBT-MINOR-AS-SLIGHT; state `slight` for 违法行为轻微."""
    harm: StrictBool = False
    """The conduct caused harm (selects the longer limitation period where the policy says so)."""
    rectified_on_spot: StrictBool = False
    """The subject corrected the violation on the spot: corrected in time (art. 33(1)); not by
    itself the art. 32 mitigating fact (state `eliminated-harm` in `mitigating` where it holds)."""
    hinders_evacuation: StrictBool = False
    """The conduct hinders safe evacuation (妨碍安全疏散: fire-law 60(1)(3) conduct). Items whose
    law depends on it condition branches on it (e.g. e-bikes in a high-rise lobby or stairwell:
    fire-law 60 only where it holds, otherwise only 高层规定 47(7))."""
    corrected_in_time: StrictBool = False
    """The subject corrected the violation in time (penalty-law art. 33(1))."""
    slight_harm: StrictBool = False
    """The harm that occurred was slight (penalty-law art. 33(1); needs `harm`)."""
    no_fault: StrictBool = False
    """Evidence shows the subject had no fault (penalty-law art. 33(2))."""
    refused: StrictBool = False
    """The subject refuses to correct (拒不改正); an element only after a written order to correct was served."""
    crime_suspected: StrictBool = False
    """The conduct is suspected to be a crime: the case goes to the judicial organs (penalty-law art. 27)."""
    sealing_needed: StrictBool = False
    """The hazard calls for 临时查封 (inspection rules art. 22): referred unless the office holds sealing."""
    slight: StrictBool = False
    """The violation is slight (违法行为轻微, penalty-law art. 33(1) first sentence): with correction in time
    and no harm, no penalty."""
    mitigating: tuple[Name, ...] = Field(default=(), max_length=50)
    """Codes of mitigating facts (从轻情节) from the ruleset's policy/discretion.yaml."""
    aggravating: tuple[Name, ...] = Field(default=(), max_length=50)
    """Codes of aggravating facts (从重情节) from the ruleset's policy/discretion.yaml."""
    narrative: Text = ""
    """The officer's account of what was found, for documents (at most 4000 characters)."""
    evidence: tuple[Name, ...] = Field(default=(), max_length=100)
    """The evidence collected (photos, video, statements), listed on documents."""

    @model_validator(mode="after")
    def _coherent(self) -> "Facts":
        if self.minor and self.serious:
            raise ValueError("minor and serious contradict each other (情节较轻 and 情节严重); give one")
        if self.slight and self.serious:
            raise ValueError("slight and serious contradict each other (违法行为轻微 and 情节严重); give one")
        if self.slight_harm and not self.harm:
            raise ValueError("slight_harm needs harm: true (the harm that occurred was slight)")
        return self


class HistoryEntry(BaseModel):
    """An earlier action against the same subject, and the order to correct it carried."""

    model_config = _STRICT
    date: IsoDate
    """When the earlier action was taken (ISO date)."""
    item: Name
    """The catalogue code the earlier action concerned."""
    step: Step
    """The step taken then: `reminder`, `warning`, `penalty` or `referral`."""
    rectified: StrictBool = False
    """Whether the subject corrected the violation after that action (a later finding is then a relapse)."""
    deadline: IsoDate | None = None
    """The order's deadline; default: `date` plus the item's rectification days (the ladder's reminder days
    for a reminder). Until it has passed unrectified, the order is re-inspected, not escalated."""
    reinspected_on: IsoDate | None = None
    """The day of the re-inspection that found `rectified` (not after the decision date)."""
    issued_by: Issuer = "office"
    """Who issued the order: `office` (in its own name) or `fire_rescue` (the fire-rescue agency, or an office
    acting in its name); 消防法 60(1)(7) needs `fire_rescue`."""

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
    item: Name | None = None
    """Catalogue code of the violation (see `fireenforce catalogue`); wins over `description`."""
    description: Text = ""
    """The officer's own words; used to find the item when `item` is absent (at most 4000 characters)."""
    subject: Subject
    """Who did it."""
    place: Place = Field(default_factory=Place)
    """Where it happened."""
    office: Office
    """The office that acts."""
    occurred_on: IsoDate | None = None
    """When the conduct began (default: `observed_on`); selects the law in force then."""
    ended_on: IsoDate | None = None
    """When the conduct ended; null while it continues (then a rectification deadline is set)."""
    observed_on: IsoDate
    """When the officer found the violation (ISO date)."""
    decided_on: IsoDate | None = None
    """When the decision is made (default: `observed_on`); selects the ruleset version."""
    facts: Facts = Field(default_factory=Facts)
    """The officer's findings; other keys only as the ruleset declares them (local facts)."""
    history: tuple[HistoryEntry, ...] = Field(default=(), max_length=MAX_HISTORY)
    """Earlier actions against the same subject, any item (at most 1000)."""
    responsible_person: ResponsiblePerson | None = None
    """Units: the directly responsible person a penalty provision targets instead of the unit
    (e.g. 消防法 art. 67); penalty documents name them as the party, the unit as their employer."""

    @model_validator(mode="after")
    def _consistent(self) -> "Case":
        if not self.item and not self.description.strip():
            raise ValueError("item or description is required")
        if self.responsible_person is not None and self.subject.kind != "unit":
            raise ValueError("responsible_person is a unit's directly responsible person; the subject is an "
                             "individual")
        return self

    # The digest, once computed: a slot of the instance rather than a pydantic private attribute,
    # so validation runs no private-attribute initialisation, and copies (``model_copy``, ``copy``,
    # pickling, ``fast.replaced``), which never carry a slot over, compute their own.
    __slots__ = ("_digest_cache",)

    @property
    def digest(self) -> str:
        """``sha256:`` of the case's JSON (history in date order): a decision names the case it was
        made for. Computed once per instance."""
        try:
            return _cached_digest(self)  # the slot read directly: an unset one skips pydantic's __getattr__
        except AttributeError:
            return keep_digest(self, self._canonical_json())

    def _canonical_json(self) -> bytes:
        """The case's JSON with its history in date order (the order never changes a decision)."""
        values = self.__dict__
        case = self
        order = history_order(values["history"])
        if order is not None:  # a copy holding the history in order (the serializer reads ``__dict__``)
            history = values["history"]
            case = _new_case(Case)
            _set(case, "__dict__", {**values, "history": tuple([history[i] for i in order])})
            _set(case, "__pydantic_fields_set__", self.__pydantic_fields_set__)
            _set(case, "__pydantic_extra__", None)
            _set(case, "__pydantic_private__", None)
        text: bytes = _serialize(case)
        # an absent responsible_person leaves the JSON (and so the digest) of earlier cases as it
        # was: the last field, written as null and cut off (cheaper than the serializer's exclude)
        if values["responsible_person"] is None:
            return text[:_ABSENT_CUT] + b"}"
        return text

    @property
    def decision_date(self) -> dt.date:
        return self.decided_on or self.observed_on

    @property
    def start_date(self) -> dt.date:
        return self.occurred_on or self.observed_on


LEFT_OUT_WHEN_ABSENT = {"responsible_person"}  # fields the canonical JSON leaves out while they are None
_ABSENT = b',"responsible_person":null}'  # how the serializer ends a case without one (the last field)
_ABSENT_CUT = -len(_ABSENT)
assert list(Case.model_fields)[-1] == "responsible_person" and LEFT_OUT_WHEN_ABSENT == {"responsible_person"}, \
    "Case._canonical_json cuts responsible_person off the end of the serializer's JSON"
_serialize = Case.__pydantic_serializer__.to_json
_new_case = Case.__new__
_set = object.__setattr__
_ORDER = itemgetter("date", "item", "step", "rectified")  # an entry's place in the canonical order, from its __dict__


def history_order(history: Sequence[HistoryEntry]) -> list[int] | None:
    """The order of ``history``'s entries in the canonical JSON (stable, by date, item, step,
    rectified), or None when they are in that order already."""
    if len(history) < 2:
        return None
    keys = [_ORDER(h.__dict__) for h in history]
    return None if keys == sorted(keys) else sorted(range(len(keys)), key=keys.__getitem__)

_cached_digest = Case.__dict__["_digest_cache"].__get__


def keep_digest(case: Case, canonical_json: bytes) -> str:
    """Give ``case`` the digest of ``canonical_json``, which must be ``case._canonical_json()``
    (``model.canonical`` assembles it from the case's parts); returns the digest."""
    digest = "sha256:" + hashlib.sha256(canonical_json).hexdigest()
    object.__setattr__(case, "_digest_cache", digest)
    return digest


def check_dates(case: Case) -> None:
    """Refuse impossible timelines, naming the field. Cheap: called on every decide (fields are read
    through ``__dict__``, past pydantic's attribute hook)."""
    values = case.__dict__
    observed = values["observed_on"]
    start = values["occurred_on"] or observed
    decided = values["decided_on"] or observed
    ended = values["ended_on"]
    if start > observed:
        raise CaseError("occurred_on", f"{start} is after observed_on {observed}")
    if ended is not None:
        if ended < start:
            raise CaseError("ended_on", f"conduct ends ({ended}) before it began ({start})")
        if ended > decided:
            raise CaseError("ended_on", f"{ended} is after decided_on {decided}")
    if observed > decided:
        raise CaseError("decided_on", f"{decided} is before observed_on {observed}")
    for i, entry in enumerate(values["history"]):
        fields = entry.__dict__
        if fields["date"] > decided:
            raise CaseError(f"history[{i}].date", f"{fields['date']} is after decided_on {decided}")
        reinspected = fields["reinspected_on"]
        if reinspected is not None and reinspected > decided:
            raise CaseError(f"history[{i}].reinspected_on", f"{reinspected} is after decided_on {decided}")


_LOCAL_TYPES: dict[str, tuple[type, str]] = {
    "boolean": (bool, "a JSON boolean (true or false)"), "integer": (int, "a JSON integer"),
    "string": (str, "a JSON string"),
}


def check_local_facts(facts: Facts, declared: Mapping[str, str]) -> None:
    """Refuse a fact key the ruleset does not declare (a typo would silently change nothing), or
    a local fact of the wrong type; ``declared`` maps local fact names to their types."""
    for name, value in (facts.model_extra or {}).items():
        kind = declared.get(name)
        if kind is None:
            known = ", ".join([*Facts.model_fields, *declared])
            raise CaseError(f"facts.{name}", f"unknown fact {name!r} (a typo?); known facts: {known}")
        expected, label = _LOCAL_TYPES[kind]
        if type(value) is not expected or (isinstance(value, str) and len(value) > MAX_TEXT):
            raise CaseError(f"facts.{name}", f"{_json_type(value)} {value!r:.60} given; expected {label}")


def check_fact_codes(facts: Facts, mitigating: Collection[str], aggravating: Collection[str]) -> None:
    """Refuse a mitigating or aggravating fact code the ruleset does not declare (a typo would
    silently change the tier); the collections are the ruleset's known codes."""
    for group, known in (("mitigating", mitigating), ("aggravating", aggravating)):
        for index, code in enumerate(getattr(facts, group)):
            if code not in known:
                raise CaseError(f"facts.{group}[{index}]", f"unknown {group} fact {code!r} (a typo?); "
                                f"known {group} facts: {', '.join(known) or 'none'}")


def parse_case(data: Any) -> Case:
    """A Case from a Case, a dict or JSON text; errors become one-line CaseErrors."""
    if isinstance(data, Case):
        case = data
    else:
        if isinstance(data, (str, bytes)):
            data = jsontext.loads(data)
        case = case_from_json(data)
    check_dates(case)
    return case


def case_from_json(data: Any) -> Case:
    """A Case from a decoded JSON value (which must be an object)."""
    if not isinstance(data, dict):
        raise CaseError("case", f"a case must be a JSON object, not {_json_type(data)}")
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        raise CaseError(*first_error(exc.errors())) from None


def _json_type(value: object) -> str:
    names = {str: "a string", bool: "a boolean", int: "a number", float: "a number", list: "a list", tuple: "a list",
             dict: "an object", dt.date: "a date", dt.datetime: "a date and time"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def shown(value: object, width: int = 80) -> str:
    """A value in a message as the user gave it: JSON for an object or a list, ISO for a date,
    else Python's quoting of a string or number (never a Python type's repr)."""
    if isinstance(value, dt.date):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, (dict, list, tuple)):
        text = json.dumps(value, ensure_ascii=False, default=str)
        return text if len(text) <= width else text[:width - 1] + "…"
    return repr(value)


_KNOWN_KEYS: dict[tuple[str, ...], type[BaseModel]] = {
    (): Case, ("subject",): Subject, ("responsible_person",): ResponsiblePerson, ("place",): Place, ("office",): Office, ("history",): HistoryEntry,
}


def first_error(errors: Sequence[Any]) -> tuple[str, str]:
    """(field, message) for pydantic's validation errors of a case, in the library's words (the
    CLI and the HTTP API both report bad input with it)."""
    # an unknown key explains a "missing" one (a typo), so it is reported first
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = field_path(err["loc"])
    msg = err["msg"]
    kind = err["type"]
    if kind == "extra_forbidden":
        model = _KNOWN_KEYS.get(tuple(p for p in err["loc"][:-1] if isinstance(p, str)))
        known = f"; known fields: {', '.join(model.model_fields)}" if model else ""
        msg = f"unknown field {err['loc'][-1]!r} (a typo?){known}"
    elif kind == "literal_error":
        msg = f"{err.get('input')!r} is not allowed; {err['msg'].removeprefix('Input should be ')}"
    elif kind in ("bool_type", "string_type", "int_type", "tuple_type", "model_type", "dict_type"):
        expected = {"bool_type": "a JSON boolean (true or false)", "string_type": "a JSON string",
                    "int_type": "a JSON integer", "tuple_type": "a JSON list",
                    "model_type": "a JSON object", "dict_type": "a JSON object"}[kind]
        given = err.get("input")
        msg = f"{'null' if given is None else f'{_json_type(given)} {shown(given)}'} given; expected {expected}"
    elif kind in ("string_too_long", "too_long"):
        unit = "characters" if kind == "string_too_long" else "entries"
        msg = f"too long: {len(err.get('input') or ())} {unit}; at most {err['ctx']['max_length']}"
    elif msg.startswith("Value error, "):
        msg = msg.removeprefix("Value error, ")
        if not loc and msg.startswith("item or description"):
            loc = "item"
        elif not loc and msg.startswith("responsible_person"):
            loc = "responsible_person"
    return loc or "case", msg

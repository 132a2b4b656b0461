"""``offices.yaml``: the offices of a ruleset, their details for documents, and how each holds its
powers over time: 委托 (penalty-law art. 20: in the entrusting agency's name, within a written
委托书 stating the items, powers and term) or 赋权 (art. 24: in the township's own name).

The schema lives here, below the engine, because ``decide`` reads the entrustments: a penalty
outside the 委托书's items, powers or term is not the office's to impose. The documents read the
same file for names, codes and accounts (``fireenforce.documents.offices``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fireenforce.dates import WorkingCalendar
from fireenforce.errors import Finding, field_path
from fireenforce.model.enums import DocumentType, OfficeLevel
from fireenforce.ruleset.schema import ItemSpec, PolicySpec

if TYPE_CHECKING:
    from fireenforce.ruleset.load import Source

OFFICES_FILE = "offices.yaml"
Form = Literal["赋权", "委托"]
_FORBID = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Publication(BaseModel):
    """Where and when a 委托书 was made public (penalty-law art. 20 para. 2)."""

    model_config = _FORBID
    on: dt.date
    where: str = Field(min_length=1)             # e.g. the district government's website


class Entrustment(BaseModel):
    """One 委托书 (penalty-law art. 20 para. 2: 委托的具体事项、权限、期限): its number and date,
    the catalogue items and penalty kinds entrusted, and its term, both days inclusive."""

    model_config = _FORBID
    number: str = Field(min_length=1)            # the 委托书's document number, e.g. 西消委〔2024〕第1号
    date: dt.date                                # the day it was signed
    items: list[str] = Field(min_length=1)       # catalogue item codes entrusted (委托的具体事项)
    powers: list[str] = Field(min_length=1)      # penalty kinds entrusted (权限), e.g. formal_warning, fine
    from_: dt.date = Field(alias="from")         # first day of the term (期限)
    until: dt.date                               # last day of the term, inclusive
    published: Publication | None = None         # its publication; absent: unverified (a doubt on decisions)

    def covers(self, day: dt.date) -> bool:
        return self.from_ <= day <= self.until


class FormChange(BaseModel):
    """From ``from`` on, the office holds its powers in this form (a switch 委托 <-> 赋权)."""

    model_config = _FORBID
    form: Form
    from_: dt.date = Field(alias="from")


class OfficeEntry(BaseModel):
    """One office, or the defaults of an office level; any field may be left to another layer."""

    model_config = _FORBID
    name: str | None = None
    level: OfficeLevel | None = None             # a named office's level: a case naming it must give this one
    government: str | None = None                # the 街道办事处/乡镇人民政府 the office is an internal body of
    code: str | None = None                      # the office's 机关代字, e.g. 西北街消
    entrusted_code: str | None = None            # 委托: the code the agency gave this office for documents in its name
    designations: dict[DocumentType, str] | None = None  # 文书代字 per document type, e.g. 罚决字 (merged per key)
    form: Form | None = None                     # delegation in own name / entrustment
    forms: list[FormChange] | None = None        # later switches of the form, oldest first
    entrustments: list[Entrustment] | None = None  # 委托书 the office acts under (named offices only)
    acting_in_name_of: str | None = None         # 委托: the entrusting agency the documents name
    brigade: str | None = None                   # the fire-rescue brigade cases are referred to
    address: str | None = None
    phone: str | None = None
    bank: str | None = None
    account_name: str | None = None
    account: str | None = None
    review_body: str | None = None               # 行政复议机关
    court: str | None = None                     # 人民法院 for litigation
    sample: bool | None = None                   # overrides the file's ``sample`` for this entry


class Terms(BaseModel):
    """Time limits printed on documents, each with the source it rests on (a label, not text)."""

    model_config = _FORBID
    payment_days: int = Field(gt=0)
    payment_basis: str
    quotes: dict[str, str] = Field(default_factory=dict)  # name -> citation quoted from the ruleset
    review_days: int = Field(gt=0)
    review_basis: str
    litigation_months: int = Field(gt=0)
    litigation_basis: str
    statement_days: int = Field(gt=0)
    statement_basis: str
    hearing_request_days: int = Field(gt=0)
    hearing_basis: str

    def decision_from(self, calendar: WorkingCalendar, notice: dt.date, hearing: bool) -> dt.date:
        """The earliest date of a general-procedure penalty decision whose notice is of ``notice``
        (and served that day): the day after the statement period (``statement_days`` calendar
        days) and, with a hearing right, after the hearing request period (``hearing_request_days``
        working days of ``calendar``; penalty-law arts. 45, 64(1), 85)."""
        last = notice + dt.timedelta(days=self.statement_days)
        if hearing:
            last = max(last, calendar.add(notice, self.hearing_request_days))
        return last + dt.timedelta(days=1)


class OfficesFile(BaseModel):
    """The whole ``offices.yaml``: sample flag, terms, then defaults < levels < named offices."""

    model_config = _FORBID
    sample: bool = False
    note: str = ""
    terms: Terms | None = None
    defaults: OfficeEntry = OfficeEntry()
    levels: dict[OfficeLevel, OfficeEntry] = {}
    offices: dict[str, OfficeEntry] = {}

    @model_validator(mode="after")
    def _named_only(self) -> "OfficesFile":
        for where, entry in (("defaults", self.defaults), *((f"levels.{k}", v) for k, v in self.levels.items())):
            if entry.entrustments or entry.forms:
                raise ValueError(f"{where}: entrustments and forms belong to a named office (under offices), "
                                 "each 委托书 being its own")
            if entry.level is not None:
                raise ValueError(f"{where}: level belongs to a named office (under offices)")
        return self


@dataclass(frozen=True)
class OfficeDelegation:
    """How one named office holds its powers over time (compiled from ``offices.yaml``)."""

    name: str
    level: str | None  # its level as offices.yaml gives it (None: not given)
    form: str | None  # its own form, None: its level's
    changes: tuple[FormChange, ...]
    entrustments: tuple[Entrustment, ...]

    def form_on(self, day: dt.date, level_form: str | None) -> str | None:
        """The form on ``day``: the last switch before it, else its own, else its level's."""
        return self.switched(day, self.form or level_form)

    def switched(self, day: dt.date, form: str | None) -> str | None:
        """``form`` after the switches dated up to ``day``."""
        for change in self.changes:
            if change.from_ <= day:
                form = change.form
        return form

    def entrustment_on(self, day: dt.date) -> Entrustment | None:
        return next((e for e in self.entrustments if e.covers(day)), None)

    def dates(self) -> set[dt.date]:
        """Every day on which what the office holds may change (for date-keyed caches)."""
        days = {c.from_ for c in self.changes}
        for e in self.entrustments:
            days |= {e.from_, e.until + dt.timedelta(days=1)}
        return days


@dataclass(frozen=True)
class Delegations:
    """The ruleset's offices that ``decide`` knows by name, and each level's form."""

    offices: dict[str, OfficeDelegation]
    level_forms: dict[str, str]
    terms: Terms | None = None  # the periods between a penalty notice and its decision (offices.yaml terms)
    names: frozenset[str] = frozenset()  # every office name offices.yaml gives (its offices, and its levels')

    def lacks(self, name: str) -> bool:
        """Whether ``offices.yaml`` lists offices and ``name`` is none of them (documents refuse it)."""
        return bool(self.names) and name not in self.names

    def form_on(self, name: str, level: str, day: dt.date) -> str | None:
        office = self.offices.get(name)
        level_form = self.level_forms.get(level)
        return office.form_on(day, level_form) if office is not None else level_form


    def unverified(self, name: str, level: str, day: dt.date) -> Literal["unpublished", "unnamed", ""]:
        """Why a penalty under 委托 on ``day`` rests on a 委托书 the ruleset cannot vouch for:
        ``unpublished`` (its publication is not recorded), ``unnamed`` (an office the ruleset does not
        name, whose 委托书 it cannot check, where its offices act under 委托书), else ''."""
        office = self.offices.get(name)
        if office is None:
            entrusting = any(o.entrustments for o in self.offices.values())
            return "unnamed" if entrusting and self.level_forms.get(level) == "委托" else ""
        if office.form_on(day, self.level_forms.get(level)) != "委托":
            return ""
        found = office.entrustment_on(day)
        return "unpublished" if found is not None and found.published is None else ""

    def check_level(self, name: str, level: str) -> str:
        """Why ``level`` cannot be the level of the office called ``name`` ('' when it can)."""
        office = self.offices.get(name)
        if office is None or office.level is None or office.level == level:
            return ""
        return f"{level!r} contradicts offices.yaml, where {name} is a {office.level!r} office"


NO_DELEGATIONS = Delegations({}, {})


def read_offices(src: "Source", root: Path) -> OfficesFile | None:
    """The version's ``offices.yaml`` (optional for decisions; documents need it)."""
    path = root / OFFICES_FILE
    return src.read(path, OfficesFile) if path.is_file() else None


def compile_delegations(data: OfficesFile | None) -> Delegations:
    if data is None:
        return NO_DELEGATIONS
    level_forms: dict[str, str] = {lvl: e.form for lvl, e in data.levels.items() if e.form}
    if data.defaults.form:
        level_forms = {lvl: level_forms.get(lvl, data.defaults.form) for lvl in ("street", "town", "township")}
    offices = {
        name: OfficeDelegation(name, e.level, e.form, tuple(e.forms or ()), tuple(sorted(e.entrustments or (), key=lambda x: x.from_)))
        for name, e in data.offices.items()
    }
    named = (entry.name for entry in (data.defaults, *data.levels.values()) if entry.name)
    return Delegations(offices, level_forms, data.terms, frozenset((*data.offices, *named)))


def check_offices(src: "Source", data: OfficesFile | None, items: dict[str, tuple[ItemSpec, str]],
                  policy: PolicySpec) -> Iterable[Finding]:
    """Each entrusted office has its 委托书; each 委托书 names known items and kinds the offices may
    hold, a term that ends no earlier than it starts and begins no earlier than it was signed, and
    no two overlap; form switches are dated in order and each changes the form."""
    if data is None:
        return
    name = src.rel(src.root / OFFICES_FILE)
    for office, entry in data.offices.items():
        def at(code: str, message: str, *loc: str | int, office: str = office) -> Finding:
            path = ("offices", office, *loc)
            return Finding(code, message, file=name, line=src.line(name, *path), field=field_path(path))

        forms = {entry.form, *(c.form for c in entry.forms or ())}
        if ("委托" in forms or entry.entrusted_code) and not entry.entrustments:
            yield at("RS-ENTRUST-MISSING", f"{office} acts under 委托 (form 委托 or an entrusted_code) but lists no "
                     "委托书 (entrustments: number, date, items, powers, from, until; penalty-law art. 20 para. 2)")
        changes = entry.forms or []
        for i, (before, after) in enumerate(zip(changes, changes[1:]), start=1):
            if after.from_ <= before.from_ or after.form == before.form:
                yield at("RS-ENTRUST-FORMS", "form switches are dated in order, each changing the form "
                         f"({before.form} from {before.from_}, then {after.form} from {after.from_})", "forms", i)
        listed = entry.entrustments or []
        for i, e in enumerate(listed):
            yield from (at("RS-ENTRUST-ITEM", f"委托书 {e.number} entrusts {item!r}, not an item of the catalogue",
                           "entrustments", i, "items") for item in e.items if item not in items)
            yield from (at("RS-ENTRUST-POWER", f"委托书 {e.number} entrusts {kind!r}, {problem}", "entrustments", i, "powers")
                        for kind in e.powers if (problem := _power_problem(policy, kind)))
            if e.until < e.from_:
                yield at("RS-ENTRUST-TERM", f"委托书 {e.number}: the term ends ({e.until}) before it starts ({e.from_})",
                         "entrustments", i, "until")
            if e.published is not None and e.published.on < e.date:
                yield at("RS-ENTRUST-TERM", f"委托书 {e.number} is published ({e.published.on}) before it is dated "
                         f"({e.date})", "entrustments", i, "published", "on")
            if e.date > e.from_:
                yield at("RS-ENTRUST-TERM", f"委托书 {e.number} is dated {e.date}, after its term starts ({e.from_}): "
                         "an entrustment is written before the office acts under it", "entrustments", i, "date")
            yield from (at("RS-ENTRUST-OVERLAP", f"委托书 {e.number} ({e.from_}–{e.until}) overlaps {other.number} "
                           f"({other.from_}–{other.until}): one 委托书 answers for each day", "entrustments", i)
                        for other in listed[:i] if other.from_ <= e.until and e.from_ <= other.until)


def _power_problem(policy: PolicySpec, kind: str) -> str:
    """Why an entrusted penalty kind cannot be entrusted ('' when it can)."""
    delegation = policy.delegation
    if kind not in policy.kinds:
        return "not a penalty kind of policy/penalty-kinds.yaml"
    if kind in delegation.reserved:
        key = delegation.reserved[kind]
        return f"which is reserved to {delegation.authorities.get(key, key)} (policy/delegation.yaml reserved)"
    return ""

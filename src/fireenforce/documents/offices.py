"""Office details for documents (name, 文书代字, payment, review body, court) and the
deadlines printed on them, read from ``offices.yaml`` (ruleset) and an optional override file.

Values are never written into templates: an office edits its ``offices.yaml`` (or passes
``--offices FILE``), and entries marked ``sample: true`` print a visible notice.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fireenforce.dates import WorkingCalendar
from fireenforce.errors import CaseError, DocumentError, field_path
from fireenforce.model.enums import DocumentType, OfficeLevel

_FORBID = ConfigDict(extra="forbid", frozen=True)
OFFICE_FIELDS = (
    "name", "code", "entrusted_code", "form", "acting_in_name_of", "brigade", "address", "phone",
    "bank", "account_name", "account", "review_body", "court",
)


class OfficeEntry(BaseModel):
    """One office, or the defaults of an office level; any field may be left to another layer."""

    model_config = _FORBID
    name: str | None = None
    code: str | None = None                      # the office's 机关代字, e.g. 西北街消
    entrusted_code: str | None = None            # 委托: the code the agency gave this office for documents in its name
    designations: dict[DocumentType, str] | None = None  # 文书代字 per document type, e.g. 罚决字 (merged per key)
    form: Literal["赋权", "委托"] | None = None   # delegation in own name / entrustment
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


class OfficesFile(BaseModel):
    """The whole ``offices.yaml``: sample flag, terms, then defaults < levels < named offices."""

    model_config = _FORBID
    sample: bool = False
    note: str = ""
    terms: Terms | None = None
    defaults: OfficeEntry = OfficeEntry()
    levels: dict[OfficeLevel, OfficeEntry] = {}
    offices: dict[str, OfficeEntry] = {}


class Office(BaseModel):
    """The resolved office of one case. ``issuer`` is the name the documents are issued in."""

    model_config = _FORBID
    level: OfficeLevel
    name: str
    code: str
    entrusted_code: str = ""
    designations: dict[DocumentType, str] = {}
    form: str = ""
    acting_in_name_of: str = ""
    brigade: str = ""
    address: str = ""
    phone: str = ""
    bank: str = ""
    account_name: str = ""
    account: str = ""
    review_body: str = ""
    court: str = ""
    sample: bool
    terms: Terms
    sources: tuple[str, ...]

    @property
    def issuer(self) -> str:
        return self.acting_in_name_of or self.name


def after_notice(office: Office, calendar: WorkingCalendar, notice: dt.date, hearing: bool,
                 field: str = "decided_on") -> dt.date:
    """The earliest date of a general-procedure penalty decision whose notice is of ``notice`` (and
    served that day): the day after the statement period (``statement_days`` calendar days from
    receipt, as the notice says) and, with a hearing right, after the hearing request period
    (``hearing_request_days`` working days: penalty-law arts. 64(1), 85). A hearing period that runs
    into a year ``calendar`` does not know is refused on ``field``: the date goes on a document."""
    terms = office.terms
    last = notice + dt.timedelta(days=terms.statement_days)
    if hearing:
        heard = calendar.add(notice, terms.hearing_request_days)
        years = calendar.uncovered(notice, heard)
        if years:
            raise CaseError(field, f"{notice}: the hearing request period ({terms.hearing_request_days} working "
                                   f"days) runs into {', '.join(map(str, years))}, which the ruleset's working-day "
                                   f"calendar (policy/calendar.yaml) does not cover; add that year's State Council "
                                   f"holiday notice to it")
        last = max(last, heard)
    return last + dt.timedelta(days=1)


def load_offices(path: Path) -> OfficesFile:
    """Parse and validate one offices file; errors are one line naming the file and field.

    Parsed files are cached until they change (size or modification time).
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file") from None
    return _load(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _load(path: Path, mtime_ns: int, size: int) -> OfficesFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise DocumentError(f"{where}: invalid YAML ({getattr(exc, 'problem', exc)})") from None
    try:
        return OfficesFile.model_validate(data or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = field_path(err["loc"]) or "(top level)"
        msg = "unknown field (a typo?)" if err["type"] == "extra_forbidden" else err["msg"]
        raise DocumentError(f"{path}: {field}: {msg}") from None


def resolve_office(
    files: list[tuple[Path, OfficesFile]], level: OfficeLevel, name: str, *, needs: tuple[str, ...] = ()
) -> Office:
    """Merge defaults, level and named office over every file (later layers and files win).

    ``needs`` names fields this document cannot do without (e.g. the bank for a fine).
    """
    values: dict[str, Any] = {"name": name} if name else {}
    designations: dict[DocumentType, str] = {}
    sample_fields: dict[str, bool] = {}  # field -> whether its final value is a sample value
    terms: dict[str, Any] = {}
    for path, data in files:
        if data.terms:
            terms.update(data.terms.model_dump())
        for entry in (data.defaults, data.levels.get(level), data.offices.get(name) if name else None):
            if entry is None:
                continue
            given = {k: v for k, v in entry.model_dump(include=set(OFFICE_FIELDS)).items() if v is not None}
            values.update(given)
            designations.update(entry.designations or {})
            is_sample = entry.sample if entry.sample is not None else data.sample
            sample_fields.update(dict.fromkeys(given, is_sample))
    if not values.get("acting_in_name_of"):  # no document in an agency's name: its code is not used
        values.pop("entrusted_code", None)
        sample_fields.pop("entrusted_code", None)
    where = ", ".join(str(p) for p, _ in files)
    if not terms:
        raise DocumentError(f"{where}: terms: missing (payment, review and hearing time limits)")
    if not values.get("name"):
        raise CaseError("office.name", f"missing: the document is headed with the office's name, and "
                                       f"{where} gives none for level {level}")
    for field in ("code", *needs):
        if not values.get(field):
            who = f"offices.{name}" if name else f"levels.{level}"
            raise DocumentError(f"{where}: {who}.{field}: missing (needed for this document)")
    return Office(
        level=level, sample=any(sample_fields.values()), terms=Terms.model_validate(terms),
        sources=tuple(str(p) for p, _ in files), designations=designations, **values,
    )

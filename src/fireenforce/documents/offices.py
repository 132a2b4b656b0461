"""Office details for documents (name, 文书代字, payment, review body, court) and the
deadlines printed on them, read from ``offices.yaml`` (ruleset) and an optional override file.

Values are never written into templates: an office edits its ``offices.yaml`` (or passes
``--offices FILE``), and entries marked ``sample: true`` print a visible notice.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from fireenforce.dates import WorkingCalendar
from fireenforce.errors import CaseError, DocumentError, field_path
from fireenforce.model.enums import DocumentType, OfficeLevel
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.offices import Entrustment, OfficeEntry, OfficesFile, Terms

__all__ = ["Entrustment", "Office", "OfficeEntry", "OfficesFile", "Terms", "after_notice", "load_offices", "resolve_office"]

_FORBID = ConfigDict(extra="forbid", frozen=True)
OFFICE_FIELDS = (
    "name", "government", "code", "entrusted_code", "form", "acting_in_name_of", "brigade", "address", "phone",
    "bank", "account_name", "account", "review_body", "court",
)


class Office(BaseModel):
    """The resolved office of one case. ``issuer`` is the name the documents are issued in."""

    model_config = _FORBID
    level: OfficeLevel
    name: str
    government: str = ""                 # the 街道办事处/乡镇人民政府 the office belongs to (the organ that acts)
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
    entrustment: Entrustment | None = None  # 委托: the 委托书 in force on the act's day
    sample: bool
    terms: Terms
    sources: tuple[str, ...]

    @property
    def issuer(self) -> str:
        return self.acting_in_name_of or self.name

    @property
    def organ(self) -> str:
        """Who acts in law: the 街道办事处/乡镇人民政府, the office being its internal body."""
        return self.government or self.name


def after_notice(office: Office, calendar: WorkingCalendar, notice: dt.date, hearing: bool,
                 field: str = "decided_on") -> dt.date:
    """The earliest date of a general-procedure penalty decision whose notice is of ``notice`` (and
    served that day): the day after the statement period (``statement_days`` calendar days from
    receipt, as the notice says) and, with a hearing right, after the hearing request period
    (``hearing_request_days`` working days: penalty-law arts. 64(1), 85). A hearing period that runs
    into a year ``calendar`` does not know is refused on ``field``: the date goes on a document."""
    terms = office.terms
    if hearing:
        heard = calendar.add(notice, terms.hearing_request_days)
        years = calendar.uncovered(notice, heard)
        if years:
            raise CaseError(field, f"{notice}: the hearing request period ({terms.hearing_request_days} working "
                                   f"days) runs into {', '.join(map(str, years))}, which the ruleset's working-day "
                                   f"calendar (policy/calendar.yaml) does not cover; add that year's State Council "
                                   f"holiday notice to it")
    return terms.decision_from(calendar, notice, hearing)


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
    files: list[tuple[Path, OfficesFile]], level: OfficeLevel, name: str, *, needs: tuple[str, ...] = (),
    ruleset: Ruleset | None = None, on: dt.date | None = None,
) -> Office:
    """Merge defaults, level and named office over every file (later layers and files win).

    ``needs`` names fields this document cannot do without (e.g. the bank for a fine). With
    ``ruleset`` and the act's day ``on``, the office's form that day (a switch 委托 <-> 赋权) and
    its 委托书 come from the ruleset, as ``decide`` read them: an override file may not give them.
    """
    if ruleset is not None:
        _no_delegation_overrides(files, Path(ruleset.path) / "offices.yaml", name)
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
    entrustment = None
    delegation = ruleset.delegations.offices.get(name) if ruleset is not None else None
    if delegation is not None and on is not None:
        values["form"] = form = delegation.switched(on, values.get("form"))
        if form == "赋权":  # the township's own power (penalty-law art. 24): no agency's name
            values.pop("acting_in_name_of", None)
        elif form == "委托":
            entrustment = delegation.entrustment_on(on)
    switches = delegation is not None and bool(delegation.changes)  # its other series keeps counting apart
    if not values.get("acting_in_name_of") and not switches:  # no document in an agency's name: no code for it
        values.pop("entrusted_code", None)
        sample_fields.pop("entrusted_code", None)
    where = ", ".join(str(p) for p, _ in files)
    if not terms:
        raise DocumentError(f"{where}: terms: missing (payment, review and hearing time limits)")
    if not values.get("name"):
        raise CaseError("office.name", f"missing: the document is headed with the office's name, and "
                                       f"{where} gives none for level {level}")
    known = [n for _, data in files for n in (*data.offices, *(e.name for e in (data.defaults, *data.levels.values())
                                                                 if e.name))]
    if name and not values.get("code") and name not in known:  # a typo, or an office these files lack
        raise CaseError("office.name", f'unknown office "{name}"; known: {", ".join(dict.fromkeys(known)) or "none"}')
    for field in ("code", *needs):
        if not values.get(field):
            who = f"offices.{name}" if name else f"levels.{level}"
            raise DocumentError(f"{where}: {who}.{field}: missing (needed for this document)")
    return Office(
        level=level, sample=any(sample_fields.values()), terms=Terms.model_validate(terms),
        sources=tuple(str(p) for p, _ in files), designations=designations, entrustment=entrustment, **values,
    )


def _no_delegation_overrides(files: list[tuple[Path, OfficesFile]], own: Path, name: str) -> None:
    """Only the ruleset's own offices.yaml says how an office holds its powers (decide reads it)."""
    for path, data in files:
        entry = data.offices.get(name)
        if entry is not None and (entry.entrustments or entry.forms) and path.resolve() != own.resolve():
            field = "entrustments" if entry.entrustments else "forms"
            raise DocumentError(f"{path}: offices.{name}.{field}: only the ruleset's offices.yaml may give it "
                                "(decide reads the 委托书 and form switches from the ruleset)")

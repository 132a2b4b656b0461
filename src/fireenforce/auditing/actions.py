"""Recorded actions to audit, read from a ledger (its events, from the database or an export) or
from a Parquet archive (the Case shape plus an ``action`` struct column). Every reader checks
its input strictly: a bad line, row or column is a one-line error naming the field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple, Protocol, Sequence

from fireenforce.errors import CaseError, FireEnforceError
from fireenforce.ledger.state import action_case
from fireenforce.ledger.subjects import mask_id
from fireenforce.model.case import Case, parse_case, shown
from fireenforce.model.enums import STEPS

PROCEDURES = ("none", "summary", "general")
ACTION_FIELDS = ("id", "step", "suggested", "reason", "fine", "procedure")  # the archive's action struct


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ is slow, and a million are made
class Action:
    """One recorded action: the case it decided (its JSON, with the history it was decided on)
    and what the office did. ``suggested`` is the step the engine suggested then (None: not
    recorded); ``procedure`` the penalty procedure used (None: not recorded, or both documents
    issued). ``where`` says where it was read, for errors."""

    id: str
    finding: str
    office: str
    case: dict[str, Any]
    date: dt.date
    step: str
    where: str
    suggested: str | None = None
    reason: str = ""
    fine: int | None = None
    procedure: str | None = None

    @property
    def subject(self) -> str:
        """The subject as lists show it: the masked id, else the name."""
        subject = self.case.get("subject") or {}
        return mask_id(subject["id"]) if subject.get("id") else subject.get("name") or ""

    def parsed(self) -> Case:
        """The checked Case; a bad one is an input error naming where it was read and the field."""
        return _parse(self.case, self.where)


class ActionBatch(NamedTuple):
    """Actions read together; ``table`` holds their cases as Arrow rows in the same order when the
    reader has them (a Parquet archive), else None."""

    actions: list[Action]
    table: Any = None


class AuditInputError(FireEnforceError):
    """An audit input that cannot be read: one line naming the file, the place and the field."""


def _parse(case: dict[str, Any], where: str) -> Case:
    try:
        return parse_case(_strip_nulls(case))
    except CaseError as exc:
        raise AuditInputError(f"{where}: {exc}") from None


def _strip_nulls(case: dict[str, Any]) -> Any:
    """An Arrow row as the case it stands for (the batch path's rule: a null field is an absent
    one); rows come from Arrow only where pyarrow, and so the batch path, is installed."""
    try:
        from fireenforce.batch.kernel import strip_nulls
    except ImportError:
        return case
    return strip_nulls(case)


# -- the ledger's events ---------------------------------------------------------------------

class Recorded(Protocol):
    """An event as the audit reads it: a ledger's ``Event``, or a row read for the audit alone."""

    @property
    def id(self) -> str: ...
    @property
    def office(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def finding(self) -> str | None: ...
    @property
    def at(self) -> dt.date: ...
    @property
    def payload(self) -> dict[str, Any]: ...


def from_events(events: Iterable[Recorded], source: str) -> Iterator[Action]:
    """The actions of a ledger's events (in their recorded order): each with its finding's case,
    the history stored with it, the departure and fine recorded, and the procedure its
    documents show. An action's documents follow it in its office's chain (one transaction)."""
    findings: dict[str, dict[str, Any]] = {}
    acted: set[str] = set()
    pending: dict[str, tuple[Recorded, list[str]]] = {}  # office -> its last action and documents so far
    for ev in events:
        waiting = pending.get(ev.office)
        if waiting is not None:
            if ev.kind == "document" and ev.payload.get("action") == waiting[0].payload["action"]:
                waiting[1].append(str(ev.payload.get("type")))
                continue
            del pending[ev.office]
            yield _ledger_action(*waiting, findings, acted, source)
        if ev.kind == "finding" and ev.finding is not None:
            findings[ev.finding] = ev.payload
        elif ev.kind == "action":
            _require(ev, ("action", "item", "step", "decision", "history"), source)
            pending[ev.office] = (ev, [])
    for waiting in pending.values():
        yield _ledger_action(*waiting, findings, acted, source)


def _require(ev: Recorded, keys: tuple[str, ...], source: str) -> None:
    for key in keys:
        if key not in ev.payload:
            raise AuditInputError(f"{source}: event {ev.id}: payload.{key}: missing")


def _ledger_action(ev: Recorded, documents: list[str], findings: dict[str, dict[str, Any]], acted: set[str],
                   source: str) -> Action:
    p = ev.payload
    finding = ev.finding or ""
    if finding not in findings:
        raise AuditInputError(f"{source}: event {ev.id}: finding: {finding or 'none'} has no finding event before it")
    first = finding not in acted
    acted.add(finding)
    where = f"{source}: event {ev.id}: payload.case"
    case = {**action_case(findings[finding], ev.at, first=first), "history": p["history"]}
    departure = p.get("departure") or {}
    step = _choice(p["step"], STEPS, f"{source}: event {ev.id}: payload.step")
    return Action(
        id=str(p["action"]), finding=finding, office=ev.office, case=case, date=_date(case, where), step=step,
        where=where, suggested=_suggested(departure.get("suggested") or p["decision"]), reason=str(departure.get("reason") or ""),
        fine=_fine(p.get("fine"), f"{source}: event {ev.id}: payload.fine"), procedure=_procedure_of(documents),
    )


def _suggested(recorded: Any) -> str | None:
    """The suggested step: a departure's ``suggested`` (its decision is the departed step's), or
    the recorded decision's step."""
    step = recorded.get("step") if isinstance(recorded, dict) else recorded
    return step if step in STEPS else None


def _procedure_of(documents: list[str]) -> str | None:
    """The penalty procedure an action's documents show; None when they show both or neither."""
    summary, general = "summary_penalty_decision" in documents, "penalty_decision" in documents
    if summary == general:
        return None
    return "summary" if summary else "general"


# -- a Parquet archive -----------------------------------------------------------------------

def from_parquet(path: Path, *, batch_rows: int = 65_536, row_groups: Sequence[int] | None = None,
                 first_row: int = 0) -> Iterator[ActionBatch]:
    """The rows of a Parquet archive, streamed by batches: the Case JSON shape (struct and list
    columns) plus ``action``: {id, step, suggested, reason, fine, procedure}; ``finding`` optional.
    ``row_groups``: only these (``first_row``: the number of the first one's first row)."""
    archive = open_archive(path)
    import pyarrow as pa

    extra = [name for name in ("action", "finding") if name in archive.schema_arrow.names]
    row = first_row
    for batch in archive.iter_batches(batch_size=batch_rows, row_groups=row_groups, use_threads=False):
        actions = [_archive_action(data, row + n, path) for n, data in enumerate(batch.to_pylist())]
        row += len(actions)
        yield ActionBatch(actions, pa.Table.from_batches([batch]).drop_columns(extra))


def open_archive(path: Path) -> Any:
    """The archive as a ``pyarrow.parquet.ParquetFile``, its ``action`` column checked."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise AuditInputError(f"{path}: reading Parquet needs pyarrow: pip install 'fireenforce[batch]'") from None
    try:
        archive = pq.ParquetFile(path)
    except FileNotFoundError:
        raise AuditInputError(f"{path}: no such file") from None
    except Exception as exc:  # pyarrow raises its own types for a file that is not Parquet
        raise AuditInputError(f"{path}: not a Parquet file ({exc})") from None
    names = archive.schema_arrow.names
    if "action" not in names:
        raise AuditInputError(f"{path}: action: missing column (the action taken: a struct with at least step)")
    action_type = archive.schema_arrow.field("action").type
    fields = {action_type.field(i).name for i in range(action_type.num_fields)} if hasattr(action_type, "num_fields") \
        else set()
    if "step" not in fields:
        raise AuditInputError(f"{path}: action.step: missing (action must be a struct with at least step)")
    unknown = sorted(fields - set(ACTION_FIELDS))
    if unknown:
        raise AuditInputError(f"{path}: action.{unknown[0]}: unknown field (known: {', '.join(ACTION_FIELDS)})")
    return archive


def _archive_action(data: dict[str, Any], row: int, path: Path) -> Action:
    where = f"{path}: row {row}"
    taken = data.pop("action") or {}
    finding = data.pop("finding", None)
    step = _choice(taken.get("step"), STEPS, f"{where}: action.step")
    suggested = taken.get("suggested")
    procedure = taken.get("procedure")
    return Action(
        id=str(taken.get("id") or f"row {row}"), finding=str(finding or ""),
        office=str((data.get("office") or {}).get("name") or ""), case=data, date=_date(data, where), step=step,
        where=where, suggested=None if suggested is None else _choice(suggested, STEPS, f"{where}: action.suggested"),
        reason=_text(taken.get("reason"), f"{where}: action.reason"),
        fine=_fine(taken.get("fine"), f"{where}: action.fine"),
        procedure=None if procedure is None else _choice(procedure, PROCEDURES, f"{where}: action.procedure"),
    )


def _date(case: dict[str, Any], where: str) -> dt.date:
    """The decision date of a case (decided_on, else observed_on); a bad case is named by parsing it."""
    value = case.get("decided_on") or case.get("observed_on")
    if type(value) is dt.date:
        return value
    try:
        return dt.date.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        _parse(case, where)
        raise AuditInputError(f"{where}: observed_on: {shown(value)} is not a date") from None


def _choice(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value is None:
        raise AuditInputError(f"{where}: missing (null); one of {', '.join(allowed)} is required")
    if value not in allowed:
        raise AuditInputError(f"{where}: {shown(value)} is not one of {', '.join(allowed)}")
    return str(value)


def _fine(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise AuditInputError(f"{where}: {shown(value)} is not a whole number of yuan")
    return value


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise AuditInputError(f"{where}: {shown(value)} is not text")
    return value

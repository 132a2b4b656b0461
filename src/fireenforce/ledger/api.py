"""``fe.Ledger``: the office's enforcement record. Every write is one transaction that appends
hash-chained events and refreshes the projections; decide gets its history from here."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterable

from sqlalchemy import Connection, select

from fireenforce.documents.context import document_number
from fireenforce.documents.offices import Office, load_offices, resolve_office
from fireenforce.engine import decide
from fireenforce.errors import CaseError
from fireenforce.ledger.chain import ChainWriter, finding_events, refresh
from fireenforce.ledger.database import open_engine, prepare_schema, resolve_url, translate_errors, writing
from fireenforce.ledger.errors import LedgerError, UnknownFinding
from fireenforce.ledger.events import new_id
from fireenforce.ledger.models import (
    Closure, Departure, Due, EventView, FindingView, IssuedDocument, Record, SubjectRef, VerifyReport,
)
from fireenforce.ledger.state import CORRECTABLE, history_entry
from fireenforce.ledger.subjects import key_for_lookup, mask_id, masked_key, subject_key
from fireenforce.ledger.tables import actions, events, findings
from fireenforce.model import Case, Decision
from fireenforce.model.case import HistoryEntry, Subject, parse_case
from fireenforce.model.enums import STEPS
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import load_ruleset

DateLike = dt.date | str


@dataclass(frozen=True, slots=True)
class _Choice:
    """The engine's decision, the step taken, a departure from it, and the history decided on."""

    decision: Decision
    step: str
    departure: Departure | None
    history: tuple[HistoryEntry, ...]


class Ledger:
    """The enforcement record on a database: ``url`` is a SQLAlchemy URL or a SQLite file path
    (default: ``$FIREENFORCE_DB``, else ``~/.local/share/fireenforce/ledger.db``).

    ``create`` makes a missing database and schema (else a missing one is an error); an older
    schema is upgraded, a newer one refused. ``ruleset`` is a ruleset directory (default: the
    bundled family, the version in force on each case's date); ``offices`` a file overriding
    the ruleset's ``offices.yaml`` (document numbers use each office's 文书代字).
    """

    def __init__(
        self, url: str | os.PathLike[str] | None = None, *, ruleset: str | os.PathLike[str] | None = None,
        offices: str | os.PathLike[str] | None = None, create: bool = True, busy_timeout: float = 30.0,
    ) -> None:
        self.url = resolve_url(url)
        self.ruleset_path = Path(ruleset) if ruleset is not None else None
        self.offices_path = Path(offices) if offices is not None else None
        self.engine = open_engine(self.url, create=create, busy_timeout=busy_timeout)
        try:
            prepare_schema(self.engine, self.url, create=create)
        except BaseException:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def record(self, case: Case | dict[str, Any] | str, *, officer: str = "", step: str | None = None,
               reason: str = "") -> Record:
        """Decide ``case`` with the subject's history from the ledger and record the finding and
        the action (and its numbered documents) atomically. ``step`` departs from the suggested
        step and needs a written ``reason``. A case with its own ``history`` is refused."""
        case = parse_case(case)
        if case.history:
            raise CaseError("history", "a case recorded in the ledger carries no history: the ledger supplies it")
        if not case.office.name.strip():
            raise CaseError("office.name", "the ledger keeps each office's record: name the office")
        key = subject_key(case.subject)
        ruleset = self._ruleset(case.decision_date)
        office = self._office(ruleset, case)
        with translate_errors(self.url), writing(self.engine) as conn:
            writer = ChainWriter(conn, case.office.name)
            finding = new_id("F")
            choice = self._decide(conn, case, key.key, ruleset, step, reason)
            stored = case.model_dump(mode="json", exclude={"history"})
            writer.append("finding", finding=finding, subject=key.key, at=case.observed_on, payload={
                "case": stored, "item": choice.decision.item.code, "weak": key.weak, "officer": officer,
            })
            record = self._act(writer, finding, key.key, case, choice, officer, ruleset, office)
            writer.close()
        return record

    def reinspect(self, finding: str, *, on: DateLike, rectified: bool, officer: str = "",
                  step: str | None = None, reason: str = "", note: str = "") -> Record | Closure:
        """Record a re-inspection (复查). Rectified: the finding is closed (整改销号). Not
        rectified: decide the next step with the unheeded order in the history and record it."""
        day = _day(on, "on")
        with translate_errors(self.url), writing(self.engine) as conn:
            office = self._office_of(conn, finding)
            writer = ChainWriter(conn, office)
            state = refresh(conn, finding)
            if state.status != "open":
                raise LedgerError(f"{finding}: the finding is {state.status}; there is nothing to re-inspect")
            if day < state.last.date:
                raise CaseError("on", f"{day} is before the last action on {finding} ({state.last.date})")
            writer.append("reinspection", finding=finding, subject=state.subject, at=day,
                          payload={"action": state.last.id, "rectified": rectified, "officer": officer, "note": note})
            if rectified:
                writer.append("closure", finding=finding, subject=state.subject, at=day, payload={"reason": "rectified"})
                refresh(conn, finding)
                writer.close()
                return Closure(finding=finding, closed_on=day)
            refresh(conn, finding)
            case = self._follow_up(conn, finding, day)
            ruleset = self._ruleset(day)
            choice = self._decide(conn, case, state.subject, ruleset, step, reason)
            record = self._act(writer, finding, state.subject, case, choice, officer, ruleset,
                               self._office(ruleset, case))
            writer.close()
        return record

    def referral_answer(self, finding: str, *, on: DateLike, accepted: bool, result: str = "") -> FindingView:
        """The brigade's answer to a referral (移交): accepted, or returned to the office (the
        finding is open again and due at once). ``result`` is the brigade's result in words."""
        day = _day(on, "on")
        with translate_errors(self.url), writing(self.engine) as conn:
            writer = ChainWriter(conn, self._office_of(conn, finding))
            state = refresh(conn, finding)
            if state.status != "referred" or state.referral.get("answer"):
                raise LedgerError(f"{finding}: no referral awaits an answer (status {state.status})")
            kind = "referral_accepted" if accepted else "referral_returned"
            writer.append(kind, finding=finding, subject=state.subject, at=day, payload={"result": result})
            refresh(conn, finding)
            writer.close()
        return self.show(finding)

    def correct(self, event: str, *, reason: str, changes: dict[str, Any]) -> str:
        """Correct an earlier event by a new ``correction`` event (the old one stays as it was).
        Correctable: an action's ``deadline``; a finding's ``subject_name`` or ``note``; a
        re-inspection's ``note``. Returns the correction's event id."""
        if not reason.strip():
            raise CaseError("reason", "a correction needs a written reason")
        with translate_errors(self.url), writing(self.engine) as conn:
            row = conn.execute(select(events.c.kind, events.c.finding, events.c.office, events.c.subject)
                               .where(events.c.id == event)).one_or_none()
            if row is None or row.finding is None:
                raise UnknownFinding(f"{event}: no such event in the ledger")
            allowed = CORRECTABLE.get(row.kind, ())
            for name, value in changes.items():
                if name not in allowed:
                    raise CaseError(f"changes.{name}", f"cannot be corrected on a {row.kind} event "
                                                       f"(correctable: {', '.join(allowed) or 'nothing'})")
                if name == "deadline":
                    changes = {**changes, name: _day(value, "changes.deadline").isoformat()}
            if not changes:
                raise CaseError("changes", "nothing to correct")
            writer = ChainWriter(conn, row.office)
            ev = writer.append("correction", finding=row.finding, subject=row.subject, at=dt.date.today(),
                               payload={"target": event, "changes": changes, "reason": reason})
            refresh(conn, row.finding)
            writer.close()
        return ev.id

    # -- reading ---------------------------------------------------------------------------

    def history(self, subject: str | Subject) -> tuple[HistoryEntry, ...]:
        """The HistoryEntry list decide() would get for this subject (an id, or a Subject)."""
        key = key_for_lookup(subject)
        with translate_errors(self.url), self.engine.connect() as conn:
            return _history(conn, key)

    def due(self, on: DateLike, office: str | None = None, *, within_days: int = 0) -> list[Due]:
        """Open findings whose deadline passed before ``on`` without re-inspection, and with
        ``within_days`` those falling due within that many days."""
        day = _day(on, "on")
        if within_days < 0:
            raise CaseError("within_days", f"{within_days} is negative")
        limit = day + dt.timedelta(days=within_days)
        query = select(findings).where(findings.c.status == "open", findings.c.deadline.is_not(None))
        query = query.where(findings.c.deadline <= limit if within_days else findings.c.deadline < day)
        if office:
            query = query.where(findings.c.office == office)
        with translate_errors(self.url), self.engine.connect() as conn:
            rows = conn.execute(query.order_by(findings.c.deadline, findings.c.id)).all()
        return [Due(finding=r.id, subject=_subject_ref(r.subject, r.subject_name, r.weak), item=r.item,
                    deadline=r.deadline, last_step=r.last_step, office=r.office, overdue=r.deadline < day)
                for r in rows]

    def show(self, finding: str) -> FindingView:
        """One finding: its state and every event (ids masked)."""
        with translate_errors(self.url), self.engine.connect() as conn:
            row = conn.execute(select(findings).where(findings.c.id == finding)).one_or_none()
            if row is None:
                raise UnknownFinding(f"{finding}: no such finding in the ledger")
            evs = finding_events(conn, finding)
        return FindingView(
            finding=row.id, office=row.office, status=row.status,
            subject=_subject_ref(row.subject, row.subject_name, row.weak), item=row.item,
            opened_on=row.opened_on, closed_on=row.closed_on, deadline=row.deadline, last_step=row.last_step,
            last_action=row.last_action,
            events=tuple(EventView(id=e.id, kind=e.kind, at=e.at, recorded_at=e.recorded_at,
                                   payload=_masked(e.payload)) for e in evs),
        )

    def verify(self) -> VerifyReport:
        """Recompute every office's hash chain, document number series and projection."""
        from fireenforce.ledger.verify import verify

        with translate_errors(self.url), self.engine.connect() as conn:
            return verify(conn)

    def export(self, out: IO[str]) -> int:
        """Write every event as JSON Lines to ``out``; returns the number of events."""
        from fireenforce.ledger.transfer import export_lines, write_lines

        with translate_errors(self.url), self.engine.connect() as conn:
            return write_lines(export_lines(conn), out)

    def import_(self, lines: Iterable[str], *, source: str = "import") -> int:
        """Load an export into this (empty) ledger, rebuild its state and verify it; all or nothing."""
        from fireenforce.ledger.transfer import import_events, parse_lines

        evs = parse_lines(lines, source)
        with translate_errors(self.url), writing(self.engine) as conn:
            return import_events(conn, evs, source)

    def backup(self, target: str | os.PathLike[str]) -> None:
        """An online copy of a SQLite ledger to a new file ``target``."""
        from fireenforce.ledger.transfer import backup_sqlite

        with translate_errors(self.url):
            backup_sqlite(self.engine, Path(target))

    # -- internals -------------------------------------------------------------------------

    def _ruleset(self, day: dt.date) -> Ruleset:
        return load_ruleset(self.ruleset_path, on=day)

    def _office(self, ruleset: Ruleset, case: Case) -> Office:
        paths = [p for p in (Path(ruleset.path) / "offices.yaml", self.offices_path) if p is not None and p.is_file()]
        if self.offices_path is not None and not self.offices_path.is_file():
            raise LedgerError(f"--offices: {self.offices_path}: no such file")
        return resolve_office([(p, load_offices(p)) for p in paths], case.office.level, case.office.name)

    def _office_of(self, conn: Connection, finding: str) -> str:
        office = conn.execute(select(findings.c.office).where(findings.c.id == finding)).scalar_one_or_none()
        if office is None:
            raise UnknownFinding(f"{finding}: no such finding in the ledger")
        return str(office)

    def _decide(self, conn: Connection, case: Case, key: str, ruleset: Ruleset, step: str | None,
                reason: str) -> _Choice:
        history = _history(conn, key)
        decision = decide(case.model_copy(update={"history": history}), ruleset=ruleset)
        if step is None or step == decision.step:
            return _Choice(decision, decision.step, None, history)
        if step not in STEPS:
            raise CaseError("step", f"{step!r} is not one of {', '.join(STEPS)}")
        if not reason.strip():
            raise CaseError("reason", f"departing from the suggested step {decision.step} to {step} needs a written reason")
        departure = Departure(suggested=decision.step, chosen=step, reason=reason)
        return _Choice(decision, step, departure, history)

    def _act(self, writer: ChainWriter, finding: str, key: str, case: Case, choice: _Choice, officer: str,
             ruleset: Ruleset, office: Office) -> Record:
        """Append the action, its numbered documents and what follows from the step."""
        decision, step, departure = choice.decision, choice.step, choice.departure
        action, day = new_id("A"), case.decision_date
        deadline = decision.rectification.deadline if decision.rectification.required else None
        writer.append("action", finding=finding, subject=key, at=day, payload={
            "action": action, "item": decision.item.code, "step": step, "deadline": deadline and deadline.isoformat(),
            "decision": decision.model_dump(mode="json"), "ruleset": decision.ruleset.model_dump(mode="json"),
            "history": [h.model_dump(mode="json") for h in choice.history],
            "departure": departure and departure.model_dump(mode="json"), "officer": officer,
        })
        issued = []
        for doc_type in _documents(ruleset, decision, step):
            serial = writer.next_serial(doc_type, day.year)
            number = document_number(office, day.year, serial)
            writer.append("document", finding=finding, subject=key, at=day, payload={
                "action": action, "type": doc_type, "year": day.year, "serial": serial, "number": number})
            issued.append(IssuedDocument(type=doc_type, number=number))  # type: ignore[arg-type]
        if step == "referral":
            writer.append("referral_sent", finding=finding, subject=key, at=day,
                          payload={"action": action, "to": decision.referral_to or office.brigade})
        elif deadline is None:  # nothing left to rectify (the conduct has ended)
            writer.append("closure", finding=finding, subject=key, at=day, payload={"reason": "no_rectification"})
        state = refresh(writer.conn, finding)
        return Record(
            finding=finding, action=action, status=state.status, decision=decision,  # type: ignore[arg-type]
            documents=tuple(issued), deadline=state.deadline, step=step,  # type: ignore[arg-type]
            subject=_subject_ref(key, state.subject_name, state.weak), departure=departure,
        )

    def _follow_up(self, conn: Connection, finding: str, day: dt.date) -> Case:
        """The case a failed re-inspection decides: the original one, observed again on ``day``."""
        first = finding_events(conn, finding)[0].payload
        data = {**first["case"], "item": first["item"], "observed_on": day.isoformat(),
                "decided_on": day.isoformat(), "ended_on": None}
        return parse_case(data)


def _documents(ruleset: Ruleset, decision: Decision, step: str) -> tuple[str, ...]:
    """The documents of the step taken: the decision's own, or for a departure the ruleset's list."""
    if step == decision.step:
        return tuple(decision.documents)
    procedure = decision.procedure if decision.procedure != "none" else "general"
    return tuple(ruleset.policy.documents[f"penalty.{procedure}" if step == "penalty" else step])


def _history(conn: Connection, key: str) -> tuple[HistoryEntry, ...]:
    rows = conn.execute(
        select(actions.c.date, actions.c.item, actions.c.step, actions.c.deadline, actions.c.rectified,
               actions.c.reinspected_on, actions.c.officer, actions.c.office)
        .where(actions.c.subject == key).order_by(actions.c.date, actions.c.seq)
    )
    return tuple(history_entry(r._asdict()) for r in rows)


def _subject_ref(key: str, name: str, weak: bool) -> SubjectRef:
    return SubjectRef(id=masked_key(key), name=name, weak=weak)


def _masked(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload with the subject's id masked (the finding event holds the full case)."""
    case = payload.get("case")
    if not isinstance(case, dict) or not case.get("subject", {}).get("id"):
        return payload
    subject = {**case["subject"], "id": mask_id(str(case["subject"]["id"]))}
    return {**payload, "case": {**case, "subject": subject}}


def _day(value: DateLike, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CaseError(field, f"{value!r} is not a date (expected YYYY-MM-DD)") from None


"""``fe.Ledger``: the office's enforcement record. Every write is one transaction that appends
hash-chained events and refreshes the projections; decide gets its history from here."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

from pydantic import TypeAdapter
from sqlalchemy import Connection, or_, select

from fireenforce.documents.context import Decided, document_number, reinspection_doubts
from fireenforce.documents.hearing import hearing_due, no_hearing_reason
from fireenforce.documents.offices import Office, OfficesFile, after_notice, load_offices, resolve_office
from fireenforce.engine import decide
from fireenforce.errors import CaseError
from fireenforce.labels import ANSWER_LABELS, STATUS_LABELS
from fireenforce.ledger.chain import ChainWriter, finding_events, recorded_cases, refresh, to_event
from fireenforce.ledger.database import open_engine, prepare_schema, resolve_url, translate_errors, writing
from fireenforce.ledger.errors import FineRequired, LedgerError, UnknownFinding
from fireenforce.ledger.events import Event, china_today, new_id
from fireenforce.ledger.issued import number_series, order_of, recorded, reinspected, returned_referrals
from fireenforce.ledger.models import (
    Closure, Departure, Due, EventView, FindingView, IssuedDocument, LedgerHistoryEntry, Record, ReinspectionRef,
    SubjectLink,
    SubjectRef, VerifyReport,
)
from fireenforce.ledger.links import refiling, subject_links
from fireenforce.ledger.repeats import back_dated, closed_before, open_finding, refusal
from fireenforce.ledger.rulesets import ruleset_on
from fireenforce.ledger.state import CORRECTABLE, ActionState, FindingState, action_case, history_entry, replay
from fireenforce.ledger.subjects import (
    key_for_lookup, mask_id, masked_key, name_key, normalise_id, normalise_text, subject_key,
)
from fireenforce.ledger.tables import actions, chain_heads, events, findings
from fireenforce.ledger.windows import Window, reinspect_by, windows
from fireenforce.model import Case, Decision, Doubt, Reason
from fireenforce.model.case import HistoryEntry, Subject, parse_case
from fireenforce.model.enums import STEPS, DocumentType
from fireenforce.ruleset.compiled import Ruleset

DateLike = dt.date | str
_DUE_LIST = TypeAdapter(list[Due])


@dataclass(frozen=True, slots=True)
class _Choice:
    """The decision of the step taken, a departure from the suggested step, and the history decided on."""

    decision: Decision
    departure: Departure | None
    history: tuple[HistoryEntry, ...]
    fine: int | None = None
    formal_warning: bool = False
    weak_matches: tuple[str, ...] = ()


class Ledger:
    """The enforcement record on a database: ``url`` is a SQLAlchemy URL or a SQLite file path
    (default: ``$FIREENFORCE_DB``, else ``~/.local/share/fireenforce/ledger.db``).

    ``create`` makes a missing database and schema (else a missing one is an error); an older
    schema is upgraded, a newer one refused. ``ruleset`` is a ruleset directory (default: the
    bundled family, the version in force on each case's date); ``offices`` a file overriding
    the ruleset's ``offices.yaml`` (document numbers use each office's 文书代字). ``today`` is
    the clock that refuses a write dated in the future: a case observed or decided, a
    re-inspection, an application or a referral's answer after today (default: the date in China);
    a correction is dated by it.
    """

    def __init__(
        self, url: str | os.PathLike[str] | None = None, *, ruleset: str | os.PathLike[str] | None = None,
        offices: str | os.PathLike[str] | None = None, create: bool = True, busy_timeout: float = 30.0,
        today: Callable[[], dt.date] = china_today,
    ) -> None:
        self.url = resolve_url(url)
        self.today = today
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
               reason: str = "", fine: int | None = None, formal_warning: bool = False, source: str | None = None,
               separate: str = "") -> Record:
        """Decide ``case`` with the subject's history from the ledger and record the finding and
        the action (and its numbered documents) atomically. ``officer`` names the acting
        officer(s) (required: the 执法全过程记录 names them); the case may not be observed or
        decided after today. ``step`` departs from the suggested step and needs a written
        ``reason``; a penalty that provides a fine needs ``fine`` (yuan, within the legal range),
        or ``formal_warning`` where the law offers a warning instead. ``source`` is a caller's
        unique key (a trigger, a request id): recording the same key again returns the first
        Record and adds nothing. A case with its own
        ``history`` is refused. While the office has an open finding on the same subject and item,
        the record is refused (:class:`OpenFinding`: re-inspect that finding) unless ``separate``
        gives the written reason for a separate finding, which is recorded."""
        case = parse_case(case)
        if case.history:
            raise CaseError("history", "a case recorded in the ledger carries no history: the ledger supplies it")
        if not case.office.name.strip():
            raise CaseError("office.name", "the ledger keeps each office's record: name the office")
        require_officer(officer)
        self._not_in_future(case)
        key = subject_key(case.subject)
        ruleset = self._ruleset(case.decision_date)
        office = self._office(ruleset, case)
        with translate_errors(self.url), writing(self.engine) as conn:
            writer = ChainWriter(conn, case.office.name)
            stored = case.model_dump(mode="json", exclude={"history"})
            if source is not None:
                known = conn.execute(select(findings.c.id).where(findings.c.source == source)).scalar_one_or_none()
                if known is not None:
                    evs = finding_events(conn, known)
                    if not _same_request(evs, stored, officer, step, reason, (fine, formal_warning), separate):
                        raise LedgerError(f"--source {source}: recorded already, as {known}, for another case or "
                                          "other options; a source key names one request (use a new key)")
                    return _stored_record(evs, first=True)
            finding = new_id("F")
            choice = self._decide(conn, case, key.key, ruleset, step, reason, fine, formal_warning)
            item = choice.decision.item.code
            names = _names(case.subject.name, case.subject.address)
            repeated = open_finding(conn, key.key, names, item, case.office.name)
            if repeated is not None and not separate.strip():
                raise refusal(repeated, case.decision_date, self.today(), case.subject.name)
            ended = closed_before(conn, key.key, names, item, case.office.name, case.observed_on) \
                if repeated is None else None
            if ended is not None and not separate.strip():
                raise back_dated(*ended, case.observed_on, case.subject.name)
            if ended is not None:  # kept apart, with the reason, from the finding that ended
                repeated = ended[0]
            if repeated is None and separate.strip():
                raise CaseError("separate", f"the office has no open finding on this subject and {item} (nor one "
                                            "closed or taken over on or after this case's observed_on) to keep "
                                            "apart from: record it without --separate")
            _check_sanction(choice.decision, fine, formal_warning)  # after the refusals: no fine asked for in vain
            writer.append("finding", finding=finding, subject=key.key, at=case.observed_on, payload={
                "case": stored, "item": item, "weak": key.weak, "officer": officer,
                **({"source": source} if source is not None else {}),
                **({"separate": {"from": repeated.id, "reason": separate}} if repeated is not None else {}),
            })
            warnings = _other_names(conn, key.key, case.subject.name)
            record = self._act(writer, finding, key.key, case, choice, officer, office)
            writer.close()
        return record.model_copy(update={"warnings": warnings}) if warnings else record

    def reinspect(self, finding: str, *, on: DateLike, rectified: bool, officer: str = "",
                  step: str | None = None, reason: str = "", note: str = "", fine: int | None = None,
                  formal_warning: bool = False) -> Record | Closure:
        """Record a re-inspection (复查). Rectified: the finding is closed (整改销号). Not
        rectified after the deadline: decide the next step with the unheeded order in the history
        and record it (a penalty that provides a fine needs ``fine`` or ``formal_warning``, as
        with ``record``). ``officer`` names who re-inspected (the 检查记录 of the re-inspection
        names them; without it the result carries the warning ``UNNAMED_OFFICER``). Not rectified while the deadline still runs: nothing is decided (the order
        is not unheeded yet) unless the officer departs with ``step`` and ``reason``; the finding's
        current Record is returned."""
        result = self._reinspect(finding, on=on, rectified=rectified, officer=officer, step=step, reason=reason,
                                 note=note, fine=fine, formal_warning=formal_warning)
        if officer.strip():
            return result
        return result.model_copy(update={"warnings": (*result.warnings, UNNAMED_OFFICER)})

    def _reinspect(self, finding: str, *, on: DateLike, rectified: bool, officer: str, step: str | None,
                   reason: str, note: str, fine: int | None, formal_warning: bool) -> Record | Closure:
        day = self._happened(_day(on, "on"), "on")
        if rectified:
            for name, given in (("fine", fine is not None), ("formal_warning", formal_warning),
                                ("step", step is not None), ("reason", bool(reason.strip()))):
                if given:
                    raise CaseError(name, "a rectified finding is closed: no step is taken, so there is nothing to "
                                          f"give a {name} for")
        with translate_errors(self.url), writing(self.engine) as conn:
            office = self._office_of(conn, finding)
            writer = ChainWriter(conn, office)
            evs = finding_events(conn, finding)
            state = replay(evs)
            if state.status != "open":
                raise LedgerError(f"{finding}: the finding is {STATUS_LABELS[state.status]}: there is nothing to "
                                  "re-inspect")
            if day < state.last.date:
                raise CaseError("on", f"{day} is before the last action on {finding} ({state.last.date})")
            running = state.deadline  # the order now running: after a returned referral, the return's
            if not rectified and step is None and running is not None and day <= running and \
                    (fine is not None or formal_warning or reason.strip()):
                name = "fine" if fine is not None else "formal_warning" if formal_warning else "reason"
                raise CaseError(name, f"the deadline runs until {running}: no step is decided on {day}, so "
                                      f"there is nothing to give a {name} for (depart with a step to act now)")
            seen = writer.append("reinspection", finding=finding, subject=state.subject, at=day,
                                 payload={"action": state.last.id, "rectified": rectified, "officer": officer,
                                          "note": note})
            if rectified or (step is None and running is not None and day <= running):
                ref = self._reinspection_record(writer, evs, state, seen)
                if rectified:
                    writer.append("closure", finding=finding, subject=state.subject, at=day,
                                  payload={"reason": "rectified"})
                refresh(conn, finding)
                writer.close()
                if rectified:
                    return Closure(finding=finding, closed_on=day, reinspection=ref)
                return _stored_record(finding_events(conn, finding), first=False).model_copy(
                    update={"reinspection": ref})
            refresh(conn, finding)
            first = evs[0].payload
            renamed = state.subject_name if state.subject_name != first["case"]["subject"].get("name", "") else None
            reidentified = state.subject.removeprefix("id:") if state.subject != state.recorded_subject else None
            case = parse_case(action_case(first, day, first=False, name=renamed, subject_id=reidentified))
            ruleset = self._ruleset(day)
            choice = self._decide(conn, case, state.subject, ruleset, step, reason, fine, formal_warning)
            _check_sanction(choice.decision, fine, formal_warning)
            record = self._act(writer, finding, state.subject, case, choice, officer, self._office(ruleset, case),
                               renamed, reidentified, reinspection=seen.id)
            recorded = tuple(d for d in record.documents if d.type == "inspection_record")
            ref = self._reinspection_record(writer, evs, state, seen, recorded or None)
            writer.close()
        return record.model_copy(update={"reinspection": ref})

    def latest(self, finding: str) -> Record:
        """The finding's Record as it stands: its latest action as recorded, with the finding's
        status and deadline now (as ``record`` and ``reinspect`` return it)."""
        with translate_errors(self.url), self.engine.connect() as conn:
            evs = finding_events(conn, finding)
        if not evs:
            raise UnknownFinding(f"{finding}: no such finding in the ledger")
        return _stored_record(evs, first=False)

    def referral_answer(self, finding: str, *, on: DateLike, accepted: bool, result: str = "") -> FindingView:
        """The brigade's answer to a referral (移交): accepted, or returned to the office (the
        finding is open again, due once the ruleset's ``returned_days`` have run). ``result`` is
        the brigade's result in words."""
        day = self._happened(_day(on, "on"), "on")
        with translate_errors(self.url), writing(self.engine) as conn:
            writer = ChainWriter(conn, self._office_of(conn, finding))
            state = replay(finding_events(conn, finding))
            if state.status != "referred" or state.referral.get("answer"):
                raise LedgerError(f"{finding}: no referral awaits an answer: {_referral_state(state)}")
            sent = state.referral.get("sent_on")
            if sent is not None and day < sent:
                raise CaseError("on", f"{day} is before the referral of {finding} was sent ({sent})")
            payload: dict[str, Any] = {"result": result}
            if not accepted:  # the office acts again; due once the ruleset's days for it have run
                days = self._ruleset(day).policy.spec.ladder.returned_days
                payload["deadline"] = (day + dt.timedelta(days=days)).isoformat()
            kind = "referral_accepted" if accepted else "referral_returned"
            writer.append(kind, finding=finding, subject=state.subject, at=day, payload=payload)
            refresh(conn, finding)
            writer.close()
        return self.show(finding)

    def apply_for_reinspection(self, finding: str, *, on: DateLike, note: str = "") -> FindingView:
        """Record the party's application for a re-inspection (复查申请): the finding is due from
        ``on`` to the ruleset's working days after it, even before its deadline (消防监督检查规定
        第二十条第二款). Refused for a finding without a running order (closed, referred, nothing
        to correct), one already applied for, and a date before the order."""
        day = self._happened(_day(on, "on"), "on")
        with translate_errors(self.url), writing(self.engine) as conn:
            writer = ChainWriter(conn, self._office_of(conn, finding))
            evs = finding_events(conn, finding)
            state = replay(evs)
            if state.status != "open" or state.deadline is None:
                raise LedgerError(f"{finding}: the finding is {state.status} with no running order to correct; "
                                  f"there is nothing to apply for a re-inspection of")
            if state.applied_on is not None:
                raise LedgerError(f"{finding}: the party applied for a re-inspection on {state.applied_on}, "
                                  f"not yet re-inspected; record the re-inspection (ledger reinspect)")
            ordered = self._order_day(evs)(state.last)
            if day < ordered:
                raise CaseError("on", f"{day} is before the order it concerns ({ordered})")
            writer.append("application", finding=finding, subject=state.subject, at=day,
                          payload={"action": state.last.id, "note": note})
            refresh(conn, finding)
            writer.close()
        return self.show(finding)

    def reinspection_windows(self, finding: str) -> tuple[tuple[Window, ...], tuple[Doubt, ...]]:
        """The open finding's re-inspection windows, each event's own (the deadline's, the
        application's), and the doubts on their basis: for a reminder's oral order the windows are
        local policy (``policy/ladder.yaml`` ``oral_reinspection``), not 检查规定第二十条第二款."""
        view = self.show(finding)
        found = windows(self._ruleset, view.deadline, view.applied_on)
        return found, reinspection_doubts(self._ruleset(view.deadline or view.opened_on), view.last_step)

    def correct(self, event: str, *, reason: str, changes: dict[str, Any], merge: bool = False) -> str:
        """Correct an earlier event by a new ``correction`` event (the old one stays as it was).
        Correctable: an action's ``deadline``; a finding's ``subject_name``, ``subject_id`` or
        ``note``; a re-inspection's ``note``. A ``subject_id`` (check digit verified) refiles the
        finding under that id — also how a record made without an id is linked to it; where the
        ledger knows the id for a subject of another name or address, that is a merge, refused
        (:class:`SubjectMerge`) unless ``merge`` is given. Returns the correction's event id."""
        if not reason.strip():
            raise CaseError("reason", "a correction needs a written reason")
        with translate_errors(self.url), writing(self.engine) as conn:
            row = conn.execute(select(events.c.kind, events.c.finding, events.c.office, events.c.subject, events.c.at)
                               .where(events.c.id == event)).one_or_none()
            if row is None or row.finding is None:
                raise UnknownFinding(f"{event}: no such event in the ledger")
            allowed = CORRECTABLE.get(row.kind, ())
            for name, value in changes.items():
                if name not in allowed:
                    raise CaseError(f"changes.{name}", f"cannot be corrected on a {row.kind} event "
                                                       f"(correctable: {', '.join(allowed) or 'nothing'})")
                if name == "deadline":
                    deadline = _day(value, "changes.deadline")
                    if deadline < row.at:
                        raise CaseError("changes.deadline", f"{deadline} is before the action's date {row.at}")
                    self._after_decision(conn, event, row.finding, deadline)
                    changes = {**changes, name: deadline.isoformat()}
                if name == "subject_id":
                    changes = {**changes, name: normalise_id(str(value), "changes.subject_id")}
            if not changes:
                raise CaseError("changes", "nothing to correct")
            if merge and "subject_id" not in changes:
                raise CaseError("merge", "only a subject_id correction can merge subjects")
            refiled = refiling(conn, row.finding, changes["subject_id"], merge) if "subject_id" in changes else {}
            writer = ChainWriter(conn, row.office)
            ev = writer.append("correction", finding=row.finding, subject=row.subject, at=self.today(),
                               payload={"target": event, "changes": changes, "reason": reason, **refiled})
            refresh(conn, row.finding)
            writer.close()
        return ev.id

    # -- reading ---------------------------------------------------------------------------

    def history(self, subject: str | Subject, *, on: DateLike | None = None,
                office: str | None = None) -> tuple[HistoryEntry, ...]:
        """The HistoryEntry list decide() would get for this subject (an id, or a Subject),
        as known on ``on`` (default: everything recorded); ``office`` keeps only that office's
        actions (decide itself sees every office's)."""
        key, names, day = _lookup(subject, on)
        with translate_errors(self.url), self.engine.connect() as conn:
            return _history(conn, key, day, office, names)[0]

    def history_rows(self, subject: str | Subject, *, on: DateLike | None = None,
                     office: str | None = None) -> tuple[LedgerHistoryEntry, ...]:
        """``history`` as people read it: each entry with its finding, the subject's name on that
        finding, and ``weak`` where the finding was joined by name and address only."""
        key, names, day = _lookup(subject, on)
        with translate_errors(self.url), self.engine.connect() as conn:
            rows = _action_rows(conn, key, day, office, names)
            named = {f.id: f.subject_name for f in conn.execute(
                select(findings.c.id, findings.c.subject_name).where(findings.c.id.in_({r.finding for r in rows})))}
        return tuple(LedgerHistoryEntry(**dict(history_entry(r._asdict(), day)), finding=r.finding,
                                        subject_name=named[r.finding], weak=r.subject != key) for r in rows)

    def moved(self, subject_id: str) -> tuple[str, ...]:
        """The ids that findings recorded under ``subject_id`` were refiled to by a correction
        (full ids, first first): where its history went."""
        key = key_for_lookup(subject_id)
        f = findings.c
        with translate_errors(self.url), self.engine.connect() as conn:
            rows = conn.execute(select(f.subject).where(f.recorded_subject == key, f.subject != key)
                                .order_by(f.opened_on, f.id)).scalars()
            return tuple(dict.fromkeys(r.removeprefix("id:") for r in rows if r.startswith("id:")))

    def subject_links(self, subject_id: str) -> list[SubjectLink]:
        """What corrections did to this id: findings recorded under it and refiled under another,
        and findings refiled under it (from another id, or from a record made without one)."""
        key = key_for_lookup(subject_id)
        with translate_errors(self.url), self.engine.connect() as conn:
            return subject_links(conn, key)

    def due(self, on: DateLike, office: str | None = None, *, within_days: int = 0) -> list[Due]:
        """Open findings whose deadline passed before ``on`` without re-inspection, those whose
        party applied for a re-inspection by ``on``, and with ``within_days`` those falling due
        within that many days; each with the last day of its re-inspection window."""
        day = _day(on, "on")
        if within_days < 0:
            raise CaseError("within_days", f"{within_days} is negative")
        limit = day + dt.timedelta(days=within_days)
        f = findings.c
        query = select(f.id, f.subject, f.subject_name, f.weak, f.item, f.deadline, f.last_step, f.office,
                       f.applied_on)
        query = query.where(f.status == "open",
                            or_(f.deadline <= limit if within_days else f.deadline < day, f.applied_on <= day))
        if office:
            query = query.where(f.office == office)
        with translate_errors(self.url), self.engine.connect() as conn:
            rows = conn.execute(query.order_by(f.deadline, f.id)).all()
            cases = recorded_cases(conn, (r.id for r in rows))
        places = {finding: case.get("place") or {} for finding, case in cases.items()}
        return _DUE_LIST.validate_python([  # one validation call for the list: the cost is per row
            {"finding": r.id, "item": r.item, "deadline": r.deadline, "last_step": r.last_step, "office": r.office,
             "overdue": r.deadline < day, "subject": {"id": masked_key(r.subject), "name": r.subject_name, "weak": r.weak},
             "place": {"name": places.get(r.id, {}).get("name", ""), "address": places.get(r.id, {}).get("address", "")},
             "applied_on": r.applied_on, "reinspect_by": reinspect_by(self._ruleset, r.deadline, r.applied_on, day)}
            for r in rows
        ])

    def offices(self) -> list[str]:
        """The offices the ledger has a record of, by name."""
        with translate_errors(self.url), self.engine.connect() as conn:
            return list(conn.execute(select(chain_heads.c.office).order_by(chain_heads.c.office)).scalars())

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
            last_action=row.last_action, applied_on=row.applied_on,
            events=tuple(EventView(id=e.id, kind=e.kind, at=e.at, recorded_at=e.recorded_at,
                                   payload=_masked(e.payload)) for e in evs),
        )

    def render(self, finding: str, document: str, *, action: str | None = None, number: str | None = None,
               format: str = "html", fine: int | None = None, formal_warning: bool = False,
               date: DateLike | None = None) -> str | bytes:
        """A document issued through the ledger, filled with its number: the ``document`` of the
        finding's latest action or re-inspection that issued one (or of ``action``, or the one
        numbered ``number``), as HTML, text, DOCX or PDF. ``fine``/``formal_warning`` are the
        officer's choice on penalty documents (default: the fine recorded). ``date`` is the
        document's date: by default the action's, except for a general-procedure penalty
        decision, which follows its notice (dated the action's day) once the statement period has
        run. Every document of an action orders the deadline the ledger recorded for it (as
        corrected); every re-inspection has an inspection record that states that 复查: the
        record of the action it led to, or (rectified, or the deadline still running) its own."""
        from fireenforce.documents import render

        with translate_errors(self.url), self.engine.connect() as conn:
            evs = finding_events(conn, finding)
        if not evs:
            raise UnknownFinding(f"{finding}: no such finding in the ledger")
        doc = _issued(evs, document, action, number)
        state = replay(evs)
        if "action" not in doc.payload:  # a re-inspection's own record: the order's case and decision
            seen = recorded(evs, state, doc.payload["reinspection"], self._order_day(evs))
            if date is not None or fine is not None or formal_warning:
                raise LedgerError(f"--date/--fine/--formal-warning: the re-inspection record {doc.payload['number']} "
                                  f"is dated the re-inspection's day ({seen.on}) and imposes nothing")
            acted = order_of(state, next(e for e in evs if e.id == doc.payload["reinspection"]))
        else:
            acted = next(a for a in state.actions if a.id == doc.payload["action"])
        act = _action_event(evs, acted.id)
        case = _case_of(evs, act)
        recorded_fine, warned = act.payload.get("fine"), bool(act.payload.get("formal_warning"))
        imposed = "a formal warning" if warned else None if recorded_fine is None else f"{recorded_fine} yuan"
        asked = "a formal warning" if formal_warning else None if fine is None else f"{fine} yuan"
        if imposed is not None and asked is not None and asked != imposed:
            raise LedgerError(f"{'--formal-warning' if formal_warning else '--fine'}: the action "
                              f"{act.payload['action']} imposed {imposed}, as recorded; its documents carry that "
                              f"penalty, not {asked}")
        if asked is None and "penalty" in document:
            fine, formal_warning = recorded_fine, warned
        decision = Decision.model_validate(act.payload["decision"])
        follows_notice = document == "penalty_decision" and decision.procedure == "general"
        ruleset = self._ruleset(act.at)
        reinspection = seen if "action" not in doc.payload else reinspected(evs, state, acted, self._order_day(evs))
        if "action" not in doc.payload:
            day = seen.on
        elif date is not None:
            day = _day(date, "date")
        elif follows_notice:
            day = _decision_day(self._office(ruleset, case), ruleset, case, decision, fine)
        else:  # the notice and the inspection record are of the action's own day
            day = act.at
        return render(case, decision, document, fine=fine, formal_warning=formal_warning, format=format,
                      offices=self.offices_path, serial=doc.payload["serial"], ruleset=ruleset,
                      date=day, notice_date=act.at if follows_notice else None,
                      deadline=acted.deadline if decision.rectification.required else None,
                      reinspection=reinspection,
                      returned=returned_referrals(evs, state, acted) if document == "referral_letter" else (),
                      decided=self._decided(state.subject, case) if document == "referral_letter" else ())

    def _decided(self, key: str, case: Case) -> tuple[Decided, ...]:
        """The decision dates of the general-procedure penalties in ``case``'s history (each entry
        carries its notice's date, the action's): what a referral letter states they were imposed on."""
        noticed = {(h.date, h.item) for h in case.history if h.step == "penalty"}
        if not noticed:
            return ()
        names = _names(case.subject.name, case.subject.address)
        with translate_errors(self.url), self.engine.connect() as conn:
            rows = [r for r in _action_rows(conn, key, case.decision_date, None, names)
                    if r.step == "penalty" and (r.date, r.item) in noticed]
            found = {r.finding: finding_events(conn, r.finding) for r in rows}
        decided = []
        for row in rows:
            evs = found[row.finding]
            order = next(a for a in replay(evs).actions if a.id == row.id)
            day = self._order_day(evs)(order)
            if day != row.date:
                decided.append(Decided(noticed_on=row.date, item=row.item, decided_on=day))
        return tuple(decided)

    def events(self, office: str | None = None, *, since: DateLike | None = None, until: DateLike | None = None,
               kinds: Iterable[str] | None = None) -> Iterator[Event]:
        """The stored events in order, optionally of one office, kinds, and business dates
        ``since``..``until`` (inclusive), for reports. Unmasked: mask ids before showing them."""
        query = select(events).order_by(events.c.seq)
        if office is not None:
            query = query.where(events.c.office == office)
        if since is not None:
            query = query.where(events.c.at >= _day(since, "since"))
        if until is not None:
            query = query.where(events.c.at <= _day(until, "until"))
        if kinds is not None:
            query = query.where(events.c.kind.in_(list(kinds)))
        with translate_errors(self.url), self.engine.connect() as conn:
            for row in conn.execute(query.execution_options(yield_per=5000)):
                yield to_event(row)

    def verify(self) -> VerifyReport:
        """Recompute every office's hash chain, document number series and projection."""
        from fireenforce.ledger.verify import verify

        with translate_errors(self.url), self.engine.connect() as conn:
            return verify(conn)

    def rebuild(self) -> int:
        """Rewrite the current state (findings, actions) and the number counters from the events,
        holding every office meanwhile; returns the number of findings. The events and the chain
        heads are not touched, so ``verify`` still judges them."""
        from fireenforce.ledger.transfer import rebuild

        with translate_errors(self.url), writing(self.engine) as conn:
            return rebuild(conn)

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
        """The ruleset in force on ``day`` (cached in the process: loading checks every file)."""
        return ruleset_on(self.ruleset_path, day)

    def _office(self, ruleset: Ruleset, case: Case) -> Office:
        paths = [p for p in (Path(ruleset.path) / "offices.yaml", self.offices_path) if p is not None and p.is_file()]
        if self.offices_path is not None and not self.offices_path.is_file():
            raise LedgerError(f"--offices: {self.offices_path}: no such file")
        files = [(p, load_offices(p)) for p in paths]
        known = list(dict.fromkeys(name for _, data in files for name in _office_names(data)))
        if case.office.name not in known:  # a typo would otherwise open a chain of its own
            raise CaseError("office.name", f'unknown office "{case.office.name}"; known: {", ".join(known) or "none"}')
        return resolve_office(files, case.office.level, case.office.name, ruleset=ruleset, on=case.decision_date)

    def _not_in_future(self, case: Case) -> None:
        """The ledger records what has happened: no observation or decision after today."""
        for field, day in (("observed_on", case.observed_on), ("decided_on", case.decided_on)):
            if day is not None:
                self._happened(day, field)

    def _happened(self, day: dt.date, field: str) -> dt.date:
        """``day`` when it is not after today (the Ledger's ``today`` clock, the date in China), else
        refused on ``field``: every write records what has happened."""
        today = self.today()
        if day > today:
            raise CaseError(field, f"{day} is after today ({today}): the ledger records what has happened")
        return day

    def _office_of(self, conn: Connection, finding: str) -> str:
        office = conn.execute(select(findings.c.office).where(findings.c.id == finding)).scalar_one_or_none()
        if office is None:
            raise UnknownFinding(f"{finding}: no such finding in the ledger")
        return str(office)

    def _decide(self, conn: Connection, case: Case, key: str, ruleset: Ruleset, step: str | None,
                reason: str, fine: int | None, formal_warning: bool = False) -> _Choice:
        history, weak = _history(conn, key, case.decision_date, names=_names(case.subject.name, case.subject.address))
        known = case.model_copy(update={"history": history})
        decision = decide(known, ruleset=ruleset)
        departure = None
        if step is not None and step not in STEPS:
            raise CaseError("step", f"{step!r} is not one of {', '.join(STEPS)}")
        if step is not None and step != decision.step:
            if not reason.strip():
                raise CaseError("reason", f"departing from the suggested step {decision.step} to {step} "
                                          "needs a written reason")
            departure = Departure(suggested=decision.step, chosen=step, reason=reason)
            decision = decide(known, ruleset=ruleset, step=step)  # the step taken, decided as the law has it
        elif reason.strip():
            raise CaseError("reason", f"a reason records a departure, but the step {decision.step} is the suggested "
                                      "one" if step else "a reason records a departure: give the step taken (--step)")
        return _Choice(decision, departure, history, fine, formal_warning, weak)

    def _after_decision(self, conn: Connection, event: str, finding: str, deadline: dt.date) -> None:
        """A general-procedure penalty's deadline is a day after its decision's date (the ledger's,
        after the notice's periods): the decision orders correction by a day still to come."""
        evs = finding_events(conn, finding)
        act = next(e for e in evs if e.id == event)
        order = next(a for a in replay(evs).actions if a.id == act.payload["action"])
        decided = self._order_day(evs)(order)
        if decided != order.date and deadline <= decided:
            raise CaseError("changes.deadline", f"{deadline} is not after the date of the penalty decision that "
                                                f"orders it ({decided}): the decision cannot order a correction by "
                                                "its own day or an earlier one")

    def _order_day(self, evs: list[Event]) -> Callable[[ActionState], dt.date]:
        """The date of the document that gave an action's order: the action's, or for a
        general-procedure penalty its decision's (after the notice's periods, as the ledger dated it)."""
        def dated(order: ActionState) -> dt.date:
            if not any(d["type"] == "penalty_decision" for d in order.documents):
                return order.date
            act = _action_event(evs, order.id)
            case, ruleset = _case_of(evs, act), self._ruleset(act.at)
            return _decision_day(self._office(ruleset, case), ruleset, case,
                                 Decision.model_validate(act.payload["decision"]), act.payload.get("fine"))
        return dated

    def _reinspection_record(self, writer: ChainWriter, evs: list[Event], state: FindingState, seen: Event,
                             issued: tuple[IssuedDocument, ...] | None = None) -> ReinspectionRef:
        """The re-inspection ``seen`` with its 检查记录: ``issued`` (an action's that records it),
        else a numbered one of its own (the finding's office, numbered in the re-inspection's year)."""
        day, ruleset = seen.at, self._ruleset(seen.at)
        if issued is None:
            office = self._office(ruleset, parse_case(evs[0].payload["case"]))
            serial = writer.next_serial("inspection_record", day.year)
            number = document_number(office, "inspection_record", day.year, serial)
            writer.append("document", finding=seen.finding, subject=seen.subject, at=day, payload={
                "reinspection": seen.id, "type": "inspection_record", "year": day.year, "serial": serial,
                "number": number})
            issued = (IssuedDocument(type="inspection_record", number=number),)
        return ReinspectionRef(event=seen.id, on=day, rectified=seen.payload["rectified"], documents=issued,
                               doubts=reinspection_doubts(ruleset, order_of(state, seen).step))

    def _act(self, writer: ChainWriter, finding: str, key: str, case: Case, choice: _Choice, officer: str,
             office: Office, renamed: str | None = None, reidentified: str | None = None,
             reinspection: str | None = None) -> Record:
        """Append the action, its numbered documents and what follows from the step (``renamed``,
        ``reidentified``: the subject's name and id as corrected since the finding, which the
        action's documents carry; ``reinspection``: the failed re-inspection the action follows,
        which its inspection record also records)."""
        decision, departure = choice.decision, choice.departure
        step = decision.step
        action, day = new_id("A"), case.decision_date
        deadline = decision.rectification.deadline if decision.rectification.required else None
        types = _issued_types(decision, choice.fine)
        ruleset = self._ruleset(day)
        if deadline is not None and "penalty_decision" in types:  # the period runs from the decision's date
            deadline += _decision_day(office, ruleset, case, decision, choice.fine) - day
        assumed = ruleset.policy.spec.procedure.notice_served_doubt if "penalty_decision" in types else None
        hearing = hearing_due(ruleset, case, decision, choice.fine) if "penalty_notice" in types else None
        unheard = no_hearing_reason(ruleset, case, decision, choice.fine) if hearing is False and \
            decision.hearing_right else None
        doubts = (Doubt(code=assumed.code, text=assumed.text),) if assumed is not None else ()
        writer.append("action", finding=finding, subject=key, at=day, payload={
            "action": action, "item": decision.item.code, "step": step, "deadline": deadline and deadline.isoformat(),
            "decision": decision.model_dump(mode="json"), "ruleset": decision.ruleset.model_dump(mode="json"),
            "history": [h.model_dump(mode="json") for h in choice.history],
            "departure": departure and departure.model_dump(mode="json"), "officer": officer,
            "issued_by": _issued_by(office, step), **({"fine": choice.fine} if choice.fine is not None else {}),
            **({"formal_warning": True} if choice.formal_warning else {}),
            **({"subject_name": renamed} if renamed is not None else {}),
            **({"subject_id": reidentified} if reidentified is not None else {}),
            **({"weak_matches": list(choice.weak_matches)} if choice.weak_matches else {}),
            **({"doubts": [d.model_dump(mode="json") for d in doubts]} if doubts else {}),
            **({"hearing_right": hearing} if hearing is not None else {}),
            **({"hearing_reason": unheard.model_dump(mode="json")} if unheard is not None else {}),
        })
        issued = []
        for doc_type in types:
            series = number_series(office, doc_type)
            serial = writer.next_serial(series, day.year)
            number = document_number(office, doc_type, day.year, serial)
            writer.append("document", finding=finding, subject=key, at=day, payload={
                "action": action, "type": doc_type, "year": day.year, "serial": serial, "number": number,
                **({"reinspection": reinspection} if reinspection and doc_type == "inspection_record" else {}),
                **({"series": series} if series != doc_type else {})})
            issued.append(IssuedDocument(type=doc_type, number=number))
        if step == "referral":
            writer.append("referral_sent", finding=finding, subject=key, at=day,
                          payload={"action": action, "to": _referred_to(decision, office)})
        elif deadline is None:  # nothing left to rectify (the conduct has ended)
            writer.append("closure", finding=finding, subject=key, at=day, payload={"reason": "no_rectification"})
        new = [e for e in writer.appended if e.finding == finding]
        state = refresh(writer.conn, finding, new if new[0].kind == "finding" else None)
        return Record(
            finding=finding, action=action, status=state.status, decision=decision,  # type: ignore[arg-type]
            documents=tuple(issued), deadline=state.deadline, step=step,
            subject=_subject_ref(key, state.subject_name, state.weak), departure=departure, fine=choice.fine,
            formal_warning=choice.formal_warning, weak_matches=choice.weak_matches, doubts=doubts,
            hearing_right=hearing, hearing_reason=unheard,
        )


def _decision_day(office: Office, ruleset: Ruleset, case: Case, decision: Decision, fine: int | None) -> dt.date:
    """The date of the document that orders the correction: the action's, or for a general
    procedure the penalty decision's, once its notice (dated the action's day) has run, with the
    hearing period where the penalty imposed (``fine``, as recorded) gives a hearing right."""
    day = case.decision_date
    if decision.procedure == "general" and "penalty_decision" in decision.documents:
        return after_notice(office, ruleset.calendar, day, hearing_due(ruleset, case, decision, fine))
    return day


def _referral_state(state: FindingState) -> str:
    """Where a finding stands on referral, in the office's terms (已移交, 已接收, 已退回, 待整改复查)."""
    answer = state.referral.get("answer")
    if answer is None:
        return f"the finding is {STATUS_LABELS[state.status]}, not 已移交 (referred)"
    said = f"the referral to {state.referral.get('label')} was {ANSWER_LABELS[answer]} on {state.referral['answered_on']}"
    return said if state.status == "referred" else f"{said}; the finding is {STATUS_LABELS[state.status]}"


def _office_names(data: OfficesFile) -> list[str]:
    """The offices an ``offices.yaml`` names: its named offices and the names its levels give."""
    levels = [data.defaults, *data.levels.values()]
    return [*data.offices, *(entry.name for entry in levels if entry.name)]


def _referred_to(decision: Decision, office: Office) -> str:
    """Whom a referral goes to: the office's own brigade by name, another authority by its code."""
    to = decision.referral_to
    return office.brigade if to in (None, "brigade") else to


def _issued_types(decision: Decision, fine: int | None) -> tuple[DocumentType, ...]:
    """The documents an action issues: where a penalty may take either procedure and the fine is
    known, only those of the procedure it takes (on the spot up to the decision's limit, penalty-law
    art. 51), so no number goes to a document that will never exist."""
    docs = decision.documents
    if fine is None or not {"summary_penalty_decision", "penalty_notice"} <= set(docs):
        return docs
    on_the_spot = decision.summary_limit is not None and fine <= decision.summary_limit
    dropped = {"penalty_notice", "penalty_decision"} if on_the_spot else {"summary_penalty_decision"}
    return tuple(d for d in docs if d not in dropped)


def _issued(evs: list[Event], document: str, action: str | None, number: str | None) -> Event:
    """The ``document`` event of a finding: the latest, or that of ``action``, or numbered ``number``."""
    issued = [e for e in evs if e.kind == "document" and e.payload["type"] == document
              and (action is None or e.payload.get("action") == action)
              and (number is None or e.payload["number"] == number.strip())]
    if not issued:
        kinds = sorted({f"{e.payload['type']} {e.payload['number']}" for e in evs if e.kind == "document"})
        which = f" numbered {number}" if number is not None else f" of action {action}" if action is not None else ""
        raise LedgerError(f"--document: {evs[0].finding} has no {document}{which} issued through the ledger "
                          f"(issued: {', '.join(kinds) or 'none'})")
    return issued[-1]


def _action_event(evs: list[Event], action: str) -> Event:
    return next(e for e in evs if e.kind == "action" and e.payload["action"] == action)


def _case_of(evs: list[Event], act: Event) -> Case:
    """The case an action decided, with the subject's name and id as corrected since the finding
    and the history it was decided on."""
    case = parse_case(action_case(evs[0].payload, act.at, first=act is _first_action(evs),
                                  name=act.payload.get("subject_name"), subject_id=act.payload.get("subject_id")))
    return case.model_copy(update={"history": tuple(HistoryEntry.model_validate(h) for h in act.payload["history"])})


def _first_action(evs: list[Event]) -> Event:
    return next(e for e in evs if e.kind == "action")


def _stored_record(evs: list[Event], *, first: bool) -> Record:
    """The Record of a finding's first (or latest) action, as stored."""
    state = replay(evs)
    act = _first_action(evs) if first else [e for e in evs if e.kind == "action"][-1]
    p = act.payload
    action = next(a for a in state.actions if a.id == p["action"])
    return Record(
        finding=state.id, action=action.id, status=state.status,  # type: ignore[arg-type]
        decision=Decision.model_validate(p["decision"]), deadline=state.deadline, step=action.step,  # type: ignore[arg-type]
        documents=tuple(IssuedDocument(type=d["type"], number=d["number"]) for d in action.documents),
        subject=_subject_ref(state.subject, state.subject_name, state.weak), fine=action.fine,
        departure=Departure.model_validate(p["departure"]) if p.get("departure") else None,
        formal_warning=bool(p.get("formal_warning")), weak_matches=tuple(p.get("weak_matches", ())),
        doubts=tuple(Doubt.model_validate(d) for d in p.get("doubts", ())), hearing_right=p.get("hearing_right"),
        hearing_reason=Reason.model_validate(p["hearing_reason"]) if p.get("hearing_reason") else None,
    )


UNNAMED_OFFICER = ("officer: not named: the 检查记录 of this re-inspection leaves 检查人员 blank (the record of the "
                   "enforcement names who acted; give --officer NAME)")


def require_officer(officer: str) -> None:
    """Refuse an empty ``officer``: the 执法全过程记录 and the 检查记录 it issues name who acted."""
    if not officer.strip():
        raise CaseError("officer", "missing: the record of the enforcement (执法全过程记录) names the acting "
                                   "officer(s)")


def _same_request(evs: list[Event], case: dict[str, Any], officer: str, step: str | None, reason: str,
                  sanction: tuple[int | None, bool], separate: str) -> bool:
    """Whether a repeated ``source`` key carries the request it first recorded (``sanction``:
    the fine and the formal warning asked for)."""
    found, act = evs[0].payload, _first_action(evs).payload
    departure = act.get("departure") or {}
    return (found["case"] == case and found.get("officer", "") == officer
            and (act.get("fine"), bool(act.get("formal_warning"))) == sanction
            and step in (None, act["step"]) and reason.strip() == departure.get("reason", "").strip()
            and separate.strip() == (found.get("separate") or {}).get("reason", "").strip())


def _check_sanction(decision: Decision, fine: int | None, formal_warning: bool) -> None:
    """What a penalty imposes is part of the recorded action, so its documents can carry nothing
    else: a penalty that provides a fine takes the fine (within the statutory range) or, where
    the law offers a formal warning instead (one of them), that warning; no other step takes either."""
    step, penalty = decision.step, decision.penalty
    imposing = step == "penalty" and penalty is not None and penalty.available
    fines = imposing and penalty is not None and penalty.fine is not None and "fine" in penalty.kinds
    warns = imposing and penalty is not None and "formal_warning" in penalty.kinds
    provided = "、".join(penalty.kinds) if penalty and penalty.kinds else "no penalty"
    if fine is not None and not fines:
        raise CaseError("fine", f"a fine is recorded only with a penalty that includes one "
                                f"(the step is {step}; the law provides {provided})")
    if formal_warning and not warns:
        raise CaseError("formal_warning", f"a formal warning is recorded only with a penalty that provides one "
                                          f"(the step is {step}; the law provides {provided})")
    if penalty is None or not fines or penalty.fine is None:
        return
    low, high = max(penalty.fine.min, 1), penalty.fine.max
    instead = warns and penalty.choice == "one"
    if fine is None and not (instead and formal_warning):
        raise FineRequired(f"missing: the step is a penalty with a fine of {low}–{high} yuan; record the fine imposed "
                           f"(--fine N{', or --formal-warning for a warning instead' if instead else ''})",
                           decision=decision)
    if fine is not None and formal_warning and instead:
        raise CaseError("formal_warning", "the law provides a formal warning or a fine, one of them: not both")
    if fine is not None and not low <= fine <= high:
        raise CaseError("fine", f"{fine} yuan is outside the legal range {low}–{high} yuan")


def _issued_by(office: Office, step: str) -> str:
    """``fire_rescue`` when the act is the fire-rescue agency's: a brigade's own, or a penalty an
    office imposes in the agency's name under entrustment (委托); else the office's own act."""
    if office.level == "brigade" or (step == "penalty" and office.acting_in_name_of):
        return "fire_rescue"
    return "office"


_HISTORY = select(actions.c.date, actions.c.item, actions.c.step, actions.c.deadline, actions.c.rectified,
                  actions.c.reinspected_on, actions.c.officer, actions.c.office, actions.c.issued_by,
                  actions.c.seq, actions.c.finding, actions.c.subject, actions.c.id)


def _history(conn: Connection, key: str, as_of: dt.date | None = None, office: str | None = None,
             names: Iterable[str] = ()) -> tuple[tuple[HistoryEntry, ...], tuple[str, ...]]:
    """The subject's actions up to ``as_of`` (all without it), as decide reads them, and the
    findings joined to them by name and address only (a weak match)."""
    rows = _action_rows(conn, key, as_of, office, names)
    weak = tuple(dict.fromkeys(r.finding for r in rows if r.subject != key))
    return tuple(history_entry(r._asdict(), as_of) for r in rows), weak


def _action_rows(conn: Connection, key: str, as_of: dt.date | None, office: str | None,
                 names: Iterable[str]) -> list[Any]:
    """The subject's action rows in order (see ``state.joins``): an id takes its own findings and
    the no-id findings under its ``names`` and its own findings' names; a name and address takes
    every finding of that name and address."""
    a = actions.c
    if key.startswith("id:"):
        own = set(conn.execute(select(findings.c.name_key).where(findings.c.subject == key).distinct()).scalars())
        joined = sorted((set(names) | own) - {None})
        queries = [_HISTORY.where(a.subject == key)]
        if joined:
            queries.append(_HISTORY.where(a.name_key.in_(joined), a.subject.startswith("na:")))
    else:
        queries = [_HISTORY.where(a.name_key == key)]
    rows: list[Any] = []
    for query in queries:
        if as_of is not None:
            query = query.where(a.date <= as_of)
        if office is not None:
            query = query.where(a.office == office)
        rows.extend(conn.execute(query))
    rows.sort(key=lambda r: (r.date, r.seq))
    return rows


def _lookup(subject: str | Subject, on: DateLike | None) -> tuple[str, tuple[str, ...], dt.date | None]:
    """A history lookup's subject key, the name keys it joins, and its day."""
    names = _names(subject.name, subject.address) if isinstance(subject, Subject) else ()
    return key_for_lookup(subject), names, _day(on, "on") if on is not None else None


def _other_names(conn: Connection, key: str, name: str) -> tuple[str, ...]:
    """A warning when the ledger holds the subject's id under another name: one id, two names is a
    mistyped id or a renamed subject, for the officer to check (both names stay on record)."""
    if not key.startswith("id:"):
        return ()
    recorded = conn.execute(select(findings.c.subject_name).where(findings.c.subject == key).distinct()).scalars()
    others = sorted({n for n in recorded if normalise_text(n) != normalise_text(name)})
    if not others:
        return ()
    return (f"subject.name: {masked_key(key)} is on record under another name: {'、'.join(others)} (now {name}); "
            "check the id, or correct the name (ledger correct)",)


def _names(name: str, address: str) -> tuple[str, ...]:
    key = name_key(name, address)
    return (key,) if key is not None else ()


def _subject_ref(key: str, name: str, weak: bool) -> SubjectRef:
    return SubjectRef(id=masked_key(key), name=name, weak=weak)


def _masked(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload with the subject's ids masked: the finding event's case, an action's corrected
    id, a correction's new id and the key it left."""
    out = dict(payload)
    case = payload.get("case")
    if isinstance(case, dict) and case.get("subject", {}).get("id"):
        out["case"] = {**case, "subject": {**case["subject"], "id": mask_id(str(case["subject"]["id"]))}}
    if payload.get("subject_id"):
        out["subject_id"] = mask_id(str(payload["subject_id"]))
    changes = payload.get("changes")
    if isinstance(changes, dict) and changes.get("subject_id"):
        out["changes"] = {**changes, "subject_id": mask_id(str(changes["subject_id"]))}
    if str(payload.get("from", "")).startswith("id:"):
        out["from"] = masked_key(payload["from"])
    return out


def _day(value: DateLike, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CaseError(field, f"{value!r} is not a date (expected YYYY-MM-DD)") from None


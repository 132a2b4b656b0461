"""Render one legal document for a case and its decision, refusing what does not fit."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal, TypedDict, Unpack, overload
from pathlib import Path
from jinja2 import TemplateError

from fireenforce.dates import WorkingCalendar
from fireenforce.documents.context import (
    KIND_LABELS, PENALTY_DOCUMENTS, TITLES, Decided, PolicyBasis, Reinspected, Returned, Sanction, UnheededOrder,
    build_context, citation, in_agency_name, reinspection_doubts,
)
from fireenforce.documents.hearing import hearing_due, imposed_others, penalised_kind
from fireenforce.documents.numerals import number
from fireenforce.documents.environment import environment, templates_dir
from fireenforce.documents.inputs import day_of, decision_of, flag, path_of, whole
from fireenforce.documents.offices import Office, after_notice, load_offices, resolve_office
from fireenforce.documents.pdf import pdf_of
from fireenforce.documents.printable import refuse_unprintable
from fireenforce.engine.decide import order_deadline
from fireenforce.engine.entrusted import HOLDING  # the office's own competence
from fireenforce.errors import CaseError, DocumentError, field_path
from fireenforce.model import Case, Decision, Doubt, LegalBasis, Penalty
from fireenforce.model.case import parse_case
from fireenforce.model.enums import DOCUMENT_TYPES, DocumentType
from fireenforce.resources import data_dir
from fireenforce.ruleset.compiled import Ruleset

OUTPUT_FORMATS = ("html", "text", "docx", "pdf")
WHAT_IF_DOUBT = "DOUBT-WHAT-IF"  # the doubt decide(..., what_if=True) adds
CaseInput = Case | dict[str, Any] | str
DecisionInput = Decision | dict[str, Any] | str
DateInput = dt.date | str | None


class Options(TypedDict, total=False):
    """The keyword options of :func:`render` other than ``format``."""

    fine: int | None
    formal_warning: bool
    offices: str | Path | None
    serial: int | None
    ruleset: Ruleset | None
    date: DateInput
    notice_date: DateInput
    deadline: DateInput
    reinspection: Reinspected | None
    returned: tuple[Returned, ...]
    decided: tuple[Decided, ...]


@overload
def render(case: CaseInput, decision: DecisionInput, document: str, *, format: Literal["html", "text"] = "html",
           **options: Unpack[Options]) -> str: ...
@overload
def render(case: CaseInput, decision: DecisionInput, document: str, *, format: Literal["docx", "pdf"],
           **options: Unpack[Options]) -> bytes: ...
@overload
def render(case: CaseInput, decision: DecisionInput, document: str, *, format: str,
           **options: Unpack[Options]) -> str | bytes: ...


def render(
    case: CaseInput,
    decision: DecisionInput,
    document: str,
    *,
    fine: int | None = None,
    formal_warning: bool = False,
    format: str = "html",
    offices: str | Path | None = None,
    serial: int | None = None,
    ruleset: Ruleset | None = None,
    date: DateInput = None,
    notice_date: DateInput = None,
    deadline: DateInput = None,
    reinspection: Reinspected | None = None,
    returned: tuple[Returned, ...] = (),
    decided: tuple[Decided, ...] = (),
) -> str | bytes:
    """The filled ``document`` (a type id of docs/contract.md) as HTML or plain text (``str``),
    or as DOCX or PDF (``bytes``).

    ``case`` is the case ``decision`` was made for (checked by its digest); ``decision`` a
    Decision, its dict or its JSON text, never a what-if one; ``fine``/
    ``formal_warning`` are the officer's choice on penalty documents; ``offices`` a file
    overriding the ruleset's ``offices.yaml``; ``serial`` the document's number (blank without
    it); ``date`` the document date, a date or ``"YYYY-MM-DD"`` (default: the case's decision
    date; for a general-procedure penalty decision, the first day after the statement period of
    its notice); ``notice_date`` the date of that 行政处罚告知书 (default: the decision date);
    ``deadline`` the correction deadline as recorded (the ledger's, so that every document of an
    action orders the same day; default: the decision's period counted from the document's date,
    for a 行政处罚告知书 from the date its decision takes by default, so the two order one day);
    ``reinspection`` the re-inspection (复查) the document records, if it follows one;
    ``returned`` the earlier referrals of the case the receiving organ sent back (a referral
    letter sending it again states them); ``decided`` the dates of the 行政处罚决定书 of
    general-procedure penalties in the case's history, whose entries carry their notice's date
    (a referral letter states the decision's).
    Raises :class:`DocumentError` for a document, choice or configuration that does not fit.
    """
    case = parse_case(case)
    decision = decision_of(decision)
    fine, serial = whole("fine", fine, "the fine in yuan"), whole("serial", serial, "the serial number")
    formal_warning = flag("formal_warning", formal_warning)
    date, notice_date, deadline = day_of("date", date), day_of("notice_date", notice_date), day_of("deadline", deadline)
    if reinspection is not None and not isinstance(reinspection, Reinspected):
        raise DocumentError(f"reinspection: {type(reinspection).__name__} given; expected a Reinspected")
    if not all(isinstance(r, Returned) for r in returned):
        raise DocumentError("returned: expected Returned entries (earlier referrals sent back)")
    if not all(isinstance(d, Decided) and d.decided_on >= d.noticed_on for d in decided):
        raise DocumentError("decided: expected Decided entries (penalty decisions, dated on or after their notices)")
    offices = path_of("offices", offices)
    if ruleset is not None and not isinstance(ruleset, Ruleset):
        raise DocumentError(f"ruleset: {type(ruleset).__name__} given; expected a Ruleset (fireenforce.load_ruleset)")
    if any(doubt.code == WHAT_IF_DOUBT for doubt in decision.doubts):
        raise DocumentError("decision: a what-if decision (DOUBT-WHAT-IF) is hypothetical and cannot become a "
                            "legal document; decide the case under the version in force on its date")
    refuse_unprintable(case.model_dump(mode="json"))
    if decision.case_digest != case.digest:
        raise DocumentError("decision: it was made for another case (its case_digest differs); "
                            "decide this case and render with that decision")
    if format not in OUTPUT_FORMATS:
        raise DocumentError(f"--format: {format!r} is not one of {', '.join(OUTPUT_FORMATS)}")
    rs = _verified(case, decision, ruleset)
    kind = _document_type(document, decision)
    sanction = _sanction(kind, decision, fine, formal_warning)
    if sanction is not None:
        _party_known(case, decision, kind)
    if kind == "summary_penalty_decision" and sanction is not None:
        _fits_summary(rs, case, decision, sanction)
    if serial is not None and not 1 <= serial <= 9999:
        raise DocumentError(f"--serial: {serial} is not a four-digit serial (1–9999)")
    needs: tuple[str, ...] = ("bank", "account_name", "account") if sanction and sanction.fine is not None else ()
    if kind in PENALTY_DOCUMENTS:
        needs += ("review_body", "court")
    office = _office(case, decision, rs, offices, needs)
    hearing = decision.hearing_right
    if kind in PENALTY_DOCUMENTS:
        hearing = kind != "summary_penalty_decision" and sanction is not None and \
            hearing_due(rs, case, decision, sanction.fine)
    day = _document_date(case, kind, office, rs.calendar, date, notice_date, hearing)
    if deadline is not None and kind != "inspection_record":  # a 复查's record comes later
        _before_deadline(day, deadline, own=decision.reinspection is None)
    if kind in PENALTY_DOCUMENTS and day != case.decision_date:  # the form and 委托书 of the document's own day
        office = _office(case, decision, rs, offices, needs, day)
        _within_entrustment(office, kind, decision, sanction, day)
    ordering = day
    if kind == "penalty_notice" and "penalty_decision" in decision.documents:  # the decision that follows orders
        ordering = after_notice(office, rs.calendar, day, hearing, "date" if date else "decided_on")
    decision = _ordered_from(decision, case.decision_date, ordering, deadline)
    corrected = decision.rectification.deadline
    from_decision = (corrected - ordering).days if ordering != day and corrected is not None and \
        decision.reinspection is None else None
    quotes = _quotes(rs, office.terms.quotes, day) if kind in PENALTY_DOCUMENTS else {}
    checked = _reinspection_basis(rs, reinspection) if reinspection else ()
    context = build_context(case, decision, kind, office, sanction=sanction, serial=serial, date=day, quotes=quotes,
                            grounds=_grounds(rs, decision, kind), hearing_right=hearing,
                            completed=rs.items[decision.item.code].completed,
                            general_duty=rs.items[decision.item.code].spec.duty == "general",
                            orders=_unheeded_orders(rs, case, decision) if kind in PENALTY_DOCUMENTS else (),
                            reinspection=reinspection, reinspection_basis=checked, returned=tuple(returned),
                            decided=tuple(decided), from_decision=from_decision)
    refuse_unprintable(context)
    if format == "docx":
        from fireenforce.documents.docx import render_docx  # docxtpl is slow to import; most renders are HTML

        return render_docx(_fill(kind, "docx", context), context, templates_dir())
    text = _fill(kind, "text" if format == "text" else "html", context)
    if format == "pdf":
        return pdf_of(text)
    return _tidy(text) if format == "text" else text


def _fill(kind: str, format: str, context: dict[str, Any]) -> str:
    try:
        return environment(format).get_template(f"{kind}.j2").render(context)
    except TemplateError as exc:
        raise DocumentError(f"template {kind}.j2 ({format}): {exc}") from None


def _before_deadline(day: dt.date, deadline: dt.date, *, own: bool) -> None:
    """A document never orders a correction by a day already past, nor (``own``: the order is its
    decision's, not an earlier one still running) by its own day: the deadline is the last day the
    party may still correct, so an order dated on it would leave no time to correct; a penalty
    decision for not correcting comes only after that day."""
    if day > deadline or (own and day == deadline):
        when = "after" if day > deadline else "on"
        raise DocumentError(f"date: {day} is {when} the correction deadline {deadline} the document orders, the "
                            "last day the party may still correct; date it before the deadline, or correct the "
                            "deadline first (ledger correct)")


def _document_date(case: Case, kind: str, office: Office, calendar: WorkingCalendar, date: dt.date | None,
                   notice_date: dt.date | None, hearing: bool) -> dt.date:
    """The document's date: never before the inspection; a general-procedure penalty decision
    only after the statement (and hearing request) period its notice gives (penalty-law art. 44–45,
    63–64; the periods are the ruleset's ``offices.yaml`` terms, the hearing request's in working
    days of the ruleset's ``calendar``, art. 85)."""
    observed = case.observed_on
    for name, value in (("notice_date", notice_date), ("date", date)):
        if value is not None and value < observed:
            raise DocumentError(f"{name}: {value} is before the inspection (observed_on {observed})")
    if kind != "penalty_decision":
        if notice_date is not None:
            raise DocumentError(f"notice_date: only a general-procedure penalty_decision follows a notice, not {kind}")
        return date or case.decision_date
    terms = office.terms
    notice = notice_date or case.decision_date
    earliest = after_notice(office, calendar, notice, hearing, "notice_date" if notice_date else "decided_on")
    if date is not None and date < earliest:
        periods = (f"{terms.statement_days} days for statements (the office's terms: {terms.statement_basis} "
                   "gives the right, not the number of days)") + (
            f" and {terms.hearing_request_days} working days for a hearing request ({terms.hearing_basis})"
            if hearing else "")
        raise DocumentError(f"date: {date} is within the periods the notice of {notice} gives ({periods}); "
                            f"the decision may be dated {earliest} or later")
    return date or earliest


def _ordered_from(decision: Decision, decided: dt.date, day: dt.date, recorded: dt.date | None) -> Decision:
    """The decision as a document of ``day`` orders it: by the ``recorded`` deadline where the
    ledger gives one (every document of an action then orders the same day); else the correction
    period runs from the document's own date (a decision that follows its notice orders
    correction from its date, not the notice's). A re-inspection's deadline is the earlier
    order's and stays."""
    deadline = decision.rectification.deadline
    if recorded is not None:
        if deadline is None:
            raise DocumentError(f"deadline: {recorded} given, but this decision orders no correction")
        if recorded < decided:
            raise DocumentError(f"deadline: {recorded} is before the decision date {decided}")
        deadline = recorded
    elif deadline is None or day == decided or decision.reinspection is not None:
        return decision
    else:
        deadline = day + (deadline - decided)
    if deadline == decision.rectification.deadline:
        return decision
    moved = decision.rectification.model_copy(update={"deadline": deadline})
    return decision.model_copy(update={"rectification": moved})


def _grounds(ruleset: Ruleset, decision: Decision, kind: str) -> list[str]:
    """The reasons a document states: why this step (the step table's rule) and, on a referral
    letter, why the office may not act itself. Working notes of the engine (suggested ranges,
    the office's own competence, procedure choice) stay out of legal documents."""
    table = set(ruleset.policy.step_table.rule_ids())
    keep = {r.rule for r in decision.reasons if r.rule in table or r.rule.startswith("advice.")}
    if kind == "referral_letter":
        keep |= {r.rule for r in decision.reasons if r.rule.startswith("power.") and r.rule not in HOLDING}
    return [r.text for r in decision.reasons if r.rule in keep]


def _verified(case: Case, decision: Decision, ruleset: Ruleset | None) -> Ruleset:
    """The ruleset ``decision`` was made by (``ruleset``, or the bundled version it names),
    having decided ``case`` again with it: a document states what the law decides for the case,
    never an edited decision (decide is deterministic and fast, so this costs little)."""
    ref = decision.ruleset
    made_by = f"ruleset {ref.id} {ref.version} ({ref.digest})"
    if ruleset is None:
        folder = data_dir("rulesets") / ref.id / ref.version
        if not folder.is_dir():
            raise DocumentError(f"decision: made by {made_by}, which is not bundled; pass the ruleset it was made by")
        from fireenforce.ruleset.load import load_version

        ruleset = load_version(folder)
    if ruleset.digest != ref.digest:
        raise DocumentError(f"decision: made by {made_by}, not by ruleset {ruleset.id} {ruleset.version} "
                            f"({ruleset.digest}); render with the ruleset the decision was made by")
    from fireenforce.engine.decide import DEPARTURE, decide

    departed = any(r.rule == DEPARTURE for r in decision.reasons)  # an officer's departure: decide its step
    try:
        fresh = decide(case, ruleset, step=decision.step if departed else None)
    except CaseError as exc:
        raise DocumentError(f"decision: ruleset {ruleset.id} {ruleset.version} does not decide this case ({exc})") from None
    differing = _first_difference(decision.model_dump(mode="json"), fresh.model_dump(mode="json"))
    if differing is not None:
        raise DocumentError(f"decision.{differing}: differs from what ruleset {ruleset.id} {ruleset.version} "
                            "decides for this case; render the decision decide returns, unedited")
    return ruleset


def _first_difference(given: Any, fresh: Any, path: tuple[str | int, ...] = ()) -> str | None:
    """The path of the first field where two decision dumps differ (None when equal)."""
    if isinstance(given, dict) and isinstance(fresh, dict):
        for key in dict.fromkeys([*given, *fresh]):
            found = _first_difference(given.get(key), fresh.get(key), (*path, key))
            if found is not None:
                return found
        return None
    if isinstance(given, list) and isinstance(fresh, list):
        for index, (one, other) in enumerate(zip(given, fresh)):
            found = _first_difference(one, other, (*path, index))
            if found is not None:
                return found
        return None if len(given) == len(fresh) else field_path((*path, min(len(given), len(fresh))))
    return None if given == fresh else field_path(path)


def _quotes(ruleset: Ruleset, cites: dict[str, str], day: dt.date,
            where: str = "offices.yaml terms.quotes.") -> dict[str, LegalBasis]:
    """The provisions a document quotes, as the ruleset has them on ``day`` (``where`` names the
    setting that asks for them)."""
    out = {}
    for name, cite in cites.items():
        basis = ruleset.provisions.basis(cite, "procedure", day)
        if basis is None:
            raise DocumentError(f"{where}{name}: {cite} is not in ruleset "
                                f"{ruleset.id} {ruleset.version} on {day}")
        out[name] = basis
    return out


def _reinspection_basis(rs: Ruleset, seen: Reinspected) -> tuple[LegalBasis, ...] | PolicyBasis:
    """What a re-inspection record states as its basis: for a written order, the provisions on
    re-inspection (``ladder.yaml`` ``reinspection.cites``) as the ruleset has them that day; for a
    reminder's oral order, which those provisions do not govern, the local policy
    (``oral_reinspection``) and its doubt."""
    ladder = rs.policy.spec.ladder
    doubts = reinspection_doubts(rs, seen.step)
    if doubts:
        oral = ladder.oral_reinspection.policy
        return PolicyBasis(label=oral.label, text=oral.text.format(days=number(ladder.reminder_days)), doubt=doubts[0])
    cites = {f"[{i}]": c for i, c in enumerate(ladder.reinspection.cites)}
    return tuple(_quotes(rs, cites, seen.on, "policy/ladder.yaml reinspection.cites").values())


def _tidy(text: str) -> str:
    """Plain text: no trailing spaces, at most one blank line in a row."""
    lines = (line.rstrip() for line in text.strip("\n").splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _unheeded_orders(rs: Ruleset, case: Case, decision: Decision) -> tuple[UnheededOrder, ...]:
    """The written orders whose unheeded deadline makes the penalty's precondition (逾期不改正,
    拒不改正, 经消防救援机构通知) an element of the offence: a penalty document states them as facts
    (行政处罚法 art. 59: the facts of the violation). Only agency notices count for ``notice``; for
    ``refusal`` an order still running counts where the subject refused (``facts.refused``)."""
    penalty = decision.penalty
    if penalty is None or not penalty.precondition or not penalty.precondition_met:
        return ()
    item, day = rs.items[decision.item.code], case.decided_on or case.observed_on
    orders = []
    for entry in sorted(case.history, key=lambda h: h.date):
        if entry.item != item.code or entry.rectified or entry.step not in rs.policy.written_orders:
            continue
        if penalty.precondition == "notice" and entry.issued_by != "fire_rescue":
            continue
        deadline = order_deadline(rs, item, entry)
        if deadline < day or (penalty.precondition == "refusal" and case.facts.refused):
            orders.append(UnheededOrder(entry.date, deadline, entry.step, entry.issued_by == "fire_rescue",
                                        deadline < day))
    return tuple(orders)


def _document_type(document: str, decision: Decision) -> DocumentType:
    if document not in DOCUMENT_TYPES:
        raise DocumentError(f"--document: unknown type {document!r}; one of {', '.join(DOCUMENT_TYPES)}")
    if document not in decision.documents:
        fits = ", ".join(decision.documents) or "none"
        raise DocumentError(
            f"--document: {document} ({TITLES[document]}) does not fit this decision "
            f"(step {decision.step}, procedure {decision.procedure}); documents for it: {fits}"
        )
    return document


def _sanction(kind: str, decision: Decision, fine: int | None, formal_warning: bool) -> Sanction | None:
    """Validate the officer's choice against the decision's penalty; None off penalty documents."""
    if kind not in PENALTY_DOCUMENTS:
        if fine is not None or formal_warning:
            raise DocumentError(f"--fine/--formal-warning apply only to penalty documents, not {kind}")
        return None
    penalty = decision.penalty
    if penalty is None or not penalty.available:
        raise DocumentError(f"--document: {kind} needs an available penalty; this decision has none")
    basis = "、".join(citation(b) for b in decision.legal_basis if b.role == "penalty") or "the penalty provision"
    kinds = set(penalty.kinds)
    if formal_warning and "formal_warning" not in kinds:
        raise DocumentError(
            f"--formal-warning: 警告 is not a penalty {basis} provides here "
            f"(kinds: {'、'.join(KIND_LABELS[k] for k in penalty.kinds)})"
        )
    if fine is not None:
        if "fine" not in kinds or penalty.fine is None:
            raise DocumentError(f"--fine: {basis} provides no fine here")
        low, high = penalty.fine.min, penalty.fine.max
        if not low <= fine <= high:
            raise DocumentError(f"--fine: {fine} yuan is outside the legal range {low}–{high} yuan of {basis}")
    others = imposed_others(decision)
    if penalty.choice == "one":
        if fine is not None and formal_warning:
            raise DocumentError(f"--fine/--formal-warning: {basis} allows one of them, not both")
        if fine is None and not formal_warning:
            if penalty.kinds == ("formal_warning",):
                return Sanction(formal_warning=True, fine=None)
            raise DocumentError(f"--fine N or --formal-warning: choose the penalty ({_options(penalty, basis)})")
        return Sanction(formal_warning=formal_warning, fine=fine)
    fine_needed = "fine" in kinds and not (penalty.fine and penalty.fine.optional)
    if fine_needed and fine is None:
        raise DocumentError(f"--fine N: choose the fine ({_options(penalty, basis)})")
    return Sanction(formal_warning="formal_warning" in kinds, fine=fine, others=others)


def _party_known(case: Case, decision: Decision, kind: str) -> None:
    """A penalty on a unit's responsible persons needs the person: the document names them as the party."""
    if penalised_kind(case, decision) != case.subject.kind and case.responsible_person is None:
        basis = "、".join(citation(b) for b in decision.legal_basis if b.role == "penalty")
        raise DocumentError(
            f"responsible_person: {basis} imposes the penalty on the unit's directly responsible persons "
            f"(直接负责的主管人员和其他直接责任人员), not on the unit; add responsible_person {{name, id}} to the "
            f"case, decide it again and render {kind} for that person")


def _fits_summary(rs: Ruleset, case: Case, decision: Decision, sanction: Sanction) -> None:
    """An on-the-spot decision carries only a formal warning or a fine up to the limit the decision
    states (penalty-law art. 51); anything else is decided in the general procedure."""
    limit = decision.summary_limit
    general = "penalty_notice and penalty_decision"
    basis = _summary_basis(rs, case.decision_date)
    if sanction.others:
        kinds = "、".join(KIND_LABELS[k] for k in sanction.others)
        raise DocumentError(f"--document: {kinds} cannot be decided on the spot ({basis}); use {general}")
    if sanction.fine is not None and (limit is None or sanction.fine > limit):
        raise DocumentError(
            f"--fine: {sanction.fine} yuan exceeds the on-the-spot limit of {limit} yuan for "
            f"{'a unit' if penalised_kind(case, decision) == 'unit' else 'an individual'} "
            f"({basis}); decide it in the general procedure ({general})"
        )


def _summary_basis(rs: Ruleset, day: dt.date) -> str:
    """The provisions of the on-the-spot limits on ``day``, cited as documents cite them."""
    limits = rs.policy.summary_limit(day)
    found = (rs.provisions.basis(c, "procedure", day) for c in (limits.cites if limits else ()))
    return "、".join(citation(b) for b in found if b is not None) or "no summary procedure on this date"


def _options(penalty: Penalty, basis: str) -> str:
    fine, parts = penalty.fine, []
    if "formal_warning" in penalty.kinds:
        parts.append("--formal-warning for 警告")
    if fine is not None and "fine" in penalty.kinds:
        parts.append(
            f"--fine N within {fine.min}–{fine.max} yuan, suggested {fine.suggested.min}–{fine.suggested.max}"
        )
    return f"{' or '.join(parts)}; {basis}"


def _within_entrustment(office: Office, kind: DocumentType, decision: Decision, sanction: Sanction | None,
                        day: dt.date) -> None:
    """A penalty document in the agency's name dated ``day`` must fall within a 委托书 that entrusts
    its item and penalty (penalty-law art. 20 paras. 2, 4): the term may have ended, or another
    委托书 taken over, between the case's date and the document's."""
    if office.form != "委托" or not in_agency_name(office, kind):
        return
    found = office.entrustment
    missing = "" if found is None else (
        decision.item.code if decision.item.code not in found.items else
        "、".join(k for k in _kinds(sanction) if k not in found.powers))
    if found is None or missing:
        why = "no 委托书 of offices.yaml covers that day" if found is None else \
            f"委托书 {found.number} does not entrust {missing}"
        raise DocumentError(f"date: {day}: {office.name} may not issue the {kind} in "
                            f"{office.acting_in_name_of}'s name that day ({why}; penalty-law art. 20 paras. 2, 4); "
                            f"date it within the term, or refer the case to {office.acting_in_name_of}")


def _kinds(sanction: Sanction | None) -> tuple[str, ...]:
    if sanction is None:
        return ()
    return (("fine",) if sanction.fine is not None else ()) + (("formal_warning",) if sanction.formal_warning else ())


def _office(
    case: Case, decision: Decision, ruleset: Ruleset, offices: str | Path | None, needs: tuple[str, ...],
    on: dt.date | None = None,
) -> Office:
    base = Path(ruleset.path)
    paths = [p for p in (base / "offices.yaml",) if p.is_file()]
    if offices is not None:
        paths.append(Path(offices))
    if not paths:
        raise DocumentError(f"{base / 'offices.yaml'}: no such file (pass --offices FILE)")
    files = [(p, load_offices(p)) for p in paths]
    return resolve_office(files, case.office.level, case.office.name, needs=needs, ruleset=ruleset,
                          on=on or case.decision_date)

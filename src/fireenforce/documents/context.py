"""The document context: every value a template may use, built from a case, its decision,
the resolved office and the officer's choice. Templates see plain dicts, lists and strings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fireenforce.documents.numerals import capitals, chinese_date, number
from fireenforce.documents.offices import Office
from fireenforce.errors import DocumentError
from fireenforce.labels import DOCUMENT_TITLES as TITLES, KIND_LABELS, STEP_LABELS
from fireenforce.model import Case, Decision, Doubt, LegalBasis
from fireenforce.model.case import HistoryEntry
from fireenforce.model.enums import DocumentType
from fireenforce.ruleset.compiled import Ruleset

PENALTY_DOCUMENTS: frozenset[str] = frozenset({"summary_penalty_decision", "penalty_notice", "penalty_decision"})
GENERAL_DOCUMENTS: frozenset[str] = frozenset({"penalty_notice", "penalty_decision"})
CONTEXT_KEYS: frozenset[str] = frozenset({
    "document", "office", "terms", "party", "place", "dates", "item", "facts", "evidence",
    "violated", "acting_basis", "penalty_basis", "other_basis", "reasons", "step", "hearing_right",
    "referral_to", "rectification", "sanction", "history", "quotes", "orders", "reinspection", "returned",
})


@dataclass(frozen=True, slots=True)
class UnheededOrder:
    """A written order to correct whose deadline passed unrectified: the element of an offence
    of 逾期不改正 / 拒不改正 / 经消防救援机构通知 that a penalty document states as a fact."""

    date: dt.date
    deadline: dt.date
    step: str  # warning (责令限期改正通知书) or penalty (a decision that also ordered the correction)
    by_agency: bool  # issued by the fire-rescue agency or in its name
    overdue: bool  # its deadline has passed (else the subject refused while it ran)


@dataclass(frozen=True, slots=True)
class Reinspected:
    """The re-inspection (复查) a document records: of which order (its date, deadline and the
    documents that gave it, by type and number), on what day, and what it found; ``standalone``
    when the document records the re-inspection alone (rectified, or the deadline still runs:
    no new step is decided). After a referral the receiving organ returned, ``returned_on`` and
    ``due`` (the deadline the return set, ruleset ``returned_days``): the deadline it is judged by."""

    on: dt.date
    ordered_on: dt.date
    deadline: dt.date | None
    orders: tuple[tuple[DocumentType, str], ...]  # the order's documents: type and number
    step: str  # the order's step: a reminder's order was oral, noted in the inspection record
    rectified: bool
    note: str = ""
    standalone: bool = False
    applied_on: dt.date | None = None  # the party's application for re-inspection (复查申请) it answers
    returned_on: dt.date | None = None  # a referral after the order was returned (退回) that day ...
    due: dt.date | None = None  # ... and the finding was due again by this day: the deadline now running


@dataclass(frozen=True, slots=True)
class Returned:
    """An earlier referral of the case that the receiving organ returned (退回), and its reason:
    a referral letter sending the case again states it."""

    referred_on: dt.date
    returned_on: dt.date
    result: str = ""


@dataclass(frozen=True, slots=True)
class Decided:
    """A general-procedure penalty in the case's history: the history entry is dated its
    行政处罚告知书's day (the action's), the act itself is the 行政处罚决定书 of ``decided_on``,
    the date a referral letter states for it."""

    noticed_on: dt.date
    item: str
    decided_on: dt.date


@dataclass(frozen=True, slots=True)
class PolicyBasis:
    """Local policy a re-inspection record states as its basis where no provision governs (a
    reminder's oral order), with the doubt that says so."""

    label: str
    text: str
    doubt: Doubt


@dataclass(frozen=True)
class Sanction:
    """What the officer imposes on a penalty document: a formal warning, a fine, other kinds."""

    formal_warning: bool
    fine: int | None
    others: tuple[str, ...] = ()


def citation(basis: LegalBasis) -> str:
    """《title》第X条第Y款第（Z）项; an article of a single paragraph names no 款."""
    label = f"《{basis.title}》第{number(basis.article)}条"
    if basis.paragraph is not None and not basis.single_paragraph:
        label += f"第{number(basis.paragraph)}款"
    if basis.item is not None:
        label += f"第（{number(basis.item)}）项"
    return label


def reinspection_doubts(rs: Ruleset, step: str) -> tuple[Doubt, ...]:
    """The doubts on the basis of re-inspecting an order of ``step``: none for a written order;
    for a reminder's oral order, which no provision governs, ``oral_reinspection.doubt``."""
    ladder = rs.policy.spec.ladder
    if step in ladder.written_orders:
        return ()
    return (Doubt(code=ladder.oral_reinspection.doubt.code, text=ladder.oral_reinspection.doubt.text),)


def in_agency_name(office: Office, document: DocumentType) -> bool:
    """Whether the office issues ``document`` in the entrusting agency's name: under 委托 only
    penalties are imposed in its name (penalty-law art. 20 para. 4); records, orders and referrals
    are the office's own acts."""
    return bool(office.acting_in_name_of) and document in PENALTY_DOCUMENTS


def document_number(office: Office, document: DocumentType, year: int, serial: int | None) -> str:
    """{code}{the type's 文书代字}〔{year}〕第{serial}号, e.g. 西北街消罚决字〔2026〕第12号;
    without a serial, a blank to fill by hand. The code is the office's own, or for a document
    issued in the entrusting agency's name the code that agency gave this office for them
    (``entrusted_code``, e.g. 西消北街委), so the number names the organ the document is issued
    in. Each type has its own designation (``offices.yaml`` ``designations``), so numbers of
    different types never read alike."""
    designation = office.designations.get(document)
    if not designation:
        raise DocumentError(f"{', '.join(office.sources)}: designations.{document}: missing (the 文书代字 of "
                            f"{TITLES[document]} in its number)")
    code = office.code
    if in_agency_name(office, document):
        code = office.entrusted_code
        if not code:
            raise DocumentError(f"{', '.join(office.sources)}: offices.{office.name}.entrusted_code: missing (the code "
                                f"{office.acting_in_name_of} gave this office for the {TITLES[document]} it issues "
                                "in the agency's name)")
    return f"{code}{designation}〔{year}〕第{'____' if serial is None else serial}号"


def build_context(
    case: Case,
    decision: Decision,
    document: DocumentType,
    office: Office,
    *,
    sanction: Sanction | None,
    serial: int | None,
    date: dt.date,
    quotes: dict[str, LegalBasis] | None = None,
    grounds: list[str] | None = None,
    hearing_right: bool | None = None,
    completed: bool = False,
    general_duty: bool = False,
    orders: tuple[UnheededOrder, ...] = (),
    reinspection: Reinspected | None = None,
    reinspection_basis: tuple[LegalBasis, ...] | PolicyBasis = (),
    returned: tuple[Returned, ...] = (),
    decided: tuple[Decided, ...] = (),
    from_decision: int | None = None,
) -> dict[str, Any]:
    """The context of one document; its keys are exactly :data:`CONTEXT_KEYS`. ``grounds`` are
    the reasons the document states (none by default: engine reasons are working notes);
    ``hearing_right``: for the penalty actually imposed (default: the decision's); ``completed``:
    the item is a completed act (done on one day, never continuing); ``general_duty``: the item
    binds only a general duty (advice, never 违反的规定); ``reinspection``: the re-inspection
    (复查) this document records, and ``reinspection_basis`` the provisions on re-inspection (or,
    for an oral order, the local policy); ``returned``: earlier referrals of the case sent back;
    ``decided``: the decision dates of general-procedure penalties in the history;
    ``from_decision``: on a 行政处罚告知书, the days of the correction period its 决定书 counts from
    its own date (the notice's deadline assumes the decision on the first day after its periods)."""
    subject, facts = case.subject, case.facts
    penalty_document = document in PENALTY_DOCUMENTS

    def cited(*roles: str, exclude: bool = False) -> list[dict[str, str]]:
        return [{"label": citation(b), "text": b.text} for b in decision.legal_basis
                if (b.role in roles) != exclude]

    return {
        "document": {
            "title": TITLES[document],
            "number": document_number(office, document, date.year, serial), "date": chinese_date(date),
            "companions": [TITLES[d] for d in decision.documents if d != document and d not in _other_procedure(document)],
        },
        "office": _office(office, document),
        "terms": office.terms.model_dump(),
        "party": _party(case, decision, penalty_document),
        "place": {
            "label": "".join(filter(None, [case.place.name, f"（{case.place.address}）" if case.place.address else ""])),
        },
        "dates": {
            "occurred": chinese_date(case.start_date), "observed": chinese_date(case.observed_on),
            "ended": chinese_date(case.ended_on) if case.ended_on else "",
        },
        "item": {"code": decision.item.code, "name": decision.item.name, "completed": completed,
                 "general_duty": general_duty, "awaits_notice": _awaits_notice(decision)},
        "facts": {
            "narrative": _paragraphs(facts.narrative), "description": _paragraphs(case.description),
            "rectified_on_spot": facts.rectified_on_spot,
        },
        "evidence": list(facts.evidence),
        "violated": cited("violated"),
        "acting_basis": cited("basis"),  # what the authority acts on (依据), never 违反的规定
        "penalty_basis": cited("penalty"),
        "other_basis": cited("violated", "basis", "penalty", exclude=True),
        "reasons": list(grounds or ()),
        "step": {"id": decision.step, "label": STEP_LABELS[decision.step]},
        "hearing_right": decision.hearing_right if hearing_right is None else hearing_right,
        "referral_to": decision.referral_label if decision.referral_to not in (None, "brigade") else office.brigade,
        "rectification": {
            "required": decision.rectification.required,
            "deadline": chinese_date(decision.rectification.deadline) if decision.rectification.deadline else "",
            "from_decision": from_decision,
        },
        "sanction": _sanction(sanction),
        "history": [
            {"date": chinese_date(_acted_on(h, decided)), "step": STEP_LABELS[h.step], "item": h.item,
             "result": _result(h)}
            for h in case.history
        ],
        "quotes": {name: {"label": citation(b), "text": b.text} for name, b in (quotes or {}).items()},
        "orders": {
            "entries": [
                {"date": chinese_date(o.date), "deadline": chinese_date(o.deadline), "by_agency": o.by_agency,
                 "document": TITLES["rectification_order" if o.step == "warning" else "penalty_decision"]}
                for o in orders
            ],
            "ending": "期限届满仍未改正" if any(o.overdue for o in orders) else "当事人拒不改正" if orders else "",
        },
        "reinspection": _reinspection(reinspection, reinspection_basis),
        "returned": [{"referred_on": chinese_date(r.referred_on), "returned_on": chinese_date(r.returned_on),
                      "result": r.result} for r in returned],
    }


def _acted_on(entry: HistoryEntry, decided: tuple[Decided, ...]) -> dt.date:
    """The date of the act a history entry records: a general-procedure penalty's decision, not
    its notice (the entry's own date)."""
    if entry.step == "penalty":
        for penalty in decided:
            if (penalty.noticed_on, penalty.item) == (entry.date, entry.item):
                return penalty.decided_on
    return entry.date


def _office(office: Office, document: DocumentType) -> dict[str, Any]:
    """The office as a document names it: the issuer, who heads and seals it (the entrusting
    agency for a penalty under 委托, else the organ in law: the 街道办事处/乡镇人民政府, never its
    internal office), the office that handles it (承办) where that is not the issuer, the 委托书 a
    document in the agency's name cites, and whether the authority's basis (依据) is another's:
    on the office's own papers the fire-rescue agency's powers are labelled as the agency's."""
    entrusted = in_agency_name(office, document)
    found = office.entrustment
    return {
        **office.model_dump(exclude={"terms", "sources", "entrustment"}),
        "issuer": office.issuer if entrusted else office.organ,
        "organ": office.organ,
        "handled_by": office.name if not entrusted and office.name != office.organ else "",
        "entrusted": entrusted,
        "entrustment": {"number": found.number, "date": chinese_date(found.date)} if entrusted and found else None,
        "agency_basis": not entrusted and office.level != "brigade",
    }


def _reinspection(seen: Reinspected | None, basis: tuple[LegalBasis, ...] | PolicyBasis) -> dict[str, Any] | None:
    """A re-inspection as documents state it: the order, the day, the result, the rule on it
    (quoted provisions, or local policy with its doubt)."""
    if seen is None:
        return None
    running = seen.due or seen.deadline  # after a returned referral, the deadline it set
    overdue = running is not None and seen.on > running
    result = "已改正" if seen.rectified else "逾期未改正" if overdue else "未改正（整改期限尚未届满）"
    return {
        "date": chinese_date(seen.on), "ordered_on": chinese_date(seen.ordered_on),
        "deadline": chinese_date(seen.deadline) if seen.deadline else "",
        "orders": [f"《{TITLES[kind]}》（{number}）" for kind, number in seen.orders],
        "oral": seen.step == "reminder", "rectified": seen.rectified, "result": result, "overdue": overdue,
        "standalone": seen.standalone, "note": _paragraphs(seen.note),
        "applied_on": chinese_date(seen.applied_on) if seen.applied_on else "",
        "returned_on": chinese_date(seen.returned_on) if seen.returned_on else "",
        "due": chinese_date(seen.due) if seen.due else "",
        "basis": [] if isinstance(basis, PolicyBasis) else [{"label": citation(b), "text": b.text} for b in basis],
        "policy": {"label": basis.label, "text": basis.text} if isinstance(basis, PolicyBasis) else None,
        "doubt": {"code": basis.doubt.code, "text": basis.doubt.text} if isinstance(basis, PolicyBasis) else None,
    }


def _awaits_notice(decision: Decision) -> bool:
    """The conduct is 经消防救援机构通知后不及时消除 and no such notice was served: the documents state
    the hazard found, never that conduct, whose element is missing."""
    penalty = decision.penalty
    return penalty is not None and penalty.precondition == "notice" and not penalty.precondition_met


def _result(entry: HistoryEntry) -> str:
    """What became of an earlier order, as far as is known: an order with a deadline that nobody
    re-inspected is not said to be unheeded."""
    if entry.rectified:
        return "已改正"
    if entry.reinspected_on is None and entry.deadline is not None:
        return f"整改期限{chinese_date(entry.deadline)}，尚未复查"
    return "未改正"


def _party(case: Case, decision: Decision, penalty_document: bool) -> dict[str, str]:
    """The party a document addresses: the subject; on a penalty document whose penalty falls on the
    unit's responsible persons (``penalty.target``), the case's ``responsible_person``, with the unit
    as their employer (render refuses such a document without the person)."""
    subject, person, penalty = case.subject, case.responsible_person, decision.penalty
    if penalty_document and person is not None and penalty is not None and penalty.target == "responsible_persons":
        return {"name": person.name, "kind": "individual", "id": person.id, "address": person.address,
                "kind_label": "个人", "id_label": "公民身份号码", "employer": subject.name,
                "position": person.position}
    return {"name": subject.name, "kind": subject.kind, "id": subject.id, "address": subject.address,
            "kind_label": "单位" if subject.kind == "unit" else "个人",
            "id_label": "统一社会信用代码" if subject.kind == "unit" else "公民身份号码", "employer": "", "position": ""}


def _paragraphs(text: str) -> list[str]:
    """The officer's text as paragraphs: one per non-blank line (documents keep the line breaks)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _other_procedure(document: DocumentType) -> frozenset[str]:
    """A penalty document's procedure excludes the other procedure's documents."""
    if document == "summary_penalty_decision":
        return GENERAL_DOCUMENTS
    return frozenset({"summary_penalty_decision"}) if document in GENERAL_DOCUMENTS else frozenset()


def _sanction(sanction: Sanction | None) -> dict[str, Any] | None:
    if sanction is None:
        return None
    kinds = [KIND_LABELS["formal_warning"]] if sanction.formal_warning else []
    if sanction.fine is not None:
        kinds.append(f"罚款人民币{sanction.fine}元（大写：{capitals(sanction.fine)}）")
    kinds += [KIND_LABELS.get(k, k) for k in sanction.others]
    return {
        "formal_warning": sanction.formal_warning,
        "fine": sanction.fine,
        "fine_capitals": capitals(sanction.fine) if sanction.fine is not None else "",
        "text": "；".join(kinds),
    }

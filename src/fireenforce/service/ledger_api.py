"""``/v1`` ledger endpoints: record findings, re-inspect, read findings, due lists, histories.
Every one needs a bearer token; what it may see and change is decided in ``access``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from fireenforce.errors import CaseError
from fireenforce.ledger import Closure, Due, FindingView, LedgerHistoryEntry, Record
from fireenforce.model import Case
from fireenforce.model.case import IsoDate, Name, Text
from fireenforce.model.enums import Step
from fireenforce.service.bodies import StrictJsonRoute
from fireenforce.service.access import Caller, changeable, ledger_of, office_read, own_case, visible, write_gate
from fireenforce.service.errors import ErrorBody
from fireenforce.service.views import MEDIA_TYPES, document_response

ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody, "description": text} for code, text in {
    401: "no token, an unknown one, or a revoked one",
    403: "the token may read but not change this",
    404: "no such id in the caller's records",
    409: "the finding's state does not allow this (closed, referred)",
    422: "bad input: the field and why",
    503: "the ledger cannot be used now (none configured, locked, unreachable)",
}.items()}
router = APIRouter(prefix="/v1", route_class=StrictJsonRoute, tags=["ledger"], responses=ERRORS)
_FROZEN = ConfigDict(extra="forbid", frozen=True)
FindingId = Annotated[str, Path(description="the finding's id (F-…)", max_length=40)]


class FindingRequest(BaseModel):
    """A case to decide with the subject's ledger history and record (as ``fireenforce ledger record``).
    The office is the token's: leave ``case.office.name`` empty or give the same name."""

    model_config = _FROZEN
    case: Case
    officer: Name = Field(description="the acting officer(s) (required: the record of the enforcement names them)")
    step: Step | None = Field(None, description="depart from the suggested step (needs a reason)")
    reason: Text = Field("", description="the written reason for a departure")
    fine: StrictInt | None = Field(None, description="the fine a penalty imposes, in yuan (within the legal range; "
                                                     "required when the step is a penalty with a fine)")
    formal_warning: StrictBool = Field(False, description="the penalty imposes a formal warning (警告) instead of a "
                                                          "fine, where the law offers one")
    source: str | None = Field(None, max_length=200, description="your unique key for this finding (a request id): "
                                                                 "sending the same key again returns the first Record")
    separate: Text = Field("", description="record a separate finding although the same conduct of the subject is "
                                           "open or awaits the brigade's answer (e.g. another branch): the reason")


class ReinspectionRequest(BaseModel):
    """A re-inspection (复查): rectified closes the finding; not rectified records the next step."""

    model_config = _FROZEN
    on: IsoDate
    rectified: StrictBool
    officer: Name = ""
    note: Text = Field("", description="what the re-inspection found")
    step: Step | None = None
    reason: Text = ""
    fine: StrictInt | None = Field(None, description="the fine a penalty imposes, in yuan")
    formal_warning: StrictBool = Field(False, description="a formal warning (警告) instead of a fine")


class ApplicationRequest(BaseModel):
    """The party's application for a re-inspection (复查申请): the finding is due at once."""

    model_config = _FROZEN
    on: IsoDate = Field(description="the day the application was received")
    note: Text = Field("", description="what the party reported (e.g. the correction made)")


def created(model: BaseModel) -> Response:
    """A ``201`` answer with the model's JSON."""
    return Response(model.model_dump_json(), status_code=201, media_type="application/json")


@router.post("/findings", status_code=201, response_model=Record)
def record(request: Request, body: FindingRequest, who: Caller) -> Response:
    """Decide the case with the subject's history from the ledger, and record the finding, the
    action and its numbered documents."""
    source = f"{who.office}:{body.source}" if body.source else None  # one office's keys never meet another's
    try:
        case = own_case(who, body.case)
        with write_gate(request):
            return created(ledger_of(request).record(case, officer=body.officer, step=body.step, reason=body.reason,
                                                      fine=body.fine, formal_warning=body.formal_warning,
                                                      source=source, separate=body.separate))
    except CaseError as exc:  # a field of the case is named by its path in this body, as validation names it
        if not exc.field or exc.field.split(".")[0].split("[")[0] in FindingRequest.model_fields:
            raise
        raise CaseError(f"case.{exc.field}", exc.message) from None


@router.post("/findings/{finding}/reinspections", status_code=201, response_model=Record | Closure)
def reinspect(request: Request, finding: FindingId, body: ReinspectionRequest, who: Caller) -> Response:
    """Record a re-inspection: a Closure when rectified, otherwise the Record of the next step."""
    ledger = ledger_of(request)
    changeable(ledger, who, finding)
    with write_gate(request):
        return created(ledger.reinspect(finding, on=body.on, rectified=body.rectified, officer=body.officer,
                                         note=body.note, step=body.step, reason=body.reason, fine=body.fine,
                                         formal_warning=body.formal_warning))


@router.post("/findings/{finding}/applications", status_code=201, response_model=FindingView)
def apply(request: Request, finding: FindingId, body: ApplicationRequest, who: Caller) -> Response:
    """Record the party's application for a re-inspection: ``due`` lists the finding from its
    date, to be re-inspected within the ruleset's working days (消防监督检查规定第二十条第二款)."""
    ledger = ledger_of(request)
    changeable(ledger, who, finding)
    with write_gate(request):
        return created(ledger.apply_for_reinspection(finding, on=body.on, note=body.note))


@router.get("/findings/{finding}", response_model=FindingView)
def show(request: Request, finding: FindingId, who: Caller) -> FindingView:
    """One finding with its state and every event (subject ids masked)."""
    return visible(ledger_of(request), who, finding)


@router.get("/findings/{finding}/documents/{number}", response_class=Response, responses={200: {
    "description": "the filled document", "content": {media.split(";")[0]: {"schema": {"type": "string"}}
                                                      for media in MEDIA_TYPES.values()}}})
def document(
    request: Request, finding: FindingId, who: Caller,
    number: Annotated[str, Path(description="the document's number, as a Record or a re-inspection gives it",
                                max_length=80)],
    format: Annotated[Literal["html", "text", "docx", "pdf"], Query(description="docx and pdf come as attachments")] = "html",
) -> Response:
    """A document issued through the ledger, by its number (as ``fireenforce ledger render
    --number``): an action's, or a re-inspection's own 检查记录."""
    ledger = ledger_of(request)
    view = visible(ledger, who, finding)
    kind = next((e.payload["type"] for e in view.events if e.kind == "document" and e.payload["number"] == number), None)
    if kind is None:
        raise HTTPException(404, f"{finding}: no document numbered {number}")
    return document_response(ledger.render(finding, kind, number=number, format=format), kind, format)


@router.get("/due", response_model=list[Due])
def due(
    request: Request, who: Caller,
    on: Annotated[dt.date, Query(description="the day to look from")],
    office: Annotated[str | None, Query(description="one office (brigade and legal tokens); default: the token's office, "
                                                    "or every office for brigade and legal tokens")] = None,
    within_days: Annotated[int, Query(ge=0, le=366, description="also findings falling due within this many days")] = 0,
) -> list[Due]:
    """Open findings whose deadline has passed without re-inspection."""
    return ledger_of(request).due(on, office_read(who, office), within_days=within_days)


@router.get("/subjects/{subject}/history", response_model=list[LedgerHistoryEntry])
def history(
    request: Request, who: Caller,
    subject: Annotated[str, Path(description="统一社会信用代码 or 居民身份证号码", max_length=40)],
) -> Any:
    """The subject's history entries: for an officer's token its own office's actions only,
    for brigade and legal tokens every office's (as decide is given them); each also names its
    finding, the subject's name there, and ``weak`` for one joined by name and address only."""
    entries = ledger_of(request).history_rows(subject, office=None if who.reads_all else who.office)
    if not entries:
        raise HTTPException(404, f"{subject}: no such subject in your office's record")
    return list(entries)

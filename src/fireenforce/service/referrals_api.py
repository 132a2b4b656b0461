"""``GET /v1/referrals``: the cases offices handed over (移交), with the answer when there is one.
The brigade and legal staff read every office's referrals (the brigade finds those sent to it
with ``?to=``); an officer's token reads those its own office sent.

``POST /v1/findings/{id}/referral-answers``: the answer to a referral (accepted, or returned with
the brigade's result), as ``fireenforce ledger referral``. The brigade answers those sent to it,
from any office; an office records the answer it received on its own findings (an authority
without a token answers on paper); legal staff write nothing."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from fireenforce.ledger import FindingView, Ledger, Record, SubjectRef
from fireenforce.model.case import IsoDate, Text
from fireenforce.service.access import Caller, ledger_of, may_write, office_read, visible, write_gate
from fireenforce.service.bodies import StrictJsonRoute
from fireenforce.service.ledger_api import ERRORS, FindingId, created

router = APIRouter(prefix="/v1", route_class=StrictJsonRoute, tags=["ledger"], responses=ERRORS)
_ANSWERS = {"referral_accepted": "accepted", "referral_returned": "returned"}


class Referral(BaseModel):
    """One hand-over: who sent which finding to whom, and what came back."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    finding: str
    office: str
    item: str
    subject: SubjectRef
    action: str
    sent_on: dt.date
    to: str
    to_label: str
    answer: Literal["accepted", "returned"] | None
    answered_on: dt.date | None
    result: str


@router.get("/referrals", response_model=list[Referral])
def referrals(
    request: Request, who: Caller,
    office: Annotated[str | None, Query(description="one sending office (brigade and legal tokens); default: the "
                                                    "token's office, or every office for brigade and legal tokens")] = None,
    to: Annotated[str | None, Query(description="only those sent to this authority (its name or code, as `to` says)")] = None,
    awaiting: Annotated[bool, Query(description="only those not answered yet")] = False,
) -> list[Referral]:
    """The referrals sent, oldest first, each with its answer (accepted or returned) if any."""
    every = _all(ledger_of(request), office_read(who, office))
    return [r for r in every if (to is None or r.to == to) and not (awaiting and r.answer)]


class ReferralAnswer(BaseModel):
    """The answer to the finding's referral awaiting one."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    on: IsoDate = Field(description="the day of the answer")
    answer: Literal["accepted", "returned"] = Field(description="`accepted` (the authority takes the case) or "
                                                                "`returned` (the office acts again)")
    result: Text = Field("", description="the authority's result in words")


@router.post("/findings/{finding}/referral-answers", status_code=201, response_model=Record)
def answer(request: Request, finding: FindingId, body: ReferralAnswer, who: Caller) -> Response:
    """Record the answer to the finding's referral: the finding's Record (its referral action, with
    the status and deadline the answer gave it), as the other ledger POSTs answer; the whole
    finding is ``GET /v1/findings/{id}``."""
    ledger = ledger_of(request)
    view = visible(ledger, who, finding)
    may_write(who)
    if view.office != who.office:  # a brigade (reading every office's) answers what was sent to it
        sent = _of(view)
        if who.role != "brigade" or not sent or sent[-1].to != who.office:
            whom = f"was sent to {sent[-1].to_label}" if sent else "was never referred"
            raise HTTPException(403, f"{finding} belongs to {view.office} and {whom}: {who.role} tokens "
                                     f"answer only referrals sent to their own office")
    with write_gate(request):
        ledger.referral_answer(finding, on=body.on, accepted=body.answer == "accepted", result=body.result)
    return created(ledger.latest(finding))


def _all(ledger: Ledger, office: str | None) -> list[Referral]:
    findings = dict.fromkeys(e.finding for e in ledger.events(office, kinds=["referral_sent"]) if e.finding)
    return [referral for finding in findings for referral in _of(ledger.show(finding))]


def _of(view: FindingView) -> list[Referral]:
    """The finding's referrals, each with the first answer that followed it."""
    out: list[Referral] = []
    labels: dict[str, str] = {}
    for event in view.events:
        payload: dict[str, Any] = event.payload
        decision = payload.get("decision") or {}
        if event.kind == "action" and decision.get("referral_to"):
            labels[decision["referral_to"]] = decision.get("referral_label") or decision["referral_to"]
        elif event.kind == "referral_sent":
            to = str(payload.get("to", ""))
            out.append(Referral(finding=view.finding, office=view.office, item=view.item, subject=view.subject,
                                action=str(payload.get("action", "")), sent_on=event.at, to=to,
                                to_label=labels.get(to, to), answer=None, answered_on=None, result=""))
        elif event.kind in _ANSWERS and out and out[-1].answer is None:
            out[-1] = out[-1].model_copy(update={"answer": _ANSWERS[event.kind], "answered_on": event.at,
                                                 "result": str(payload.get("result", ""))})
    return out

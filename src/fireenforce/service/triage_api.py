"""``/v1`` triage and assessment endpoints: device and grid events in, the monthly report out.
Both need a bearer token (``access``): events come from an office's or the brigade's systems;
an officer's token reads its own office's report, brigade and legal tokens any office's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict

from fireenforce.errors import CaseError
from fireenforce.reports.build import monthly_report
from fireenforce.service.bodies import StrictJsonRoute
from fireenforce.service.access import Caller, ledger_of, may_write, office_read, write_gate
from fireenforce.service.ledger_api import ERRORS
from fireenforce.service.settings import settings_of
from fireenforce.triage.signals import Signal, SignalError, parse_signal
from fireenforce.triage.store import store_signals

router = APIRouter(prefix="/v1", route_class=StrictJsonRoute, tags=["triage"], responses=ERRORS)
MAX_EVENTS = 5000


class SignalsStored(BaseModel):
    """What a batch of events did: how many were received, new, and already stored (each event
    counts once, however often it is sent)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    received: int
    stored: int
    already_stored: int


@router.post("/signals", status_code=201, response_model=SignalsStored)
def signals(request: Request, events: list[Signal], who: Caller) -> SignalsStored:
    """Store device and grid events (``fireenforce signals ingest``): all of them, or none when
    one is invalid (422 names it by its index)."""
    may_write(who)
    if len(events) > MAX_EVENTS:
        raise CaseError("", f"{len(events)} events in one request; send at most {MAX_EVENTS}")
    ruleset = settings_of(request).ruleset_on()
    checked = []
    for index, event in enumerate(events):
        try:
            checked.append(parse_signal(event.model_dump(exclude_none=True), ruleset, "body", index + 1))
        except SignalError as exc:
            raise CaseError(f"[{index}].{exc.field}" if exc.field else f"[{index}]", exc.message) from None
    with write_gate(request):
        new, known = store_signals(ledger_of(request), checked)
    return SignalsStored(received=len(events), stored=new, already_stored=known)


@router.get("/reports/{month}", response_model=dict[str, Any])
def report(
    request: Request, who: Caller,
    month: Annotated[str, Path(description="the month, YYYY-MM", max_length=7,  # checked by the report, as the CLI
                               json_schema_extra={"pattern": r"^\d{4}-\d{2}$"})],
    office: Annotated[str | None, Query(description="one office; an officer's token always gets its own")] = None,
) -> dict[str, Any]:
    """The monthly assessment (考核问效), as ``fireenforce report --format json``: each office
    and the district."""
    if who.reads_all:
        return monthly_report(ledger_of(request), month, office)
    office_read(who, office)
    try:
        return monthly_report(ledger_of(request), month, who.office)
    except CaseError as exc:
        if exc.field != "office":
            raise
        # the library's message lists the offices that have records: not for another office's eyes
        raise HTTPException(404, f"{who.office} has no records in the twelve months to {month}") from None

"""``/v1``: the stateless endpoints (catalogue, query, decide, render, health). No login."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from fireenforce import __version__
from fireenforce.errors import CaseError
from fireenforce.model import Case, Decision, RulesetRef
from fireenforce.query import Match
from fireenforce.ruleset.catalogue import CatalogueEntry, catalogue_entries
from fireenforce.service.bodies import StrictJsonRoute
from fireenforce.service.actions import MAX_TOP, RenderRequest, decide_case, render_document, search
from fireenforce.service.errors import ErrorBody
from fireenforce.service.views import MEDIA_TYPES, document_response
from fireenforce.service.settings import settings_of

BAD_INPUT: dict[int | str, dict[str, Any]] = {422: {"model": ErrorBody, "description": "bad input: the field and why"}}
router = APIRouter(prefix="/v1", route_class=StrictJsonRoute,
                   responses={413: {"model": ErrorBody, "description": "request body too large"}})


class Health(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    status: str
    version: str
    ruleset: RulesetRef


@router.get("/health", response_model=Health, tags=["service"])
def health(request: Request) -> Health:
    """The service answers, and which ruleset it decides with."""
    rs = settings_of(request).ruleset_on()
    return Health(status="ok", version=__version__, ruleset=RulesetRef(id=rs.id, version=rs.version, digest=rs.digest))


@router.get("/catalogue", response_model=list[CatalogueEntry], responses=BAD_INPUT, tags=["law"])
def catalogue(request: Request, on: Annotated[dt.date | None, Query(description="the version in force on this date; default: the newest")] = None) -> list[CatalogueEntry]:
    """Every enforcement item: subjects, delegated levels, legal basis (as ``fireenforce catalogue``)."""
    try:
        ruleset = settings_of(request).ruleset_on(on)
    except CaseError as exc:  # the library names the decision date; here the parameter is ``on``
        raise CaseError("on", exc.message) from None
    return catalogue_entries(ruleset)


@router.get("/query", response_model=list[Match], responses=BAD_INPUT, tags=["law"])
async def query_items(
    request: Request,
    q: Annotated[str, Query(description="what was observed, in the officer's own words", max_length=500)],
    top: Annotated[int, Query(ge=1, le=MAX_TOP, description="at most this many items")] = 5,
) -> list[Match]:
    """Catalogue items for a plain-Chinese description, best first (as ``fireenforce query``)."""
    return search(settings_of(request), q, top)


@router.post("/decide", response_model=Decision, responses=BAD_INPUT, tags=["law"])
async def decide(request: Request, case: Case) -> Response:
    """The step, legal basis, penalty range, procedure and documents for one case."""
    # async: deciding is pure computation of some tens of microseconds, cheaper than a thread hop
    decision = decide_case(settings_of(request), case)
    return Response(decision.model_dump_json(), media_type="application/json")


@router.post(
    "/render", response_class=Response, tags=["documents"],
    responses={**BAD_INPUT, 200: {"description": "the filled document", "content": {
        media.split(";")[0]: {"schema": {"type": "string", **({"format": "binary"} if fmt in ("docx", "pdf") else {})}}
        for fmt, media in MEDIA_TYPES.items()}}},
)
def render(request: Request, body: RenderRequest) -> Response:
    """A filled legal document for a case (as ``fireenforce render``); a fine outside the legal range is refused."""
    return document_response(render_document(settings_of(request), body), body.document, body.format)

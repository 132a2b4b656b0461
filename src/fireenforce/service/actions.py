"""What the API and the page both do, each once: search, decide, render."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from fireenforce.documents import render
from fireenforce.engine import decide
from fireenforce.errors import CaseError
from fireenforce.model import Case, Decision
from fireenforce.model.case import IsoDate
from fireenforce.model.enums import DocumentType
from fireenforce.query import Match, query
from fireenforce.service.settings import Settings

MAX_TOP = 50


class RenderRequest(BaseModel):
    """A case and the document to fill for it, with the officer's choices (as ``fireenforce render``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    case: Case
    document: DocumentType
    fine: StrictInt | None = Field(None, description="the fine imposed, in yuan (penalty documents)")
    formal_warning: StrictBool = Field(False, description="impose a formal warning (警告) instead of a fine")
    format: Literal["html", "text", "docx", "pdf"] = Field("html", description="docx and pdf come as attachments")
    serial: StrictInt | None = Field(None, description="the document's serial number (1–9999); blank without it")
    date: IsoDate | None = Field(None, description="the document date; default: the case's decision date")


def search(settings: Settings, text: str, top: int = 5) -> list[Match]:
    """Catalogue items for an officer's description, best first."""
    if not any(char.isalnum() for char in text):
        raise CaseError("q", "nothing to search for: describe what was observed")
    return query(text, settings.ruleset_on(), top=top)


def decide_case(settings: Settings, case: Case) -> Decision:
    """The decision under the configured ruleset (the version in force on the decision date)."""
    if settings.ruleset is None:
        return decide(case)
    return decide(case, ruleset=settings.ruleset_on(case.decision_date))


def render_document(settings: Settings, request: RenderRequest) -> str | bytes:
    """The filled document, refused (DocumentError) where it does not fit the decision."""
    if request.fine is not None and request.formal_warning:
        raise CaseError("fine", "give either fine or formal_warning, not both")
    case = request.case
    ruleset = settings.ruleset_on(case.decision_date)
    decision = decide(case, ruleset=ruleset)
    return render(
        case, decision, request.document, fine=request.fine, formal_warning=request.formal_warning,
        format=request.format, offices=settings.offices, serial=request.serial, ruleset=ruleset, date=request.date,
    )

"""The documents of a recorded action, filled from what the ledger holds: the case as recorded,
the decision the action took, and the serial numbers the ledger issued."""

from __future__ import annotations

from typing import Any

from fireenforce.documents import render
from fireenforce.errors import DocumentError
from fireenforce.labels import DOCUMENT_TITLES
from fireenforce.ledger import Ledger
from fireenforce.ledger.chain import finding_events
from fireenforce.ledger.database import translate_errors
from fireenforce.model import Decision
from fireenforce.model.case import parse_case
from fireenforce.service.settings import Settings


def action_document(settings: Settings, ledger: Ledger, finding: str, document: str, *, format: str = "html",
                    fine: int | None = None, formal_warning: bool = False) -> str | bytes:
    """``document`` of the finding's latest action, numbered as the ledger issued it."""
    with translate_errors(ledger.url), ledger.engine.connect() as conn:
        events = finding_events(conn, finding)
    first = events[0]
    actions = [e for e in events if e.kind == "action"]
    action = actions[-1]
    serials = {e.payload["type"]: int(e.payload["serial"]) for e in events
               if e.kind == "document" and e.payload.get("action") == action.payload["action"]}
    if document not in serials:
        issued = "、".join(DOCUMENT_TITLES[t] for t in serials) or "无"
        raise DocumentError(f"--document: {document} was not issued for this action (issued: {issued})")
    case_data: dict[str, Any] = {**first.payload["case"], "item": first.payload["item"]}
    if action is not actions[0]:  # a later step, decided on the re-inspection day (as the ledger decided it)
        case_data.update(observed_on=action.at.isoformat(), decided_on=action.at.isoformat(), ended_on=None)
    return render(
        parse_case(case_data), Decision.model_validate(action.payload["decision"]), document, format=format, fine=fine,
        formal_warning=formal_warning, offices=settings.offices, serial=serials[document],
        ruleset=settings.ruleset_on(action.at), date=action.at,
    )

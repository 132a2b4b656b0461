"""The officer's phone page at ``/``: server-rendered Chinese HTML, usable without JavaScript.

1. type what you see -> the matching items; 2. pick one, fill who and where; 3. the decision,
with its documents (steps 4 and 5, the ledger, are in ``page_ledger``). Templates live in ``templates/`` and render in a sandboxed, autoescaping
Jinja2 environment with strict undefined; officers' input is only ever data.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError

from fireenforce.errors import CaseError, FireEnforceError
from fireenforce.model.case import first_error, parse_case
from fireenforce.ledger.subjects import normalise_id
from fireenforce.query import infer_place
from fireenforce.service import page_ledger, views
from fireenforce.service.access import page_principal
from fireenforce.service.actions import RenderRequest, decide_case, render_document, search
from fireenforce.service.csrf import check_csrf
from fireenforce.service.errors import library_error
from fireenforce.service.settings import settings_of
from fireenforce.service.wording import in_chinese
from fireenforce.service.tokens import Principal

router = APIRouter(include_in_schema=False)
TOP = 6


def mount(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=views.STATIC), name="static")
    app.include_router(router)
    app.include_router(page_ledger.router)


@router.get("/", response_class=HTMLResponse)
def step_search(request: Request, q: str = "") -> Response:
    """Step 1: what did you see? The top items for the words typed."""
    matches, error = [], ""
    if q.strip():
        try:
            matches = search(settings_of(request), q, TOP)
        except CaseError as exc:
            error = exc.message
    return views.page(request, "search.html.j2", step=1, q=q, matches=matches, error=error)


@router.get("/case", response_class=HTMLResponse)
def step_case(request: Request, item: str = "", q: str = "") -> Response:
    """Step 2: the chosen item; who did it and where (place facts read from the words typed)."""
    rs = settings_of(request).ruleset_on()
    if item not in rs.items:
        return views.page(request, "search.html.j2", status=404, step=1, q=q, matches=[],
                          error=f"没有编号为“{item}”的执法事项，请重新查询")
    form: dict[str, Any] = {"item": item, "q": q, "narrative": q, "observed_on": dt.date.today().isoformat(),
                            "subject_kind": "individual"}
    for hint in infer_place(q, rs) if q else []:
        form[hint.field.removeprefix("place.")] = hint.value
    return views.page(request, "case.html.j2", step=2, form=form, entry=rs.items[item], error=None)


@router.post("/decision", response_class=HTMLResponse)
async def step_decision(request: Request) -> Response:
    """Step 3: the decision for the filled form; the form again, marked, when it does not hold."""
    form = await request.form()
    check_csrf(request, form)
    settings = settings_of(request)
    values = views.form_values(form)
    try:
        case = parse_case(case_from_form(values, page_principal(request)))
        if case.subject.id:
            normalise_id(case.subject.id)  # the ledger would refuse it at step 4, after the form is gone
        decision = decide_case(settings, case)
    except FireEnforceError as exc:
        field, message = library_error(exc)
        message = in_chinese(field, message)
        rs = settings.ruleset_on()
        entry = rs.items.get(values.get("item", ""))
        if entry is None:
            return views.page(request, "search.html.j2", status=422, step=1, q=values.get("q", ""), matches=[],
                              error=message)
        return views.page(request, "case.html.j2", status=422, step=2, form=values, entry=entry,
                          error={"field": field, "message": message})
    limits = settings.ruleset_on(case.decision_date).policy.summary_limit(case.decision_date)
    return views.page(request, "decision.html.j2", step=3, case=case, decision=decision, officer=values.get("officer", ""),
                      case_json=case.model_dump_json(exclude_defaults=True), summary_limit=limits)


@router.post("/document")
async def document(request: Request) -> Response:
    """A filled document of the decision, to read, print or download."""
    form = await request.form()
    check_csrf(request, form)
    values = views.form_values(form)
    try:
        body = render_request(values)
        text = render_document(settings_of(request), body)
    except FireEnforceError as exc:
        return views.problem(request, exc, step=3)
    return views.document_response(text, body.document, body.format)


def render_request(values: dict[str, str]) -> RenderRequest:
    """The render request a step-3 document form posts (the case travels as JSON)."""
    try:
        return RenderRequest.model_validate({
            "case": json.loads(values.get("case") or "null"), "document": values.get("document", ""),
            "fine": views.form_fine(values), "formal_warning": values.get("formal_warning") == "on",
            "format": values.get("format") or "html",
        })
    except json.JSONDecodeError:
        raise CaseError("case", "the form's case is not valid JSON; start again from step 1") from None
    except ValidationError as exc:
        raise CaseError(*first_error(exc.errors())) from None


def case_from_form(values: dict[str, str], who: Principal | None = None) -> dict[str, Any]:
    """The Case JSON for the step-2 form: checkboxes are present or absent, blank dates omitted;
    the office is the login's when it records (an officer's or the brigade's)."""
    case: dict[str, Any] = {
        "item": values.get("item", ""),
        "description": values.get("q", ""),
        "subject": {"kind": values.get("subject_kind", ""), "operating": "operating" in values,
                    "name": values.get("subject_name", ""), "id": values.get("subject_id", ""),
                    "address": values.get("subject_address", "")},
        "place": {"name": values.get("place_name", ""), "address": values.get("place_address", ""),
                  "high_rise": "high_rise" in values, "crowded": "crowded" in values},
        "office": ({"level": who.level, "name": who.office} if who and who.level
                   else {"level": values.get("office_level", ""), "name": values.get("office_name", "")}),
        "observed_on": values.get("observed_on", ""),
        "facts": {"narrative": values.get("narrative", ""), "rectified_on_spot": "rectified_on_spot" in values,
                  "refused": "refused" in values, "serious": "serious" in values},
    }
    if values.get("occurred_on"):
        case["occurred_on"] = values["occurred_on"]
    return case

"""The page's ledger steps, for a logged-in office: 4. record the decision and open its
numbered documents; 5. the re-inspections due, with rectified / not rectified buttons.
Login keeps the office's token in an HttpOnly, SameSite=Strict cookie."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fireenforce.errors import CaseError, FireEnforceError
from fireenforce.ledger import Closure, Record
from fireenforce.ledger.api import require_officer
from fireenforce.model.case import parse_case
from fireenforce.service import views
from fireenforce.service.access import (
    SESSION_COOKIE, authenticate, changeable, ledger_of, may_write, own_case, page_principal, visible, write_gate,
)
from fireenforce.service.csrf import check_csrf, set_cookie
from fireenforce.service.errors import library_error
from fireenforce.service.settings import settings_of
from fireenforce.service.tokens import Principal
from fireenforce.service.wording import in_chinese

router = APIRouter(include_in_schema=False)
SESSION_SECONDS = 12 * 3600  # a working day; then log in again


def _login_first() -> RedirectResponse:
    return RedirectResponse("/login", status_code=303)


async def _posted(request: Request, *, writes: bool) -> tuple[Principal | None, dict[str, str]]:
    """A checked form post: who is logged in (None: send to /login) and the form's fields;
    403 when the post would write and the login may not."""
    form = await request.form()
    check_csrf(request, form)
    who = page_principal(request)
    if who is not None and writes:
        may_write(who)
    return who, views.form_values(form)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    ledger_of(request)
    return views.page(request, "login.html.j2", error="")


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form)
    token = views.form_values(form).get("token", "").strip()
    try:
        authenticate(request, token)
    except HTTPException as exc:
        return views.page(request, "login.html.j2", status=401, error=f"无法登录：{in_chinese('', str(exc.detail))}")
    response = RedirectResponse("/", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token, max_age=SESSION_SECONDS)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    check_csrf(request, await request.form())
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.post("/record", response_class=HTMLResponse)
async def record(request: Request) -> Response:
    """Step 4: record the decided case in the ledger (decided again, with the subject's history)."""
    who, values = await _posted(request, writes=True)
    if who is None:
        return _login_first()
    try:
        case = own_case(who, parse_case(values.get("case", "")))
        with write_gate(request):
            result = ledger_of(request).record(case, officer=values.get("officer", ""), fine=views.form_fine(values),
                                               formal_warning=values.get("formal_warning") == "on")
    except FireEnforceError as exc:
        return views.problem(request, exc, step=4)
    return _record_page(request, result)


def _record_page(request: Request, result: Record, status: int = 200) -> Response:
    return views.page(request, "record.html.j2", status=status, step=4, record=result)


@router.post("/findings/{finding}/documents")
async def document(request: Request, finding: str) -> Response:
    """A numbered document of the finding (the one its form names by number; else the latest of
    its type), to read, print or download."""
    who, values = await _posted(request, writes=False)
    if who is None:
        return _login_first()
    kind, format = values.get("document", ""), values.get("format") or "html"
    try:
        ledger = ledger_of(request)
        text = ledger.render(visible(ledger, who, finding).finding, kind, format=format, fine=views.form_fine(values),
                             formal_warning=values.get("formal_warning") == "on", number=values.get("number") or None)
    except FireEnforceError as exc:
        return views.problem(request, exc, step=4)
    return views.document_response(text, kind, format)


@router.get("/due", response_class=HTMLResponse)
def due(request: Request, on: str = "") -> Response:
    """Step 5: the office's findings due for re-inspection on ``on`` (default today)."""
    who = page_principal(request)
    if who is None:
        return _login_first()
    try:
        day = _day(on)
    except CaseError as exc:
        return _due_page(request, who, dt.date.today(), alert=in_chinese(exc.field, exc.message), status=422)
    return _due_page(request, who, day)


def _day(text: str) -> dt.date:
    """The day a due-list form names; today when it names none."""
    try:
        return dt.date.fromisoformat(text) if text else dt.date.today()
    except ValueError:
        raise CaseError("on", f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def _due_page(request: Request, who: Principal, day: dt.date, *, notice: str = "", alert: str = "",
              status: int = 200, closed: Closure | None = None) -> Response:
    rows = ledger_of(request).due(day, None if who.reads_all else who.office)
    items = settings_of(request).ruleset_on(day).items
    names = {row.item: items[row.item].name if row.item in items else row.item for row in rows}
    return views.page(request, "due.html.j2", status=status, step=5, rows=rows, names=names, on=day, notice=notice,
                      alert=alert, closed=closed)


@router.post("/findings/{finding}/reinspect", response_class=HTMLResponse)
async def reinspect(request: Request, finding: str) -> Response:
    """Rectified: the finding is closed (back to the list). Not rectified: the next step (step 4)."""
    who, values = await _posted(request, writes=True)
    if who is None:
        return _login_first()
    ledger = ledger_of(request)
    day = dt.date.today()
    try:
        if not values.get("on"):  # the form always names its day
            raise CaseError("on", "Field required")
        day = _day(values["on"])
        if values.get("rectified") not in ("0", "1"):
            raise CaseError("rectified", "press 已整改 or 未整改")
        require_officer(values.get("officer", ""))  # the page's 复查 always names who re-inspected
        changeable(ledger, who, finding)
        with write_gate(request):
            result = ledger.reinspect(finding, on=day, rectified=values["rectified"] == "1",
                                      officer=values.get("officer", ""), fine=views.form_fine(values),
                                      formal_warning=values.get("formal_warning") == "on")
    except FireEnforceError as exc:
        return _due_page(request, who, day, alert=f"{finding}：{in_chinese(*library_error(exc))}", status=422)
    except HTTPException as exc:  # another office's finding (404); the role was checked above
        return _due_page(request, who, day, alert=f"{finding}：{in_chinese('', str(exc.detail))}",
                         status=exc.status_code)
    if isinstance(result, Closure):
        return _due_page(request, who, day, notice=f"{finding} 已整改，已销号（{result.closed_on}）", closed=result)
    return _record_page(request, result)


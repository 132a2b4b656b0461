"""Rendering the page's templates: a sandboxed, autoescaping Jinja2 environment with strict
undefined, loading only from the package's ``templates/`` folder."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from fireenforce import labels
from fireenforce.documents.context import citation
from fireenforce.errors import CaseError, FireEnforceError
from fireenforce.service.access import page_principal
from fireenforce.service.csrf import FIELD, csrf_token, set_csrf_cookie
from fireenforce.service.errors import library_error
from fireenforce.service.wording import in_chinese

HERE = Path(__file__).parent
STATIC = HERE / "static"
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'"
STEPS = ("查询", "填写", "决定", "记录", "复查")


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(HERE / "templates"), undefined=StrictUndefined, autoescape=True,
        trim_blocks=True, lstrip_blocks=True, auto_reload=False,
    )
    env.globals.update(labels=labels, steps=STEPS)
    env.filters.update(citation=citation, yuan=_yuan)
    return env


def form_values(form: FormData) -> dict[str, str]:
    """A posted form's text fields (files are never expected)."""
    return {key: value for key, value in form.items() if isinstance(value, str)}


def problem(request: Request, exc: FireEnforceError, step: int) -> HTMLResponse:
    """The page for a request the library refused, saying why in Chinese."""
    return page(request, "problem.html.j2", status=422, step=step, error=in_chinese(*library_error(exc)))


def form_fine(values: dict[str, str]) -> int | None:
    """The fine a document form gives, in whole yuan (None when left blank)."""
    fine = values.get("fine", "").strip()
    if fine and not fine.isdigit():
        raise CaseError("fine", f"{fine!r} is not a whole number of yuan")
    return int(fine) if fine else None


def _yuan(amount: int) -> str:
    return f"{amount:,}元"


def page(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """A page of the officer's app, with its CSRF token in the forms and in the cookie."""
    context.setdefault("step", 0)
    context.setdefault("notice", "")
    context.setdefault("alert", "")
    html = environment().get_template(template).render(
        csrf_field=FIELD, csrf=csrf_token(request), who=page_principal(request),
        has_ledger=request.app.state.ledger is not None, **context)
    response = HTMLResponse(html, status_code=status, headers={
        "Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
    })
    set_csrf_cookie(request, response)
    return response


MEDIA_TYPES = {
    "html": "text/html; charset=utf-8", "text": "text/plain; charset=utf-8", "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def document_response(document: str | bytes, kind: str, format: str) -> Response:
    """A filled document: HTML and text to read in place (self-contained, its own styles), DOCX
    and PDF as files named after the document type."""
    headers = {"Content-Security-Policy": DOCUMENT_CSP, "X-Content-Type-Options": "nosniff"}
    if format in ("docx", "pdf"):
        headers["Content-Disposition"] = f'attachment; filename="{kind}.{format}"'
    return Response(document, media_type=MEDIA_TYPES[format], headers=headers)

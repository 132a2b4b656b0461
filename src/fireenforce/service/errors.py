"""Every error answer is ``{"error": {"field", "message"}}``: bad input is 422 with the CLI's
own message, and nothing else about the server (least of all a stack trace) reaches a client."""

from __future__ import annotations

import logging
import re
from typing import Any, Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException

from fireenforce.errors import CaseError, FireEnforceError
from fireenforce.ledger import LedgerError, LedgerUnavailable, OpenFinding, UnknownFinding
from fireenforce.model import Case
from fireenforce.model.case import first_error

log = logging.getLogger("fireenforce.service")

_REQUEST_PARTS = ("body", "query", "path", "header", "cookie")
_FLAG = re.compile(r"^--([a-z][a-z-]*): ")  # document errors name the CLI option they concern


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    field: str
    message: str
    code: str | None = None
    """A stable code where the error has one (e.g. ``open_finding``, with ``finding`` naming it)."""
    finding: str | None = None


class ErrorBody(BaseModel):
    """The body of every 4xx/5xx answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    error: ErrorDetail


def error_response(status: int, field: str, message: str, headers: Mapping[str, str] | None = None,
                   **more: str) -> JSONResponse:
    """The one error shape; ``more`` (``code``, ``finding``) is added only where the error has it."""
    return JSONResponse({"error": {"field": field, "message": message, **more}}, status_code=status, headers=headers)


def validation_error(errors: list[Any], body: Any, model: type[BaseModel] | None = None) -> tuple[str, str]:
    """(field, message) for a request FastAPI could not validate, worded as the CLI words it;
    ``model`` is the body's model (None for a JSON array body)."""
    first = errors[0]
    loc = tuple(first.get("loc", ()))
    part = loc[0] if loc and loc[0] in _REQUEST_PARTS else ""
    if part == "body" and len(loc) == 1 and first.get("type") == "missing":
        return "", f"no body given: send {_body_kind(model)}"
    if part == "body" and len(loc) == 1 and isinstance(body, bytes):
        return "", f"send the body as {_body_kind(model)} with the header Content-Type: application/json"
    if part == "body" and len(loc) == 1 and (model is None or not isinstance(body, dict)):
        return "", f"the body must be {_body_kind(model)}, not {_json_type(body)}"
    rest = [{**err, "loc": tuple(err.get("loc", ()))[1 if part else 0:],
             "msg": _plain(err) if tuple(err.get("loc", ()))[:1] in (("query",), ("path",)) else err.get("msg", "")}
            for err in errors]
    if model is not None and model is not Case:
        return _wrapped(rest, model)
    return first_error(rest)


def _wrapped(errors: list[dict[str, Any]], model: type[BaseModel]) -> tuple[str, str]:
    """(field, message) for a body that wraps a case: the case's own errors as the CLI words
    them (``case.subject.kind``), an unknown key of the wrapper with the wrapper's fields."""
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = err["loc"]
    if loc[:1] == ("case",) and len(loc) > 1:
        field, message = first_error([{**e, "loc": e["loc"][1:]} for e in errors if e["loc"][:1] == ("case",)
                                      and len(e["loc"]) > 1])
        return ("case" if field == "case" else f"case.{field}"), message
    if err["type"] == "extra_forbidden" and len(loc) == 1:
        return str(loc[0]), f"unknown field {loc[0]!r} (a typo?); known fields: {', '.join(model.model_fields)}"
    return first_error([err])


def _plain(err: dict[str, Any]) -> str:
    """pydantic's message for a query or path parameter, in the words the CLI uses for it."""
    given, ctx = err.get("input"), err.get("ctx") or {}
    kind = err.get("type", "")
    if kind == "int_parsing":
        return f"{given!r} is not a whole number"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = "at least" if kind == "greater_than_equal" else "at most"
        return f"must be {bound} {ctx.get('ge', ctx.get('le'))}, not {given}"
    if kind.startswith("date_"):
        return f"{given!r} is not a date (YYYY-MM-DD)"
    return str(err.get("msg", ""))


def _body_kind(model: type[BaseModel] | None) -> str:
    return "a JSON object" if model is not None else "a JSON array"


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(value), "null" if value is None else type(value).__name__)


def library_error(exc: FireEnforceError) -> tuple[str, str]:
    """(field, message) for an error the library raised: the CLI prints the same message."""
    if isinstance(exc, CaseError):
        return exc.field, exc.message
    message = str(exc)
    flag = _FLAG.match(message)
    return (flag.group(1).replace("-", "_"), message[flag.end():]) if flag else ("", message)


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the one shape."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        model = getattr(request.state, "body_model", None)
        return error_response(422, *validation_error(list(exc.errors()), exc.body, model))

    @app.exception_handler(UnknownFinding)
    async def _unknown(request: Request, exc: UnknownFinding) -> JSONResponse:
        return error_response(404, "", str(exc))

    @app.exception_handler(LedgerUnavailable)
    async def _unavailable(request: Request, exc: LedgerUnavailable) -> JSONResponse:
        log.error("ledger unavailable: %s", exc)
        return error_response(503, "", "the ledger cannot be used now; try again later (logged)")

    @app.exception_handler(LedgerError)
    async def _state(request: Request, exc: LedgerError) -> JSONResponse:
        if isinstance(exc, OpenFinding):
            said = str(exc).replace("--separate REASON", '"separate": REASON')
            return error_response(409, "", said, code=exc.code, finding=exc.finding)
        return error_response(409, "", str(exc))

    @app.exception_handler(FireEnforceError)
    async def _library(request: Request, exc: FireEnforceError) -> JSONResponse:
        return error_response(422, *library_error(exc))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        return error_response(exc.status_code, "", str(exc.detail), headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "", "internal error: the server could not answer this request (logged)")

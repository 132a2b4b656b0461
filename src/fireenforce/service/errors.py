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
from fireenforce.ledger import LedgerError, LedgerUnavailable, UnknownFinding
from fireenforce.model.case import first_error

log = logging.getLogger("fireenforce.service")

_REQUEST_PARTS = ("body", "query", "path", "header", "cookie")
_FLAG = re.compile(r"^--([a-z][a-z-]*): ")  # document errors name the CLI option they concern


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    field: str
    message: str


class ErrorBody(BaseModel):
    """The body of every 4xx/5xx answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    error: ErrorDetail


def error_response(status: int, field: str, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"field": field, "message": message}}, status_code=status, headers=headers)


def validation_error(errors: list[Any], body: Any) -> tuple[str, str]:
    """(field, message) for a request FastAPI could not validate, worded as the CLI words it."""
    first = errors[0]
    loc = tuple(first.get("loc", ()))
    part = loc[0] if loc and loc[0] in _REQUEST_PARTS else ""
    if first.get("type") == "json_invalid":
        return "", f"body is not valid JSON ({first.get('ctx', {}).get('error', 'syntax error')})"
    if part == "body" and len(loc) == 1 and first.get("type") == "missing":
        return "", "no body given: send a JSON object"
    if part == "body" and len(loc) == 1 and not isinstance(body, dict):
        return "", f"the body must be a JSON object, not {_json_type(body)}"
    rest = [{**err, "loc": tuple(err.get("loc", ()))[1 if part else 0:]} for err in errors]
    return first_error(rest)


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
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
        return error_response(422, *validation_error(list(exc.errors()), exc.body))

    @app.exception_handler(UnknownFinding)
    async def _unknown(request: Request, exc: UnknownFinding) -> JSONResponse:
        return error_response(404, "", str(exc))

    @app.exception_handler(LedgerUnavailable)
    async def _unavailable(request: Request, exc: LedgerUnavailable) -> JSONResponse:
        log.error("ledger unavailable: %s", exc)
        return error_response(503, "", "the ledger cannot be used now; try again later (logged)")

    @app.exception_handler(LedgerError)
    async def _state(request: Request, exc: LedgerError) -> JSONResponse:
        return error_response(409, "", str(exc))

    @app.exception_handler(FireEnforceError)
    async def _library(request: Request, exc: FireEnforceError) -> JSONResponse:
        return error_response(422, *library_error(exc))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):  # FastAPI's "error parsing the body"
            return error_response(422, "", "body is not valid JSON (it is not UTF-8 text)")
        return error_response(exc.status_code, "", str(exc.detail), headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "", "internal error: the server could not answer this request (logged)")

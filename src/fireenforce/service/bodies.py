"""Reading ``/v1`` request bodies as strictly as the CLI reads its files: a key given twice,
runaway nesting or text that is not UTF-8 is a 422 naming the field, never a guess or a 400;
and the query string may carry only the parameters an endpoint declares, each once."""

from __future__ import annotations

import inspect
from typing import Any, Callable, Coroutine

from fastapi import Request
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.responses import Response

from fireenforce.errors import CaseError
from fireenforce.model import jsontext


class StrictJsonRequest(Request):
    """A request whose JSON body is read by the library's strict reader."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            try:
                text = (await self.body()).decode("utf-8")
            except UnicodeDecodeError:
                raise CaseError("", "body is not valid JSON (it is not UTF-8 text)") from None
            try:
                self._json = jsontext.loads(text, where="")
            except jsontext.JsonSyntaxError as exc:
                raise CaseError("", f"body is {exc.message}") from None
        return self._json


def body_model(endpoint: Callable[..., Any]) -> type[BaseModel] | None:
    """The pydantic model an endpoint takes as its JSON body, if any."""
    for parameter in inspect.signature(endpoint, eval_str=True).parameters.values():
        kind = parameter.annotation
        if inspect.isclass(kind) and issubclass(kind, BaseModel):
            return kind
    return None


class StrictJsonRoute(APIRoute):
    """An API route reading its body with ``StrictJsonRequest`` and refusing query parameters it
    does not declare or that come twice; the error handlers learn the body's model
    (``request.state.body_model``) to list its fields when one is unknown."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        model = body_model(self.endpoint)
        declared = {param.alias for param in self.dependant.query_params}
        for dependency in self.dependant.dependencies:
            declared.update(param.alias for param in dependency.query_params)

        async def strict_handler(request: Request) -> Response:
            strict = StrictJsonRequest(request.scope, request.receive)
            strict.state.body_model = model
            check_query(strict, declared)
            try:
                return await handler(strict)
            except HTTPException as exc:
                # FastAPI turns an error while reading the body into a bare 400; ours says why
                if exc.status_code == 400 and isinstance(exc.__cause__, CaseError):
                    raise exc.__cause__ from None
                raise

        return strict_handler


def check_query(request: Request, declared: set[str]) -> None:
    """Refuse a query parameter the endpoint does not know, or one given twice."""
    seen: set[str] = set()
    for name, _value in request.query_params.multi_items():
        if name not in declared:
            known = f"; known parameters: {', '.join(sorted(declared))}" if declared else "; it takes none"
            raise CaseError(name, f"unknown query parameter {name!r} (a typo?){known}")
        if name in seen:
            raise CaseError(name, "given twice in the query string")
        seen.add(name)

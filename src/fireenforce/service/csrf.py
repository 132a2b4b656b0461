"""CSRF protection of the page's forms: a double-submit token.

Every page sets a random token in a cookie (HttpOnly, SameSite=Strict) and repeats it in a
hidden field of its forms; a POST whose field does not match its cookie is refused (403). A
foreign site can neither read the cookie nor, with SameSite=Strict, make the browser send it.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request
from starlette.datastructures import FormData
from starlette.responses import Response

COOKIE = "fe_csrf"
FIELD = "csrf"


def csrf_token(request: Request) -> str:
    """The request's token: the cookie's, or a new one (``set_csrf_cookie`` then stores it)."""
    token = request.cookies.get(COOKIE, "")
    if len(token) < 32:
        token = getattr(request.state, "new_csrf", "") or secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    new = getattr(request.state, "new_csrf", "")
    if new:
        set_cookie(request, response, COOKIE, new)


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    """A cookie scripts cannot read, never sent cross-site, and only over TLS when served over TLS."""
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def check_csrf(request: Request, form: FormData) -> None:
    cookie = request.cookies.get(COOKIE, "")
    field = form.get(FIELD)
    if not cookie or not isinstance(field, str) or not hmac.compare_digest(cookie, field):
        raise HTTPException(403, "the form has expired or did not come from this page: reload it and try again")

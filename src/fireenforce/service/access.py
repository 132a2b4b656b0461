"""Who may see and change which records.

A token acts for one office. An officer's token reads and writes that office's records only:
another office's finding answers 404, exactly as one that does not exist. The brigade reads
every office's records and writes its own; legal staff read everything and write nothing (403).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fireenforce.errors import CaseError
from fireenforce.ledger import FindingView, Ledger, UnknownFinding
from fireenforce.model import Case
from fireenforce.service.tokens import Principal, TokenRefused, TokenStore

SESSION_COOKIE = "fe_token"
bearer = HTTPBearer(auto_error=False, description="a token from: fireenforce token add --office NAME --role ROLE")
NOT_FOUND = "no such finding in your office's record"


def ledger_of(request: Request) -> Ledger:
    ledger: Ledger | None = request.app.state.ledger
    if ledger is None:
        raise HTTPException(503, "this server keeps no ledger (start it with: fireenforce serve --db URL)")
    return ledger


def write_gate(request: Request) -> AbstractContextManager[object]:
    """Writers of a SQLite ledger take turns in this process rather than in SQLite's busy
    handler, which sleeps and retries: under load that made the slowest writes wait seconds."""
    gate: AbstractContextManager[object] = request.app.state.write_gate
    return gate


def tokens_of(request: Request) -> TokenStore:
    return TokenStore(ledger_of(request))


def authenticate(request: Request, token: str) -> Principal:
    """The principal of ``token``; 401 saying why when there is none."""
    try:
        return tokens_of(request).authenticate(token)
    except TokenRefused as exc:
        raise HTTPException(401, str(exc), headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None


def principal(request: Request,
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
    """The API's caller, from ``Authorization: Bearer TOKEN``."""
    ledger_of(request)  # no ledger, no tokens: 503 before 401
    if credentials is None:
        raise HTTPException(401, "a bearer token is required (Authorization: Bearer TOKEN)",
                            headers={"WWW-Authenticate": "Bearer"})
    return authenticate(request, credentials.credentials)


Caller = Annotated[Principal, Depends(principal)]


def visible(ledger: Ledger, who: Principal, finding: str) -> FindingView:
    """The finding, if ``who`` may read it; otherwise 404, as if it did not exist."""
    try:
        view = ledger.show(finding)
    except UnknownFinding:
        raise HTTPException(404, f"{finding}: {NOT_FOUND}") from None
    if not who.reads_all and view.office != who.office:
        raise HTTPException(404, f"{finding}: {NOT_FOUND}")
    return view


def changeable(ledger: Ledger, who: Principal, finding: str) -> FindingView:
    """The finding, if ``who`` may add to it (its own office's); 404 or 403 otherwise."""
    view = visible(ledger, who, finding)
    may_write(who)
    if view.office != who.office:
        raise HTTPException(403, f"{finding} belongs to {view.office}: {who.role} tokens do not change another office's records")
    return view


def office_read(who: Principal, office: str | None) -> str | None:
    """The office whose records a list shows: any one asked for (None: all) when ``who`` reads
    everything, else ``who``'s own; another office is 404, as if it did not exist."""
    if who.reads_all:
        return office
    if office not in (None, who.office):
        raise HTTPException(404, f"{office}: no such office in your record")
    return who.office


def may_write(who: Principal) -> None:
    if not who.writes:
        raise HTTPException(403, "legal staff tokens read the record and write nothing")


def own_case(who: Principal, case: Case) -> Case:
    """The case as recorded by ``who``'s office: an empty office name is the token's, another is refused."""
    may_write(who)
    office = case.office
    if office.name and office.name != who.office:
        raise CaseError("office.name", f"{office.name!r} is not the office of this token ({who.office})")
    if who.level is not None and office.level != who.level:
        raise CaseError("office.level", f"{office.level!r} is not the level of {who.office} ({who.level})")
    return case if office.name else case.model_copy(update={"office": office.model_copy(update={"name": who.office})})


def page_principal(request: Request) -> Principal | None:
    """Who is logged in to the page (the token in its HttpOnly cookie), if anyone."""
    if not hasattr(request.state, "principal"):
        token = request.cookies.get(SESSION_COOKIE, "")
        who = None
        if token and request.app.state.ledger is not None:
            try:
                who = tokens_of(request).authenticate(token)
            except TokenRefused:
                who = None
        request.state.principal = who
    found: Principal | None = request.state.principal
    return found

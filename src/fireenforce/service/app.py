"""The application factory: routes, error shapes, the body limit, and CORS (off by default)."""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager, nullcontext
from typing import AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from fireenforce import __version__
from fireenforce.ledger import Ledger
from fireenforce.ledger.database import is_sqlite
from fireenforce.service import api, errors, ledger_api, page, referrals_api, triage_api
from fireenforce.service.limits import BodyLimit
from fireenforce.service.settings import Settings

DESCRIPTION = """Fire-safety enforcement for township and street offices: what applies to an
observed violation, the step to take with its legal basis, and the legal documents.
Bad input answers 422 with `{"error": {"field", "message"}}`, the message the CLI prints."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """A ready application; ``settings`` default to the bundled ruleset, no ledger and no CORS.
    The ledger (``settings.db``) must exist: ``fireenforce ledger init`` creates it."""
    settings = settings or Settings()
    settings.ruleset_on()  # a broken ruleset or ledger stops the start, not the first request
    ledger = Ledger(settings.db, create=False, ruleset=settings.ruleset, offices=settings.offices) if settings.db else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if ledger is not None:
            ledger.close()

    app = FastAPI(title="fireenforce", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, lifespan=lifespan,
                  redirect_slashes=False)  # /v1/findings/ is a 404 in the error shape, not a bare redirect
    app.state.settings = settings
    app.state.ledger = ledger
    app.state.write_gate = threading.Lock() if ledger is not None and is_sqlite(ledger.engine) else nullcontext()
    errors.install(app)
    app.include_router(api.router)
    app.include_router(ledger_api.router)
    app.include_router(referrals_api.router)
    app.include_router(triage_api.router)
    page.mount(app)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(BodyLimit, limit=settings.max_body)
    return app

"""The application factory: routes, error shapes, the body limit, and CORS (off by default)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from fireenforce import __version__
from fireenforce.service import api, errors, page
from fireenforce.service.limits import BodyLimit
from fireenforce.service.settings import Settings

DESCRIPTION = """Fire-safety enforcement for township and street offices: what applies to an
observed violation, the step to take with its legal basis, and the legal documents.
Bad input answers 422 with `{"error": {"field", "message"}}`, the message the CLI prints."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """A ready application; ``settings`` default to the bundled ruleset and no CORS."""
    settings = settings or Settings()
    settings.ruleset_on()  # a broken ruleset stops the start, not the first request
    app = FastAPI(title="fireenforce", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    errors.install(app)
    app.include_router(api.router)
    page.mount(app)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(BodyLimit, limit=settings.max_body)
    return app

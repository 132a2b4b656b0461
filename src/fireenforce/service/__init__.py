"""The HTTP API (``/v1``) and the officer's phone page (``/``), served by ``fireenforce serve``.

The service sits on top of the library: it imports the engine, documents, query and ledger
layers, and none of them imports it. ``create_app`` builds a FastAPI application; see
docs/service.md for running it in an office.
"""

from fireenforce.service.app import create_app
from fireenforce.service.settings import Settings

__all__ = ["Settings", "create_app"]

"""The HTTP API (``/v1``) and the officer's phone page (``/``), served by ``fireenforce serve``.

The service sits on top of the library: it imports the engine, documents, query and ledger
layers, and none of them imports it. ``create_app`` builds a FastAPI application; see
docs/service.md for running it in an office. Both names are imported on first use, so that
``fireenforce`` commands other than ``serve`` never load FastAPI, the ledger or the documents.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fireenforce.service.app import create_app
    from fireenforce.service.settings import Settings

__all__ = ["Settings", "create_app"]
_HOMES = {"create_app": "fireenforce.service.app", "Settings": "fireenforce.service.settings"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)

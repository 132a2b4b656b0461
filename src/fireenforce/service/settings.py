"""What a running service is configured with (``fireenforce serve`` options)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from fastapi import Request

from fireenforce.resources import bundled_family
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import MANIFEST, in_force_on, load_ruleset, load_version, versions_of
from fireenforce.service.defaults import DEFAULT_MAX_BODY


@dataclass(frozen=True)
class Settings:
    """``db``: the ledger (a URL or SQLite file; without it the ledger endpoints answer 503);
    ``ruleset``: a ruleset directory (default: the bundled family); ``max_body``: the largest
    request body accepted, in bytes; ``cors_origins``: origins allowed to call the API from a
    browser (none by default); ``offices``: an offices.yaml overriding the ruleset's."""

    db: str | None = None
    ruleset: Path | None = None
    max_body: int = DEFAULT_MAX_BODY
    cors_origins: tuple[str, ...] = ()
    offices: Path | None = None

    @cached_property
    def _versions(self) -> tuple[Ruleset, ...]:
        """The ruleset's versions, compiled once for the life of the service (a request never
        touches the ruleset files: checking them for changes costs milliseconds)."""
        newest = load_ruleset(self.ruleset)  # the library's own errors for a broken directory
        root = self.ruleset or bundled_family()
        return (newest,) if (root / MANIFEST).is_file() else tuple(load_version(d) for d in versions_of(root))

    def ruleset_on(self, day: dt.date | None = None) -> Ruleset:
        """The ruleset version in force on ``day`` (the newest without a day)."""
        if day is None:
            return max(self._versions, key=lambda r: r.in_force.from_)
        return in_force_on(self._versions, day)


def settings_of(request: Request) -> Settings:
    """The settings of the application serving ``request``."""
    settings: Settings = request.app.state.settings
    return settings

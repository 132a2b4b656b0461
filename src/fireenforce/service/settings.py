"""What a running service is configured with (``fireenforce serve`` options)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import load_ruleset

DEFAULT_MAX_BODY = 256 * 1024  # bytes: a case is a few kilobytes; a batch belongs to the CLI


@dataclass(frozen=True)
class Settings:
    """``ruleset``: a ruleset directory (default: the bundled family); ``max_body``: the largest
    request body accepted, in bytes; ``cors_origins``: origins allowed to call the API from a
    browser (none by default); ``offices``: an offices.yaml overriding the ruleset's."""

    ruleset: Path | None = None
    max_body: int = DEFAULT_MAX_BODY
    cors_origins: tuple[str, ...] = ()
    offices: Path | None = None

    def ruleset_on(self, day: dt.date | None = None) -> Ruleset:
        """The ruleset version in force on ``day`` (the newest without a day)."""
        return load_ruleset(self.ruleset, on=day)

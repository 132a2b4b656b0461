"""The rulesets the ledger decides with, cached in the process: a ledger records many cases
(each of its own date) and loading a ruleset checks every file of it, which costs more than a
decision. A ruleset directory (default: the bundled family) is loaded once per path; a path is
checked again for edits (new or changed files) at most every ``RECHECK`` seconds, and the
compiled versions are shared per path and content (``load_version`` caches them)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

from fireenforce.resources import bundled_family
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import MANIFEST, in_force_on, load_family, load_ruleset, load_version

RECHECK = 2.0  # seconds
_LOADED: dict[str, tuple[float, bool, tuple[Ruleset, ...]]] = {}  # path -> (checked at, family?, versions)
_LOCK = threading.Lock()


def ruleset_on(path: Path | None, day: dt.date) -> Ruleset:
    """The version of ``path`` (a family or one version; default: the bundled family) that
    decides a case of ``day``; RulesetError or CaseError as ``load_ruleset`` raises them."""
    root = (path or bundled_family()).resolve()
    key, now = str(root), time.monotonic()
    with _LOCK:
        hit = _LOADED.get(key)
    if hit is None or now - hit[0] > RECHECK:
        if not root.is_dir():
            return load_ruleset(root, on=day)  # its one-line error
        family = not (root / MANIFEST).is_file()
        versions = tuple(load_family(root)) if family else (load_version(root),)
        hit = (now, family, versions)
        with _LOCK:
            _LOADED[key] = hit
    _, family, versions = hit
    if family:
        return in_force_on(versions, day)
    ruleset = versions[0]
    if not (ruleset.in_force.covers(day) and ruleset.covers(day)):
        raise ruleset.outside(day)
    return ruleset

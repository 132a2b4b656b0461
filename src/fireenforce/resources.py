"""Where the bundled data lives: inside the installed wheel, or at the repository root."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """``rulesets``, ``documents`` or ``legal``: the wheel's copy, else the source checkout's."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled {name}/ not found (looked in the package and the source tree)")


def bundled_family() -> Path:
    """The bundled ruleset family (all published versions of the Xifeng ruleset)."""
    return data_dir("rulesets") / "xifeng"

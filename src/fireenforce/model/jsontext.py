"""Reading JSON text strictly: duplicate keys and runaway nesting are one-line errors."""

from __future__ import annotations

import json
from typing import Any

from fireenforce.errors import CaseError

MAX_DEPTH = 32  # a case nests five levels deep; anything far deeper is not a case


class JsonSyntaxError(CaseError):
    """The text is not JSON at all (as opposed to JSON that is not a valid case)."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise CaseError(key, "duplicate key (given twice in one JSON object)")
        out[key] = value
    return out


def _depth(text: str) -> int:
    """The deepest bracket nesting outside strings (a linear scan, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def loads(text: str | bytes, where: str = "case") -> Any:
    """The value of one JSON text; any problem is a CaseError whose field is ``where`` (e.g.
    ``line 3``), or the duplicated key under it."""
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig", errors="replace")
    if _depth(text) > MAX_DEPTH:
        raise CaseError(where, f"JSON nested more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise JsonSyntaxError(where, f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except CaseError as exc:
        raise exc.within("" if where == "case" else where) from None

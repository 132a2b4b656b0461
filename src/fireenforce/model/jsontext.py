"""Reading JSON text strictly: duplicate keys and runaway nesting are one-line errors."""

from __future__ import annotations

import json
from typing import Any, Callable

from fireenforce.errors import CaseError, field_path

MAX_DEPTH = 32  # a case nests five levels deep; anything far deeper is not a case


class JsonSyntaxError(CaseError):
    """The text is not JSON at all (as opposed to JSON that is not a valid case)."""


class _Duplicated(dict[str, Any]):
    """A decoded object that was given ``key`` twice (found by path once decoding ends)."""

    key = ""


def _marking(seen: list[bool]) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """An ``object_pairs_hook`` that marks an object given a key twice and notes it in ``seen``."""

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                marked = _Duplicated(out)
                marked.key = key
                seen.append(True)
                return marked
            out[key] = value
        return out

    return hook


def _duplicate(value: Any, path: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    """The path of the first key given twice, in document order (depth is bounded by MAX_DEPTH)."""
    if isinstance(value, dict):
        if isinstance(value, _Duplicated):
            return (*path, value.key)
        children = value.items()
    elif isinstance(value, list):
        children = enumerate(value)  # type: ignore[assignment]
    else:
        return None
    for key, child in children:
        found = _duplicate(child, (*path, key))
        if found is not None:
            return found
    return None


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
        seen: list[bool] = []
        value = json.loads(text, object_pairs_hook=_marking(seen))
    except json.JSONDecodeError as exc:
        raise JsonSyntaxError(where, f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    twice = _duplicate(value) if seen else None
    if twice is not None:
        error = CaseError(field_path(twice), "duplicate key (given twice in one JSON object)")
        raise error.within("" if where == "case" else where) from None
    return value

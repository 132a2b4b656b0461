"""``render``'s Python arguments checked one by one: a wrong type is one DocumentError line naming
the parameter, never a TypeError or AttributeError from deep inside."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fireenforce.errors import CaseError, DocumentError, field_path
from fireenforce.model import Decision
from fireenforce.model import jsontext
from fireenforce.model.case import FIRST_DAY, LAST_DAY


def decision_of(value: Any) -> Decision:
    """A Decision from a Decision, a dict or JSON text (as ``decide`` returns and dumps it)."""
    if isinstance(value, Decision):
        return value
    if isinstance(value, (str, bytes)):
        try:
            value = jsontext.loads(value)
        except CaseError as exc:
            where = "decision" if exc.field == "case" else f"decision.{exc.field}"
            raise DocumentError(f"{where}: {exc.message}") from None
    if not isinstance(value, dict):
        raise DocumentError(f"decision: {_kind(value)} given; expected a Decision, its dict or its JSON text")
    try:
        return Decision.model_validate(value)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise DocumentError(f"decision.{field_path(error['loc'])}: {error['msg']}") from None


def day_of(name: str, value: Any) -> dt.date | None:
    """A document date from a date or an ISO ``YYYY-MM-DD`` string (None stays None)."""
    if value is None or (type(value) is dt.date and FIRST_DAY <= value <= LAST_DAY):
        return value
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            day = None
        if day is not None and FIRST_DAY <= day <= LAST_DAY:
            return day
    raise DocumentError(f"{name}: {_kind(value)} {value!r:.40} given; expected a date "
                        f"(datetime.date or 'YYYY-MM-DD', {FIRST_DAY.year}–{LAST_DAY.year})")


def whole(name: str, value: Any, meaning: str) -> int | None:
    """An optional whole number (a JSON-style integer: not a bool, float or string)."""
    if value is None or type(value) is int:
        return value
    raise DocumentError(f"{name}: {_kind(value)} {value!r:.40} given; expected {meaning} as a whole number (int)")


def flag(name: str, value: Any) -> bool:
    if type(value) is not bool:
        raise DocumentError(f"{name}: {_kind(value)} {value!r:.40} given; expected True or False")
    return value


def path_of(name: str, value: Any) -> Path | None:
    if value is None or isinstance(value, Path):
        return value
    if isinstance(value, str) and value:
        return Path(value)
    raise DocumentError(f"{name}: {_kind(value)} {value!r:.40} given; expected a file path")


def _kind(value: object) -> str:
    return "None" if value is None else type(value).__name__

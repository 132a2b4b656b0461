"""Device and grid events (JSON Lines), validated strictly: one bad line refuses the whole file."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from typing import Iterator

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fireenforce.errors import FireEnforceError
from fireenforce.ruleset.compiled import Ruleset

CHINA = dt.timezone(dt.timedelta(hours=8))  # the day of an event is its date in China time


class SignalError(FireEnforceError):
    """A line of a signals file is invalid; names the line and the field."""

    def __init__(self, source: str, line: int, field: str, message: str) -> None:
        self.line = line
        self.field = field
        self.message = message
        super().__init__(f"{source}:{line}: {field + ': ' if field else ''}{message}")


_TEXT = Field(min_length=1, max_length=200)


class Signal(BaseModel):
    """One event: ``{"source", "device", "place", "kind", "at"}``, plus ``item`` or ``description``
    where the kind needs them (a grid worker's report)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    source: str = _TEXT
    device: str = _TEXT
    place: str = _TEXT
    kind: str = _TEXT
    at: str
    item: str | None = Field(None, min_length=1, max_length=40)
    description: str | None = Field(None, min_length=1, max_length=2000)

    @field_validator("source", "device", "place", "kind", "item", "description")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("at")
    @classmethod
    def _datetime(cls, value: str) -> str:
        if "T" not in value and " " not in value:
            raise ValueError("an ISO date-time is needed (e.g. 2026-05-03T21:40:00+08:00), not a date alone")
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO date-time") from None
        try:
            _china_day(moment)
        except OverflowError:
            raise ValueError(f"{value!r} has no date in China time (out of range)") from None
        return value

    @property
    def moment(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.at)

    @functools.cached_property
    def day(self) -> dt.date:
        """The calendar day in China time (a time without an offset is taken as China time)."""
        return _china_day(self.moment)

    @functools.cached_property
    def id(self) -> str:
        """A content id: the same event sent twice has the same id (and counts once)."""
        canonical = json.dumps(self.model_dump(exclude_none=True), sort_keys=True, ensure_ascii=False)
        return "S-" + hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _china_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CHINA).date() if moment.tzinfo is not None else moment.date()


class _Repeated(Exception):
    """A key given twice in one event (json.loads would silently keep the last)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_repeats(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise _Repeated(key)
        out[key] = value
    return out


def _message(err: dict[str, object]) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field (a typo?)"
    if err["type"] == "missing":
        return "required"
    if str(err["type"]).startswith("string_type"):
        return "must be a string"
    return str(err["msg"]).removeprefix("Value error, ")


def parse_signal(obj: object, ruleset: Ruleset, source: str = "<signal>", line: int = 1) -> Signal:
    """One event as a Signal, checked against the ruleset's event kinds and catalogue; SignalError otherwise."""
    if not isinstance(obj, dict):
        raise SignalError(source, line, "", "an event must be a JSON object")
    for key, value in obj.items():
        if value is None:
            raise SignalError(source, line, str(key), "must be a string (leave the field out rather than null)")
    try:
        signal = Signal.model_validate(obj)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(part) for part in err["loc"])
        raise SignalError(source, line, field, _message(dict(err))) from None
    spec = ruleset.triggers.signals.get(signal.kind)
    if spec is None:
        known = ", ".join(sorted(ruleset.triggers.signals)) or "none: this ruleset declares no event kinds"
        raise SignalError(source, line, "kind", f"unknown event kind {signal.kind!r} (known: {known})")
    if spec.needs_one_of and all(getattr(signal, f) is None for f in spec.needs_one_of):
        raise SignalError(source, line, " or ".join(spec.needs_one_of), f"a {signal.kind} event needs one of them")
    for extra in ("item", "description"):
        if getattr(signal, extra) is not None and extra not in spec.needs_one_of:
            raise SignalError(source, line, extra, f"not a field of a {signal.kind} event")
    if signal.item is not None and signal.item not in ruleset.items:
        raise SignalError(source, line, "item", f"unknown catalogue item {signal.item!r}")
    return signal


def iter_signals(text: str, ruleset: Ruleset, source: str = "<signals>") -> Iterator[Signal]:
    """Events from JSON Lines text (blank lines are skipped); the first bad line raises SignalError."""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, object_pairs_hook=_no_repeats)
        except json.JSONDecodeError as exc:
            raise SignalError(source, number, "", f"not valid JSON ({exc.msg})") from None
        except _Repeated as exc:
            raise SignalError(source, number, exc.key, "given twice in one event") from None
        yield parse_signal(obj, ruleset, source, number)


def parse_signals(text: str, ruleset: Ruleset, source: str = "<signals>") -> list[Signal]:
    """All events of a JSON Lines text, or SignalError for the first bad line (nothing is half-read)."""
    return list(iter_signals(text, ruleset, source))

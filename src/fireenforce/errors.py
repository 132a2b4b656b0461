"""Errors with one-line messages that name the field (and, for rulesets, the file and line)."""

from __future__ import annotations


def field_path(loc: tuple[str | int, ...] | list[str | int]) -> str:
    """A field's path in the one notation of every message: ``penalties[0].cite[0]``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class FireEnforceError(Exception):
    """Base class: every error the library raises on bad input is one of these."""

    exit_code = 2


class CaseError(FireEnforceError, ValueError):
    """A case (input) is invalid; ``field`` is the dotted path of the offending field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # raised in a worker process, re-raised here
        return (type(self), (self.field, self.message))

    def within(self, where: str) -> "CaseError":
        """This error as part of a larger input: ``[2]`` (a list entry) gives ``[2].subject.kind``,
        ``line 3`` (a JSON Lines line) gives ``line 3: subject.kind``."""
        own = "" if self.field == "case" else self.field
        if not where:
            return self
        if not own:
            return CaseError(where, self.message)
        return CaseError(f"{where}.{own}" if where.startswith("[") else f"{where}: {own}", self.message)


class RulesetError(FireEnforceError):
    """A ruleset is invalid. Carries every finding, each a file:line message."""

    def __init__(self, findings: list["Finding"]) -> None:
        self.findings = findings
        first = findings[0].format() if findings else "invalid ruleset"
        more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
        super().__init__(first + more)


class DocumentError(FireEnforceError):
    """A document cannot be rendered for this decision (wrong type, fine out of range, ...)."""


class Finding:
    """One diagnostic: a stable code, a location and a message."""

    __slots__ = ("code", "file", "line", "field", "message", "severity")

    def __init__(
        self,
        code: str,
        message: str,
        *,
        file: str = "",
        line: int | None = None,
        field: str = "",
        severity: str = "error",
    ) -> None:
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        self.severity = severity

    def format(self) -> str:
        where = self.file or "<ruleset>"
        if self.line is not None:
            where += f":{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}: {self.severity} {self.code}:{field} {self.message}"

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }

    def __repr__(self) -> str:
        return f"Finding({self.format()!r})"

"""Typed ledger errors: each is one line, and the CLI turns it into exit code 2."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from fireenforce.errors import CaseError, FireEnforceError

if TYPE_CHECKING:
    from fireenforce.model import Decision


class LedgerError(FireEnforceError):
    """The ledger refuses an operation (wrong state, unknown id, failed import). ``code`` is
    stable for programs: ``ledger`` in general, a subclass's own where it has one."""

    code = "ledger"


class OpenFinding(LedgerError):
    """The subject already has an open finding for this item: the same conduct belongs to it
    (re-inspect it, or record a separate finding with a written reason)."""

    code = "open_finding"

    def __init__(self, message: str, *, finding: str, deadline: "dt.date | None", status: str) -> None:
        super().__init__(message)
        self.finding, self.deadline, self.status = finding, deadline, status


class FineRequired(CaseError):
    """The step decided is a penalty that provides a fine, and no fine (or formal warning, where
    the law offers one instead) was given: ``decision`` is what was decided, so a caller can
    choose the amount within ``decision.penalty.fine`` and send the request again."""

    def __init__(self, message: str, *, decision: "Decision | None" = None) -> None:
        super().__init__("fine", message)
        self.decision = decision

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return (CaseError, (self.field, self.message))


class SubjectMerge(LedgerError):
    """A subject-id correction would file the finding under an id the ledger knows for another
    subject: a merge, done only when asked for explicitly."""

    code = "subject_merge"


class UnknownFinding(LedgerError, KeyError):
    """No finding (or action, or event) with this id in the ledger."""

    code = "unknown"

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class LedgerUnavailable(LedgerError):
    """The database cannot be used: missing, unreachable or not a ledger."""

    code = "unavailable"


class LedgerReadOnly(LedgerUnavailable):
    """The database (or its directory) cannot be written."""


class LedgerLocked(LedgerUnavailable):
    """Another writer held the database longer than the busy timeout."""


class LedgerSchemaError(LedgerUnavailable):
    """The database was created by a newer fireenforce (an unknown schema revision)."""

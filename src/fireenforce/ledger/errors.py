"""Typed ledger errors: each is one line, and the CLI turns it into exit code 2."""

from __future__ import annotations

from fireenforce.errors import FireEnforceError


class LedgerError(FireEnforceError):
    """The ledger refuses an operation (wrong state, unknown id, failed import)."""


class UnknownFinding(LedgerError, KeyError):
    """No finding (or action, or event) with this id in the ledger."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class LedgerUnavailable(LedgerError):
    """The database cannot be used: missing, unreachable or not a ledger."""


class LedgerReadOnly(LedgerUnavailable):
    """The database (or its directory) cannot be written."""


class LedgerLocked(LedgerUnavailable):
    """Another writer held the database longer than the busy timeout."""


class LedgerSchemaError(LedgerUnavailable):
    """The database was created by a newer fireenforce (an unknown schema revision)."""

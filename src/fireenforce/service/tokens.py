"""Bearer tokens of the HTTP API, kept in the ledger's database (table ``api_tokens``).

A token is 256 random bits shown once, when it is made; the database keeps only its SHA-256
(a random token needs no slow hash: there is nothing to guess from). Each token acts for one
office, with a role: ``officer`` (its office's records), ``brigade`` (reads every office's
records; writes its own), ``legal`` (reads everything, writes nothing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Column, String, Table, select, update

from fireenforce.errors import CaseError
from fireenforce.ledger import Ledger, LedgerError
from fireenforce.ledger.database import translate_errors, writing
from fireenforce.ledger.tables import metadata
from fireenforce.model.enums import OFFICE_LEVELS, OfficeLevel

Role = Literal["officer", "brigade", "legal"]
ROLES: tuple[Role, ...] = get_args(Role)
PREFIX = "fe_"
# Office names end in the unit they belong to: 北街街道…, 董志镇…, 什社乡….
_LEVEL_MARKS: tuple[tuple[str, OfficeLevel], ...] = (("街道", "street"), ("镇", "town"), ("乡", "township"))

api_tokens = Table(  # in the ledger's metadata, as the migrations build it (0004_api_tokens)
    "api_tokens", metadata,
    Column("id", String(16), primary_key=True),
    Column("hash", String(64), nullable=False, unique=True),
    Column("office", String(200), nullable=False),
    Column("level", String(16), nullable=True),  # none for legal staff, who record nothing
    Column("role", String(16), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32), nullable=True),
)


class TokenInfo(BaseModel):
    """A token as ``token list`` shows it (never the token itself)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    office: str
    level: OfficeLevel | None
    role: Role
    created_at: str
    revoked_at: str | None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts for."""

    token: str  # the token's id, for logs
    office: str
    level: OfficeLevel | None
    role: Role

    @property
    def reads_all(self) -> bool:
        return self.role in ("brigade", "legal")

    @property
    def writes(self) -> bool:
        return self.role != "legal"


class TokenRefused(Exception):
    """No valid token: the message says which way it is wrong."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def office_level(office: str, role: Role, level: str | None) -> OfficeLevel | None:
    """The level given, else the brigade's, else the one the office's name states (exactly one);
    none for legal staff, who record nothing. A level the name contradicts is refused: it would
    decide with another level's delegated powers."""
    named = _named_level(office)
    if level is not None:
        if level not in OFFICE_LEVELS:
            raise CaseError("level", f"{level!r} is not one of {', '.join(OFFICE_LEVELS)}")
        expected = "brigade" if role == "brigade" else named
        if role != "legal" and expected is not None and level != expected:
            said = "a brigade token acts for the brigade" if role == "brigade" else f"its name says {expected}"
            raise CaseError("level", f"{level!r} does not fit {office!r}: {said}")
        return level
    if role == "brigade":
        return "brigade"
    if role == "legal":
        return None
    if named is None:
        raise CaseError("level", f"cannot tell the level of {office!r} from its name: give --level "
                                 f"({', '.join(OFFICE_LEVELS)})")
    return named


def _named_level(office: str) -> OfficeLevel | None:
    """The level an office's name states, if exactly one (街道 names may hold 镇 or 乡 in a
    place name; 街道 is the unit)."""
    found = {lvl for mark, lvl in _LEVEL_MARKS if mark in office}
    if "street" in found:
        return "street"
    return found.pop() if len(found) == 1 else None


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class TokenStore:
    """Tokens in a ledger's database."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def add(self, office: str, role: str, level: str | None = None) -> tuple[str, TokenInfo]:
        """A new token for ``office`` with ``role``: (the token, to show once; its record)."""
        if not office.strip():
            raise CaseError("office", "name the office the token acts for")
        if role not in ROLES:
            raise CaseError("role", f"{role!r} is not one of {', '.join(ROLES)}")
        token = PREFIX + secrets.token_urlsafe(32)
        info = TokenInfo(id="T-" + secrets.token_hex(4), office=office.strip(), role=role,
                         level=office_level(office, role, level), created_at=_now(), revoked_at=None)
        with translate_errors(self.ledger.url), writing(self.ledger.engine) as conn:
            conn.execute(api_tokens.insert().values(hash=digest(token), **info.model_dump()))
        return token, info

    def list(self) -> list[TokenInfo]:
        columns = [api_tokens.c[name] for name in TokenInfo.model_fields]
        with translate_errors(self.ledger.url), self.ledger.engine.connect() as conn:
            rows = conn.execute(select(*columns).order_by(api_tokens.c.created_at, api_tokens.c.id)).all()
        return [TokenInfo.model_validate(row._asdict()) for row in rows]

    def revoke(self, token_id: str) -> TokenInfo:
        """Revoke at once (the next request with it is refused); revoking twice keeps the first date."""
        with translate_errors(self.ledger.url), writing(self.ledger.engine) as conn:
            conn.execute(update(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
                         .values(revoked_at=_now()))
        for info in self.list():
            if info.id == token_id:
                return info
        raise LedgerError(f"{token_id}: no such token (see: fireenforce token list)")

    def authenticate(self, token: str) -> Principal:
        """The principal of a presented token, or TokenRefused saying why not."""
        with translate_errors(self.ledger.url), self.ledger.engine.connect() as conn:
            row = conn.execute(select(api_tokens).where(api_tokens.c.hash == digest(token))).one_or_none()
        if row is None:
            raise TokenRefused("unknown token")
        if row.revoked_at is not None:
            raise TokenRefused(f"this token was revoked at {row.revoked_at}")
        return Principal(token=row.id, office=row.office, level=row.level, role=row.role)

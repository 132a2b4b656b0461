"""The event: one immutable line of the record, hash-chained to the office's previous event.

Kinds (the offices' terms in brackets):

- ``finding`` (检查发现): the inspection's case (without history), officer, subject key and match
- ``action`` (处理决定): the step taken, the full Decision JSON with its ruleset id, version and
  digest, the history decide was given, the deadline, and a departure with its reason
- ``document`` (文书): a document issued for an action, with its number
- ``reinspection`` (复查): date, rectified or not
- ``application`` (复查申请): the party applied for a re-inspection of the running order
- ``closure`` (整改销号): the finding is closed
- ``referral_sent`` / ``referral_accepted`` / ``referral_returned`` (移交): handover to the
  brigade and its answer, with the brigade's result
- ``correction`` (更正): changes to an earlier event's data, with a reason
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

EventKind = Literal[
    "finding", "action", "document", "reinspection", "closure",
    "referral_sent", "referral_accepted", "referral_returned", "correction", "application",
]
GENESIS = "0" * 64


class Event(BaseModel):
    """One stored event, as exported (JSON Lines) and as hashed."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    seq: int
    id: str
    office: str
    office_seq: int
    kind: EventKind
    finding: str | None
    subject: str | None
    at: dt.date
    recorded_at: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str


def new_id(prefix: str) -> str:
    """A random id such as ``F-3f9c2a7e1b0d4c68`` (64 bits: no coordination between writers)."""
    return f"{prefix}-{secrets.token_hex(8)}"


def canonical(payload: dict[str, Any]) -> str:
    """The payload's stored and hashed text: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def event_hash(
    prev_hash: str, id: str, office: str, office_seq: int, kind: str, finding: str | None,
    subject: str | None, at: dt.date, recorded_at: str, payload_text: str,
) -> str:
    """SHA-256 over the previous hash and every stored field of the event."""
    fields = [prev_hash, id, office, office_seq, kind, finding, subject, at.isoformat(), recorded_at, payload_text]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "CST")


def china_today() -> dt.date:
    """Today's date in China (UTC+8), whatever the server's time zone: the day the offices count in."""
    return dt.datetime.now(CHINA_TIME).date()

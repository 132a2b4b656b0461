"""The events an audit of a ledger database reads: all of them, or for a period only the
findings with an action in it (each with its whole record, so first actions are known).

One query reads only what the audit uses: an action's payload without the decision recorded
with it (the bulk of the row: only its step is read, in the database), findings and documents
whole; rows become plain tuples, not validated ``Event`` models (the ledger wrote them)."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any, Iterator, NamedTuple

from sqlalchemy import JSON, Select, Text, case, cast, func, literal, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB

from fireenforce.ledger.database import translate_errors
from fireenforce.ledger.tables import events

if TYPE_CHECKING:
    from fireenforce.ledger import Ledger

KINDS = ("finding", "action", "document")
CHUNK = 500  # findings per query


class Recorded(NamedTuple):
    """An event as the audit reads it (an action's ``decision`` is its step)."""

    id: str
    office: str
    kind: str
    finding: str | None
    at: dt.date
    payload: dict[str, Any]


def audited_events(led: "Ledger", first: dt.date | None, last: dt.date | None, office: str | None
                   ) -> Iterator[Recorded]:
    query = _query(led.engine.dialect.name)
    with translate_errors(led.url), led.engine.connect() as conn:
        if first is None and last is None:
            if office is not None:
                query = query.where(events.c.office == office)
            yield from _read(conn.execute(query.order_by(events.c.seq).execution_options(yield_per=5000)))
            return
        acted = select(events.c.finding).where(events.c.kind == "action").distinct()
        if first is not None:
            acted = acted.where(events.c.at >= first)
        if last is not None:
            acted = acted.where(events.c.at <= last)
        if office is not None:
            acted = acted.where(events.c.office == office)
        findings = sorted(conn.execute(acted).scalars())
        for start in range(0, len(findings), CHUNK):
            chunk = query.where(events.c.finding.in_(findings[start:start + CHUNK])).order_by(events.c.seq)
            yield from _read(conn.execute(chunk))


def _query(dialect: str) -> Select[Any]:
    """The events of the audited kinds, their payload as JSON text; an action's without the
    decision recorded with it, whose step alone comes apart (an older ledger recorded the step)."""
    payload = events.c.payload
    if dialect == "postgresql":
        doc: Any = cast(payload, JSONB)
        trimmed: Any = cast(doc.op("-")(literal("decision")), Text)
        step = func.coalesce(doc[("decision", "step")].astext, doc["decision"].astext)
    else:
        doc = type_coerce(payload, JSON)
        trimmed = func.json_remove(payload, "$.decision")
        step = func.coalesce(doc[("decision", "step")].as_string(), doc["decision"].as_string())
    is_action = events.c.kind == "action"
    return select(events.c.id, events.c.office, events.c.kind, events.c.finding, events.c.at,
                  case((is_action, trimmed), else_=payload), case((is_action, step), else_=None)
                  ).where(events.c.kind.in_(KINDS))


def _read(rows: Any) -> Iterator[Recorded]:
    for row in rows:
        payload = json.loads(row[5])
        if row[6] is not None:
            payload["decision"] = row[6]
        yield Recorded(row[0], row[1], row[2], row[3], row[4], payload)

"""The events an audit of a ledger database reads: all of them, or for a period only the
findings with an action in it (each with its whole record, so first actions are known)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import select

from fireenforce.ledger.chain import to_event
from fireenforce.ledger.database import translate_errors
from fireenforce.ledger.events import Event
from fireenforce.ledger.tables import events

if TYPE_CHECKING:
    from fireenforce.ledger import Ledger

KINDS = ("finding", "action", "document")
CHUNK = 500  # findings per query


def audited_events(led: "Ledger", first: dt.date | None, last: dt.date | None, office: str | None) -> Iterator[Event]:
    if first is None and last is None:
        yield from led.events(office=office, kinds=KINDS)
        return
    query = select(events.c.finding).where(events.c.kind == "action").distinct()
    if first is not None:
        query = query.where(events.c.at >= first)
    if last is not None:
        query = query.where(events.c.at <= last)
    if office is not None:
        query = query.where(events.c.office == office)
    with translate_errors(led.url), led.engine.connect() as conn:
        findings = sorted(conn.execute(query).scalars())
        for start in range(0, len(findings), CHUNK):
            rows = conn.execute(select(events).where(events.c.finding.in_(findings[start:start + CHUNK]),
                                                     events.c.kind.in_(KINDS)).order_by(events.c.seq))
            for row in rows:
                yield to_event(row)

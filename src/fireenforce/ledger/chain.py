"""Appending to an office's hash chain, numbering documents, and refreshing projections; all
inside the caller's write transaction, which holds the office's chain head locked."""

from __future__ import annotations

import datetime as dt
import json
from itertools import groupby
from typing import Any, Iterable, Iterator

from sqlalchemy import Connection, Row, bindparam, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy import Table

from fireenforce.ledger.events import GENESIS, Event, canonical, event_hash, new_id, now
from fireenforce.ledger.state import FindingState, replay
from fireenforce.ledger.tables import actions, chain_heads, counters, events, findings


_INSERT_EVENT = insert(events).returning(events.c.seq)
_BUMP_COUNTER = (
    update(counters)
    .where(counters.c.office == bindparam("k_office"), counters.c.doc_type == bindparam("k_type"),
           counters.c.year == bindparam("k_year"))
    .values(last=counters.c.last + 1).returning(counters.c.last)
)


def insert_missing(conn: Connection, table: Table, values: dict[str, Any]) -> None:
    """INSERT unless the primary key exists (both backends)."""
    dialect = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(dialect(table).values(**values).on_conflict_do_nothing())


class ChainWriter:
    """Appends events to one office's chain; call :meth:`close` before committing."""

    def __init__(self, conn: Connection, office: str) -> None:
        self.conn, self.office = conn, office
        locked = select(chain_heads.c.seq, chain_heads.c.hash).where(chain_heads.c.office == office).with_for_update()
        head = conn.execute(locked).one_or_none()
        if head is None:  # the office's first event (another writer may be creating it too)
            insert_missing(conn, chain_heads, {"office": office, "seq": 0, "hash": GENESIS})
            head = conn.execute(locked).one()
        self.seq, self.hash = head.seq, head.hash
        self.appended: list[Event] = []

    def append(self, kind: str, *, finding: str | None, subject: str | None, at: dt.date,
               payload: dict[str, Any]) -> Event:
        event_id, recorded_at, text = new_id("E"), now(), canonical(payload)
        office_seq = self.seq + 1
        digest = event_hash(self.hash, event_id, self.office, office_seq, kind, finding, subject, at, recorded_at, text)
        seq = self.conn.execute(_INSERT_EVENT, {
            "id": event_id, "office": self.office, "office_seq": office_seq, "kind": kind, "finding": finding,
            "subject": subject, "at": at, "recorded_at": recorded_at, "payload": text, "prev_hash": self.hash,
            "hash": digest,
        }).scalar_one()
        event = Event(seq=seq, id=event_id, office=self.office, office_seq=office_seq, kind=kind, finding=finding,  # type: ignore[arg-type]
                      subject=subject, at=at, recorded_at=recorded_at, payload=json.loads(text),
                      prev_hash=self.hash, hash=digest)
        self.seq, self.hash = office_seq, digest
        self.appended.append(event)
        return event

    def next_serial(self, doc_type: str, year: int) -> int:
        """The next number of ``doc_type`` in ``year`` for this office (gap-free: it rolls back
        with the transaction)."""
        key = {"k_office": self.office, "k_type": doc_type, "k_year": year}
        bumped = self.conn.execute(_BUMP_COUNTER, key).scalar_one_or_none()
        if bumped is not None:
            return int(bumped)
        # The office holds its chain lock, so no other writer can create this counter meanwhile.
        self.conn.execute(insert(counters).values(office=self.office, doc_type=doc_type, year=year, last=1))
        return 1

    def close(self) -> None:
        self.conn.execute(update(chain_heads).where(chain_heads.c.office == self.office)
                          .values(seq=self.seq, hash=self.hash))


def to_event(row: Row[Any]) -> Event:
    data = row._asdict()
    data["payload"] = json.loads(data["payload"])
    return Event.model_validate(data)


def finding_events(conn: Connection, finding: str) -> list[Event]:
    rows = conn.execute(select(events).where(events.c.finding == finding).order_by(events.c.seq))
    return [to_event(r) for r in rows]


def recorded_cases(conn: Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The case each finding was recorded with (its first event), by finding id."""
    out: dict[str, dict[str, Any]] = {}
    listed = sorted(set(ids))
    for begin in range(0, len(listed), 500):
        query = select(events.c.finding, events.c.payload).where(
            events.c.kind == "finding", events.c.finding.in_(listed[begin:begin + 500]))
        for finding, payload in conn.execute(query):
            out[finding] = json.loads(payload)["case"]
    return out


def finding_groups(conn: Connection) -> Iterator[tuple[str, list[Event]]]:
    """Every finding's events, finding by finding, each in order (streamed)."""
    query = select(events).where(events.c.finding.is_not(None)).order_by(events.c.finding, events.c.seq)
    with conn.execute(query.execution_options(yield_per=5000)) as rows:
        for finding, group in groupby(rows, key=lambda r: r.finding):
            yield finding, [to_event(r) for r in group]


def refresh(conn: Connection, finding: str, new: list[Event] | None = None) -> FindingState:
    """Recompute one finding's projection rows from its events (``new``: all its events, for a
    finding created in this transaction)."""
    state = replay(new if new is not None else finding_events(conn, finding))
    write_projection(conn, [state], replace=new is None)
    return state


def write_projection(conn: Connection, states: Iterable[FindingState], *, replace: bool = False) -> None:
    states = list(states)
    if replace:
        ids = [s.id for s in states]
        conn.execute(delete(actions).where(actions.c.finding.in_(ids)))
        conn.execute(delete(findings).where(findings.c.id.in_(ids)))
    conn.execute(insert(findings), [s.projection() for s in states])
    conn.execute(insert(actions), [row for s in states for row in s.action_rows()])

"""The whole record as JSON Lines (one event per line, in order) and back, and an online
backup of a SQLite file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import IO, Iterable, Iterator

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, delete, func, insert, select, text

from fireenforce.ledger.chain import to_event
from fireenforce.ledger.errors import LedgerError
from fireenforce.ledger.events import Event, canonical
from fireenforce.ledger.issued import series_of
from fireenforce.ledger.state import replay
from fireenforce.ledger.tables import actions, chain_heads, counters, events, findings
from fireenforce.ledger.chain import finding_groups, write_projection
from fireenforce.ledger.verify import verify


def export_lines(conn: Connection) -> Iterator[str]:
    """Every event as one JSON line, in the order it was recorded."""
    rows = conn.execute(select(events).order_by(events.c.seq).execution_options(yield_per=5000))
    for row in rows:
        yield json.dumps(to_event(row).model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


def parse_lines(lines: Iterable[str], source: str) -> list[Event]:
    return list(iter_events(lines, source))


def iter_events(lines: Iterable[str], source: str) -> Iterator[Event]:
    """The events of an export, line by line; a bad line is a LedgerError naming it and the field."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield Event.model_validate_json(line)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "event"
            raise LedgerError(f"{source}:{number}: {field}: {err['msg']}") from None


def import_events(conn: Connection, evs: list[Event], source: str) -> int:
    """Load exported events into an empty ledger, rebuild its state, and verify it."""
    if conn.execute(select(func.count()).select_from(events)).scalar_one():
        raise LedgerError(f"{source}: the target ledger is not empty; import only into a new one")
    if not evs:
        return 0
    conn.execute(insert(events), [{**e.model_dump(), "payload": canonical(e.payload)} for e in evs])
    heads: dict[str, Event] = {}
    for e in evs:
        heads[e.office] = e
    conn.execute(insert(chain_heads), [{"office": o, "seq": e.office_seq, "hash": e.hash} for o, e in heads.items()])
    try:
        rebuild(conn)
    except LedgerError as exc:
        raise LedgerError(f"{source}: {exc}") from None
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT setval(pg_get_serial_sequence('events', 'seq'), (SELECT max(seq) FROM events))"))
    report = verify(conn)
    if not report.ok and report.broken is not None:
        raise LedgerError(f"{source}: the imported record does not verify: {report.broken.reason} "
                          f"(office {report.broken.office}, event {report.broken.event})")
    return len(evs)


def rebuild(conn: Connection) -> int:
    """Replace the projections and the number counters by a replay of the events."""
    conn.execute(select(chain_heads).with_for_update()).all()  # every office waits meanwhile
    try:
        states = [replay(evs) for _, evs in finding_groups(conn)]
    except (KeyError, ValueError) as exc:
        raise LedgerError(f"the events do not replay ({exc})") from None
    conn.execute(delete(actions))
    conn.execute(delete(findings))
    for start in range(0, len(states), 2000):
        write_projection(conn, states[start:start + 2000])
    last: dict[tuple[str, str, int], int] = {}
    for row in conn.execute(select(events.c.office, events.c.payload).where(events.c.kind == "document")):
        p = json.loads(row.payload)
        key = (row.office, series_of(p), p["year"])
        last[key] = max(last.get(key, 0), p["serial"])
    conn.execute(delete(counters))
    if last:
        conn.execute(insert(counters), [{"office": o, "doc_type": t, "year": y, "last": n} for (o, t, y), n in last.items()])
    return len(states)


def backup_sqlite(engine: Engine, target: Path) -> None:
    """Copy a live SQLite ledger to ``target`` page by page (writers may continue meanwhile)."""
    if engine.dialect.name != "sqlite":
        raise LedgerError("backup: only SQLite files are backed up here; use pg_dump for PostgreSQL")
    if target.exists():
        raise LedgerError(f"{target}: exists already; choose a new file")
    if not target.parent.is_dir():
        raise LedgerError(f"{target}: no folder {target.parent} to write the backup in")
    raw = engine.raw_connection()
    try:
        with sqlite3.connect(target) as dest:
            raw.driver_connection.backup(dest)  # type: ignore[union-attr]
        dest.close()
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise LedgerError(f"{target}: the backup could not be written ({exc})") from None
    finally:
        raw.close()


def write_lines(lines: Iterable[str], out: IO[str]) -> int:
    count = 0
    for line in lines:
        out.write(line + "\n")
        count += 1
    return count

"""``verify``: recompute the record from its events and name the first place it breaks.

Proves: no event was edited (each hash recomputes), none was deleted or inserted within an
office's chain (sequence numbers contiguous, each event names its predecessor's hash), none
removed from the end (the chain head matches), document numbers are unique and gap-free per
office, type and year, and the projections (findings, actions) equal a replay of the events.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Iterator

from sqlalchemy import Connection, select

from fireenforce.ledger.chain import finding_groups
from fireenforce.ledger.events import GENESIS, event_hash
from fireenforce.ledger.issued import series_of
from fireenforce.ledger.models import Broken, VerifyReport
from fireenforce.ledger.state import replay
from fireenforce.ledger.tables import actions, chain_heads, counters, events, findings

_BATCH = 5000


def verify(conn: Connection) -> VerifyReport:
    heads = {r.office: (r.seq, r.hash) for r in conn.execute(select(chain_heads))}
    total, serials, broken = _chains(conn, heads)
    broken = broken or _numbers(conn, serials) or _projections(conn)
    return VerifyReport(ok=broken is None, events=total, offices=len(heads), broken=broken,
                        heads={office: digest for office, (_, digest) in sorted(heads.items())})


def _stream(conn: Connection, query: Any) -> Iterator[Any]:
    yield from conn.execute(query.execution_options(yield_per=_BATCH))


def _chains(conn: Connection, heads: dict[str, tuple[int, str]]) -> tuple[int, dict[tuple[str, str, int], list[int]], Broken | None]:
    total = 0
    serials: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    seen: set[str] = set()
    office, expected, prev = "", 0, GENESIS
    rows = _stream(conn, select(events).order_by(events.c.office, events.c.office_seq))
    for row in rows:
        total += 1
        if row.office != office:
            if office and (broken := _head(office, expected, prev, heads)):
                return total, serials, broken
            office, expected, prev = row.office, 0, GENESIS
            seen.add(office)
        expected += 1
        where = {"office": office, "event": row.id, "office_seq": row.office_seq}
        if row.office_seq != expected:
            return total, serials, Broken(**where, reason=f"event {expected} of the chain is missing (deleted?)")
        if row.prev_hash != prev:
            return total, serials, Broken(**where, reason="does not follow the previous event's hash (a row was deleted or replaced)")
        digest = event_hash(prev, row.id, row.office, row.office_seq, row.kind, row.finding, row.subject,
                            row.at, row.recorded_at, row.payload)
        if digest != row.hash:
            return total, serials, Broken(**where, reason="content does not match its hash (the row was edited)")
        prev = row.hash
        if row.kind == "document":
            p = json.loads(row.payload)
            serials[(office, series_of(p), p["year"])].append(p["serial"])
    if office and (broken := _head(office, expected, prev, heads)):
        return total, serials, broken
    for lost in sorted(set(heads) - seen):
        if heads[lost][0]:
            return total, serials, Broken(office=lost, event=None, office_seq=1, reason="every event of this office is missing")
    return total, serials, None


def _head(office: str, seq: int, digest: str, heads: dict[str, tuple[int, str]]) -> Broken | None:
    head = heads.get(office)
    if head is None:
        return Broken(office=office, event=None, office_seq=None, reason="the office has events but no chain head")
    if head != (seq, digest):
        return Broken(office=office, event=None, office_seq=seq + 1,
                      reason=f"the chain ends at event {seq} but its head records {head[0]} (events removed from the end?)")
    return None


def _numbers(conn: Connection, serials: dict[tuple[str, str, int], list[int]]) -> Broken | None:
    last = {(r.office, r.doc_type, r.year): r.last for r in conn.execute(select(counters))}
    for (office, doc_type, year), numbers in sorted(serials.items()):
        ordered = sorted(numbers)
        if ordered != list(range(1, len(ordered) + 1)) or last.get((office, doc_type, year)) != len(ordered):
            return Broken(office=office, event=None, office_seq=None,
                          reason=f"{doc_type} numbers of {year} are not 1..{len(ordered)} without gaps or repeats")
    return None


def _projections(conn: Connection) -> Broken | None:
    stored = {r.id: r._asdict() for r in conn.execute(select(findings))}
    stored_actions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in conn.execute(select(actions).order_by(actions.c.seq)):
        stored_actions[r.finding].append(r._asdict())
    for finding, evs in finding_groups(conn):
        try:
            state = replay(evs)
        except (KeyError, ValueError) as exc:
            return Broken(office=evs[0].office, event=evs[0].id, office_seq=evs[0].office_seq,
                          reason=f"finding {finding} cannot be replayed ({exc})")
        if stored.pop(finding, None) != state.projection() or stored_actions.pop(finding, []) != state.action_rows():
            return Broken(office=state.office, event=None, office_seq=None,
                          reason=f"finding {finding}: the current state differs from its events (a projection row was changed)")
    if stored or stored_actions:
        extra = sorted(stored) or sorted(stored_actions)
        return Broken(office="", event=None, office_seq=None, reason=f"finding {extra[0]} has no events")
    return None

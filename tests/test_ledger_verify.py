"""Tamper evidence: an edited, deleted or inserted event, a truncated chain, a changed projection
row or a broken number series is found by verify, which names the first broken event."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select, update

from fireenforce.ledger import Ledger
from fireenforce.ledger.tables import chain_heads, counters, events, findings
from ledgerkit import OTHER_OFFICE, case


@pytest.fixture
def led(ledger_url: str) -> Ledger:
    ledger = Ledger(ledger_url)
    for n in range(3):
        rec = ledger.record(case(n + 1), officer="王某")
        ledger.reinspect(rec.finding, on="2026-05-10", rectified=n % 2 == 0, officer="王某")
    ledger.record(case(9, office=OTHER_OFFICE), officer="王某")
    assert ledger.verify().ok
    yield ledger
    ledger.close()


def nth_event(led: Ledger, n: int) -> tuple[str, int]:
    with led.engine.connect() as conn:
        row = conn.execute(select(events.c.id, events.c.office_seq).where(events.c.office == case(1)["office"]["name"])
                           .order_by(events.c.office_seq).offset(n - 1).limit(1)).one()
    return row.id, row.office_seq


def tamper(led: Ledger, statement: object) -> None:
    with led.engine.begin() as conn:
        conn.execute(statement)


def test_an_edited_payload_is_named(led: Ledger) -> None:
    target, seq = nth_event(led, 4)
    tamper(led, update(events).where(events.c.id == target).values(payload='{"edited":true}'))
    broken = led.verify().broken
    assert broken and broken.event == target and broken.office_seq == seq and "edited" in broken.reason


def test_an_edited_date_is_named(led: Ledger) -> None:
    target, _ = nth_event(led, 2)
    tamper(led, update(events).where(events.c.id == target).values(at=dt.date(2020, 1, 1)))
    assert led.verify().broken.event == target


def test_a_deleted_event_is_found(led: Ledger) -> None:
    target, seq = nth_event(led, 5)
    tamper(led, delete(events).where(events.c.id == target))
    broken = led.verify().broken
    assert broken and broken.office_seq == seq + 1 and "missing" in broken.reason


def test_a_rehashed_edit_breaks_the_next_link(led: Ledger) -> None:
    target, _ = nth_event(led, 3)
    following, _ = nth_event(led, 4)
    tamper(led, update(events).where(events.c.id == target).values(hash="f" * 64))
    assert led.verify().broken.event in (target, following)


def test_events_removed_from_the_end_are_found(led: Ledger) -> None:
    with led.engine.connect() as conn:
        last = conn.execute(select(events.c.id).where(events.c.office == OTHER_OFFICE["name"])
                            .order_by(events.c.office_seq.desc()).limit(1)).scalar_one()
    tamper(led, delete(events).where(events.c.id == last))
    broken = led.verify().broken
    assert broken and broken.office == OTHER_OFFICE["name"] and "end" in broken.reason


def test_a_changed_projection_row_is_found(led: Ledger) -> None:
    tamper(led, update(findings).values(status="closed", deadline=None))
    broken = led.verify().broken
    assert broken and "current state differs" in broken.reason


def test_a_gap_in_the_numbers_is_found(led: Ledger) -> None:
    tamper(led, update(counters).values(last=counters.c.last + 1))
    broken = led.verify().broken
    assert broken and "numbers" in broken.reason


def test_a_forged_head_is_found(led: Ledger) -> None:
    tamper(led, update(chain_heads).values(seq=chain_heads.c.seq + 1))
    assert not led.verify().ok


def test_rebuild_restores_the_state_from_the_events(led: Ledger) -> None:
    due_before = led.due(on="2026-12-31")
    tamper(led, update(findings).values(status="closed", deadline=None))
    tamper(led, update(counters).values(last=counters.c.last + 5))
    assert not led.verify().ok
    assert led.rebuild() == 4
    assert led.verify().ok and led.due(on="2026-12-31") == due_before


def test_rebuild_leaves_a_broken_chain_broken(led: Ledger) -> None:
    target, _ = nth_event(led, 4)
    tamper(led, update(events).where(events.c.id == target).values(recorded_at="2020-01-01T00:00:00+00:00"))
    led.rebuild()
    assert led.verify().broken.event == target

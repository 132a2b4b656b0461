"""The ledger's dates: no write dated after today, the hearing right by the penalty recorded, a
decision never dated after the deadline it orders, one deadline on every output."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from fireenforce.errors import CaseError
from fireenforce.ledger import Ledger
from ledgerkit import case, event_count

TODAY = dt.date(2026, 5, 20)


@pytest.fixture
def led(ledger_url: str) -> Iterator[Ledger]:
    """A ledger whose today is 2026-05-20."""
    with Ledger(ledger_url, today=lambda: TODAY) as ledger:
        yield ledger


def test_no_write_after_record_is_dated_after_today(led: Ledger) -> None:
    rec = led.record(case(1), officer="王某")
    referred = led.record(case(2), step="referral", reason="涉嫌重大火灾隐患，移交大队", officer="王某")
    before = event_count(led)
    writes = (
        lambda: led.reinspect(rec.finding, on="2026-05-21", rectified=True, officer="王某"),
        lambda: led.reinspect(rec.finding, on="2026-12-31", rectified=False, officer="王某"),
        lambda: led.apply_for_reinspection(rec.finding, on="2026-05-21"),
        lambda: led.referral_answer(referred.finding, on="2027-01-01", accepted=True),
    )
    for write in writes:
        with pytest.raises(CaseError, match=r"^on: 20\d\d-\d\d-\d\d is after today \(2026-05-20\)"):
            write()
    assert event_count(led) == before
    assert led.reinspect(rec.finding, on=TODAY, rectified=True, officer="王某").closed_on == TODAY
    action = next(e for e in led.show(referred.finding).events if e.kind == "action")
    led.correct(action.id, reason="笔误", changes={"deadline": "2026-06-30"})
    corrected = [e for e in led.show(referred.finding).events if e.kind == "correction"]
    assert [e.at for e in corrected] == [TODAY]  # dated by the ledger's clock

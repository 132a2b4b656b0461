"""Valid ids and cases for the ledger tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from fireenforce.ledger import Ledger
from fireenforce.ledger.subjects import resident_id_check, uscc_check
from fireenforce.ledger.tables import events

OFFICE = {"level": "street", "name": "北街街道消防安全办公室"}
OTHER_OFFICE = {"level": "street", "name": "南街街道消防安全办公室"}
TODAY = dt.date(2027, 12, 31)  # the clock of the ledger fixture: every date the tests record has happened


def uscc(n: int) -> str:
    """A valid 统一社会信用代码, distinct for each n."""
    body = f"91620000MA{n:07d}"
    return body + uscc_check(body)


def resident_id(n: int) -> str:
    """A valid 居民身份证号码, distinct for each n."""
    body = f"62100219900101{n % 1000:03d}"
    return body + resident_id_check(body)


def case(n: int = 1, *, item: str = "EV-BLOCK", on: str = "2026-05-03", office: dict[str, str] | None = None,
         **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "item": item,
        "subject": {"kind": "unit", "operating": True, "name": f"某某超市{n}号店", "id": uscc(n),
                    "address": "西峰区北街"},
        "place": {"name": "某某超市", "address": "西峰区北街", "crowded": True},
        "office": office or OFFICE,
        "observed_on": on,
        "facts": {"narrative": "安全出口上锁"},
    }
    data.update(over)
    return data


def event_count(led: Ledger) -> int:
    """How many events the ledger holds (a refused operation adds none)."""
    with led.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())

"""A writer process for the reliability tests: ``python ledger_writer.py URL WORKER COUNT``
records COUNT cases and prints each finding id once its transaction has committed."""

from __future__ import annotations

import datetime as dt
import sys

from fireenforce.ledger import Ledger
from ledgerkit import OTHER_OFFICE, case


def main(url: str, worker: int, count: int) -> None:
    start = dt.date(2026, 3, 2)
    with Ledger(url, create=False) as led:
        for i in range(count):
            # each subject again every 50 records, on another item (the same one while open is refused),
            # so that later records are decided with history; from the fourth round on, a new subject
            subject = worker * 1000 + i % 50 + (i // 150) * 50
            office = OTHER_OFFICE if i % 3 == 2 else None
            on = start + dt.timedelta(days=i % 200)
            item = ("EV-BLOCK", "EB-PARK", "FL-BLOCK")[(i // 50) % 3]
            rec = led.record(case(subject, item=item, office=office, on=on.isoformat()), officer=f"worker {worker}")
            print(rec.finding, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))

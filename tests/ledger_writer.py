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
            subject = worker * 1000 + i % 50  # each subject twice: the second time with history
            office = OTHER_OFFICE if i % 3 == 2 else None
            on = start + dt.timedelta(days=i % 200)
            rec = led.record(case(subject, office=office, on=on.isoformat()), officer=f"worker {worker}")
            print(rec.finding, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))

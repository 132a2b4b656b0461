"""``fireenforce seed --db URL``: fill a ledger with a seeded year of a simulated district (demo, tests, benchmarks)."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys

from fireenforce.cli._db import add_db, open_ledger
from fireenforce.cli._io import add_format, dump_json, iso_date
from fireenforce.errors import CaseError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("seed", help="fill an empty ledger with a simulated district's activity",
                            description="Replay a deterministic, seeded district (four offices, their compounds, "
                                        "buildings, crowded places, elevator blockers) through the ledger's API: "
                                        "findings, re-inspections, referrals, device events and daily triage. "
                                        "For demonstrations and tests only: never on a real office's ledger.")
    parser.add_argument("--seed", type=int, default=2026, help="the district and its activity (default 2026)")
    parser.add_argument("--from", dest="start", type=iso_date, default=dt.date(2025, 6, 1), metavar="DATE",
                        help="first day (default 2025-06-01)")
    parser.add_argument("--months", type=int, default=12, help="how many months (default 12)")
    parser.add_argument("--rate", type=float, default=1.0, help="activity relative to the default (default 1.0)")
    parser.add_argument("--triage-from", type=iso_date, metavar="DATE", help="run triage from this day (default: all)")
    add_db(parser)
    add_format(parser, "text", "json")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fireenforce.simulate.run import seed_ledger
    from fireenforce.triage.tables import places

    if args.months < 1 or not 0 < args.rate <= 20:
        raise CaseError("--months" if args.months < 1 else "--rate", "out of range (months ≥ 1, 0 < rate ≤ 20)")
    with open_ledger(args) as led:
        with led.engine.connect() as conn:
            if conn.execute(places.select().limit(1)).first() is not None:
                raise CaseError("--db", "this ledger already holds a place register: seed only a new, empty ledger")

        def progress(day: dt.date) -> None:
            if args.format == "text" and day.day == 1:
                print(f"  {day:%Y-%m} …", file=sys.stderr, flush=True)

        summary = seed_ledger(led, seed=args.seed, start=args.start, months=args.months, rate=args.rate,
                              triage_from=args.triage_from, progress=progress)
    if args.format == "json":
        print(dump_json(dataclasses.asdict(summary)))
    else:
        print(f"seeded {summary.days} days: {summary.findings} findings, {summary.reinspections} re-inspections, "
              f"{summary.referral_answers} referral answers, {summary.signals} device events, "
              f"{summary.outcomes} triage outcomes, {summary.departures} departures")
    return 0

"""``fireenforce report --month YYYY-MM``: the monthly assessment (考核问效) from the ledger."""

from __future__ import annotations

import argparse
from pathlib import Path

from fireenforce.cli._db import add_db, open_ledger
from fireenforce.cli._io import add_format, dump_json, write_output


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("report", help="the monthly assessment of each office and the district",
                            description="Hazards found (by item family), orders, re-inspections on time and "
                                        "overdue, closures and the median days to closure, steps taken, fines, "
                                        "referrals, consultations, departures with their reasons and campaign "
                                        "progress, per office and for the district. html is a printable A4 page "
                                        "with charts; json and csv carry the same numbers.")
    parser.add_argument("--month", required=True, metavar="YYYY-MM", help="the month to report")
    parser.add_argument("--office", metavar="NAME", help="one office (the district's numbers stay for comparison)")
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    add_db(parser)
    add_format(parser, "json", "csv", "html")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fireenforce.reports.build import monthly_report, report_csv

    with open_ledger(args, create=False) as led:
        report = monthly_report(led, args.month, args.office)
    if args.format == "html":
        from fireenforce.reports.html import report_html

        text = report_html(report)
    elif args.format == "csv":
        text = report_csv(report)
    else:
        text = dump_json(report)
    write_output(text, args.out)
    if args.out:
        print(f"{args.format} report for {args.month} written to {Path(args.out)}")
    return 0

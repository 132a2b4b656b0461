"""``fireenforce audit [ACTIONS] [--db URL]``: re-decide recorded actions and list where the
action taken differs from the rule (执法监督复核)."""

from __future__ import annotations

import argparse
from pathlib import Path

from fireenforce.cli._db import add_db
from fireenforce.cli._io import add_format, add_ruleset, dump_json, iso_date, positive, refuse_overwriting, write_output


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("audit", help="re-decide recorded actions and list where they differ from the rule",
                            description="Re-decide every recorded action with the ruleset version in force on its "
                                        "date and list where the action taken differs from the rule: 同案不同罚, "
                                        "escalation skipped, penalty before the order's deadline, fine outside the "
                                        "legal range, summary procedure over the art. 51 limit, referral missing, "
                                        "departure without a reason. ACTIONS is a ledger export (JSON Lines) or a "
                                        "Parquet archive (.parquet); without it, the ledger database (--db).")
    parser.add_argument("actions", metavar="ACTIONS", nargs="?",
                        help="a ledger export (fireenforce ledger export) or an archive .parquet")
    parser.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help="only actions dated on or after")
    parser.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD", help="only actions dated on or before")
    parser.add_argument("--office", metavar="NAME", help="only this office's actions")
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument("--workers", metavar="N", type=positive, default=1,
                        help="processes to re-decide on (default 1); an archive's row groups are read by them")
    add_db(parser)
    add_ruleset(parser)
    add_format(parser, "json", "csv")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fireenforce.auditing import audit
    refuse_overwriting(args.out, args.actions, None if args.actions else _ledger_file(args.db))
    report = audit(args.actions, db=args.db, ruleset=args.ruleset, since=args.since, until=args.until,
                   office=args.office, workers=args.workers)
    write_output(report.csv() if args.format == "csv" else dump_json(report.json()), args.out)
    if args.out:
        print(f"{len(report.findings)} findings on {report.actions} actions written to {Path(args.out)}")
    return 0


def _ledger_file(db: str | None) -> str | None:
    """The file of a SQLite ledger database (None for a server)."""
    from sqlalchemy.engine import make_url

    from fireenforce.ledger.database import resolve_url

    url = make_url(resolve_url(db))
    return url.database if url.get_backend_name() == "sqlite" else None

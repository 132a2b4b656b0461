"""``fireenforce signals``: device and grid events as JSON Lines (``check`` validates a file)."""

from __future__ import annotations

import argparse
import collections
from typing import Any

from fireenforce.cli._io import add_format, add_ruleset, dump_json, read_text
from fireenforce.ruleset.load import load_ruleset
from fireenforce.triage.signals import parse_signals


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("signals", help="device and grid events (JSON Lines)",
                            description='Events are JSON Lines: {"source", "device", "place", "kind", "at"}, '
                                        "plus item or description for a grid worker's report.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="validate a file; the first bad line is named, exit 2",
                               description="Validate an events file strictly; a bad line is refused with its "
                                           "line number and field (exit 2), and nothing else is read.")
    check.add_argument("file", metavar="FILE", help="JSON Lines file, or - for stdin")
    add_ruleset(check)
    add_format(check, "text", "json")
    check.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    ruleset = load_ruleset(args.ruleset)
    signals = parse_signals(read_text(args.file), ruleset, args.file)
    distinct = {s.id: s for s in signals}
    kinds = collections.Counter(s.kind for s in distinct.values())
    days = sorted(s.day for s in distinct.values())
    summary: dict[str, Any] = {"events": len(signals), "distinct": len(distinct), "kinds": dict(sorted(kinds.items())),
               "from": days[0].isoformat() if days else None, "to": days[-1].isoformat() if days else None}
    if args.format == "json":
        print(dump_json(summary))
    else:
        print(f"ok: {summary['events']} events ({summary['distinct']} distinct) from {summary['from']} to "
              f"{summary['to']}; " + ", ".join(f"{k} {n}" for k, n in summary["kinds"].items()))
    return 0

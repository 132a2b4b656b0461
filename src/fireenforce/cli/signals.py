"""``fireenforce signals``: device and grid events as JSON Lines, and the register of places."""

from __future__ import annotations

import argparse
import collections
from typing import TYPE_CHECKING, Any

from fireenforce.cli._db import add_db, open_ledger
from fireenforce.cli._io import add_format, add_ruleset, dump_json, read_text
from fireenforce.ruleset.load import load_ruleset

if TYPE_CHECKING:  # triage loads when a signals command runs, not with every command
    from fireenforce.triage.signals import Signal


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("signals", help="device and grid events (JSON Lines) and the place register",
                            description='Events are JSON Lines: {"source", "device", "place", "kind", "at"}, '
                                        "plus item or description for a grid worker's report. A bad line is "
                                        "refused with its number and field (exit 2), and nothing of the file is used.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="validate an events file and summarise it")
    ingest = actions.add_parser("ingest", help="store events in the ledger database (each event once)")
    for p in (check, ingest):
        p.add_argument("file", metavar="FILE", help="JSON Lines file, or - for stdin")
        add_ruleset(p)
        add_format(p, "text", "json")
    add_db(ingest)
    check.set_defaults(run=run_check)
    ingest.set_defaults(run=run_ingest)
    places = actions.add_parser("places", help="add or replace entries of the place register",
                                description='JSON Lines: {"place", "office", "level", "compound", "high_rise", '
                                            '"crowded", "manager": {subject}}; the manager is who a device-generated '
                                            "finding is addressed to.")
    places.add_argument("file", metavar="FILE", help="JSON Lines file, or - for stdin")
    add_db(places)
    add_format(places, "text", "json")
    places.set_defaults(run=run_places)


def _summary(received: list[Signal]) -> dict[str, Any]:
    distinct = {s.id: s for s in received}
    days = sorted(s.day for s in distinct.values())
    kinds = collections.Counter(s.kind for s in distinct.values())
    return {"events": len(received), "distinct": len(distinct), "kinds": dict(sorted(kinds.items())),
            "from": days[0].isoformat() if days else None, "to": days[-1].isoformat() if days else None}


def _emit(args: argparse.Namespace, summary: dict[str, Any], text: str) -> int:
    print(dump_json(summary) if args.format == "json" else text)
    return 0


def _describe(summary: dict[str, Any]) -> str:
    if not summary["events"]:
        return "0 events (the file holds no event)"
    kinds = ", ".join(f"{k} {n}" for k, n in summary["kinds"].items())
    return (f"{summary['events']} events ({summary['distinct']} distinct) from {summary['from']} to "
            f"{summary['to']}; {kinds}")


def run_check(args: argparse.Namespace) -> int:
    from fireenforce.triage.signals import parse_signals

    summary = _summary(parse_signals(read_text(args.file), load_ruleset(args.ruleset), args.file))
    return _emit(args, summary, "ok: " + _describe(summary))


def run_ingest(args: argparse.Namespace) -> int:
    from fireenforce.triage.signals import parse_signals
    from fireenforce.triage.store import store_signals

    received = parse_signals(read_text(args.file), load_ruleset(args.ruleset), args.file)
    with open_ledger(args) as led:
        new, known = store_signals(led, received)
    summary = {**_summary(received), "stored": new, "already_stored": known}
    return _emit(args, summary, f"stored {new} new, {known} already stored: " + _describe(summary))


def run_places(args: argparse.Namespace) -> int:
    from fireenforce.triage.store import office_names, parse_places, store_places

    text = read_text(args.file)
    with open_ledger(args) as led:
        count = store_places(led, parse_places(text, args.file, office_names(led)))
    return _emit(args, {"places": count}, f"{count} places registered")

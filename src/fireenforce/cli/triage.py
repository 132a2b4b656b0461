"""``fireenforce triage --on DATE``: the day's consultations and device-generated findings."""

from __future__ import annotations

import argparse
import datetime as dt

from fireenforce.cli._io import add_format, add_ruleset, dump_json, read_text
from fireenforce.ruleset.load import load_ruleset
from fireenforce.triage import Record, evaluate, parse_signals


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("triage", help="the day's consultations and device-generated findings",
                            description="Evaluate the ruleset's triggers (policy/triggers.yaml) for one day "
                                        "over the events of --signals. Needs durable-rules.")
    parser.add_argument("--on", type=iso_date, required=True, metavar="DATE", help="the triage day")
    parser.add_argument("--signals", required=True, metavar="FILE", help="events as JSON Lines, or - for stdin")
    add_ruleset(parser)
    add_format(parser, "text", "json")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    ruleset = load_ruleset(args.ruleset, on=args.on)
    signals = parse_signals(read_text(args.signals), ruleset, args.signals)
    outcomes = evaluate(ruleset.triggers, [Record.of_signal(s) for s in signals], args.on)
    if args.format == "json":
        print(dump_json([o.to_json() for o in outcomes]))
        return 0
    if not outcomes:
        print(f"{args.on}：无会商或设备线索")
    for o in outcomes:
        label = "会商" if o.kind == "consultation" else f"线索（{o.item}）"
        who = "、".join(o.departments) or "本办"
        print(f"{o.on} {label} {o.place}：{o.text}（{who}；依据 {'、'.join(o.basis)}；{len(o.events)} 条记录）")
    return 0

"""``fireenforce triage --on DATE``: the day's consultations and device-generated findings."""

from __future__ import annotations

import argparse
from typing import Any

from fireenforce.cli._db import add_db, open_ledger
from fireenforce.cli._io import add_format, add_ruleset, dump_json, iso_date, read_text


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("triage", help="the day's consultations and device-generated findings",
                            description="Evaluate the ruleset's triggers (policy/triggers.yaml) for one day over "
                                        "the ledger's signals, findings and referrals, and record the outcomes "
                                        "(running it twice adds nothing). With --signals FILE: only that file's "
                                        "events, nothing recorded. Needs durable-rules.")
    parser.add_argument("--on", type=iso_date, required=True, metavar="DATE", help="the triage day")
    parser.add_argument("--signals", metavar="FILE", help="evaluate this events file alone (a dry run)")
    add_db(parser)
    add_ruleset(parser)
    add_format(parser, "text", "json")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.signals:
        from fireenforce.triage import Record, evaluate, parse_signals
        from fireenforce.triage.records import cited
        from fireenforce.triage.store import ruleset_in_force

        ruleset = ruleset_in_force(args.ruleset, args.on, "--on")
        received = parse_signals(read_text(args.signals), ruleset, args.signals)
        result = [{**o.to_json(), "citations": cited(ruleset, o.basis, args.on)}
                  for o in evaluate(ruleset.triggers, [Record.of_signal(s) for s in received], args.on)]
    else:
        from fireenforce.triage.store import run_triage

        with open_ledger(args, create=False) as led:  # a mistyped --db is an error, not an empty day
            result = run_triage(led, args.on)
    if args.format == "json":
        print(dump_json(result))
    else:
        print(_text(args.on.isoformat(), result))
    return 0


def _text(day: str, result: list[dict[str, Any]]) -> str:
    if not result:
        return f"{day}：无会商或设备线索"
    lines = []
    for o in result:
        label = "会商" if o["kind"] == "consultation" else f"线索（{o['item']}）"
        who = "、".join(o["departments"]) or _office(o)
        finding = f"；隐患记录 {o['finding']}" if o.get("finding") else ""
        note = f"；{o['note']}" if o.get("note") else ""
        basis = "、".join(o.get("citations") or o["basis"])  # rows recorded by earlier versions carry ids only
        lines.append(f"{day} {label} {o['place']}：{o['text']}（{who}；依据 {basis}；"
                     f"{len(o['events'])} 条记录{finding}{note}）")
    return "\n".join(lines)


def _office(outcome: dict[str, Any]) -> str:
    """Who handles a finding: its office, from the place register (a dry run reads no register)."""
    if "office" not in outcome:
        return "办理单位未定：试运行不查场所登记"
    return outcome["office"] or "办理单位未定：场所未登记"

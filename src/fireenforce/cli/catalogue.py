"""``fireenforce catalogue``: every enforcement item with its subjects, levels and legal basis."""

from __future__ import annotations

import argparse
import datetime as dt

from fireenforce.cli._io import add_format, add_ruleset, dump_json
from fireenforce.ruleset.catalogue import catalogue_entries
from fireenforce.ruleset.load import load_ruleset


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("catalogue", help="list the enforcement items of a ruleset")
    add_ruleset(parser)
    parser.add_argument("--on", metavar="DATE", type=dt.date.fromisoformat, default=None,
                        help="pick the version in force on DATE (default: the newest)")
    add_format(parser, "text", "json")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    rs = load_ruleset(args.ruleset, on=args.on)
    items = [entry.model_dump(mode="json") for entry in catalogue_entries(rs)]
    if args.format == "json":
        print(dump_json(items))
        return 0
    print(f"{rs.title} {rs.version}（{len(items)}项；目录来源：{rs.manifest.catalogue.source}）")
    labels = rs.policy.kind_labels
    for e in items:
        fines = "；".join(
            f"{b['branch']}: " + "、".join(
                labels[k] + (f" {b['fine']['min']}—{b['fine']['max']}元" if k == "fine" and b["fine"] else "")
                for k in b["kinds"])
            for b in e["legal_basis"]["penalty"]
        ) or "无罚则"
        levels = ",".join(e["delegated_to"]) or "—"
        print(f"{e['code']:<22} {e['name']}\n{'':<22} 主体={'/'.join(e['subjects'])} 下放={levels} {fines}")
    return 0

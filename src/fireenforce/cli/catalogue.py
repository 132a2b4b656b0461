"""``fireenforce catalogue``: every enforcement item with its subjects, levels and legal basis."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from fireenforce.cli._io import add_format, add_ruleset, dump_json
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import load_ruleset


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("catalogue", help="list the enforcement items of a ruleset")
    add_ruleset(parser)
    parser.add_argument("--on", metavar="DATE", type=dt.date.fromisoformat, default=None,
                        help="pick the version in force on DATE (default: the newest)")
    add_format(parser, "text", "json")
    parser.set_defaults(run=run)


def entries(rs: Ruleset) -> list[dict[str, Any]]:
    out = []
    for item in rs.items.values():
        spec = item.spec
        out.append({
            "ruleset": f"{rs.id} {rs.version}",
            "catalogue_source": rs.manifest.catalogue.source,
            "code": item.code,
            "name": item.name,
            "subjects": list(item.subjects),
            "high_rise_only": item.high_rise_only,
            "delegated_to": sorted(item.delegated_to),
            "legal_basis": {
                "violated": [c.cite for c in spec.violated],
                "penalty": [
                    {"branch": b.id, "when": b.when.model_dump(exclude_none=True), "cite": b.cite, "kinds": b.kinds,
                     "fine": b.fine.model_dump() if b.fine else None, "precondition": b.precondition}
                    for b in spec.penalties
                ],
            },
            "doubts": [d.code for _, d in item.doubts],
        })
    return out


def run(args: argparse.Namespace) -> int:
    rs = load_ruleset(args.ruleset, on=args.on)
    items = entries(rs)
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

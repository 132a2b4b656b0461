"""``fireenforce query "TEXT"``: the catalogue items an officer's description points to."""

from __future__ import annotations

import argparse
import dataclasses

from fireenforce.cli._io import add_format, add_ruleset, dump_json, positive
from fireenforce.errors import CaseError
from fireenforce.query import query
from fireenforce.ruleset.load import load_ruleset


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("query", help="rank catalogue items for a plain-Chinese description")
    parser.add_argument("text", metavar="TEXT", help="what was observed, in the officer's own words")
    parser.add_argument("--top", type=positive, default=5, metavar="N", help="at most N items (default 5)")
    add_ruleset(parser)
    add_format(parser, "text", "json")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not any(char.isalnum() for char in args.text):
        raise CaseError("text", "nothing to search for: describe what was observed")
    matches = query(args.text, load_ruleset(args.ruleset), top=args.top)
    if args.format == "json":
        print(dump_json([dataclasses.asdict(m) for m in matches]))
        return 0
    if not matches:
        print("（没有匹配的执法事项）")
    for m in matches:
        print(f"{m.score:.2f}  {m.code:<22} {m.name}  [{'、'.join(m.matched)}]")
    return 0

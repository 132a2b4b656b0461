"""``fireenforce diff OLD NEW``: the legal changes between two versions and the decisions they change."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fireenforce.cli._io import add_format, dump_json
from fireenforce.model.case import Case, parse_case
from fireenforce.ruleset.load import load_version

if TYPE_CHECKING:  # the diff machinery (and cn2an) loads when the command runs, not with every command
    from fireenforce.verify.diff import Change, Impact


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("diff", help="compare two ruleset versions and the decisions they change",
                            description="Show what changed between two ruleset versions in legal terms, then "
                                        "re-decide a corpus (example-case files and/or generated cases) under both "
                                        "and report every changed decision, grouped by item and step.")
    parser.add_argument("old", metavar="OLD", help="the earlier version directory")
    parser.add_argument("new", metavar="NEW", help="the later version directory")
    parser.add_argument("--cases", action="append", default=[], metavar="PATH",
                        help="example-case YAML file or folder (repeatable)")
    parser.add_argument("--generated", type=int, default=None, metavar="N",
                        help="generated cases to re-decide, on the items the change touches (all items when a "
                             "provision or the policy changed); default 300, or 0 when --cases is given")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the generated cases")
    add_format(parser, "text", "json")
    parser.set_defaults(run=run)


def _example_cases(paths: list[str]) -> list[Case]:
    from fireenforce.testing.casefiles import case_files, load_case_file

    return [parse_case(e.spec.case) for f in case_files([Path(p) for p in paths]) for e in load_case_file(f)
            if e.spec.expect.error is None]


def _value(value: Any, width: int = 120) -> str:
    text = "null" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def _text(old: str, new: str, changes: list[Change], result: Impact) -> str:
    lines = [f"Legal changes {Path(old).name} -> {Path(new).name}: {len(changes)}"]
    for c in changes:
        where = f"{c.subject}{' ' + c.path if c.path else ''}"
        lines.append(f"  {c.area:9} {where}: {_value(c.old)} -> {_value(c.new)}")
    lines.append(f"\nDecisions: {result.changed} of {result.decided} cases change")
    if result.groups:
        lines.append(f"  (paste each example into `fireenforce decide - --what-if --ruleset {old}`, "
                     f"then into `fireenforce decide - --what-if --ruleset {new}`)")
    for g in result.groups:
        lines.append(f"  {g.item} {g.old_step} -> {g.new_step}: {g.count} case(s)")
        for fc in g.changes.values():
            lines.append(f"    {fc.field}: {_value(fc.old)} -> {_value(fc.new)} ({fc.count})")
        example = next(iter(g.changes.values())).example
        if example is not None:
            lines.append("    example: " + json.dumps(example.model_dump(mode="json", exclude_defaults=True),
                                                       ensure_ascii=False))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from fireenforce.verify.diff import affected, generated, impact, legal_diff

    old, new = load_version(Path(args.old)), load_version(Path(args.new))
    count = args.generated if args.generated is not None else (0 if args.cases else 300)
    changes = legal_diff(old, new)
    items = affected(old, new, changes)
    corpus = _example_cases(args.cases) + (generated(old, new, count, args.seed, items) if count else [])
    result = impact(old, new, corpus)
    if args.format == "json":
        print(dump_json({
            "old": old.ref.model_dump(), "new": new.ref.model_dump(),
            "changes": [c.to_json() for c in changes],
            "impact": {"decided": result.decided, "changed": result.changed,
                       "groups": [g.to_json() for g in result.groups]},
        }))
    else:
        print(_text(args.old, args.new, changes, result))
    return 0

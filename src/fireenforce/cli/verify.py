"""``fireenforce verify``: run the standard properties against a ruleset with generated cases."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from fireenforce.cli._io import add_format, positive, dump_json
from fireenforce.resources import bundled_family
from fireenforce.ruleset.load import MANIFEST, load_version, versions_of


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("verify", help="property-test a ruleset with generated cases",
                            description="Run every standard property (monotone escalation, fines in range, "
                                        "citations in force, lex mitior, ...) over generated cases; print a "
                                        "shrunk counterexample for each failure. Exit 1 when any property fails.")
    parser.add_argument("dir", nargs="?", metavar="DIR", help="a version or a family (default: the bundled family)")
    parser.add_argument("--examples", type=positive, default=100, metavar="N", help="cases per property (default 100)")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0: reproducible)")
    parser.add_argument("--property", action="append", dest="properties", metavar="NAME",
                        help="run only this property (repeatable)")
    add_format(parser, "text", "json")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fireenforce.errors import FireEnforceError
    from fireenforce.testing.properties import PROPERTIES
    from fireenforce.verify.run import run_all

    unknown = [n for n in args.properties or () if n not in PROPERTIES]
    if unknown:
        raise FireEnforceError(f"unknown property {unknown[0]!r} (known: {', '.join(PROPERTIES)})")
    root = Path(args.dir) if args.dir else bundled_family()
    dirs = [root] if (root / MANIFEST).is_file() else versions_of(root) if root.is_dir() else []
    if not dirs:
        raise FireEnforceError(f"{root}: no ruleset here (no {MANIFEST})")
    outcomes = [o for d in dirs for o in run_all(load_version(d), examples=args.examples, seed=args.seed,
                                                  names=args.properties)]
    if args.format == "json":
        print(dump_json({"ok": all(o.passed for o in outcomes), "results": [o.to_json() for o in outcomes]}))
    else:
        for o in outcomes:
            print(f"{'PASS' if o.passed else 'FAIL'} {o.version} {o.prop} ({o.examples} cases, {o.seconds:.1f} s)")
            if not o.passed:
                print(f"  {o.message}")
                if o.case is not None:
                    print("  counterexample: " + json.dumps(o.case.model_dump(mode="json", exclude_defaults=True),
                                                            ensure_ascii=False))
        failed = sum(not o.passed for o in outcomes)
        print(f"{len(outcomes) - failed} passed, {failed} failed")
    return 1 if any(not o.passed for o in outcomes) else 0

"""``fireenforce test``: run example-case files; exit 1 when a case fails, 2 for bad files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fireenforce.cli._io import add_format, add_ruleset, add_what_if, check_what_if, dump_json
from fireenforce.errors import FireEnforceError, RulesetError
from fireenforce.testing.casefiles import (
    ExampleCase, bundled_suites, case_files, format_mismatches, load_case_file, resolver, run_case, version_of,
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("test", help="run example-case files against a ruleset",
                            description="Run example-case files (docs/case-files.md). PATH is a file or a folder "
                                        "of *.yaml; default: the cases/ folder of the newest bundled version. "
                                        "Without --ruleset a file inside a version folder (<version>/cases/) is "
                                        "decided by that version; other files by the bundled family. "
                                        "Exit 1 when a case fails, 2 for bad input files.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="case file or folder")
    add_ruleset(parser)
    add_what_if(parser)
    add_format(parser, "text", "json")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or bundled_suites()[-1:]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise FireEnforceError(f"{missing[0]}: no such file or folder")
    cases: list[ExampleCase] = []
    findings = []
    for path in case_files(paths):
        try:
            cases.extend(load_case_file(path))
        except RulesetError as exc:
            findings.extend(exc.findings)
    if findings:
        for finding in findings:
            print(f"fireenforce: error: {finding.format()}", file=sys.stderr)
        return 2
    check_what_if(args)
    given = resolver(Path(args.ruleset), args.what_if) if args.ruleset else None
    results = [(case, run_case(case, given or resolver(version_of(Path(case.file))), args.what_if))
               for case in cases]
    failed = sum(1 for _, mismatches in results if mismatches)
    passed = len(results) - failed
    if args.format == "json":
        print(dump_json({"passed": passed, "failed": failed, "results": [
            {"file": c.file, "line": c.line, "name": c.spec.name, "ok": not m,
             "mismatches": [{"path": x.path, "expected": x.expected, "actual": x.actual} for x in m]}
            for c, m in results]}))
    else:
        for case, mismatches in results:
            if mismatches:
                print(format_mismatches(case, mismatches))
        print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0

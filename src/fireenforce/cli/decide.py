"""``fireenforce decide``: one case, a JSON list or JSON Lines; one result per case."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fireenforce.cli._io import add_format, add_ruleset, dump_json, iter_json_documents, read_text
from fireenforce.cli._text import decision_text
from fireenforce.engine import decide
from fireenforce.errors import CaseError, FireEnforceError
from fireenforce.model.case import parse_case
from fireenforce.ruleset.load import load_ruleset


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("decide", help="decide the step for one or more cases",
                            description="Decide the enforcement step. CASE is a JSON file or - for stdin; "
                                        "a JSON list or JSON Lines gives one result per case.")
    parser.add_argument("case", metavar="CASE", help="case JSON file, or - for stdin")
    add_ruleset(parser)
    add_format(parser, "text", "json")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    documents = list(iter_json_documents(read_text(args.case)))
    single = len(documents) == 1 and documents[0][0] == ""
    failed = 0
    for label, obj in documents:
        try:
            case = parse_case(obj)
            ruleset = load_ruleset(Path(args.ruleset), on=case.decision_date) if args.ruleset else None
            decision = decide(case, ruleset=ruleset)
        except FireEnforceError as exc:
            if single:
                raise
            failed += 1
            field = exc.field if isinstance(exc, CaseError) else ""
            message = exc.message if isinstance(exc, CaseError) else str(exc)
            print(f"fireenforce: error: {label}: {exc}", file=sys.stderr)
            if args.format == "json":
                print(dump_json({"error": {"case": label, "field": field, "message": message}}))
            continue
        if args.format == "json":
            print(dump_json(decision.model_dump(mode="json")))
        else:
            print(decision_text(decision) + ("" if single else "\n"))
    return 2 if failed else 0

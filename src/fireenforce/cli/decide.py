"""``fireenforce decide``: one case, a JSON list (all results or none) or JSON Lines (one
result per line)."""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
from pathlib import Path
from typing import Callable

from fireenforce.cli._io import (
    add_format, add_ruleset, add_what_if, case_of, check_what_if, cli_words, dump_json, positive, read_cases,
    read_text, refuse_overwriting,
)
from fireenforce.cli._text import decision_text
from fireenforce.engine import decide
from fireenforce.errors import CaseError, FireEnforceError
from fireenforce.model.case import Case
from fireenforce.model.decision import Decision
from fireenforce.ruleset.load import load_ruleset


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("decide", help="decide the step for one or more cases",
                            description="Decide the enforcement step. CASE is a JSON file or - for stdin. "
                                        "A JSON list gives all results or none (every bad case is reported); "
                                        "JSON Lines give one result per line, a bad line its error.")
    parser.add_argument("case", metavar="CASE", help="case JSON file, or - for stdin; a .parquet file of cases "
                                                      "(the Case JSON shape as columns) is decided in batches")
    parser.add_argument("--out", metavar="FILE", help="Parquet input: the Parquet file of decisions to write")
    parser.add_argument("--workers", metavar="N", type=positive, default=1,
                        help="Parquet input: processes to decide on (default 1); the file's row groups are "
                             "shared out among them")
    parser.add_argument("--batch-rows", metavar="N", type=positive, default=None,
                        help="Parquet input: rows decided at a time per process (default 131072); "
                             "memory follows it, not the file's size")
    add_ruleset(parser)
    add_what_if(parser)
    add_format(parser, "text", "json")
    parser.set_defaults(run=run)


def _decider(args: argparse.Namespace) -> Callable[[Case], Decision]:
    check_what_if(args)

    def run_one(case: Case) -> Decision:
        if not args.ruleset:
            return decide(case)
        on = None if args.what_if else case.decision_date
        return decide(case, ruleset=load_ruleset(Path(args.ruleset), on=on), what_if=args.what_if)

    return run_one


def _print(decision: Decision, args: argparse.Namespace, single: bool) -> None:
    if args.format == "json":
        print(dump_json(decision.model_dump(mode="json")))
    else:
        print(decision_text(decision) + ("" if single else "\n"))


def run(args: argparse.Namespace) -> int:
    if args.case.lower().endswith(".parquet"):
        return _run_parquet(args)
    if args.out or args.workers != 1 or args.batch_rows is not None:
        given = [flag for flag, on in (("--out", args.out), ("--workers", args.workers != 1),
                                       ("--batch-rows", args.batch_rows is not None)) if on]
        named = f"{', '.join(given[:-1])} and {given[-1]} are" if len(given) > 1 else f"{given[0]} is"
        raise CaseError("case", f"{args.case} is not a .parquet file: {named} only for a .parquet file of cases "
                                "(a JSON case, list or JSON Lines is decided to stdout)")
    inputs = read_cases(read_text(args.case))
    run_one = _decider(args)
    if inputs.kind == "object":
        _print(run_one(case_of(inputs.cases[0][1])), args, True)
        return 0
    results: list[tuple[str, Decision | CaseError]] = []
    for label, value in inputs.cases:
        try:
            results.append((label, run_one(case_of(value))))
        except CaseError as exc:
            results.append((label, exc))
        except FireEnforceError as exc:
            results.append((label, CaseError("", str(exc))))
    errors = [(label, r) for label, r in results if isinstance(r, CaseError)]
    for label, error in errors:
        print(f"fireenforce: error: {cli_words(str(error.within(label)))}", file=sys.stderr)
    if inputs.kind == "list" and errors:
        return 2  # a JSON list is decided whole: no results when any case is bad
    for label, result in results:
        if isinstance(result, CaseError):
            if args.format == "json":
                print(dump_json({"error": {"case": label, "field": result.field, "message": cli_words(result.message)}}))
        else:
            _print(result, args, False)
    return 2 if errors else 0


def _run_parquet(args: argparse.Namespace) -> int:
    """A Parquet file of cases to a Parquet file of decisions (``fireenforce.batch``); a bad row
    gets its error in the ``error`` column; the first one and how many are reported (exit 2)."""
    if not args.out:
        raise CaseError("--out", "a .parquet file of cases needs --out FILE for the decisions")
    if args.what_if:
        raise CaseError("--what-if", "is not available for a .parquet file of cases")
    if args.format != "text":
        raise CaseError("--format", f"{args.format} is not available for a .parquet file of cases: its decisions "
                                    "are written to --out as Parquet")
    if not Path(args.case).is_file():
        raise CaseError("case", f"{args.case}: no such file")
    refuse_overwriting(args.out, args.case)
    # Arrow allocates through glibc's malloc, which the batch path tunes to keep freed memory
    # (batch/memory.py), unless the user chose a pool: Arrow's default (mimalloc) hands each batch's
    # memory back, and every process (the parent and each worker) faults it in again, batch after
    # batch. Set before pyarrow is imported, so workers, forked or spawned, allocate the same way.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    from fireenforce.batch.stream import BATCH_ROWS, decide_parquet

    # At exit the interpreter collects garbage several times over every object still alive (the
    # rulesets, the kernels and what they learnt): about 0.12 s of CPU after the output is written,
    # serial whatever --workers. The output is closed by then: let the process end without it.
    atexit.unregister(gc.freeze)  # once, however often main() runs in one process
    atexit.register(gc.freeze)

    try:
        summary = decide_parquet(args.case, args.out, ruleset=args.ruleset, workers=args.workers,
                                 batch_rows=args.batch_rows or BATCH_ROWS)
    except CaseError as exc:  # the library's source and target are the CLI's CASE and --out
        field = {"source": "case", "target": "--out"}.get(exc.field)
        raise CaseError(field, exc.message) if field else exc from None
    print(f"fireenforce: {summary.rows} rows decided into {args.out}"
          + (f", {summary.errors} with an error (each in its error column)" if summary.errors else ""), file=sys.stderr)
    if summary.first_error is not None:
        print(f"fireenforce: error: {cli_words(summary.first_error)} (the first of {summary.errors} "
              f"{'row' if summary.errors == 1 else 'rows'} with an error; rows count from 0)", file=sys.stderr)
        return 2
    return 0

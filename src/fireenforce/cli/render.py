"""``fireenforce render CASE.json --document TYPE``: a filled legal document for a case."""

from __future__ import annotations

import argparse

from fireenforce.cli._io import add_ruleset, check_binary_target, iso_date, one_case, read_text, write_document
from fireenforce.model.enums import DOCUMENT_TYPES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "render", help="fill a legal document for a case",
        description="Decide CASE.json and fill one of its legal documents (HTML, plain text, DOCX or PDF). "
                    "DOCX and PDF are binary: they need --out FILE, or stdout redirected to a file or pipe.",
    )
    parser.add_argument("case", metavar="CASE.json", help="the case (JSON file, or - for stdin)")
    parser.add_argument("--document", required=True, choices=DOCUMENT_TYPES, metavar="TYPE",
                        help=f"document type: {', '.join(DOCUMENT_TYPES)}")
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--fine", type=int, metavar="N", help="the fine the officer imposes, in yuan")
    choice.add_argument("--formal-warning", action="store_true", help="impose a formal warning (警告)")
    parser.add_argument("--format", choices=("html", "text", "docx", "pdf"), default="html",
                        help="output format (default html; pdf needs the extra fireenforce[pdf])")
    parser.add_argument("--out", metavar="FILE", help="write the document to FILE instead of stdout")
    add_ruleset(parser)
    parser.add_argument("--offices", metavar="FILE", help="offices.yaml overriding the ruleset's office details")
    parser.add_argument("--serial", type=int, metavar="N", help="the document's serial number (blank if omitted)")
    parser.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD",
                        help="document date (default: decided_on; a general-procedure penalty_decision: the first "
                             "day after the statement period of its notice); never before observed_on")
    parser.add_argument("--notice-date", type=iso_date, metavar="YYYY-MM-DD",
                        help="penalty_decision (general procedure): the date of its 行政处罚告知书 (default: decided_on)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import fireenforce as fe
    from fireenforce.documents import render
    case = one_case(read_text(args.case), "render")
    ruleset = fe.load_ruleset(args.ruleset, on=case.decision_date)
    decision = fe.decide(case, ruleset=ruleset)
    check_binary_target(args.format, args.out)
    document = render(
        case, decision, args.document, fine=args.fine, formal_warning=args.formal_warning,
        format=args.format, offices=args.offices, serial=args.serial, ruleset=ruleset, date=args.date,
        notice_date=args.notice_date,
    )
    write_document(document, args.out)
    return 0


"""``fireenforce serve``: the HTTP API and the officer's page (uvicorn)."""

from __future__ import annotations

import argparse
from pathlib import Path

from fireenforce.cli._db import add_db
from fireenforce.cli._io import add_ruleset
from fireenforce.errors import FireEnforceError


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a TCP port (1–65535)")
    return value


def _size(text: str) -> int:
    value = int(text)
    if value < 1024:
        raise argparse.ArgumentTypeError(f"{value} bytes is too small for a case (at least 1024)")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    from fireenforce.service.defaults import DEFAULT_MAX_BODY

    parser = sub.add_parser("serve", help="serve the HTTP API (/v1) and the officer's page (/)",
                            description="Serve the HTTP API under /v1 (OpenAPI at /openapi.json) and the "
                                        "officer's phone page at /. Put it behind a TLS reverse proxy "
                                        "to reach it beyond this machine (docs/service.md).")
    add_db(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    add_ruleset(parser)
    parser.add_argument("--offices", metavar="FILE", type=Path,
                        help="offices.yaml overriding the ruleset's office details on documents")
    parser.add_argument("--max-body", type=_size, default=DEFAULT_MAX_BODY, metavar="BYTES",
                        help=f"largest request body accepted (default {DEFAULT_MAX_BODY})")
    parser.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                        help="let browser pages from ORIGIN call the API (repeatable; default: none)")
    parser.add_argument("--log-level", choices=("critical", "error", "warning", "info", "debug"), default="info")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from fireenforce.engine import freeze_collector
    from fireenforce.ledger.database import resolve_url
    from fireenforce.service import Settings, create_app

    if args.offices is not None and not args.offices.is_file():
        raise FireEnforceError(f"--offices: {args.offices}: no such file")
    settings = Settings(db=resolve_url(args.db), ruleset=Path(args.ruleset) if args.ruleset else None, offices=args.offices,
                        max_body=args.max_body, cors_origins=tuple(args.cors_origin))
    app = create_app(settings)
    # the compiled rulesets and the app live as long as this process: out of the collector's reach,
    # collections no longer traverse them while decisions come and go (docs/performance.md)
    freeze_collector()
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, server_header=False, date_header=True)
    return 0

"""The ``--db`` option of the commands that read or write the ledger database."""

from __future__ import annotations

import argparse
from typing import Any


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="sqlite:///FILE, postgresql+psycopg://…, or a file path "
                                                    "(default: $FIREENFORCE_DB, else the default ledger file)")


def open_ledger(args: argparse.Namespace, *, create: bool = True) -> Any:
    """The ledger of ``--db`` (imported here: commands without a database never load SQLAlchemy)."""
    from fireenforce.ledger import Ledger

    return Ledger(args.db, create=create, ruleset=getattr(args, "ruleset", None))

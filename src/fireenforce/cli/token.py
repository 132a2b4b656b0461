"""``fireenforce token add|list|revoke``: the bearer tokens of ``fireenforce serve``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Callable

from fireenforce.cli._db import add_db, open_ledger
from fireenforce.cli._io import add_format, dump_json
from fireenforce.model.enums import OFFICE_LEVELS

if TYPE_CHECKING:
    from fireenforce.service.tokens import TokenStore

ROLE_HELP = "officer (its office's records), brigade (reads every office's), legal (reads all, writes nothing)"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("token", help="API tokens for fireenforce serve: add, list, revoke",
                            description="Bearer tokens for the HTTP API and the officer's page, kept (hashed) "
                                        "in the ledger's database.")
    commands = parser.add_subparsers(dest="token_command", required=True, metavar="COMMAND")

    def add(name: str, help: str, run: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        p = commands.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".")
        add_db(p)
        p.set_defaults(run=run)
        return p

    p = add("add", "make a token and print it once (only its hash is kept)", _add)
    p.add_argument("--office", required=True, metavar="NAME", help="the office (or brigade, or legal unit) it acts for")
    p.add_argument("--role", required=True, choices=("officer", "brigade", "legal"), help=ROLE_HELP)
    p.add_argument("--level", choices=OFFICE_LEVELS,
                   help="the office's level (default: the brigade's, or what the name says: 街道, 镇, 乡)")
    p = add("list", "every token: id, office, role, made, revoked", _list)
    add_format(p, "text", "json")
    p = add("revoke", "revoke a token at once", _revoke)
    p.add_argument("token_id", metavar="ID", help="the token's id (T-…, from token list)")


def _store(args: argparse.Namespace) -> "TokenStore":  # imported late: the CLI starts fast
    from fireenforce.service.tokens import TokenStore

    return TokenStore(open_ledger(args, create=False))


def _add(args: argparse.Namespace) -> int:
    token, info = _store(args).add(args.office, args.role, args.level)
    print(token)
    level = f" ({info.level})" if info.level else ""
    print(f"{info.id}: {info.role} of {info.office}{level}; shown once, keep it safe", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    tokens = _store(args).list()
    if args.format == "json":
        print(dump_json([t.model_dump() for t in tokens]))
        return 0
    for t in tokens:
        state = f"revoked {t.revoked_at}" if t.revoked_at else "active"
        level = f" ({t.level})" if t.level else ""
        print(f"{t.id}  {t.role:<8} {t.office}{level}  made {t.created_at}  {state}")
    if not tokens:
        print("（没有令牌：fireenforce token add --office NAME --role officer）")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    info = _store(args).revoke(args.token_id)
    print(f"{info.id}: revoked {info.revoked_at}")
    return 0

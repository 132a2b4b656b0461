"""The ``fireenforce`` command. Each sub-command lives in its own module of this package,
exposing ``register(subparsers)``; modules are discovered, so adding a command touches no list.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from typing import NoReturn

from fireenforce.cli._io import cli_words
from fireenforce.errors import FireEnforceError


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line (``--help`` shows the usage), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"fireenforce: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fireenforce",
        description="Fire-safety enforcement rules as code: decide, query, render, check.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.run(args)
    except FireEnforceError as exc:
        print(f"fireenforce: error: {cli_words(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    return int(code or 0)



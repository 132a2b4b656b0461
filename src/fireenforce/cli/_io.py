"""Shared CLI helpers: reading inputs, writing outputs, common options."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, Iterator

from fireenforce.errors import CaseError, FireEnforceError


def add_format(parser: argparse.ArgumentParser, *choices: str) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help=f"output format (default {choices[0]})")


def add_ruleset(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ruleset",
        metavar="DIR",
        default=None,
        help="ruleset directory (a version, or a family of versions); default: the bundled one",
    )


def read_text(source: str) -> str:
    """The text of a file, or of stdin for ``-``; a missing file is a one-line error."""
    if source == "-":
        return sys.stdin.read().removeprefix("\ufeff")
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8-sig")  # tolerate a byte-order mark (files saved on Windows)
    except FileNotFoundError:
        raise FireEnforceError(f"{source}: no such file") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise FireEnforceError(f"{source}: cannot read ({exc.__class__.__name__})") from None


def iter_json_documents(text: str) -> Iterator[tuple[str, Any]]:
    """One JSON object, a JSON list, or JSON Lines; yields (label, object) per case."""
    stripped = text.strip()
    if not stripped:
        raise CaseError("", "no case given (empty input)")
    try:
        whole = json.loads(stripped)
    except json.JSONDecodeError:
        whole = None
        for number, line in enumerate(stripped.splitlines(), 1):
            if not line.strip():
                continue
            try:
                yield f"line {number}", json.loads(line)
            except json.JSONDecodeError as exc:
                raise CaseError("", f"line {number}: not valid JSON ({exc.msg})") from None
        return
    if isinstance(whole, list):
        for index, obj in enumerate(whole):
            yield f"case [{index}]", obj
    else:
        yield "", whole


def dump_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def write_output(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def iso_date(text: str) -> dt.date:
    """An argparse type: YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None

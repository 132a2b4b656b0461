"""Shared CLI helpers: reading inputs, writing outputs, common options."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from collections.abc import Callable
from typing import Any, NamedTuple

from fireenforce.errors import CaseError, FireEnforceError
from fireenforce.model import jsontext
from fireenforce.model.case import Case, case_from_json, parse_case
from fireenforce.ruleset.compiled import WHAT_IF_PARAMETER


def add_format(parser: argparse.ArgumentParser, *choices: str) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help=f"output format (default {choices[0]})")


def add_ruleset(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ruleset",
        metavar="DIR",
        default=None,
        help="ruleset directory (a version, or a family of versions); default: the bundled one",
    )


def add_what_if(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--what-if", action="store_true",
                        help="with --ruleset VERSION: decide even on dates that version is not in force "
                             "(a hypothetical decision, marked DOUBT-WHAT-IF; for comparing versions)")


def check_what_if(args: argparse.Namespace) -> None:
    """``--what-if`` applies one version to dates it is not in force: it needs that version."""
    if args.what_if and not (args.ruleset and (Path(args.ruleset) / "ruleset.yaml").is_file()):
        raise CaseError("--what-if", "needs --ruleset naming one version directory")


def at_least(minimum: int, kind: Callable[[str], Any] = int) -> Callable[[str], Any]:
    """An argparse type: a number of ``kind`` (``int`` or ``float``) of at least ``minimum``."""
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole ' if kind is int else ''}number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {text}")
        return value
    return parse


positive = at_least(1)


def read_text(source: str) -> str:
    """The text of a file, or of stdin for ``-``; a missing file is a one-line error."""
    if source == "-":
        return sys.stdin.read().removeprefix("\ufeff")
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8-sig")  # tolerate a byte-order mark (files saved on Windows)
    except FileNotFoundError:
        raise FireEnforceError(f"{source}: no such file") from None
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        raise FireEnforceError(f"{source}:{line}: not UTF-8 text (byte {exc.start + 1} of the file)") from None
    except (IsADirectoryError, PermissionError) as exc:
        raise FireEnforceError(f"{source}: cannot read ({exc.__class__.__name__})") from None


class Inputs(NamedTuple):
    """The cases of one input: ``kind`` is ``object`` (one case), ``list`` (a JSON list: all
    results or none) or ``lines`` (JSON Lines: one result per line); each case is (label, value)."""

    kind: str
    cases: list[tuple[str, Any]]


def read_cases(text: str) -> Inputs:
    """One JSON object, a JSON list, or JSON Lines. A JSON Lines line that is not JSON stays in
    the list as its CaseError (the other lines still get results)."""
    stripped = text.strip()
    if not stripped:
        raise CaseError("case", "no case given (empty input)")
    try:
        whole = jsontext.loads(stripped)
    except jsontext.JsonSyntaxError:
        if "\n" not in stripped:
            raise
        lines: list[tuple[str, Any]] = []
        for number, line in enumerate(stripped.splitlines(), 1):
            if line.strip():
                label = f"line {number}"
                try:
                    lines.append((label, jsontext.loads(line)))
                except CaseError as exc:
                    lines.append((label, exc))
        return Inputs("lines", lines)
    if isinstance(whole, list):
        return Inputs("list", [(f"[{index}]", obj) for index, obj in enumerate(whole)])
    return Inputs("object", [("", whole)])


def case_of(value: Any) -> Case:
    """The checked Case of one input entry (a decoded JSON value, or the error decoding it)."""
    if isinstance(value, CaseError):
        raise value
    return parse_case(case_from_json(value))


def one_case(text: str, command: str) -> Case:
    """The single case ``command`` takes (a JSON object)."""
    inputs = read_cases(text)
    if inputs.kind != "object":
        raise CaseError("case", f"{command} takes one case (a JSON object), not a {'JSON list' if inputs.kind == 'list' else 'JSON Lines batch'}")
    return case_of(inputs.cases[0][1])


def dump_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def write_output(text: str, out: str | None) -> None:
    if out:
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CaseError("--out", f"{out}: cannot write ({exc.strerror or type(exc).__name__})") from None
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def refuse_overwriting(out: str | None, *inputs: str | None) -> None:
    """``--out`` naming an input file (by any path or link to it) would destroy what is read."""
    for given in inputs:
        if out and given and given != "-" and _same_file(Path(out), Path(given)):
            raise CaseError("--out", f"{out} is the input file {given}: name another file for the output")


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:  # either is missing or unreadable: not one existing file
        return False


def cli_words(message: str) -> str:
    """A library message as the CLI user reads it: the flag (``--what-if``) where Python names
    the parameter (``what_if=True``)."""
    return message.replace(WHAT_IF_PARAMETER, "--what-if")


def iso_date(text: str) -> dt.date:
    """An argparse type: YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def check_binary_target(format: str, out: str | None) -> None:
    """DOCX and PDF are never written to a terminal."""
    if format in ("docx", "pdf") and not out and sys.stdout.isatty():
        raise FireEnforceError(f"--out FILE: --format {format} is binary; name a file, or redirect stdout")


def write_document(document: str | bytes, out: str | None) -> None:
    """A rendered document (text, or DOCX/PDF bytes) to ``out`` or stdout."""
    if isinstance(document, str):
        write_output(document, out)
    elif not out:
        sys.stdout.buffer.write(document)
        sys.stdout.buffer.flush()
    else:
        try:
            Path(out).write_bytes(document)
        except OSError as exc:
            raise FireEnforceError(f"--out: cannot write {out} ({exc.strerror or exc.__class__.__name__})") from None

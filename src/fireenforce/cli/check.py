"""``fireenforce check``: validate a ruleset (every version of a family), its templates and data."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

from fireenforce.cli._io import add_format, dump_json
from fireenforce.errors import Finding, RulesetError
from fireenforce.resources import bundled_family
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import MANIFEST, family_findings, load_version, versions_of


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("check", help="validate a ruleset; file:line messages, exit 2 on errors",
                            description="Validate a ruleset directory (a version, or every version of a family): "
                                        "structure, citations, dates, decision tables, templates, vocabulary.")
    parser.add_argument("dir", nargs="?", metavar="DIR", help="ruleset directory (default: the bundled family)")
    add_format(parser, "text", "json")
    parser.set_defaults(run=run)


def _vocabulary(ruleset: Ruleset) -> list[Finding]:
    from fireenforce.query import VOCABULARY_FILE, load_vocabulary

    try:
        load_vocabulary(ruleset.path / VOCABULARY_FILE)
    except RulesetError as exc:
        return list(exc.findings)
    return []


def _extra_checks() -> list[Callable[[Ruleset], list[Finding]]]:
    """Checks beyond loading: static verification, document templates and offices, search vocabulary."""
    from fireenforce.documents.check import check_templates
    from fireenforce.verify.static import static_findings

    return [static_findings, check_templates, _vocabulary]


def check_dir(root: Path) -> tuple[list[tuple[Ruleset | None, Path]], list[Finding]]:
    """Load every version under ``root`` and run every check; returns what loaded and all findings."""
    versions = [root] if (root / MANIFEST).is_file() else versions_of(root) if root.is_dir() else []
    if not versions:
        return [], [Finding("RS-NOT-FOUND", "no ruleset here (no ruleset.yaml)", file=str(root))]
    findings: list[Finding] = []
    loaded: list[tuple[Ruleset | None, Path]] = []
    for version in versions:
        try:
            ruleset = load_version(version)
        except RulesetError as exc:
            findings.extend(exc.findings)
            loaded.append((None, version))
            continue
        loaded.append((ruleset, version))
        findings.extend(ruleset.warnings)
        for check in _extra_checks():
            findings.extend(check(ruleset))
    if not (root / MANIFEST).is_file():
        findings.extend(family_findings([r for r, _ in loaded if r is not None]))
    return loaded, findings


def run(args: argparse.Namespace) -> int:
    root = Path(args.dir) if args.dir else bundled_family()
    loaded, findings = check_dir(root)
    errors = [f for f in findings if f.severity == "error"]
    if args.format == "json":
        print(dump_json({
            "ok": not errors,
            "versions": [{"path": str(p), **(r.ref.model_dump() if r else {"error": True})} for r, p in loaded],
            "findings": [f.to_json() for f in findings],
        }))
    else:
        for finding in findings:
            print(finding.format())
        if errors:
            print(f"{len(errors)} error(s)")
            return 2
        for ruleset, _ in loaded:
            assert ruleset is not None  # a version that failed to load is an error
            print(f"ok: {ruleset.id} {ruleset.version} ({len(ruleset.items)} items, in force from "
                  f"{ruleset.in_force.from_}{f' until {ruleset.in_force.to}' if ruleset.in_force.to else ''}) "
                  f"{ruleset.digest}")
    return 2 if errors else 0

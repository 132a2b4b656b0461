"""``fireenforce check`` for documents: every template compiles, uses only context variables,
and the ruleset's ``offices.yaml`` is valid."""

from __future__ import annotations

from pathlib import Path

from jinja2 import TemplateSyntaxError, meta, nodes

from fireenforce.documents.context import CONTEXT_KEYS, TITLES
from fireenforce.documents.environment import FORMATS, environment, templates_dir
from fireenforce.documents.offices import load_offices
from fireenforce.errors import DocumentError, Finding
from fireenforce.ruleset.compiled import Ruleset


def check_templates(ruleset: Ruleset | Path | None = None, *, root: Path | None = None) -> list[Finding]:
    """Findings for the document templates (``root``, default bundled) and ``ruleset``'s offices.

    Codes: ``DOC-MISSING`` (a document type without a template), ``DOC-SYNTAX``,
    ``DOC-UNDEFINED`` (a variable the document context does not provide), ``DOC-OFFICES``.
    """
    root = root or templates_dir()
    findings = [
        Finding("DOC-MISSING", f"no template for document type {kind}", file=str(root / f"{kind}.j2"))
        for kind in TITLES
        if not (root / f"{kind}.j2").is_file()
    ]
    for fmt in FORMATS:
        env = environment(fmt, root)
        known = CONTEXT_KEYS | set(env.globals)
        for path in sorted(p for p in [*root.glob("*.j2"), *(root / fmt).glob("*.j2")]):
            try:
                tree = env.parse(path.read_text(encoding="utf-8"), path.name, str(path))
            except TemplateSyntaxError as exc:
                findings.append(Finding("DOC-SYNTAX", exc.message or "syntax error", file=str(path), line=exc.lineno))
                continue
            unknown = meta.find_undeclared_variables(tree) - known
            for node in tree.find_all(nodes.Name):
                if node.name in unknown:
                    unknown.discard(node.name)
                    findings.append(Finding(
                        "DOC-UNDEFINED", f"variable {node.name!r} is not in the document context",
                        file=str(path), line=node.lineno, field=node.name,
                    ))
    from fireenforce.documents.docx import check_docx_template  # docxtpl is slow to import

    findings.extend(check_docx_template(root, CONTEXT_KEYS))
    findings.extend(_check_offices(ruleset))
    return _unique(findings)


def _check_offices(ruleset: Ruleset | Path | None) -> list[Finding]:
    if ruleset is None:
        return []
    path = (ruleset.path if isinstance(ruleset, Ruleset) else Path(ruleset)) / "offices.yaml"
    if not path.is_file():
        return [Finding("DOC-OFFICES", "offices.yaml missing: documents cannot name the office", file=str(path))]
    try:
        load_offices(path)
    except DocumentError as exc:
        return [Finding("DOC-OFFICES", str(exc), file=str(path))]
    return []


def _unique(findings: list[Finding]) -> list[Finding]:
    """Shared templates are parsed once per format; report each problem once."""
    return list({f.format(): f for f in findings}.values())

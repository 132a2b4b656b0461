"""DOCX documents: the shared wording, rendered as block markup (``documents/docx/macros.j2``),
laid out by the Word template ``documents/docx/template.docx`` with docxtpl.

The template sees the document context plus ``blocks``: one ``{"kind", "text", "rows"}`` per
paragraph (``rows``: the lines of a box, such as the service receipt, for a table), text
already escaped for WordprocessingML. It is rendered in a sandboxed,
strict, autoescaping environment; case text is only ever a value, never template source.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path
from typing import Any, MutableMapping

from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from fireenforce.errors import DocumentError, Finding

TEMPLATE = "template.docx"
KINDS = frozenset({"notice", "issuer", "title", "note", "number", "heading", "para", "field", "quote",
                   "item", "sign", "seal", "box"})
TEMPLATE_KEYS = frozenset({"blocks"})
_LINES = frozenset({"seal"})  # kinds whose lines stay in one paragraph (line breaks)
_SPACE = re.compile(r"[\s\a]+")  # \a: a paragraph break for docxtpl


def template_path(root: Path) -> Path:
    return root / "docx" / TEMPLATE


def render_docx(markup: str, context: dict[str, Any], root: Path) -> bytes:
    """The ``.docx`` file of one document: ``markup`` from the docx templates, ``context`` as built."""
    blocks = blocks_of(markup)
    document = DocxTemplate(io.BytesIO(_template_bytes(template_path(root))))
    try:
        document.render({**context, "blocks": blocks}, jinja_env=_ENVIRONMENT)
    except TemplateError as exc:
        raise DocumentError(f"{template_path(root)}: {exc}") from None
    _complete(document, blocks, template_path(root))
    props = document.docx.core_properties
    props.title = f"{context['document']['title']} {context['document']['number']}"
    props.author = props.last_modified_by = context["office"]["issuer"]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def blocks_of(markup: str) -> list[dict[str, Any]]:
    """The paragraphs of the block markup, their text re-escaped for the Word template.

    Braces become character references: docxtpl rewrites ``{_{`` and the like in its output,
    and case text must arrive exactly as written. Lines of a block (a quoted article and its
    items) become paragraphs of the block's style.
    """
    try:
        root = ET.fromstring(markup)
    except ET.ParseError as exc:
        raise DocumentError(f"docx block markup is not well-formed ({exc})") from None
    blocks: list[dict[str, Any]] = []
    for element in root:
        if element.tag not in KINDS or (len(element) and element.tag != "box"):
            raise DocumentError(f"docx block markup: unknown element <{element.tag}> (kinds: {', '.join(sorted(KINDS))})")
        if element.tag == "box":
            blocks.append({"kind": "box", "text": _escaped(element.get("title", "")),
                           "rows": [_escaped(line.text or "") for line in element]})
        else:
            blocks.append({"kind": element.tag, "text": _escaped(element.text or "", element.tag not in _LINES),
                           "rows": []})
    return blocks


def _escaped(text: str, paragraphs: bool = True) -> Markup:
    """Text for the template: XML-escaped, braces as character references, and (``paragraphs``)
    each line a paragraph of the block's style (docxtpl reads ``\\a`` as a paragraph break)."""
    text = str(escape(text.strip("\n"))).replace("{", "&#123;").replace("}", "&#125;")
    return Markup(text.replace("\n", "\a") if paragraphs else text)


def check_docx_template(root: Path, known: frozenset[str]) -> list[Finding]:
    """``fireenforce check`` for the Word template: present, valid Jinja, known variables only."""
    path = template_path(root)
    if not path.is_file():
        return [Finding("DOC-MISSING", "no Word template for DOCX output", file=str(path))]
    try:
        names = DocxTemplate(str(path)).get_undeclared_template_variables(_ENVIRONMENT)
    except TemplateError as exc:
        return [Finding("DOC-SYNTAX", str(exc), file=str(path))]
    return [
        Finding("DOC-UNDEFINED", f"variable {name!r} is not in the document context", file=str(path), field=name)
        for name in sorted(names - known - TEMPLATE_KEYS)
    ]


def _template_bytes(path: Path) -> bytes:
    """The template file, read again only when it changes (size or modification time)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read the Word template ({exc.__class__.__name__})") from None
    return _read(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read(path: Path, mtime_ns: int, size: int) -> bytes:
    return path.read_bytes()


class _Sandbox(SandboxedEnvironment):
    """Sandboxed, strict, autoescaping; compiles each part of the Word file once (docxtpl asks
    for every part, header and property on every render, and compiling is most of its time)."""

    _LIMIT = 256

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=True, auto_reload=False)
        self._compiled: dict[str, Template] = {}

    def from_string(self, source: str | nodes.Template, globals: MutableMapping[str, Any] | None = None,
                    template_class: type[Template] | None = None) -> Template:
        if not isinstance(source, str) or globals or template_class:
            return super().from_string(source, globals, template_class)
        if (template := self._compiled.get(source)) is None:
            if len(self._compiled) >= self._LIMIT:
                self._compiled.clear()
            template = self._compiled[source] = super().from_string(source)
        return template


_ENVIRONMENT = _Sandbox()


def _complete(document: DocxTemplate, blocks: list[dict[str, Any]], path: Path) -> None:
    """Refuse a template that lost a kind of paragraph: every block's text must be in the body."""
    body = _SPACE.sub("", "".join(t.text or "" for t in document.docx.element.body.iter(qn("w:t"))))
    for block in blocks:
        for text in (block["text"], *block["rows"]):
            if (plain := _SPACE.sub("", Markup(text).unescape())) and plain not in body:
                raise DocumentError(f"{path}: the template does not print blocks of kind {block['kind']!r}")


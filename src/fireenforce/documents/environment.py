"""The sandboxed Jinja2 environments documents are rendered in.

Templates are only ever loaded from the ``documents/`` folder, never from strings. Each type
has one template (``<type>.j2``) holding its wording once; it extends ``layout.j2`` and imports
``macros.j2``, which the loader finds first in ``documents/html/``, ``documents/text/`` or
``documents/docx/`` (block markup for the Word template). The HTML and DOCX environments
autoescape everything; case text is always data, never template code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from markupsafe import Markup
from jinja2.sandbox import SandboxedEnvironment

from fireenforce.documents.numerals import capitals, number
from fireenforce.resources import data_dir

FORMATS = ("html", "text", "docx")  # docx: block markup for the Word template (documents.docx)


def templates_dir() -> Path:
    return data_dir("documents")


@lru_cache(maxsize=None)
def environment(format: str, root: Path | None = None) -> SandboxedEnvironment:
    """The environment for ``html``, ``text`` or ``docx`` markup, loading from ``root`` (default: bundled)."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; one of {', '.join(FORMATS)}")
    root = root or templates_dir()
    env = SandboxedEnvironment(
        loader=FileSystemLoader([root / format, root]),
        undefined=StrictUndefined,
        autoescape=format != "text",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(capitals=capitals, cn=number, squash=_squash)
    return env


def _squash(text: str) -> str:
    """Join a block's lines into one paragraph line (Chinese needs no spaces between).

    Joining lines of markup keeps it safe, so escaped HTML stays escaped exactly once.
    """
    joined = "".join(line.strip() for line in str(text).splitlines())
    return Markup(joined) if isinstance(text, Markup) else joined

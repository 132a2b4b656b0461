"""What a reader sees in a rendered document, for every format: HTML without markup, the text,
a DOCX read back with python-docx, a PDF read back with pdftotext (poppler-utils)."""

from __future__ import annotations

import io
import re
import subprocess

from docx import Document
from docx.table import Table

FORMATS = ["html", "text", "docx", "pdf"]


def visible(html: str) -> str:
    """The text of an HTML document without tags or the style sheet."""
    return re.sub(r"<[^>]+>", "", re.sub(r"<style>.*?</style>", "", html, flags=re.S))


def docx_text(data: bytes) -> str:
    """Paragraphs and table cells of the body, in order."""
    lines = []
    for block in Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(block, Table):
            lines += [cell.text for row in block.rows for cell in row.cells]
        else:
            lines.append(block.text)
    return "\n".join(lines)


def pdf_text(data: bytes) -> str:
    """The PDF's text without its running page numbers (第 N 页 共 M 页), as a reader follows it."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")
    return re.sub(r"(?m)^\s*第\s*\d+\s*页\s*共\s*\d+\s*页\s*$", "", text)


def flat(text: str) -> str:
    """Without whitespace: PDF lines wrap anywhere, letter-spaced titles gain spaces."""
    return re.sub(r"\s+", "", text)


def text_of(out: str | bytes, fmt: str) -> str:
    """The reader's text of ``out`` rendered as ``fmt``, flattened (see :func:`flat`)."""
    if isinstance(out, bytes):
        return flat(docx_text(out) if fmt == "docx" else pdf_text(out))
    return flat(visible(out) if fmt == "html" else out)

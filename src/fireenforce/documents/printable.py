"""Text a document can print: no control characters (other than tab and line breaks) and no
lone surrogates. XML, hence DOCX, PDF via HTML and HTML itself, cannot hold them, and they
are never part of a name, an address or a narrative: refuse them, naming the field."""

from __future__ import annotations

import re
from typing import Any

from fireenforce.errors import DocumentError

_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def refuse_unprintable(value: Any, field: str = "") -> None:
    """Raise :class:`DocumentError` naming the first field of ``value`` that holds such a character."""
    if isinstance(value, str):
        if found := _UNPRINTABLE.search(value):
            raise DocumentError(f"{field}: control character U+{ord(found.group()):04X} cannot be printed in a document")
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_unprintable(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            refuse_unprintable(item, f"{field}[{index}]")

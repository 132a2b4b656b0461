"""Legal documents filled from a case and its decision (Jinja2, sandboxed)."""

from fireenforce.documents.check import check_templates
from fireenforce.documents.render import render

__all__ = ["check_templates", "render"]

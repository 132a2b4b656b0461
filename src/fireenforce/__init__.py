"""fireenforce: fire-safety enforcement law as versioned data, and an engine that applies it.

    import fireenforce as fe
    rs = fe.load_ruleset()
    decision = fe.decide(case, ruleset=rs)
"""

from fireenforce.engine import decide, decide_many
from fireenforce.errors import CaseError, DocumentError, FireEnforceError, RulesetError
from fireenforce.model import Case, Decision
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import load_ruleset

__version__ = "0.1.0"


def query(text: str, ruleset: Ruleset | None = None, top: int = 5):  # type: ignore[no-untyped-def]
    """Ranked catalogue items for a plain-Chinese description (see ``fireenforce.query``)."""
    from fireenforce.query import query as _query

    return _query(text, ruleset=ruleset, top=top)


def render(*args, **kwargs):  # type: ignore[no-untyped-def]
    """A filled legal document for a case and its decision (see ``fireenforce.documents``)."""
    from fireenforce.documents import render as _render

    return _render(*args, **kwargs)


__all__ = [
    "Case", "CaseError", "Decision", "DocumentError", "FireEnforceError", "Ruleset", "RulesetError",
    "decide", "decide_many", "load_ruleset", "query", "render",
]

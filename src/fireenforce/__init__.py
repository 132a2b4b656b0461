"""fireenforce: fire-safety enforcement law as versioned data, and an engine that applies it.

    import fireenforce as fe
    rs = fe.load_ruleset()
    decision = fe.decide(case, ruleset=rs)
"""

from typing import TYPE_CHECKING, Any

from fireenforce.engine import decide, decide_many, freeze_collector
from fireenforce.errors import CaseError, DocumentError, FireEnforceError, RulesetError
from fireenforce.model import Case, Decision
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import load_ruleset

__version__ = "0.1.0"


from fireenforce.query import query  # noqa: E402  (after the ruleset: the package is a sub-module name)


if TYPE_CHECKING:
    from fireenforce.auditing import audit
    from fireenforce.batch import decide_table
    from fireenforce.documents import render
    from fireenforce.ledger import Ledger


def __getattr__(name: str) -> Any:
    """``render``, ``Ledger``, ``decide_table`` and ``audit`` are imported on first use (the numeral
    library, SQLAlchemy, Alembic and pyarrow are slow to import and most callers only decide); they
    are then the real objects."""
    import importlib

    lazy = {"render": "fireenforce.documents", "Ledger": "fireenforce.ledger", "decide_table": "fireenforce.batch",
            "audit": "fireenforce.auditing"}
    if name not in lazy:
        raise AttributeError(f"module 'fireenforce' has no attribute {name!r}")
    value = getattr(importlib.import_module(lazy[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "Case", "CaseError", "Decision", "DocumentError", "FireEnforceError", "Ledger", "Ruleset", "RulesetError",
    "audit", "decide", "decide_many", "decide_table", "freeze_collector", "load_ruleset", "query", "render",
]

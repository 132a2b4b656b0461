"""fireenforce: fire-safety enforcement law as versioned data, and an engine that applies it.

    import fireenforce as fe
    rs = fe.load_ruleset()
    decision = fe.decide(case, ruleset=rs)
"""

from typing import TYPE_CHECKING, Any

from fireenforce.engine import decide, decide_many
from fireenforce.errors import CaseError, DocumentError, FireEnforceError, RulesetError
from fireenforce.model import Case, Decision
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import load_ruleset

__version__ = "0.1.0"


from fireenforce.query import query  # noqa: E402  (after the ruleset: the package is a sub-module name)


if TYPE_CHECKING:
    from fireenforce.documents import render
    from fireenforce.ledger import Ledger


def __getattr__(name: str) -> Any:
    """``render`` and ``Ledger`` are imported on first use (the numeral library is slow to import,
    SQLAlchemy and Alembic are not needed to decide); the name is then the real object."""
    if name == "render":
        from fireenforce.documents import render

        globals()["render"] = render
        return render
    if name == "Ledger":
        from fireenforce.ledger import Ledger

        globals()["Ledger"] = Ledger
        return Ledger
    raise AttributeError(f"module 'fireenforce' has no attribute {name!r}")


__all__ = [
    "Case", "CaseError", "Decision", "DocumentError", "FireEnforceError", "Ledger", "Ruleset", "RulesetError",
    "decide", "decide_many", "load_ruleset", "query", "render",
]

"""Run the standard properties against a ruleset with Hypothesis and collect shrunk failures."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Iterable

from hypothesis import HealthCheck, Phase, given, seed as hypothesis_seed, settings

from fireenforce.model.case import Case
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.testing.properties import PROPERTIES, Check
from fireenforce.testing.strategies import cases


@dataclass(frozen=True)
class Outcome:
    """One property over one ruleset: passed, or the minimal failing case and the message."""

    prop: str
    version: str
    examples: int
    seconds: float
    message: str | None = None
    case: Case | None = None

    @property
    def passed(self) -> bool:
        return self.message is None

    def to_json(self) -> dict[str, Any]:
        return {
            "property": self.prop, "version": self.version, "passed": self.passed, "examples": self.examples,
            "seconds": round(self.seconds, 2), "message": self.message,
            "counterexample": self.case.model_dump(mode="json", exclude_defaults=True) if self.case else None,
        }


def run_property(ruleset: Ruleset, name: str, check: Check, *, examples: int = 100, seed: int = 0,
                 shrink: bool = True) -> Outcome:
    """Run ``check`` over generated cases; on failure Hypothesis shrinks to a minimal case
    (``shrink=False``: the first failing case, faster)."""
    phases = [Phase.explicit, Phase.generate, *([Phase.shrink] if shrink else [])]
    failing: list[tuple[Case, str]] = []
    count = [0]

    @hypothesis_seed(seed)
    @settings(max_examples=examples, database=None, deadline=None, print_blob=False, phases=phases,
              suppress_health_check=list(HealthCheck))
    @given(cases(ruleset))
    def body(case: Case) -> None:
        count[0] += 1
        try:
            check(ruleset, case)
        except Exception as exc:
            kind = "" if isinstance(exc, AssertionError) else f"{type(exc).__name__}: "
            failing[:] = [(case, f"{kind}{exc}")]
            raise

    start = time.perf_counter()
    try:
        body()
    except Exception as exc:  # the shrunk failure Hypothesis re-raises
        case, message = failing[-1] if failing else (None, f"{type(exc).__name__}: {exc}")
        return Outcome(name, ruleset.version, count[0], time.perf_counter() - start, message, case)
    return Outcome(name, ruleset.version, count[0], time.perf_counter() - start)


def run_all(ruleset: Ruleset, *, examples: int = 100, seed: int = 0,
            names: Iterable[str] | None = None) -> list[Outcome]:
    """Every property (or those named) over ``ruleset``."""
    chosen = list(names) if names is not None else list(PROPERTIES)
    return [run_property(ruleset, n, PROPERTIES[n], examples=examples, seed=seed) for n in chosen]

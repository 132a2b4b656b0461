"""Decision tables (DMN-style): rules are boxes over finite input domains.

A table compiles to a dict from every input combination to the rule that decides it, so an
evaluation is one lookup; the same enumeration finds gaps, unresolved overlaps and dead rules.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Hashable, Mapping

from fireenforce.ruleset.schema import TableRule, TableSpec


@dataclass(frozen=True, slots=True)
class TableProblem:
    code: str
    message: str
    rule_index: int | None = None


class DecisionTable:
    """A compiled decision table: ``decide(*inputs)`` returns the deciding rule."""

    def __init__(self, spec: TableSpec) -> None:
        self.spec = spec
        self.names = tuple(spec.inputs)
        self.domains = tuple(tuple(values) for values in spec.inputs.values())
        self.problems: list[TableProblem] = []
        self._lookup: dict[tuple[Hashable, ...], TableRule] = {}
        self._compile()

    def _matches(self, rule: TableRule, combo: tuple[Hashable, ...]) -> bool:
        return all(name not in rule.when or value in rule.when[name] for name, value in zip(self.names, combo))

    def _compile(self) -> None:
        for index, rule in enumerate(self.spec.rules):
            for name, values in rule.when.items():
                if name not in self.spec.inputs:
                    self.problems.append(TableProblem("TBL-UNKNOWN-INPUT", f"rule {rule.id}: unknown input {name!r}", index))
                    continue
                for value in values:
                    if value not in self.spec.inputs[name]:
                        self.problems.append(TableProblem(
                            "TBL-UNKNOWN-VALUE", f"rule {rule.id}: {name}={value!r} is outside its domain", index))
            missing = [out for out in self.spec.outputs if out not in rule.then]
            if missing:
                self.problems.append(TableProblem("TBL-OUTPUT", f"rule {rule.id}: no value for {missing}", index))
        fired: set[int] = set()
        for combo in itertools.product(*self.domains):
            hits = [i for i, rule in enumerate(self.spec.rules) if self._matches(rule, combo)]
            described = ", ".join(f"{n}={v}" for n, v in zip(self.names, combo))
            if not hits:
                self.problems.append(TableProblem("TBL-GAP", f"no rule decides {described}"))
                continue
            if self.spec.hit_policy == "unique" and len(hits) > 1:
                ids = ", ".join(self.spec.rules[i].id for i in hits)
                self.problems.append(TableProblem("TBL-OVERLAP", f"rules {ids} all decide {described}", hits[1]))
            fired.add(hits[0])
            self._lookup[combo] = self.spec.rules[hits[0]]
        for index, rule in enumerate(self.spec.rules):
            if index not in fired:
                self.problems.append(TableProblem("TBL-DEAD", f"rule {rule.id} never decides any case", index))

    def decide(self, *inputs: Hashable) -> TableRule:
        return self._lookup[inputs]

    def rule_ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.spec.rules)

    def boxes(self) -> list[Mapping[str, tuple[Hashable, ...]]]:
        """Each rule as a box: per input, the values it admits (all, where unconstrained)."""
        return [
            {name: tuple(rule.when.get(name, domain)) for name, domain in zip(self.names, self.domains)}
            for rule in self.spec.rules
        ]

"""The compiled, immutable ruleset: what ``load_ruleset`` returns and ``decide`` reads."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, Sequence, TypeVar

from fireenforce.model.decision import Doubt, Reason, RulesetRef
from fireenforce.ruleset.items import CompiledItem
from fireenforce.ruleset.provisions import Provisions
from fireenforce.ruleset.schema import Limits, Manifest, Period, PolicySpec, TierSpec
from fireenforce.ruleset.tables import DecisionTable

PLACEHOLDERS = frozenset({
    "item_name", "matched", "subject_label", "years", "precondition_label", "level_label", "authority",
    "kinds_label", "tier_label", "suggested_min", "suggested_max", "fine_min", "fine_max", "facts",
    "threshold", "days", "word", "field_label",
})
SUBJECT_LABELS = {"unit": "单位", "individual": "个人"}
PRECONDITION_LABELS = {"refusal": "经责令改正拒不改正", "overdue": "责令限期改正逾期不改正"}
TIER_LABELS = {"minor": "较轻", "ordinary": "一般", "serious": "严重"}

P = TypeVar("P", bound=Period)


def dated(entries: Sequence[P], day: dt.date) -> P | None:
    """The entry of a dated value that covers ``day``."""
    for entry in entries:
        if entry.covers(day):
            return entry
    return None


def placeholders(text: str) -> set[str]:
    """Field names used in a sentence; attribute or index access is reported as a name too."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class Policy:
    """Compiled policy: decision tables and dated parameters."""

    def __init__(self, spec: PolicySpec) -> None:
        self.spec = spec
        self.step_table = DecisionTable(spec.step_table)
        self.tier_table = DecisionTable(spec.discretion.table)
        self.tiers: Mapping[str, TierSpec] = MappingProxyType({t.tier: t for t in spec.discretion.tiers})
        self.next_step = MappingProxyType(dict(spec.ladder.next))
        self.step_rank = MappingProxyType({step: i for i, step in enumerate(spec.ladder.steps)})
        self.escalating = frozenset(spec.ladder.escalating_steps)
        self.documents = MappingProxyType({k: tuple(v) for k, v in spec.procedure.documents.items()})
        self.powers = MappingProxyType({lvl: frozenset(s.powers) for lvl, s in spec.delegation.levels.items()})
        self.kind_labels = MappingProxyType({k: v.label for k, v in spec.kinds.items()})
        self.mitigating = MappingProxyType({f.code: f for f in spec.discretion.mitigating})
        self.aggravating = MappingProxyType({f.code: f for f in spec.discretion.aggravating})

    def lookback_months(self, day: dt.date) -> int | None:
        entry = dated(self.spec.ladder.lookback_months, day)
        return entry.value if entry else None

    def summary_limit(self, day: dt.date) -> Limits | None:
        return dated(self.spec.procedure.summary_limit, day)

    def hearing_threshold(self, day: dt.date) -> Limits | None:
        return dated(self.spec.procedure.hearing_threshold, day)

    def limitation(self, day: dt.date):  # type: ignore[no-untyped-def]
        return dated(self.spec.limitation.periods, day)


class Ruleset:
    """One published version of a ruleset, compiled once; immutable and safe to share."""

    def __init__(
        self,
        manifest: Manifest,
        provisions: Provisions,
        items: dict[str, CompiledItem],
        policy: Policy,
        path: Path,
        digest: str,
        files: tuple[str, ...],
    ) -> None:
        self.manifest = manifest
        self.id = manifest.id
        self.version = manifest.version
        self.title = manifest.title
        self.digest = digest
        self.path = path
        self.files = files
        self.provisions = provisions
        self.items: Mapping[str, CompiledItem] = MappingProxyType(items)
        self.policy = policy
        self.ref = RulesetRef.model_construct(id=self.id, version=self.version, digest=digest)
        self.doubts = tuple(Doubt.model_construct(code=d.code, text=d.text) for d in manifest.doubts)
        self._reasons: dict[tuple[object, ...], Reason] = {}

    def __repr__(self) -> str:
        return f"<Ruleset {self.id} {self.version} {self.digest[:19]}…>"

    @property
    def in_force(self) -> Period:
        return self.manifest.in_force

    @property
    def coverage(self) -> Period:
        return self.manifest.coverage

    def reason(self, rule: str, text: str, cites: tuple[str, ...] = (), **params: object) -> Reason:
        """A Reason with ``text`` filled from ``params`` (values only; cached per parameters)."""
        key = (rule, text, cites, tuple(sorted(params.items())))
        found = self._reasons.get(key)
        if found is None:
            found = Reason.model_construct(rule=rule, text=text.format_map(params) if params else text, cites=cites)
            if len(self._reasons) < 100_000:
                self._reasons[key] = found
        return found

    def policy_reason(self, rule: str, extra_cites: tuple[str, ...] = (), **params: object) -> Reason:
        """A Reason from ``policy/reasons.yaml``."""
        spec = self.policy.spec.reasons[rule]
        return self.reason(rule, spec.text, tuple(spec.cites) + extra_cites, **params)

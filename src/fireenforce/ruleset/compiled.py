"""The compiled, immutable ruleset: what ``load_ruleset`` returns and ``decide`` reads."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import operator
import string
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Generic, Hashable, Mapping, NamedTuple, Sequence, TypeVar

from fireenforce.dates import add_months
from fireenforce.errors import CaseError, Finding
from fireenforce.model.decision import Doubt, Reason, RulesetRef
from fireenforce.model.fast import construct
from fireenforce.ruleset.items import CompiledItem
from fireenforce.ruleset.provisions import Provisions
from fireenforce.ruleset.schema import LimitationPeriod, Limits, Manifest, Period, PolicySpec, TierSpec
from fireenforce.ruleset.assessment import DEFAULT as DEFAULT_ASSESSMENT, AssessmentSpec
from fireenforce.ruleset.audit import AuditSpec
from fireenforce.ruleset.calendar import CalendarSpec
from fireenforce.ruleset.offices import NO_DELEGATIONS, Delegations
from fireenforce.ruleset.tables import DecisionTable
from fireenforce.ruleset.triggers import NO_TRIGGERS, Triggers

PLACEHOLDERS = frozenset({
    "item_name", "matched", "subject_label", "years", "precondition_label", "level_label", "authority",
    "kinds_label", "tier_label", "suggested_min", "suggested_max", "fine_min", "fine_max", "facts",
    "threshold", "days", "word", "field_label", "limit", "age", "step_label", "suggested_label", "entrustment",
    "decided_label", "then", "imposed",
})

P = TypeVar("P", bound=Period)
WHAT_IF_PARAMETER = "what_if=True"  # named in messages; the CLI says its flag (--what-if) instead
DECISIONS_KEPT = 16_384  # whole decisions a ruleset's memo keeps at most: about 25 MB (docs/performance.md)


def dated(entries: Sequence[P], day: dt.date) -> P | None:
    """The entry of a dated value that covers ``day``."""
    for entry in entries:
        if entry.covers(day):
            return entry
    return None


def placeholders(text: str) -> set[str]:
    """Field names used in a sentence; attribute or index access is reported as a name too."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


V = TypeVar("V")


class Memo(Generic[V]):
    """A bounded memo for values that depend only on their key, keeping what was used lately: two
    generations of at most ``limit // 2`` entries. New entries go to the young generation; when it
    is full it becomes the old one (the previous old one is dropped), and an entry found in the old
    generation moves back to the young one. So between ``limit // 2`` and ``limit`` entries are
    kept, and a lookup costs one or two dict reads. Safe to share between threads: every step is a
    single dict operation or attribute swap, and a lost insert under contention only costs a
    recomputation."""

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._half = max(1, limit // 2)
        self._young: dict[Hashable, V] = {}
        self._old: dict[Hashable, V] = {}

    def get(self, key: Hashable) -> V | None:
        found = self._young.get(key)
        if found is None:
            found = self._old.get(key)
            if found is not None:
                self.put(key, found)
        return found

    def put(self, key: Hashable, value: V) -> None:
        young = self._young
        if len(young) >= self._half:
            self._old, self._young = young, {}
            young = self._young
        young[key] = value

    def __len__(self) -> int:
        return len(self._young) + len(self._old)


class PolicyOn(NamedTuple):
    """The policy as it reads on one day."""

    cutoff: dt.date  # first day of the lookback window
    limitation: LimitationPeriod | None
    segment: int  # which stretch of constant policy and law the day falls in


def _nothing(_: object) -> tuple[()]:
    return ()


class Policy:
    """Compiled policy: decision tables and dated parameters."""

    def __init__(self, spec: PolicySpec, law_changes: set[dt.date]) -> None:
        """``law_changes``: the dates on which a cited provision's text changes."""
        self.spec = spec
        self.step_table = DecisionTable(spec.step_table)
        self.tier_table = DecisionTable(spec.discretion.table)
        self.tiers: Mapping[str, TierSpec] = MappingProxyType({t.tier: t for t in spec.discretion.tiers})
        self.step_rank = MappingProxyType({step: i for i, step in enumerate(spec.ladder.steps)})
        self.escalating = frozenset(spec.ladder.escalating_steps)
        self.written_orders = frozenset(spec.ladder.written_orders)
        self.reinspect_steps = frozenset(spec.ladder.reinspect_steps)
        self.documents = MappingProxyType({k: tuple(v) for k, v in spec.procedure.documents.items()})
        self.powers: Mapping[str, frozenset[str]] = MappingProxyType(
            {lvl: frozenset(s.powers) for lvl, s in spec.delegation.levels.items()})
        self.kind_labels: Mapping[str, str] = MappingProxyType({k: v.label for k, v in spec.kinds.items()})
        self.local_facts: Mapping[str, str] = MappingProxyType({name: f.type for name, f in spec.facts.items()})
        names = tuple(trigger.fact for trigger in spec.referrals)
        # the values of the facts that send a case elsewhere (policy ``referrals``), as one memo key part
        self.referring_facts: Callable[[Any], Any] = operator.attrgetter(*names) if names else _nothing
        self.mitigating = MappingProxyType({f.code: f for f in spec.discretion.mitigating})
        self.aggravating = MappingProxyType({f.code: f for f in spec.discretion.aggravating})
        entries = [*spec.ladder.lookback_months, *spec.procedure.summary_limit, *spec.procedure.hearing_threshold,
                   *spec.limitation.periods]
        policy_changes = {d for e in entries for d in (e.from_, e.to) if d is not None}
        self._segments = tuple(sorted(policy_changes | law_changes))

    def segment(self, day: dt.date) -> int:
        """Which stretch of constant policy and law ``day`` falls in (a memo key for decisions)."""
        return bisect.bisect_right(self._segments, day)

    @functools.lru_cache(maxsize=8192)
    def on(self, day: dt.date) -> "PolicyOn":
        """What the engine reads by date, looked up once per day (cached)."""
        months = self.lookback_months(day)
        cutoff = add_months(day, -months) if months else day
        return PolicyOn(cutoff, self.limitation(day), self.segment(day))

    def lookback_months(self, day: dt.date) -> int | None:
        entry = dated(self.spec.ladder.lookback_months, day)
        return entry.value if entry else None

    def summary_limit(self, day: dt.date) -> Limits | None:
        return dated(self.spec.procedure.summary_limit, day)

    def hearing_threshold(self, day: dt.date) -> Limits | None:
        return dated(self.spec.procedure.hearing_threshold, day)

    def limitation(self, day: dt.date) -> LimitationPeriod | None:
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
        warnings: tuple[Finding, ...] = (),
        triggers: Triggers = NO_TRIGGERS,
        assessment: AssessmentSpec = DEFAULT_ASSESSMENT,
        audit: AuditSpec | None = None,
        delegations: Delegations = NO_DELEGATIONS,
        *,
        calendar: CalendarSpec,
    ) -> None:
        self.manifest = manifest
        self.id = manifest.id
        self.version = manifest.version
        self.title = manifest.title
        self.digest = digest
        self.path = path
        self.files = files
        self.warnings = warnings  # findings below error severity from loading
        self.provisions = provisions
        self.items: Mapping[str, CompiledItem] = MappingProxyType(items)
        self.policy = policy
        self.triggers = triggers  # triage triggers and signal kinds (policy/triggers.yaml)
        self.assessment = assessment  # the monthly report's policy (policy/assessment.yaml)
        self.audit = audit  # the audit's policy (policy/audit.yaml); None: no disparity comparison
        self.calendar_spec = calendar  # working days by year, with their sources (policy/calendar.yaml)
        self.calendar = calendar.compile()
        self.delegations = delegations  # the named offices' 委托书 and form switches (offices.yaml)
        self.ref = RulesetRef.model_construct(id=self.id, version=self.version, digest=digest)
        self.covers = manifest.coverage.covers
        self.doubts = tuple(Doubt.model_construct(code=d.code, text=d.text) for d in manifest.doubts)
        self._reasons: dict[tuple[object, ...], Reason] = {}
        self.static_reasons: Mapping[str, Reason] = MappingProxyType({
            rule: self.policy_reason(rule) for rule, spec in policy.spec.reasons.items() if not placeholders(spec.text)
        })
        # engine-owned caches (their value types live in the engine): decision cores, competences,
        # referrals, penalty plans, and whole decisions by their case (engine/recall.py)
        self.cores: Memo[Any] = Memo()
        self.competences: dict[tuple[object, ...], Any] = {}
        self.referrals: dict[tuple[object, ...], Any] = {}
        self.plans: dict[tuple[object, ...], Any] = {}
        self.decisions: Memo[Any] = Memo(DECISIONS_KEPT)

    def __repr__(self) -> str:
        return f"<Ruleset {self.id} {self.version} {self.digest[:19]}…>"

    @property
    def in_force(self) -> Period:
        return self.manifest.in_force

    @property
    def coverage(self) -> Period:
        return self.manifest.coverage

    @property
    def answers_for(self) -> tuple[dt.date, dt.date | None]:
        """The dates this version decides for: its force inside its coverage (end excluded)."""
        start = max(self.in_force.from_, self.coverage.from_)
        ends = [p.to for p in (self.in_force, self.coverage) if p.to is not None]
        return start, min(ends) if ends else None

    def outside(self, day: dt.date, what_if: bool = False) -> CaseError:
        """The error for a decision date this version does not answer for."""
        start, end = self.answers_for
        span = f"from {start}" + (f" until {end}" if end else "")
        hint = "" if what_if else f"; a hypothetical decision under this version needs {WHAT_IF_PARAMETER}"
        return CaseError("decided_on", f"{day} is outside the dates ruleset {self.id} {self.version} answers for "
                                       f"({span}){hint}")

    @staticmethod
    def reason(rule: str, text: str, cites: tuple[str, ...] = (), **params: object) -> Reason:
        """A Reason with ``text`` filled from ``params`` (values only, never evaluated)."""
        return construct(Reason, rule=rule, text=text.format_map(params) if params else text, cites=cites)

    def policy_reason(self, rule: str, extra_cites: tuple[str, ...] = (), **params: object) -> Reason:
        """A Reason from ``policy/reasons.yaml``, cached per parameters; each provision cited once."""
        key = (rule, extra_cites, *params.items())
        found = self._reasons.get(key)
        if found is None:
            spec = self.policy.spec.reasons[rule]
            found = self.reason(rule, spec.text, tuple(dict.fromkeys((*spec.cites, *extra_cites))), **params)
            if len(self._reasons) < 100_000:
                self._reasons[key] = found
        return found

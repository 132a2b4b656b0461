"""Catalogue items compiled for lookup: for each period in which the cited law is constant and
each combination of case conditions, the applicable penalty branch and duty provisions."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from fireenforce.model.decision import Doubt, ItemRef, LegalBasis
from fireenforce.ruleset.provisions import Provisions
from fireenforce.ruleset.provisions import parse_cite
from fireenforce.ruleset.schema import RANK_ORDER, Branch, Condition, FineSpec, ItemReferral, ItemSpec

# (subject, operating, high_rise, crowded, serious, minor, hinders_evacuation)
Conditions = tuple[str, bool, bool, bool, bool, bool, bool]
ALL_CONDITIONS: tuple[Conditions, ...] = tuple(
    itertools.product(("unit", "individual"), *((False, True),) * 6)
)
_EARLIEST = dt.date(1, 1, 1)


def matches(when: Condition, conditions: Conditions) -> bool:
    subject, operating, high_rise, crowded, serious, minor, hinders = conditions
    return (
        (when.subject is None or when.subject == subject)
        and (when.operating is None or when.operating == operating)
        and (when.high_rise is None or when.high_rise == high_rise)
        and (when.crowded is None or when.crowded == crowded)
        and (when.serious is None or when.serious == serious)
        and (when.minor is None or when.minor == minor)
        and (when.hinders_evacuation is None or when.hinders_evacuation == hinders)
    )


@dataclass(frozen=True, slots=True)
class PenaltyBranch:
    """One penalty branch as it reads in one period: its provisions and its sanction."""

    item: str
    id: str
    spec: Branch
    basis: tuple[LegalBasis, ...]
    compulsory: tuple[LegalBasis, ...]
    kinds: tuple[str, ...]
    fine: FineSpec | None
    severity: tuple[int, int, int]
    doubt: Doubt | None
    required_kinds: tuple[str, ...]  # what the decider must be able to impose (an optional fine may be left out)


@dataclass(frozen=True, slots=True)
class Resolution:
    """What the law says for one item, period and condition combination."""

    violated: tuple[LegalBasis, ...]
    branch: PenaltyBranch | None
    competed: bool = False  # the branch was chosen among provisions of different norms (penalty-law art. 29)
    basis: tuple[LegalBasis, ...] = ()  # provisions the authority acts on (role basis, 依据)

    @property
    def grounds(self) -> tuple[LegalBasis, ...]:
        """The duties violated, then the authority's basis: the law the item rests on for these cases."""
        return self.violated + self.basis


class ConflictError(Exception):
    pass


class CompiledItem:
    """An enforcement item: identity, search words, and its law by period and conditions."""

    def __init__(self, spec: ItemSpec, provisions: Provisions, severities: dict[str, int],
                 precedence: str = "special_rule") -> None:
        """``precedence``: how an exception branch citing another norm competes with the branch it
        is an exception to (``policy/competing.yaml``)."""
        self.spec = spec
        self._precedence = precedence
        self._rank = {b.id: min(RANK_ORDER[provisions.instruments[parse_cite(c)[0]].rank] for c in b.cite)
                      for b in spec.penalties}
        self.code = spec.code
        self.name = spec.name
        self.ref = ItemRef.model_construct(code=spec.code, name=spec.name)
        self.conduct = spec.conduct
        self.subjects = tuple(spec.subjects)
        self.high_rise_only = spec.high_rise_only
        self.operating_only = spec.operating_only
        self.completed = spec.completed
        self.orders = not spec.completed and spec.duty == "specific"  # may a written order to correct be given?
        self.referrals = tuple(spec.referrals)
        self.aliases = tuple(spec.aliases)
        self.keywords = tuple(spec.keywords)
        self.delegated_to = frozenset(spec.delegated_to)
        self.rectification_days = spec.rectification_days
        self.doubts = tuple((d.when, Doubt.model_construct(code=d.code, text=d.text)) for d in spec.doubts)
        cites = [c.cite for c in (*spec.violated, *spec.basis)] + [c for b in spec.penalties for c in (*b.cite, *b.compulsory)]
        branch_dates = {d for b in spec.penalties for d in (b.from_, b.to) if d is not None}
        self._starts = tuple(sorted({_EARLIEST} | provisions.change_dates(cites) | branch_dates))
        self._periods = tuple(self._resolve_period(start, provisions, severities) for start in self._starts)

    def _resolve_period(
        self, day: dt.date, provisions: Provisions, severities: dict[str, int]
    ) -> dict[Conditions, Resolution]:
        """The law on ``day`` for each combination of conditions. Combinations that match the same
        clauses get the same law, worked out once (a fresh ``Resolution`` each: the engine keys
        its caches by a resolution's identity, which stands for its combination)."""
        branches = {b.id: self._branch(b, day, provisions, severities) for b in self.spec.penalties}
        violated = [(c.when, basis) for c in self.spec.violated
                    if (basis := provisions.basis(c.cite, "violated", day)) is not None]
        acting = [(c.when, basis) for c in self.spec.basis if (basis := provisions.basis(c.cite, "basis", day)) is not None]
        live = [b for b in self.spec.penalties if branches[b.id] is not None]
        clauses = [when for when, _ in violated] + [when for when, _ in acting] + [b.when for b in live]
        laws: dict[tuple[bool, ...], tuple[tuple[LegalBasis, ...], PenaltyBranch | None, bool, tuple[LegalBasis, ...]]] = {}
        table: dict[Conditions, Resolution] = {}
        for conditions in ALL_CONDITIONS:
            matched = tuple(matches(when, conditions) for when in clauses)
            law = laws.get(matched)
            if law is None:
                law = laws[matched] = self._law(violated, acting, live, branches, matched, day, conditions)
            table[conditions] = Resolution(*law)
        return table

    def _law(self, violated: list[tuple[Condition, LegalBasis]], acting: list[tuple[Condition, LegalBasis]],
             live: list[Branch], branches: dict[str, PenaltyBranch | None], matched: tuple[bool, ...], day: dt.date,
             conditions: Conditions) -> tuple[tuple[LegalBasis, ...], PenaltyBranch | None, bool, tuple[LegalBasis, ...]]:
        """The law for the clauses ``matched`` (those of ``violated``, ``acting`` and ``live`` in
        turn), first met with ``conditions``: ConflictError when two branches apply."""
        duties = tuple(basis for (_, basis), on in zip(violated, matched) if on)
        bases = tuple(basis for (_, basis), on in zip(acting, matched[len(violated):]) if on)
        applying = [b for b, on in zip(live, matched[len(violated) + len(acting):]) if on]
        overridden, competed = self._overridden(applying)
        winners = [b for b in applying if b.id not in overridden]
        if len(winners) > 1:
            ids = ", ".join(b.id for b in winners)
            raise ConflictError(f"branches {ids} both apply on {day} for {_describe(conditions)} and neither is an "
                                "exception to the other")
        return duties, branches[winners[0].id] if winners else None, competed, bases

    def _overridden(self, live: list[Branch]) -> tuple[set[str], bool]:
        """Branches set aside by an exception, and whether two norms competed. An exception citing
        the same provision (情节较轻/严重) always wins; one citing another norm competes with the
        branch it excepts: under ``higher_fine`` the higher fine wins (art. 29), a lower-ranking
        instrument's range counting only up to the higher-ranking one's maximum (art. 13)."""
        out: set[str] = set()
        competed = False
        for special in live:
            for general in live:
                if general.id not in special.exception_to:
                    continue
                if set(special.cite) & set(general.cite):
                    out.add(general.id)
                    continue
                competed = True
                if self._precedence == "special_rule" or self._weight(special, general) >= self._weight(general, special):
                    out.add(general.id)
                else:
                    out.add(special.id)
        return out, competed

    def _weight(self, branch: Branch, rival: Branch) -> tuple[int, int]:
        """(fine maximum as far as it may count against ``rival``, rank of the branch's instrument)."""
        top = branch.fine.max if branch.fine else 0
        if self._rank[branch.id] < self._rank[rival.id]:
            top = min(top, rival.fine.max if rival.fine else 0)
        return top, self._rank[branch.id]

    def _branch(
        self, spec: Branch, day: dt.date, provisions: Provisions, severities: dict[str, int]
    ) -> PenaltyBranch | None:
        if (spec.from_ is not None and day < spec.from_) or (spec.to is not None and day >= spec.to):
            return None
        basis = [provisions.basis(cite, "penalty", day) for cite in spec.cite]
        if any(b is None for b in basis):
            return None
        compulsory = tuple(provisions.basis(cite, "compulsory", day) for cite in spec.compulsory)
        if any(b is None for b in compulsory):
            return None
        fine = spec.fine
        severity = (max(severities[k] for k in spec.kinds), fine.max if fine else 0, fine.min if fine else 0)
        doubt = Doubt.model_construct(code=spec.doubt.code, text=spec.doubt.text) if spec.doubt else None
        required = tuple(k for k in spec.kinds if not (k == "fine" and fine is not None and fine.optional))
        return PenaltyBranch(self.code, spec.id, spec, tuple(basis), compulsory, tuple(spec.kinds),  # type: ignore[arg-type]
                             fine, severity, doubt, required)

    def resolve(self, conditions: Conditions, day: dt.date) -> Resolution:
        """The law for these conditions on ``day`` (one bisect and one dict lookup)."""
        return self.resolutions_on(day)[conditions]

    def resolutions_on(self, day: dt.date) -> Mapping[Conditions, Resolution]:
        """The law on ``day`` for every combination of conditions (the same mapping for every day
        of a period of constant law)."""
        return self._periods[bisect.bisect_right(self._starts, day) - 1]

    def referral_for(self, conditions: Conditions) -> ItemReferral | None:
        """The item's own referral that applies to a case with these conditions, if any."""
        return next((r for r in self.referrals if matches(r.when, conditions)), None)

    def doubts_for(self, conditions: Conditions) -> list[Doubt]:
        """The item's doubts that concern a case with these conditions."""
        return [doubt for when, doubt in self.doubts if matches(when, conditions)]


def _describe(conditions: Conditions) -> str:
    subject, operating, high_rise, crowded, serious, minor, hinders = conditions
    flags = [name for name, on in (("operating", operating), ("high_rise", high_rise), ("crowded", crowded),
                                   ("serious", serious), ("minor", minor), ("hinders_evacuation", hinders)) if on]
    return subject + (" " + "+".join(flags) if flags else "")

"""Steps of a decision that ``decide`` and the batch kernel share: the penalty's status (an input
of the step table) and the referral a fact or the item itself requires."""

from __future__ import annotations

from dataclasses import dataclass

from fireenforce.engine import penalty as pen
from fireenforce.model.case import Facts
from fireenforce.model.decision import Reason
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.items import CompiledItem, Conditions, PenaltyBranch


@dataclass(frozen=True, slots=True)
class Step:
    """The step chosen, why, and where a referral goes."""

    step: str
    reason: Reason
    authority: str | None = None  # a referral's authority code
    cites: tuple[str, ...] = ()  # the referral's own basis (competence)


def penalty_status(branch: PenaltyBranch | None, elements: frozenset[str], agency_notice: bool, barred: bool,
                   excuse: str | None, competence: pen.Competence | None) -> str:
    """The penalty's state for this case: an input of the step table. ``needs_notice``: the
    precondition is a notice of the fire-rescue agency (消防法 60(1)(7)) and none was served, so no
    order the office gives in its own name can make the element hold."""
    if branch is None:
        return "none"
    if barred:
        return "barred"
    if excuse is not None:
        return "excused"
    precondition = branch.spec.precondition
    if precondition and precondition not in elements:
        return "needs_notice" if precondition == "notice" and not agency_notice else "unmet"
    return "available" if competence is not None and competence.holds else "no_power"


REFERRALS_KEPT = 100_000  # referral answers a ruleset keeps (items × conditions × levels × referring facts)


def referral(rs: Ruleset, facts: Facts, level: str, item: CompiledItem, conditions: Conditions) -> Step | None:
    """A fact or the item itself sends the case to another authority, whatever the ladder says
    (``level``: the acting office's). Remembered per ruleset by its inputs: the item, the case's
    conditions, the level and the referring facts' values."""
    key = (item.code, conditions, level, rs.policy.referring_facts(facts))
    found = rs.referrals.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        found = fact_referral(rs, facts, level) or item_referral(rs, level, item, conditions)
        if len(rs.referrals) < REFERRALS_KEPT:
            rs.referrals[key] = found
    return found


_UNKNOWN = object()


def fact_referral(rs: Ruleset, facts: Facts, level: str) -> Step | None:
    """The referral the first referring fact (in the policy's order) requires of an office of ``level``."""
    policy = rs.policy
    delegation = policy.spec.delegation
    for trigger in policy.spec.referrals:
        if not getattr(facts, trigger.fact):
            continue
        if trigger.kind is not None:
            if trigger.kind in policy.powers[level]:
                continue
            to = delegation.reserved.get(trigger.kind, delegation.default_authority)
        else:
            to = trigger.to  # type: ignore[assignment]  # exactly one of to/kind (schema)
        if to == level:
            continue
        reason = rs.reason(f"referral.{trigger.fact.replace('_', '-')}", trigger.text, tuple(trigger.cites),
                           authority=delegation.authorities[to])
        return Step("referral", reason, to, tuple(trigger.cites))
    return None


def item_referral(rs: Ruleset, level: str, item: CompiledItem, conditions: Conditions) -> Step | None:
    """The item's own referral for a case with these conditions, unless the office is where it goes."""
    own = item.referral_for(conditions)
    if own is not None and own.to != level:
        reason = rs.reason(f"referral.{item.code.lower()}", own.text, tuple(own.cites),
                           authority=rs.policy.spec.delegation.authorities[own.to])
        return Step("referral", reason, own.to, tuple(own.cites))
    return None

"""Static verification of a loaded ruleset, beyond the load-time checks (RS-*, incl. the decision
tables' gaps, overlaps and dead rules, RS-TBL-*). Each finding has a stable VF-* code and a file:line.

- VF-NO-PENALTY-PATH (warning): the law has a penalty, but no office level nor the brigade can
  ever impose it, so every case that would be penalised is referred instead.
- VF-UNREACHABLE-BRANCH: a penalty branch that applies to no case and no date in the coverage.
- VF-CITE-OUTSIDE-DATES: a duty or penalty provision that is in force only outside the period
  the ruleset decides for.
- VF-PARAM-BOUNDS: a parameter outside its legal bounds (summary limits, art. 51; limitation,
  art. 36; lookback; tier fractions; catalogue fines against the amounts of the cited text).
- VF-PARAM-UNVERIFIED (warning): a bound that cannot be read from the text the parameter cites.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Iterable, Iterator

import cn2an

from fireenforce.engine import penalty as pen
from fireenforce.errors import Finding
from fireenforce.model.enums import OFFICE_LEVELS
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.items import ALL_CONDITIONS, CompiledItem, matches
from fireenforce.ruleset.schema import POLICY_FILES, Branch
from fireenforce.ruleset.yamlsafe import Lines, line_of, load_yaml

# The statutory bounds are read from the text of the provisions the policy cites (penalty-law
# art. 51 for the summary limits, art. 36 for limitation); none is written here.

_NUM = r"[0-9零〇一二两三四五六七八九十百千万]+"
_PAIR = re.compile(rf"({_NUM})元以上({_NUM})元以下")
_UPTO = re.compile(rf"({_NUM})元以下")


def _number(text: str) -> int:
    return int(cn2an.cn2an(text, "smart"))


def amounts(text: str) -> list[tuple[int, int]]:
    """Fine ranges stated in a provision: "五千元以上五万元以下" -> (5000, 50000); "五百元以下" -> (0, 500)."""
    pairs = [(_number(a), _number(b)) for a, b in _PAIR.findall(text)]
    rest = _PAIR.sub("", text)
    return pairs + [(0, _number(b)) for b in _UPTO.findall(rest)]


class _Lines:
    """File names (relative to the family, as load-time findings use) and their YAML line maps."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._maps: dict[str, Lines] = {}

    def name(self, rel: str) -> str:
        return f"{self.root.name}/{rel}"

    def at(self, rel: str, *loc: str | int) -> int | None:
        if rel not in self._maps:
            path = self.root / rel
            self._maps[rel] = load_yaml(path, self.name(rel))[1] if path.is_file() else {}
        return line_of(self._maps[rel], loc)

    def finding(self, code: str, message: str, rel: str, *loc: str | int, severity: str = "error") -> Finding:
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        return Finding(code, message, file=self.name(rel), line=self.at(rel, *loc), field=field, severity=severity)


def _window(ruleset: Ruleset) -> tuple[dt.date, dt.date | None]:
    """The decision dates the ruleset answers for: from its coverage to the end of its force."""
    ends = [p.to for p in (ruleset.coverage, ruleset.in_force) if p.to is not None]
    return ruleset.coverage.from_, min(ends) if ends else None


def _days(ruleset: Ruleset, item: CompiledItem) -> list[dt.date]:
    """The first day of every period in which the item's law is constant, inside the window."""
    start, end = _window(ruleset)
    spec = item.spec
    cites = [c.cite for c in (*spec.violated, *spec.basis)] + [c for b in spec.penalties for c in (*b.cite, *b.compulsory)]
    changes = ruleset.provisions.change_dates(cites)
    return sorted({start} | {d for d in changes if d > start and (end is None or d < end)})


def _outside(ruleset: Ruleset, cite: str) -> bool:
    start, end = _window(ruleset)
    versions = ruleset.provisions.versions(cite)
    return bool(versions) and not any(
        (v.valid_to is None or v.valid_to > start) and (end is None or v.valid_from < end) for v in versions)


def _item_findings(ruleset: Ruleset, item: CompiledItem, lines: _Lines) -> Iterator[Finding]:
    rel = f"catalogue/{item.code}.yaml"
    spec = item.spec
    for i, c in enumerate(spec.violated):
        if _outside(ruleset, c.cite):
            yield lines.finding("VF-CITE-OUTSIDE-DATES", f"{c.cite} is in force only outside {_describe(ruleset)}",
                                rel, "violated", i, "cite")
    dead_cites: set[str] = set()
    for i, branch in enumerate(spec.penalties):
        for j, cite in enumerate((*branch.cite, *branch.compulsory)):
            if _outside(ruleset, cite):
                dead_cites.add(branch.id)
                yield lines.finding("VF-CITE-OUTSIDE-DATES", f"branch {branch.id}: {cite} is in force only outside "
                                    f"{_describe(ruleset)}", rel, "penalties", i, "cite", j)
        yield from _fine_bounds(ruleset, item, i, branch, lines)
    fits = [c for c in ALL_CONDITIONS if c[0] in item.subjects and (c[2] or not item.high_rise_only)]
    resolved = {(r.branch.id, day): r.branch for day in _days(ruleset, item) for c in fits
                if (r := item.resolve(c, day)).branch is not None}
    applied = {bid for bid, _ in resolved}
    for i, branch in enumerate(spec.penalties):
        if branch.id in applied or branch.id in dead_cites:
            continue
        precedence = ruleset.policy.spec.competing.precedence
        rivals = [b.id for b in spec.penalties if b.id in branch.exception_to and not set(b.cite) & set(branch.cite)]
        if rivals and precedence == "higher_fine":
            yield lines.finding(
                "VF-BRANCH-SET-ASIDE", f"branch {branch.id} never applies: policy/competing.yaml precedence "
                f"{precedence} (penalty-law arts. 29, 13) applies {', '.join(rivals)} instead; it applies under "
                "special_rule", rel, "penalties", i, severity="warning")
            continue
        if not any(matches(branch.when, c) for c in fits):
            why = f"its conditions never match the item's subjects {list(item.subjects)}" + \
                  (" in a high-rise building" if item.high_rise_only else "")
        elif any(ruleset.provisions.at(c, d) is None for c in branch.cite for d in _days(ruleset, item)):
            why = "its provisions are never in force together inside the coverage"
        else:
            why = "an exception always overrides it"
        yield lines.finding("VF-UNREACHABLE-BRANCH", f"branch {branch.id} never applies: {why}", rel, "penalties", i)
    powers = [pen.competence(ruleset, item, b, level) for b in resolved.values() for level in OFFICE_LEVELS]
    if powers and not any(p.holds for p in powers):
        names = ruleset.policy.spec.delegation.authorities
        to = "、".join(sorted({names[a] for b in resolved.values()
                              if (a := pen.competence(ruleset, item, b, "brigade").authority)}))
        yield lines.finding(
            "VF-NO-PENALTY-PATH", "the law provides a penalty but no office level nor the brigade may impose it: "
            f"every case that would be penalised is a referral (to {to})", rel, "penalties", severity="warning")


def _fine_bounds(ruleset: Ruleset, item: CompiledItem, i: int, branch: Branch, lines: _Lines) -> Iterator[Finding]:
    """A branch's fine must lie inside a range its cited text states (when the text states one)."""
    if branch.fine is None:
        return
    start, _ = _window(ruleset)
    stated = sorted({r for cite in branch.cite for v in ruleset.provisions.versions(cite) for r in amounts(v.text)})
    if stated and not any(lo <= branch.fine.min and branch.fine.max <= hi for lo, hi in stated):
        ranges = ", ".join(f"{lo}..{hi}" for lo, hi in stated)
        yield lines.finding("VF-PARAM-BOUNDS", f"branch {branch.id}: fine {branch.fine.min}..{branch.fine.max} is "
                            f"outside every range the cited text states ({ranges})",
                            f"catalogue/{item.code}.yaml", "penalties", i, "fine")


def _law_number(ruleset: Ruleset, cites: list[str], pattern: str) -> tuple[int | None, str]:
    """A number read from the text of one of ``cites`` (all its versions agreeing), and that cite."""
    for cite in cites:
        found = {m for v in ruleset.provisions.versions(cite) for m in re.findall(pattern, v.text)}
        if len(found) == 1:
            return _number(found.pop()), cite
    return None, "、".join(cites) or "no citation"


def _policy_findings(ruleset: Ruleset, lines: _Lines) -> Iterator[Finding]:
    spec = ruleset.policy.spec
    procedure, ladder, limitation = (f"policy/{POLICY_FILES[k]}" for k in ("procedure", "ladder", "limitation"))
    for i, entry in enumerate(spec.procedure.summary_limit):
        for kind, pattern in (("individual", rf"公民处以({_NUM})元以下"), ("unit", rf"组织处以({_NUM})元以下")):
            bound, cite = _law_number(ruleset, entry.cites, pattern)
            if bound is None:
                yield lines.finding("VF-PARAM-UNVERIFIED", f"no bound for the {kind} limit in the text of {cite}",
                                    procedure, "summary_limit", i, "cites", severity="warning")
            elif getattr(entry, kind) > bound:
                yield lines.finding("VF-PARAM-BOUNDS", f"summary limit for {kind} {getattr(entry, kind)} is above "
                                    f"{bound} ({cite})", procedure, "summary_limit", i, kind)
    for i, period in enumerate(spec.limitation.periods):
        for field, pattern in (("base_years", rf"在({_NUM})年内"), ("extended_years", rf"延长至({_NUM})年")):
            law, cite = _law_number(ruleset, period.cites, pattern)
            if law is None:
                yield lines.finding("VF-PARAM-UNVERIFIED", f"no {field} in the text of {cite}", limitation,
                                    "periods", i, "cites", severity="warning")
            elif getattr(period, field) != law:
                yield lines.finding("VF-PARAM-BOUNDS", f"{field} {getattr(period, field)} differs from the "
                                    f"{law} years of {cite}", limitation, "periods", i, field)
    for i, months in enumerate(spec.ladder.lookback_months):
        limit = ruleset.policy.limitation(months.from_)
        most = limit.base_years * 12 if limit else None
        if months.value <= 0 or (most is not None and months.value > most):
            yield lines.finding("VF-PARAM-BOUNDS", f"lookback of {months.value} months is not within 1..{most} "
                                "(the limitation period)", ladder, "lookback_months", i, "value")
    yield from _tier_bounds(ruleset, lines)


def _tier_bounds(ruleset: Ruleset, lines: _Lines) -> Iterator[Finding]:
    """Tier fractions lie in [0, 1] and cover it without gaps or overlaps, in order."""
    rel = f"policy/{POLICY_FILES['discretion']}"
    tiers = sorted(enumerate(ruleset.policy.spec.discretion.tiers), key=lambda t: (t[1].low, t[1].high))
    edge = 0.0
    for i, tier in tiers:
        if not (0 <= tier.low <= tier.high <= 1):
            yield lines.finding("VF-PARAM-BOUNDS", f"tier {tier.tier}: {tier.low}..{tier.high} is not inside 0..1",
                                rel, "tiers", i)
        elif abs(tier.low - edge) > 1e-9:
            yield lines.finding("VF-PARAM-BOUNDS", f"tier {tier.tier} starts at {tier.low}, the tiers below end at "
                                f"{edge} (they must cover 0..1 contiguously)", rel, "tiers", i, "low")
        edge = max(edge, tier.high)
    if abs(edge - 1) > 1e-9:
        yield lines.finding("VF-PARAM-BOUNDS", f"the tiers end at {edge}, not 1", rel, "tiers")


def _describe(ruleset: Ruleset) -> str:
    start, end = _window(ruleset)
    return f"the ruleset's dates ({start} to {end or 'open'})"


def static_findings(ruleset: Ruleset) -> list[Finding]:
    """Every VF-* finding for a loaded ruleset, items first, then policy parameters."""
    lines = _Lines(ruleset.path)
    found: Iterable[Finding] = (f for item in ruleset.items.values() for f in _item_findings(ruleset, item, lines))
    return [*found, *_policy_findings(ruleset, lines)]

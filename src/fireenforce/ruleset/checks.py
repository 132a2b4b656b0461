"""Cross-checks of meaning, after the structure is valid. Each finding has a stable code."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Iterable, Sequence

from fireenforce.errors import Finding, field_path
from fireenforce.model.enums import DOCUMENT_TYPES
from fireenforce.ruleset.compiled import PLACEHOLDERS, Policy, placeholders
from fireenforce.ruleset.provisions import Provisions, parse_cite
from fireenforce.ruleset.schema import POLICY_FILES, ItemSpec, LimitationPeriod, Limits, Manifest, Period

if TYPE_CHECKING:
    from fireenforce.ruleset.load import Source

CONTRACT_CODES = (
    "EB-PARK", "EB-CHARGE", "EB-WIRE", "EB-INDOOR", "EV-BLOCK", "FL-BLOCK", "FF-DAMAGE", "FF-NONCOMPLIANT",
    "FF-HYDRANT", "OB-CROWDED", "OB-BILLBOARD-HR", "OB-RESIDENTIAL", "FU-OPENFIRE", "FU-HOTWORK-HR",
    "EL-WIRING", "RC-NOTICE", "UN-DUTY", "SH-THREE-IN-ONE",
)
DOCUMENT_KEYS = ("reminder", "warning", "penalty.summary", "penalty.general", "referral", "reinspection")


def run(
    src: "Source", manifest: Manifest, provisions: Provisions, items: dict[str, tuple[ItemSpec, str]], policy: Policy
) -> list[Finding]:
    out: list[Finding] = []
    out += _instruments(src, provisions)
    out += _items(src, manifest, provisions, items, policy)
    out += _policy(src, manifest, provisions, policy)
    if manifest.id == "xifeng":
        for code in CONTRACT_CODES:
            if code not in items:
                out.append(Finding("RS-CONTRACT-CODE", f"catalogue lacks contract code {code}", file="catalogue/"))
    return out


def _instruments(src: "Source", provisions: Provisions) -> Iterable[Finding]:
    for spec in provisions.instruments.values():
        name = f"{src.root.name}/instruments/{spec.id}.yaml"
        for ref, texts in spec.provisions.items():
            try:
                parse_cite(f"{spec.id}:{ref}")
            except ValueError as exc:
                yield Finding("RS-CITE-MALFORMED", str(exc), file=name, line=src.line(name, "provisions", ref),
                              field=f"provisions.{ref}")
            ordered = sorted(texts, key=lambda t: t.from_)
            for earlier, later in zip(ordered, ordered[1:]):
                if earlier.to is None or earlier.to > later.from_:
                    yield Finding("RS-DATED-OVERLAP", f"text versions from {earlier.from_} and {later.from_} overlap",
                                  file=name, line=src.line(name, "provisions", ref), field=f"provisions.{ref}")


def _cite(src: "Source", provisions: Provisions, cite: str, name: str, loc: tuple[str | int, ...],
          period: Period | None) -> Iterable[Finding]:
    """A citation must exist; with a period, it must be in force on every day of it."""
    field = field_path(loc)
    line = src.line(name, *loc)
    if cite not in provisions:
        yield Finding("RS-CITE-UNKNOWN", f"{cite} is not among the ruleset's provisions", file=name, line=line, field=field)
    elif period is not None and not provisions.in_force_from(cite, period.from_, period.to):
        first = provisions.versions(cite)[0].valid_from
        yield Finding("RS-CITE-NOT-IN-FORCE",
                      f"{cite} is cited from {period.from_} but is in force only from {first}",
                      file=name, line=line, field=field)


def _items(src: "Source", manifest: Manifest, provisions: Provisions, items: dict[str, tuple[ItemSpec, str]],
           policy: Policy) -> Iterable[Finding]:
    for code, (spec, name) in items.items():
        for i, c in enumerate(spec.violated):
            yield from _cite(src, provisions, c.cite, name, ("violated", i, "cite"), None)
        for i, c in enumerate(spec.basis):
            yield from _cite(src, provisions, c.cite, name, ("basis", i, "cite"), None)
        if not spec.violated and not spec.basis:
            yield Finding("RS-ITEM-NO-LAW", "an item needs a duty violated (violated) or the authority's basis (basis)",
                          file=name, line=src.line(name, "violated"), field="violated")
        ids = [b.id for b in spec.penalties]
        for i, branch in enumerate(spec.penalties):
            where = ("penalties", i)
            if ids.count(branch.id) > 1:
                yield Finding("RS-BRANCH-DUPLICATE", f"branch id {branch.id!r} is used twice", file=name,
                              line=src.line(name, *where, "id"), field=f"penalties[{i}].id")
            for j, cite in enumerate(branch.cite):
                yield from _cite(src, provisions, cite, name, (*where, "cite", j), None)
            for field in ("precondition_cite", "compulsory"):
                for j, cite in enumerate(getattr(branch, field)):
                    yield from _cite(src, provisions, cite, name, (*where, field, j), None)
            for other in branch.exception_to:
                if other not in ids or other == branch.id:
                    yield Finding("RS-BRANCH-EXCEPTION", f"exception_to names unknown branch {other!r}", file=name,
                                  line=src.line(name, *where, "exception_to"), field=f"penalties[{i}].exception_to")
            if branch.from_ is not None and branch.to is not None and branch.to <= branch.from_:
                yield Finding("RS-DATED-ORDER", f"branch ends ({branch.to}) before it starts ({branch.from_})",
                              file=name, line=src.line(name, *where, "to"), field=f"penalties[{i}].to")
            if branch.fine is not None and branch.fine.min > branch.fine.max:
                yield Finding("RS-FINE-RANGE", f"fine min {branch.fine.min} is above max {branch.fine.max}",
                              file=name, line=src.line(name, *where, "fine"), field=f"penalties[{i}].fine")
            if ("fine" in branch.kinds) != (branch.fine is not None):
                yield Finding("RS-FINE-KIND", "a fine range goes with the kind 'fine' and only with it", file=name,
                              line=src.line(name, *where), field=f"penalties[{i}]")
            if branch.precondition and not branch.precondition_cite:
                yield Finding("RS-PRECONDITION-CITE", "a precondition needs the provision that imposes it",
                              file=name, line=src.line(name, *where, "precondition"), field=f"penalties[{i}].precondition")
            for kind in branch.kinds:
                if kind not in policy.spec.kinds:
                    yield Finding("RS-KIND-UNKNOWN", f"penalty kind {kind!r} has no entry in policy/penalty-kinds.yaml",
                                  file=name, line=src.line(name, *where, "kinds"), field=f"penalties[{i}].kinds")


        for i, referral in enumerate(spec.referrals):
            yield from _authority(src, policy, referral.to, name, ("referrals", i, "to"))
            for j, cite in enumerate(referral.cites):
                yield from _cite(src, provisions, cite, name, ("referrals", i, "cites", j), None)
            yield from _placeholders(referral.text, name, src.line(name, "referrals", i, "text"))


def _authority(src: "Source", policy: Policy, key: str, name: str, loc: tuple[str | int, ...]) -> Iterable[Finding]:
    if key not in policy.spec.delegation.authorities:
        yield Finding("RS-AUTHORITY", f"unknown authority {key!r} (see policy/delegation.yaml authorities)",
                      file=name, line=src.line(name, *loc), field=".".join(str(p) for p in loc))


def _policy(src: "Source", manifest: Manifest, provisions: Provisions, policy: Policy) -> Iterable[Finding]:
    root = src.root.name
    coverage = manifest.coverage

    def file_of(key: str) -> str:
        return f"{root}/policy/{POLICY_FILES[key]}"

    for key, table in (("step_table", policy.step_table), ("discretion", policy.tier_table)):
        name = file_of(key)
        prefix = ("table",) if key == "discretion" else ()
        for problem in table.problems:
            loc = (*prefix, "rules", problem.rule_index) if problem.rule_index is not None else (*prefix, "rules")
            yield Finding(f"RS-{problem.code}", problem.message, file=name, line=src.line(name, *loc),
                          field=field_path(loc))
        for i, rule in enumerate(table.spec.rules):
            for j, cite in enumerate(rule.cites):
                yield from _cite(src, provisions, cite, name, (*prefix, "rules", i, "cites", j), coverage)
            yield from _placeholders(rule.text, name, src.line(name, *prefix, "rules", i, "text"))
    name = file_of("reasons")
    for rule_id, spec in policy.spec.reasons.items():
        for j, cite in enumerate(spec.cites):
            yield from _cite(src, provisions, cite, name, (rule_id, "cites", j), coverage)
        yield from _placeholders(spec.text, name, src.line(name, rule_id, "text"))
    dated_cites: tuple[tuple[str, str, Sequence[Limits | LimitationPeriod]], ...] = (
        ("procedure", "summary_limit", policy.spec.procedure.summary_limit),
        ("procedure", "hearing_threshold", policy.spec.procedure.hearing_threshold),
        ("limitation", "periods", policy.spec.limitation.periods),
    )
    for key, field, entries in dated_cites:
        name = file_of(key)
        yield from _dated(src, name, field, entries, coverage)
        for i, entry in enumerate(entries):
            for j, cite in enumerate(entry.cites):
                yield from _cite(src, provisions, cite, name, (field, i, "cites", j), entry)
    yield from _dated(src, file_of("ladder"), "lookback_months", policy.spec.ladder.lookback_months, coverage)
    for key, cites in (("procedure", ("hearing_cites", "general_cites")), ("delegation", ("form_cites", "empowered_cites", "referral_cites"))):
        name = file_of(key)
        for field in cites:
            for j, cite in enumerate(getattr(getattr(policy.spec, key), field)):
                yield from _cite(src, provisions, cite, name, (field, j), coverage)
    name = file_of("discretion")
    for group in ("mitigating", "aggravating"):
        for i, fact in enumerate(getattr(policy.spec.discretion, group)):
            for j, cite in enumerate(fact.cites):
                yield from _cite(src, provisions, cite, name, (group, i, "cites", j), coverage)
    exemptions, name_ex = policy.spec.exemptions, file_of("exemptions")
    for field in ("juvenile", "limited_capacity"):
        if getattr(exemptions, field) not in policy.mitigating:
            yield Finding("RS-FACT-UNKNOWN", f"{field} must name a mitigating fact code of policy/discretion.yaml",
                          file=name_ex, line=src.line(name_ex, field), field=field)
    if exemptions.no_penalty_below_age > exemptions.mitigate_below_age:
        yield Finding("RS-AGES", "no_penalty_below_age is above mitigate_below_age", file=name_ex,
                      line=src.line(name_ex, "no_penalty_below_age"), field="no_penalty_below_age")
    name_co = file_of("competing")
    for j, cite in enumerate(policy.spec.competing.cites):
        yield from _cite(src, provisions, cite, name_co, ("cites", j), coverage)
    if set(policy.spec.competing.doubt) != {"higher_fine", "special_rule"}:
        yield Finding("RS-COMPETING", "doubt needs a text for both higher_fine and special_rule", file=name_co,
                      line=src.line(name_co, "doubt"), field="doubt")
    for i, tier in enumerate(policy.spec.discretion.tiers):
        if tier.low > tier.high:
            yield Finding("RS-TIER-RANGE", f"tier {tier.tier}: low {tier.low} is above high {tier.high}",
                          file=name, line=src.line(name, "tiers", i), field=f"tiers[{i}]")
    name = file_of("procedure")
    for key in DOCUMENT_KEYS:
        if key not in policy.documents:
            yield Finding("RS-DOCUMENTS", f"no documents listed for {key}", file=name, line=src.line(name, "documents"),
                          field="documents")
    for key, docs in policy.documents.items():
        if key not in DOCUMENT_KEYS:
            yield Finding("RS-DOCUMENTS", f"unknown step/procedure {key!r}", file=name,
                          line=src.line(name, "documents", key), field=f"documents.{key}")
        for doc in docs:
            if doc not in DOCUMENT_TYPES:
                yield Finding("RS-DOCUMENTS", f"unknown document type {doc!r}", file=name,
                              line=src.line(name, "documents", key), field=f"documents.{key}")
    delegation = policy.spec.delegation
    name = file_of("delegation")
    for level, level_spec in delegation.levels.items():
        for j, cite in enumerate(level_spec.cites):
            yield from _cite(src, provisions, cite, name, ("levels", level, "cites", j), coverage)
    for kind, authority in delegation.reserved.items():
        if authority not in delegation.authorities:
            yield Finding("RS-AUTHORITY", f"reserved kind {kind} goes to unknown authority {authority!r}",
                          file=name, line=src.line(name, "reserved", kind), field=f"reserved.{kind}")
    name = file_of("referrals")
    for i, fact in enumerate(policy.spec.referrals):
        if fact.to is not None:
            yield from _authority(src, policy, fact.to, name, (i, "to"))
        for j, cite in enumerate(fact.cites):
            yield from _cite(src, provisions, cite, name, (i, "cites", j), coverage)
        yield from _placeholders(fact.text, name, src.line(name, i, "text"))
    name = file_of("delegation")
    if delegation.default_authority not in delegation.authorities:
        yield Finding("RS-AUTHORITY", f"unknown default authority {delegation.default_authority!r}", file=name,
                      line=src.line(name, "default_authority"), field="default_authority")


def _dated(src: "Source", name: str, field: str, entries: Sequence[Period], coverage: Period) -> Iterable[Finding]:
    """Dated values must not overlap and must cover the whole coverage period."""
    ordered = sorted(entries, key=lambda e: e.from_)
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier.to is None or earlier.to > later.from_:
            yield Finding("RS-DATED-OVERLAP", f"values from {earlier.from_} and {later.from_} overlap",
                          file=name, line=src.line(name, field), field=field)
    day: dt.date | None = coverage.from_
    for entry in ordered:
        if day is not None and entry.from_ <= day and (entry.to is None or entry.to > day):
            day = entry.to
    if day is not None and (coverage.to is None or day < coverage.to):
        yield Finding("RS-DATED-GAP", f"no value applies on {day}, inside the ruleset's coverage",
                      file=name, line=src.line(name, field), field=field)


def _placeholders(text: str, name: str, line: int | None) -> Iterable[Finding]:
    for field in sorted(placeholders(text) - PLACEHOLDERS):
        yield Finding("RS-PLACEHOLDER", f"unknown placeholder {{{field}}} (allowed: {', '.join(sorted(PLACEHOLDERS))})",
                      file=name, line=line)

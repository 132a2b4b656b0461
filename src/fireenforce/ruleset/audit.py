"""The audit's policy (``policy/audit.yaml``): when cases that look alike count as treated unalike
(同案不同罚), and the provisions each audit finding cites. Numbers only legal staff change; the
audit package applies them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Iterable, Literal

from pydantic import Field

from fireenforce.errors import Finding
from fireenforce.ruleset.provisions import Provisions
from fireenforce.ruleset.schema import Manifest, Spec, TableSpec

if TYPE_CHECKING:
    from fireenforce.ruleset.load import Source

AUDIT_FILE = "audit.yaml"

# The finding kinds of `fireenforce audit` (stable codes; docs/contract.md, Audit).
AUDIT_KINDS = (
    "AUDIT-DISPARITY", "AUDIT-ESCALATION-SKIPPED", "AUDIT-BEFORE-DEADLINE", "AUDIT-STEP-LOWER",
    "AUDIT-REFERRAL-MISSING", "AUDIT-FINE-RANGE", "AUDIT-SUMMARY-LIMIT", "AUDIT-DEPARTURE-NO-REASON",
    "AUDIT-UNDECIDABLE",
)

# What makes two actions "the same case" for the disparity comparison.
CompareKey = Literal[
    "item", "subject.kind", "subject.operating", "place.high_rise", "place.crowded", "facts.serious",
    "rule.step", "rule.suggested",
]


class DisparitySpec(Spec):
    """同案不同罚: actions alike in every ``compare_by`` attribute, compared within each office and
    across offices."""

    compare_by: list[CompareKey] = Field(min_length=1)
    """The attributes two actions share to count as the same case (rule.* are the re-decided
    step and suggested fine range)."""
    min_cases: int = Field(ge=2, le=10_000)
    """Actions a group needs before it is compared."""
    fine_ratio: float = Field(gt=1, le=1000)
    """Flag a group whose highest fine exceeds its lowest by more than this factor."""
    office_fine_ratio: float = Field(gt=1, le=1000)
    """Across offices: flag when one office's median fine exceeds another's by more than this factor."""
    min_offices: int = Field(ge=2, le=1000)
    """Offices a group needs (each with ``min_cases`` actions) before offices are compared."""
    note: str = ""
    """How the comparison is meant, shown with each disparity finding."""


# Why the law allows no penalty in a case (see ``auditing.rules``).
Bar = Literal["none", "barred", "excused", "unmet"]


class NoPenaltySpec(Spec):
    """What a 越级处理 finding says when a penalty was imposed where the law allows none."""

    text: str = Field(min_length=1)
    """The finding's words (no article text: the citations are rendered after them)."""
    cites: list[str] = []
    """Provisions cited beside those the decision gives for the bar."""


class LadderSpec(Spec):
    """The step-table rules of the local ladder: a 越级处理 or 应移交而未移交 finding whose rule step one of
    these set rests on local policy (``text`` joins its detail, it cites nothing); under any other rule
    it cites that rule's provisions and says the heavier step lacks them."""

    rules: list[str] = Field(min_length=1)
    """Rule ids of policy/step-table.yaml."""
    text: str = Field(min_length=1)
    """What that policy is."""


class AuditSpec(Spec):
    """``policy/audit.yaml``: the audit's policy."""

    reference: str
    """Where the policy comes from."""
    disparity: DisparitySpec
    """When alike cases count as treated unalike."""
    basis: dict[str, list[str]] = {}
    """Citations each finding kind rests on (kind code -> provisions)."""
    local: dict[str, str] = {}
    """Finding kinds that rest on local policy, not on a provision (kind code -> what that policy is);
    the text is added to each such finding's detail, and the kind cites nothing in ``basis`` (a finding
    resting on a provision of its own case, e.g. a penalty's precondition, cites that instead)."""
    ladder: LadderSpec | None = None
    """The step-table rules of the local ladder."""
    no_penalty: dict[Bar, NoPenaltySpec] = {}
    """A penalty imposed where the law allows none, by why (``none``: no penalty provided for the
    subject; ``barred``: time-barred; ``excused``: a ground of no penalty; ``unmet``: the penalty's
    precondition is not met): what the 越级处理 finding says and cites."""
    reduced: list[str] = []
    """Provisions under which a fine below the statutory minimum may be lawful (减轻处罚): cited by a
    finding of a fine below the minimum, to be checked against the file."""
    doubts: dict[str, list[Annotated[str, Field(pattern=r"^DOUBT-[A-Z0-9-]+$")]]] = {}
    """Doubts every finding of a kind carries (kind code -> doubt codes)."""


def read_audit(src: "Source", root: Path) -> AuditSpec | None:
    """``policy/audit.yaml``; None when absent (no disparity comparison under this version) or
    invalid (then the errors are in ``src.findings``)."""
    path = root / "policy" / AUDIT_FILE
    return src.read(path, AuditSpec) if path.is_file() else None


def check_audit(src: "Source", manifest: Manifest, provisions: Provisions, spec: AuditSpec,
                steps: TableSpec) -> Iterable[Finding]:
    from fireenforce.ruleset.checks import _cite as cite_findings

    name = src.rel(src.root / "policy" / AUDIT_FILE)
    keys = spec.disparity.compare_by
    if len(set(keys)) != len(keys):
        yield Finding("RS-AUDIT-COMPARE", "an attribute is listed twice", file=name,
                      line=src.line(name, "disparity", "compare_by"), field="disparity.compare_by")
    for section, kinds in (("basis", spec.basis), ("local", spec.local), ("doubts", spec.doubts)):
        for kind in kinds:
            if kind not in AUDIT_KINDS:
                yield Finding("RS-AUDIT-KIND", f"unknown audit finding kind {kind!r} (known: {', '.join(AUDIT_KINDS)})",
                              file=name, line=src.line(name, section, kind), field=f"{section}.{kind}")
    for kind in set(spec.basis) & set(spec.local):
        yield Finding("RS-AUDIT-LOCAL", f"{kind} is listed under basis and under local: a finding rests on a "
                                        "provision or on local policy, not both", file=name,
                      line=src.line(name, "local", kind), field=f"local.{kind}")
    known = {rule.id for rule in steps.rules}
    for j, rule in enumerate(spec.ladder.rules if spec.ladder else ()):
        if rule not in known:
            yield Finding("RS-AUDIT-RULE", f"{rule!r} is not a rule of policy/step-table.yaml", file=name,
                          line=src.line(name, "ladder", "rules", j), field=f"ladder.rules.{j}")
    cited: list[tuple[tuple[str | int, ...], str]] = [(("basis", kind, j), cite) for kind, cites in spec.basis.items() for j, cite in enumerate(cites)]
    cited += [(("no_penalty", bar, "cites", j), cite) for bar, one in spec.no_penalty.items()
              for j, cite in enumerate(one.cites)]
    cited += [(("reduced", j), cite) for j, cite in enumerate(spec.reduced)]
    for path, cite in cited:
        yield from cite_findings(src, provisions, cite, name, path, manifest.coverage)

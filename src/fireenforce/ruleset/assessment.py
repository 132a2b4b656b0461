"""The monthly assessment's policy (``policy/assessment.yaml``): what counts as a re-inspection on
time, the item families reports group by, and the campaigns whose progress they show."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from pydantic import Field

from fireenforce.errors import Finding
from fireenforce.ruleset.provisions import Provisions
from fireenforce.ruleset.schema import Manifest, Spec

if TYPE_CHECKING:
    from fireenforce.ruleset.load import Source

ASSESSMENT_FILE = "assessment.yaml"


class ReinspectionSpec(Spec):
    """A re-inspection is on time within ``working_days`` working days (the ruleset's calendar) after the deadline."""

    working_days: int = Field(ge=0, le=60)
    """Working days after the deadline within which a re-inspection counts as on time."""
    basis: list[str] = Field(min_length=1)
    """Citations of the rule on re-inspection deadlines."""
    note: str = ""
    """How the days are counted, shown in the report."""


class QuantitySpec(Spec):
    """A quantity a campaign's findings carry in their facts (e.g. m² of bars removed)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """The finding's facts key holding the number."""
    label: str
    """Its name in the report."""
    unit: str
    """Its unit in the report."""


class CampaignSpec(Spec):
    """A campaign (专项整治) whose progress the report shows; findings name it in facts.campaign."""

    label: str
    """The campaign's name in the report."""
    steps: list[str] = Field(min_length=1)
    """Its steps in order; a finding's facts.campaign_step names one."""
    quantity: QuantitySpec | None = None
    """A quantity summed over its findings."""


class AssessmentSpec(Spec):
    """``policy/assessment.yaml``: the monthly report's policy."""

    reinspection: ReinspectionSpec
    """What counts as a re-inspection on time."""
    families: dict[str, str] = Field(min_length=1)
    """Labels of the item families (the catalogue code's prefix) the report groups findings by."""
    campaigns: dict[str, CampaignSpec] = {}
    """Campaigns by the key findings carry in facts.campaign."""


DEFAULT = AssessmentSpec(reinspection=ReinspectionSpec(working_days=3, basis=["inspection-rules:20:2"]),
                         families={"": "全部"})


def read_assessment(src: "Source", root: Path) -> AssessmentSpec | None:
    """``policy/assessment.yaml`` when present (else a neutral default); None on errors (in ``src.findings``)."""
    path = root / "policy" / ASSESSMENT_FILE
    return src.read(path, AssessmentSpec) if path.is_file() else DEFAULT


def check_assessment(src: "Source", manifest: Manifest, provisions: Provisions, spec: AssessmentSpec,
                     item_codes: Iterable[str]) -> list[Finding]:
    from fireenforce.ruleset.checks import _cite as cite_findings

    if spec is DEFAULT:
        return []
    name = src.rel(src.root / "policy" / ASSESSMENT_FILE)
    out: list[Finding] = []
    for j, cite in enumerate(spec.reinspection.basis):
        out += cite_findings(src, provisions, cite, name, ("reinspection", "basis", j), manifest.coverage)
    for family in sorted({code.split("-", 1)[0] for code in item_codes} - set(spec.families)):
        out.append(Finding("RS-ASSESS-FAMILY", f"item family {family} has no label", file=name,
                           line=src.line(name, "families"), field="families"))
    for key, campaign in spec.campaigns.items():
        if len(set(campaign.steps)) != len(campaign.steps):
            out.append(Finding("RS-ASSESS-CAMPAIGN", "a campaign step is listed twice", file=name,
                               line=src.line(name, "campaigns", key, "steps"), field=f"campaigns.{key}.steps"))
    return out

"""Pydantic models of the ruleset files (the structure); meaning is checked in ``checks``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fireenforce.model.enums import Choice, OfficeLevel, PenaltyKind, Precondition, Step, SubjectKind, Tier

_SPEC = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Spec(BaseModel):
    model_config = _SPEC


class Period(Spec):
    """``from <= date < to``; ``to`` omitted means open-ended."""

    from_: dt.date = Field(alias="from")
    to: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.to is not None and self.to <= self.from_:
            raise ValueError(f"'to' ({self.to}) must be after 'from' ({self.from_})")
        return self

    def covers(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.to is None or day < self.to)


class DoubtSpec(Spec):
    code: str = Field(pattern=r"^DOUBT-[A-Z0-9-]+$")
    text: str


class ChangeEntry(Spec):
    version: str
    date: dt.date
    changes: list[str]


class CatalogueInfo(Spec):
    source: Literal["reconstructed", "official"]
    note: str = ""


class Manifest(Spec):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    jurisdiction: str
    version: str
    published: dt.date
    in_force: Period
    coverage: Period
    catalogue: CatalogueInfo
    doubts: list[DoubtSpec] = []
    notes: list[str] = []
    changelog: list[ChangeEntry] = []


# --- instruments -------------------------------------------------------------------------


class ProvisionText(Period):
    text: str = Field(min_length=1)
    published: dt.date | None = None


class InstrumentVersion(Spec):
    label: str
    published: dt.date
    from_: dt.date = Field(alias="from")


class InstrumentSpec(Spec):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    short_title: str = ""
    issuer: str = ""
    source: str = ""
    versions: list[InstrumentVersion] = []
    provisions: dict[str, list[ProvisionText]]


# --- catalogue ---------------------------------------------------------------------------

CONDITION_KEYS = ("subject", "operating", "high_rise", "crowded", "serious", "minor")


class Condition(Spec):
    """A box over the case: each key given must match; absent keys match anything."""

    subject: SubjectKind | None = None
    operating: bool | None = None
    high_rise: bool | None = None
    crowded: bool | None = None
    serious: bool | None = None
    minor: bool | None = None


class CiteWhen(Spec):
    cite: str
    when: Condition = Condition()


class FineSpec(Spec):
    min: int = Field(ge=0)
    max: int = Field(gt=0)
    optional: bool = False


class Branch(Spec):
    """A penalty rule. ``from``/``to`` date it (an amended range is a new dated branch); without
    them it applies whenever its cited provisions are in force."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    when: Condition = Condition()
    exception_to: list[str] = []
    cite: list[str] = Field(min_length=1)
    kinds: list[PenaltyKind] = Field(min_length=1)
    choice: Choice = "all"
    fine: FineSpec | None = None
    precondition: Precondition | None = None
    precondition_cite: list[str] = []
    compulsory: list[str] = []
    target: Literal["subject", "responsible_persons"] = "subject"
    note: str = ""
    doubt: DoubtSpec | None = None


class ItemDoubt(DoubtSpec):
    """A doubt about an item, shown only in decisions whose case matches ``when``."""

    when: Condition = Condition()


class ItemReferral(Spec):
    """The item goes to another authority at once for cases matching ``when`` (e.g. conduct the
    law leaves to the public security organs)."""

    when: Condition = Condition()
    to: str
    cites: list[str] = []
    text: str


class ItemSpec(Spec):
    """A catalogue item. ``completed``: a completed act, not a continuing hazard (no order to
    correct, no soft steps, limitation from the act). ``duty: general``: only a general duty
    binds, so the office advises and educates but issues no written order to correct.
    ``operating_only``: the provision binds only operating places (生产、储存、经营)."""

    code: str = Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]+)+$")
    name: str
    conduct: str
    subjects: list[SubjectKind] = Field(min_length=1)
    high_rise_only: bool = False
    operating_only: bool = False
    completed: bool = False
    duty: Literal["specific", "general"] = "specific"
    referrals: list[ItemReferral] = []
    aliases: list[str] = []
    keywords: list[str] = []
    violated: list[CiteWhen] = Field(min_length=1)
    penalties: list[Branch] = []
    delegated_to: list[Literal["street", "town", "township"]] = []
    rectification_days: int = Field(ge=0, le=365)
    doubts: list[ItemDoubt] = []


# --- policy ------------------------------------------------------------------------------


class DatedNumber(Period):
    value: int
    reference: str = ""


class LadderSpec(Spec):
    steps: list[Step]
    lookback_months: list[DatedNumber]
    reminder_days: int = Field(ge=0)
    escalating_steps: list[Step]
    written_orders: list[Step]   # steps whose entry is a written order to correct (an element's basis)
    reinspect_steps: list[Step]  # steps whose running order is re-inspected before the ladder moves on
    reference: str = ""


class TableRule(Spec):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$")
    when: dict[str, list[str | bool]] = {}
    then: dict[str, str]
    text: str
    cites: list[str] = []


class TableSpec(Spec):
    inputs: dict[str, list[str | bool]]
    hit_policy: Literal["unique", "first"] = "unique"
    outputs: list[str]
    rules: list[TableRule] = Field(min_length=1)


class TierSpec(Spec):
    tier: Tier
    low: float = Field(ge=0, le=1)
    high: float = Field(ge=0, le=1)
    formal_warning: bool = False


class FactSpec(Spec):
    code: str
    text: str
    cites: list[str] = []


class DiscretionSpec(Spec):
    tiers: list[TierSpec]
    confirmed: bool
    reference: str
    table: TableSpec
    mitigating: list[FactSpec] = []
    aggravating: list[FactSpec] = []
    rectified_on_spot: str


class Limits(Period):
    individual: int = Field(ge=0)
    unit: int = Field(ge=0)
    cites: list[str] = []
    confirmed: bool = True
    note: str = ""


class ProcedureSpec(Spec):
    summary_limit: list[Limits]
    hearing_threshold: list[Limits]
    hearing_kinds: list[PenaltyKind] = []
    hearing_cites: list[str] = []
    general_cites: list[str] = []
    documents: dict[str, list[str]]


class LimitationPeriod(Period):
    base_years: int = Field(gt=0)
    extended_years: int = Field(gt=0)
    cites: list[str]


class LimitationSpec(Spec):
    periods: list[LimitationPeriod]


class LevelSpec(Spec):
    name: str
    powers: list[PenaltyKind]
    holds_all_items: bool = False


class DelegationSpec(Spec):
    levels: dict[OfficeLevel, LevelSpec]
    reserved: dict[PenaltyKind, str]
    authorities: dict[str, str]
    default_authority: str
    form: Literal["entrustment", "empowerment"]
    form_cites: list[str] = []
    referral_cites: list[str] = []


class FactReferral(Spec):
    """A fact that sends the case to another authority: always (``to``), or unless the acting
    level holds the measure ``kind`` it calls for (then to the authority reserved for it)."""

    fact: Literal["crime_suspected", "sealing_needed"]
    to: str | None = None
    kind: PenaltyKind | None = None
    cites: list[str] = []
    text: str

    @model_validator(mode="after")
    def _target(self) -> "FactReferral":
        if (self.to is None) == (self.kind is None):
            raise ValueError("give exactly one of 'to' and 'kind'")
        return self


class KindSpec(Spec):
    label: str
    severity: int = Field(ge=1)


class ReasonSpec(Spec):
    text: str
    cites: list[str] = []


class PolicySpec(Spec):
    """All policy files together (one file per quantity on disk)."""

    ladder: LadderSpec
    step_table: TableSpec
    discretion: DiscretionSpec
    procedure: ProcedureSpec
    limitation: LimitationSpec
    delegation: DelegationSpec
    kinds: dict[PenaltyKind, KindSpec]
    reasons: dict[str, ReasonSpec]
    referrals: list[FactReferral]


POLICY_FILES = {
    "ladder": "ladder.yaml",
    "step_table": "step-table.yaml",
    "discretion": "discretion.yaml",
    "procedure": "procedure.yaml",
    "limitation": "limitation.yaml",
    "delegation": "delegation.yaml",
    "kinds": "penalty-kinds.yaml",
    "reasons": "reasons.yaml",
    "referrals": "referrals.yaml",
}

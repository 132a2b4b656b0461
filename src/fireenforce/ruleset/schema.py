"""Pydantic models of the ruleset files (the structure); meaning is checked in ``checks``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fireenforce.model.enums import OfficeLevel, PenaltyKind, Step, SubjectKind, Tier

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


# The rank of an instrument among the sources of law (立法法): what may set a penalty and whose
# range binds whom (penalty-law art. 13: a ministry rule stays within the range a law sets).
Rank = Literal["law", "administrative_regulation", "local_regulation", "ministry_rule", "local_rule", "other"]
RANK_ORDER: dict[str, int] = {"law": 5, "administrative_regulation": 4, "local_regulation": 3, "ministry_rule": 2,
                              "local_rule": 2, "other": 1}


class InstrumentSpec(Spec):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    rank: Rank = "other"
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
    """A fine of ``min``..``max`` yuan; "N元以下" has no statutory minimum and is written ``min: 1``
    (a fine of nothing is no fine), so the decision and the documents state the same range."""

    min: int = Field(ge=1)
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
    choice: Literal["one", "all"] = "all"
    fine: FineSpec | None = None
    precondition: Literal["refusal", "overdue"] | None = None
    precondition_cite: list[str] = []
    compulsory: list[str] = []
    target: Literal["subject", "responsible_persons"] = "subject"
    note: str = ""
    doubt: DoubtSpec | None = None


class ItemDoubt(DoubtSpec):
    """A doubt about an item, shown only in decisions whose case matches ``when``."""

    when: Condition = Condition()


class ItemSpec(Spec):
    code: str = Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]+)+$")
    name: str
    conduct: str
    subjects: list[SubjectKind] = Field(min_length=1)
    high_rise_only: bool = False
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
    """A mitigating or aggravating fact. ``confirmed: false`` marks one taken from a text not in
    force here (e.g. another province's draft): a decision relying on it says so in a doubt."""

    code: str
    text: str
    cites: list[str] = []
    confirmed: bool = True


class DiscretionSpec(Spec):
    tiers: list[TierSpec]
    confirmed: bool
    reference: str
    table: TableSpec
    mitigating: list[FactSpec] = []
    aggravating: list[FactSpec] = []
    rectified_on_spot: str
    unconfirmed_doubt: str = "从重、从轻情节中有未经甘肃生效文本确认的情节（见 policy/discretion.yaml），仅供参考。"


class ExemptionSpec(Spec):
    """Penalty-law arts. 30, 31, 33: who is not penalised (a gate before the ladder) and which
    subject facts mitigate. Ages are whole years on the day of the conduct."""

    no_penalty_below_age: int = Field(ge=0)
    mitigate_below_age: int = Field(ge=0)
    juvenile: str        # the mitigating fact code of a subject in [no_penalty_below_age, mitigate_below_age)
    limited_capacity: str  # the mitigating fact code of capacity "limited" (art. 31, discretionary)
    first_offence_doubt: DoubtSpec  # shown where art. 33(1)'s first-offence discretion is stated
    reference: str = ""


class CompetingSpec(Spec):
    """Penalty-law arts. 29 and 13: which of several penalty branches one act falls under applies.

    ``higher_fine``: the branch with the higher fine, where a lower-ranking instrument's range
    counts only up to the range of the higher-ranking one it competes with (art. 13), ties going
    to the higher rank; ``special_rule``: a branch listed as ``exception_to`` another wins."""

    precedence: Literal["higher_fine", "special_rule"]
    cites: list[str] = []
    doubt: dict[Literal["higher_fine", "special_rule"], DoubtSpec]
    reference: str = ""


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
    """An office level. ``scope: summary`` holds only what a summary decision can carry (a formal
    warning, or a fine up to the art. 51 limit: 简易 items); ``cites`` is the level's own
    competence (default: the delegation's ``form_cites``)."""

    name: str
    powers: list[PenaltyKind]
    holds_all_items: bool = False
    scope: Literal["all", "summary"] = "all"
    cites: list[str] = []


class DelegationSpec(Spec):
    levels: dict[OfficeLevel, LevelSpec]
    reserved: dict[PenaltyKind, str]
    authorities: dict[str, str]
    default_authority: str
    form: Literal["entrustment", "empowerment"]
    form_cites: list[str] = []
    referral_cites: list[str] = []


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
    exemptions: ExemptionSpec
    competing: CompetingSpec


POLICY_FILES = {
    "ladder": "ladder.yaml",
    "step_table": "step-table.yaml",
    "discretion": "discretion.yaml",
    "procedure": "procedure.yaml",
    "limitation": "limitation.yaml",
    "delegation": "delegation.yaml",
    "kinds": "penalty-kinds.yaml",
    "reasons": "reasons.yaml",
    "exemptions": "exemptions.yaml",
    "competing": "competing.yaml",
}

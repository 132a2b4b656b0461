"""Pydantic models of the ruleset files (the structure); meaning is checked in ``checks``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from fireenforce.model.case import Facts
from fireenforce.model.enums import Choice, OfficeLevel, PenaltyKind, Precondition, Step, SubjectKind, Tier

_SPEC = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, use_attribute_docstrings=True)


class Spec(BaseModel):
    """A part of a ruleset file (strict: unknown keys are refused)."""

    model_config = _SPEC


class Period(Spec):
    """``from <= date < to``; ``to`` omitted means open-ended."""

    from_: dt.date = Field(alias="from")
    """First day (ISO date) the entry applies."""
    to: dt.date | None = None
    """First day it no longer applies; omitted: open-ended."""

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.to is not None and self.to <= self.from_:
            raise ValueError(f"'to' ({self.to}) must be after 'from' ({self.from_})")
        return self

    def covers(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.to is None or day < self.to)


class DoubtSpec(Spec):
    """Where the law is unclear: a stable code and what is assumed."""

    code: str = Field(pattern=r"^DOUBT-[A-Z0-9-]+$")
    """Stable code, `DOUBT-...`."""
    text: str
    """What is unclear and what the ruleset assumes."""


class ChangeEntry(Spec):
    """One published version's changes."""

    version: str
    """The version."""
    date: dt.date
    """Its publication date."""
    changes: list[str]
    """What changed, in words."""


class CatalogueInfo(Spec):
    """Where the catalogue of items comes from."""

    source: Literal["reconstructed", "official"]
    """`official` (an official list) or `reconstructed` (from the penalty provisions)."""
    note: str = ""
    """How it was made and what to check."""


class Manifest(Spec):
    """`ruleset.yaml`: the version's identity, dates, doubts and changelog."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    """Ruleset family id (lower case)."""
    title: str
    """The ruleset's title."""
    jurisdiction: str
    """Where it applies."""
    version: str
    """This version's name (e.g. `2024.09`)."""
    published: dt.date
    """Publication date."""
    in_force: Period
    """The decision dates this version is in force: until the next version's `from`."""
    coverage: Period
    """The decision dates the law in this version answers for (its earliest dated texts)."""
    catalogue: CatalogueInfo
    """Where the catalogue comes from."""
    doubts: list[DoubtSpec] = []
    """Ruleset-wide doubts, repeated in every decision."""
    notes: list[str] = []
    """Notes for legal staff (conventions, deadlines)."""
    changelog: list[ChangeEntry] = []
    """Changes by version."""


# --- instruments -------------------------------------------------------------------------


class ProvisionText(Period):
    """One dated text of a provision, verbatim from the statute file."""

    text: str = Field(min_length=1)
    """The text, copied exactly."""
    published: dt.date | None = None
    """When this text was published, if it differs from `from`."""


class InstrumentVersion(Spec):
    """A version of an instrument (an amendment)."""

    label: str
    """Its name (e.g. 2021年修正)."""
    published: dt.date
    """Publication date."""
    from_: dt.date = Field(alias="from")
    """Effective date."""


# The rank of an instrument among the sources of law (立法法): what may set a penalty and whose
# range binds whom (penalty-law art. 13: a ministry rule stays within the range a law sets).
Rank = Literal["law", "administrative_regulation", "local_regulation", "ministry_rule", "local_rule", "other"]
RANK_ORDER: dict[str, int] = {"law": 5, "administrative_regulation": 4, "local_regulation": 3, "ministry_rule": 2,
                              "local_rule": 2, "other": 1}


class InstrumentSpec(Spec):
    """`instruments/<id>.yaml`: one law or rule with the provisions the ruleset cites."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    """Instrument id (as in docs/contract.md), equal to the file name."""
    title: str
    """Full title."""
    rank: Rank = "other"
    """Its rank among the sources of law (penalty-law art. 13: whose range binds whom)."""
    short_title: str = ""
    """Short title (消防法)."""
    issuer: str = ""
    """Issuing body."""
    source: str = ""
    """The statute file in the repository (`legal/...`) the texts were copied from."""
    versions: list[InstrumentVersion] = []
    """Publication and effective dates of the instrument's versions."""
    provisions: dict[str, list[ProvisionText]]
    """Texts by citation key (`A`, `A:P`, `A:P:I`), each a dated list."""


# --- catalogue ---------------------------------------------------------------------------

CONDITION_KEYS = ("subject", "operating", "high_rise", "crowded", "serious", "minor")


class Condition(Spec):
    """A box over the case: each key given must match; absent keys match anything."""

    subject: SubjectKind | None = None
    """`unit` or `individual`."""
    operating: bool | None = None
    """The subject operates a business."""
    high_rise: bool | None = None
    """A high-rise building."""
    crowded: bool | None = None
    """A crowded place."""
    serious: bool | None = None
    """Serious circumstances."""
    minor: bool | None = None
    """Minor circumstances."""
    hinders_evacuation: bool | None = None
    """The conduct hinders safe evacuation (`facts.hinders_evacuation`)."""


class CiteWhen(Spec):
    """A cited provision, for the cases ``when`` matches."""

    cite: str
    """Citation `instrument:article[:paragraph[:item]]`."""
    when: Condition = Condition()
    """The cases it applies to (absent: all)."""


class FineSpec(Spec):
    """A fine of ``min``..``max`` yuan; "N元以下" has no statutory minimum and is written ``min: 1``
    (a fine of nothing is no fine), so the decision and the documents state the same range."""

    min: int = Field(ge=1)
    """Minimum (1 for "N元以下")."""
    max: int = Field(gt=0)
    """Maximum."""
    optional: bool = False
    """The fine may be added or not (可以并处)."""


class Branch(Spec):
    """A penalty rule. ``from``/``to`` date it (an amended range is a new dated branch); without
    them it applies whenever its cited provisions are in force."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    """Branch id, unique in the item."""
    from_: dt.date | None = Field(None, alias="from")
    """First day the branch applies (an amended range)."""
    to: dt.date | None = None
    """First day it no longer applies."""
    when: Condition = Condition()
    """The cases it applies to."""
    exception_to: list[str] = []
    """Branches this one overrides when both apply."""
    cite: list[str] = Field(min_length=1)
    """The penalty provisions."""
    kinds: list[PenaltyKind] = Field(min_length=1)
    """Penalty kinds provided."""
    choice: Choice = "all"
    """`all`: the kinds together; `one`: one of them."""
    fine: FineSpec | None = None
    """The fine range, if `fine` is a kind."""
    precondition: Precondition | None = None
    """The element required first: `refusal` (拒不改正), `overdue` (逾期不改正) or `notice` (经消防救援机构通知)."""
    precondition_cite: list[str] = []
    """The provisions that set the precondition."""
    compulsory: list[str] = []
    """Compulsory execution cited after a refusal."""
    target: Literal["subject", "responsible_persons"] = "subject"
    """Who is penalised: the `subject`, or a unit's `responsible_persons` (直接负责的主管人员和其他直接
    责任人员): the decision then applies an individual's summary limit and the penalty documents name
    the case's `responsible_person` as the party."""
    note: str = ""
    """A note shown with the penalty."""
    doubt: DoubtSpec | None = None
    """A doubt shown in decisions this branch decides."""


class ItemDoubt(DoubtSpec):
    """A doubt about an item, shown only in decisions whose case matches ``when``."""

    when: Condition = Condition()
    """The cases the doubt concerns (absent: all)."""


class ItemReferral(Spec):
    """The item goes to another authority at once for cases matching ``when`` (e.g. conduct the
    law leaves to the public security organs)."""

    when: Condition = Condition()
    """The cases it concerns (absent: all)."""
    to: str
    """The authority, a key of policy/delegation.yaml `authorities`."""
    cites: list[str] = []
    """The legal basis of the referral (cited with role competence)."""
    text: str
    """The reason's sentence; `{authority}` is the authority's name."""


class ItemSpec(Spec):
    """`catalogue/<CODE>.yaml`: one enforcement item."""

    code: str = Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]+)+$")
    """Catalogue code, equal to the file name."""
    name: str
    """The item's name (the conduct)."""
    conduct: str
    """The conduct as the law words it."""
    subjects: list[SubjectKind] = Field(min_length=1)
    """Who can commit it."""
    high_rise_only: bool = False
    """The item exists only in high-rise buildings."""
    operating_only: bool = False
    """The provision binds only operating places (生产、储存、经营, fire-law 61)."""
    completed: bool = False
    """A completed act, not a continuing hazard: no order to correct, no soft steps, limitation from the act."""
    duty: Literal["specific", "general"] = "specific"
    """`general`: only a general duty binds; the office advises and educates, no written order to correct."""
    referrals: list[ItemReferral] = []
    """Cases that go to another authority at once, whatever the ladder says."""
    aliases: list[str] = []
    """Phrases officers use (search)."""
    keywords: list[str] = []
    """Search words."""
    violated: list[CiteWhen] = []
    """Duty provisions violated (by the subject)."""
    basis: list[CiteWhen] = []
    """Provisions the authority acts on (依据: its power or duty, e.g. 消防法第五十四条: the agency notifies and
    seals), cited with role `basis`, never as violated. An item has at least one of `violated` and `basis`."""
    penalties: list[Branch] = []
    """Penalty branches."""
    delegated_to: list[Literal["street", "town", "township"]] = []
    """Office levels holding the penalty power."""
    rectification_days: int = Field(ge=0, le=365)
    """Default deadline of the written order to correct, in days."""
    doubts: list[ItemDoubt] = []
    """Doubts about the item, shown in the decisions they concern."""


# --- policy ------------------------------------------------------------------------------


class DatedNumber(Period):
    """A number that applies from a date."""

    value: int
    """The number."""
    reference: str = ""
    """Where it comes from."""


class ReinspectionSpec(Spec):
    """When a running order is re-inspected: from ``after_days`` calendar days after its deadline
    until ``working_days`` working days after it, or after the party's application for a
    re-inspection (working days as ``policy/calendar.yaml`` counts them; ``calendar_doubt`` says how)."""

    after_days: int = Field(ge=0, le=30)
    """The first day to re-inspect, in calendar days after the deadline."""
    working_days: int = Field(ge=1, le=30)
    """The last day to re-inspect, in working days after the deadline."""
    cites: list[str] = Field(min_length=1)
    """The provisions the period rests on."""
    calendar_doubt: DoubtSpec
    """Shown with a re-inspection window: which working days were counted."""


class PolicyQuote(Spec):
    """Local policy as a document quotes it: labelled as policy, never as law."""

    label: str = Field(min_length=1)
    """Whose policy it is, said to be local policy, not law."""
    text: str = Field(min_length=1)
    """The policy as the ruleset states it; ``{days}`` is replaced by ``reminder_days``."""

    @field_validator("text")
    @classmethod
    def _placeholders(cls, text: str) -> str:
        try:
            text.format(days=0)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"only the placeholder {{days}} may be used ({exc})") from None
        return text


class OralReinspectionSpec(Spec):
    """The re-inspection of a reminder's oral order (督促提醒): the law's rule on re-inspection
    (``reinspection.cites``) governs written orders to correct, so its record quotes local policy
    and states ``doubt``."""

    policy: PolicyQuote
    """What the record quotes as its basis (复查依据)."""
    doubt: DoubtSpec
    """Why no provision is quoted; printed on the record and returned with the re-inspection."""


class LadderSpec(Spec):
    """`policy/ladder.yaml`: the enforcement ladder."""

    steps: list[Step]
    """The steps in order."""
    lookback_months: list[DatedNumber]
    """How far back earlier steps count, in months (dated)."""
    reminder_days: int = Field(ge=0)
    """Deadline of the oral order noted at a reminder, in days."""
    oral_reinspection: OralReinspectionSpec
    """The basis a re-inspection of a reminder's oral order states (local policy, with a doubt)."""
    returned_days: int = Field(default=3, ge=0)
    """Days an office has to act again on a case the brigade returned (移交退回) before it is due."""
    escalating_steps: list[Step]
    """Earlier steps that count towards the next one."""
    written_orders: list[Step]
    """Steps whose entry is a written order to correct (the basis of 逾期不改正 / 拒不改正 / 经通知)."""
    reinspect_steps: list[Step]
    """Steps whose running order is re-inspected before the ladder moves on."""
    reinspection: ReinspectionSpec
    """The re-inspection period of a running order."""
    deadline_doubt: DoubtSpec
    """Shown with every correction deadline: how its days are counted (no legal text fixes it)."""
    reference: str = ""
    """Where the ladder comes from."""


class TableRule(Spec):
    """One rule of a decision table: a box of input values and its outcome."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$")
    """Rule id (`ladder.after-warning`)."""
    when: dict[str, list[str | bool]] = {}
    """Input values the rule covers (absent input: any)."""
    then: dict[str, str]
    """The outputs."""
    text: str
    """The reason, in words."""
    cites: list[str] = []
    """Citations of the reason."""


class TableSpec(Spec):
    """A decision table."""

    inputs: dict[str, list[str | bool]]
    """Each input with its finite domain."""
    hit_policy: Literal["unique", "first"] = "unique"
    """`unique` (one rule per case) or `first` (the first that matches)."""
    outputs: list[str]
    """Output names."""
    rules: list[TableRule] = Field(min_length=1)
    """The rules."""


class TierSpec(Spec):
    """A discretion tier: its share of the statutory range."""

    tier: Tier
    """`minor`, `ordinary` or `serious`."""
    low: float = Field(ge=0, le=1)
    """Lower end of the suggested range, as a fraction of the statutory range."""
    high: float = Field(ge=0, le=1)
    """Upper end, as a fraction."""
    formal_warning: bool = False
    """A formal warning fits this tier."""


class FactSpec(Spec):
    """A mitigating or aggravating fact. ``confirmed: false`` marks one taken from a text not in
    force here (e.g. another province's draft): a decision relying on it says so in a doubt."""

    code: str
    """Its code, given in `facts.mitigating`/`aggravating`."""
    text: str
    """What it is."""
    cites: list[str] = []
    """Its legal basis."""
    confirmed: bool = True
    """False where the fact comes from a text not in force here; decisions relying on it say so."""
    discretionary: bool = False
    """A mitigating fact the law makes discretionary (可以从轻或者减轻, e.g. penalty-law art. 31):
    it does not lower the tier by itself; the decision states it as the office's discretion."""
    refusal_element: bool = False
    """An aggravating fact that is the refusal itself (拒不改正): not counted again where the
    penalty already rests on an unheeded order or a refusal."""


class DiscretionSpec(Spec):
    """`policy/discretion.yaml`: discretion tiers and facts."""

    tiers: list[TierSpec]
    """The tiers."""
    confirmed: bool
    """The fractions are confirmed against the provincial benchmark."""
    reference: str
    """Where the fractions come from."""
    table: TableSpec
    """The tier table."""
    mitigating: list[FactSpec] = []
    """Known mitigating facts."""
    aggravating: list[FactSpec] = []
    """Known aggravating facts."""
    unconfirmed_doubt: str = "从重、从轻情节中有未经甘肃生效文本确认的情节（见 policy/discretion.yaml），仅供参考。"
    """The doubt shown when a decision relies on an unconfirmed fact."""


class ExemptionSpec(Spec):
    """Penalty-law arts. 30, 31, 33: who is not penalised (a gate before the ladder) and which
    subject facts mitigate. Ages are whole years on the day of the conduct."""

    no_penalty_below_age: int = Field(ge=0)
    """Art. 30: no penalty below this age."""
    mitigate_below_age: int = Field(ge=0)
    """Art. 30: mandatory mitigation below this age."""
    juvenile: str
    """The mitigating fact code of a subject aged from `no_penalty_below_age` to below `mitigate_below_age`."""
    limited_capacity: str
    """The mitigating fact code of capacity `limited` (art. 31, discretionary)."""
    first_offence_doubt: DoubtSpec
    """Shown where art. 33(1)'s first-offence discretion is stated."""
    birthday_doubt: DoubtSpec
    """Shown where the conduct fell on the birthday that completes an age limit: full years are
    counted from the day after the birthday, a rule the statutes do not state."""
    minor_doubt: DoubtSpec
    """Shown when `facts.minor` (情节较轻) alone opened the art. 33(1) gate meant for `facts.slight`."""
    reference: str = ""
    """Where the rules come from."""


class CompetingSpec(Spec):
    """Penalty-law arts. 29 and 13: which of several penalty branches one act falls under applies.

    ``higher_fine``: the branch with the higher fine, where a lower-ranking instrument's range
    counts only up to the range of the higher-ranking one it competes with (art. 13), ties going
    to the higher rank; ``special_rule``: a branch listed as ``exception_to`` another wins."""

    precedence: Literal["higher_fine", "special_rule"]
    """Which branch wins: the higher fine (arts. 29, 13) or the special rule."""
    cites: list[str] = []
    """The articles the choice rests on."""
    doubt: dict[Literal["higher_fine", "special_rule"], DoubtSpec]
    """The doubt stated under each setting."""
    reference: str = ""
    """Where the rule comes from."""


class Limits(Period):
    """Amounts in yuan per subject kind, dated."""

    individual: int = Field(ge=0)
    """For an individual."""
    unit: int = Field(ge=0)
    """For a unit."""
    cites: list[str] = []
    """Legal basis."""
    confirmed: bool = True
    """Confirmed against an official source."""
    note: str = ""
    """What is unconfirmed."""


class ProcedureSpec(Spec):
    """`policy/procedure.yaml`: which procedure and which documents."""

    summary_limit: list[Limits]
    """Highest fines decided on the spot (dated)."""
    hearing_threshold: list[Limits]
    """Fines from which a hearing is due (dated)."""
    hearing_kinds: list[PenaltyKind] = []
    """Penalty kinds that always give a hearing right."""
    hearing_cites: list[str] = []
    """Legal basis of the hearing right."""
    general_cites: list[str] = []
    """Legal basis of the general procedure."""
    documents: dict[str, list[str]]
    """Documents by step (`penalty.summary`, `penalty.general` for penalties)."""
    general_doubt: DoubtSpec
    """Shown on a penalty decision whose documents include the general procedure's notice (the
    statement period the notice gives is not set by the law)."""
    unit_limit_doubt: DoubtSpec
    """Shown where a unit's summary limit decides the procedure (a unit may be a 个体工商户)."""
    notice_served_doubt: DoubtSpec
    """Carried by a ledger action that issues a general-procedure penalty decision: the ledger dates
    it assuming the notice was served the day it was made and no statement or hearing was asked for."""


class LimitationPeriod(Period):
    """A limitation period, dated."""

    base_years: int = Field(gt=0)
    """Years in general."""
    extended_years: int = Field(gt=0)
    """Years when the conduct caused harm."""
    cites: list[str]
    """Legal basis."""


class LimitationSpec(Spec):
    """`policy/limitation.yaml`: limitation periods."""

    periods: list[LimitationPeriod]
    """The periods (dated)."""


class LevelSpec(Spec):
    """An office level. ``scope: summary`` holds only what a summary decision can carry (a formal
    warning, or a fine up to the art. 51 limit: 简易 items); ``cites`` is the level's own
    competence (default: the delegation's ``form_cites``)."""

    name: str
    """The level's name."""
    powers: list[PenaltyKind]
    """Penalty kinds the level may impose."""
    holds_all_items: bool = False
    """The level holds every item (the brigade)."""
    scope: Literal["all", "summary"] = "all"
    """`summary`: only what a summary decision can carry (简易 items)."""
    cites: list[str] = []
    """The level's own competence (default: the delegation's `form_cites`)."""


class DelegationSpec(Spec):
    """`policy/delegation.yaml`: who may impose what."""

    levels: dict[OfficeLevel, LevelSpec]
    """Powers by office level."""
    reserved: dict[PenaltyKind, str]
    """Penalty kinds reserved to another authority (by its key)."""
    authorities: dict[str, str]
    """Authorities by key, with their names."""
    default_authority: str
    """The authority cases are referred to by default."""
    form: Literal["entrustment", "empowerment"]
    """`entrustment` (委托) or `empowerment` (赋权)."""
    form_cites: list[str] = []
    """Legal basis of the delegation's form."""
    empowered_cites: list[str] = []
    """Legal basis cited instead of ``form_cites`` when a named office holds its powers by 赋权
    (``offices.yaml`` ``form``/``forms``)."""
    referral_cites: list[str] = []
    """Legal basis of a referral."""
    unpublished_doubt: DoubtSpec | None = None
    """Output with a penalty a named office imposes under a 委托书 whose publication (penalty-law
    art. 20 para. 2) ``offices.yaml`` does not record (``published``)."""
    unnamed_doubt: DoubtSpec | None = None
    """Output with a penalty under 委托 by an office ``offices.yaml`` does not name (unnamed, or a
    name it lacks), where its named offices act under 委托书: whose 委托书 cannot be checked."""
    unknown_office_doubt: DoubtSpec | None = None
    """Output with a decision for a case whose ``office.name`` ``offices.yaml`` does not list (a
    typo, an office not registered), unless ``unnamed_doubt`` already says so: it is decided by its
    level's powers, and no document can be issued under that name."""


class FactReferral(Spec):
    """A fact that sends the case to another authority: always (``to``), or unless the acting
    level holds the measure ``kind`` it calls for (then to the authority reserved for it)."""

    fact: Literal["crime_suspected", "sealing_needed"]
    """The case fact that triggers the referral."""
    to: str | None = None
    """Always to this authority (a key of policy/delegation.yaml `authorities`)."""
    kind: PenaltyKind | None = None
    """Or: the measure the fact calls for; referred unless the acting level holds it."""
    cites: list[str] = []
    """The legal basis of the referral (cited with role competence)."""
    text: str
    """The reason's sentence; `{authority}` is the authority's name."""

    @model_validator(mode="after")
    def _target(self) -> "FactReferral":
        if (self.to is None) == (self.kind is None):
            raise ValueError("give exactly one of 'to' and 'kind'")
        return self


class KindSpec(Spec):
    """A penalty kind."""

    label: str
    """Its Chinese label."""
    severity: int = Field(ge=1)
    """Its rank (higher: more severe)."""


class ReasonSpec(Spec):
    """A sentence the engine uses for a rule id."""

    text: str
    """The sentence (with `{placeholders}`)."""
    cites: list[str] = []
    """Its citations."""


class LocalFactSpec(Spec):
    """A fact beyond the standard ones that cases may carry under ``facts`` (recorded, not weighed)."""

    type: Literal["boolean", "integer", "string"]
    """The JSON type of its value."""
    label: str = Field(min_length=1)
    """Its label."""


LOCAL_FACT_NAME = r"^[a-z][a-z0-9_]*$"


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
    """`policy/referrals.yaml`: facts that refer a case at once."""
    exemptions: ExemptionSpec
    competing: CompetingSpec
    facts: dict[Annotated[str, StringConstraints(pattern=LOCAL_FACT_NAME)], LocalFactSpec] = {}

    @field_validator("facts")
    @classmethod
    def _local_facts_are_new(cls, facts: dict[str, LocalFactSpec]) -> dict[str, LocalFactSpec]:
        clash = sorted(set(facts) & set(Facts.model_fields))
        if clash:
            raise ValueError(f"local facts {clash} repeat standard facts of the case")
        return facts


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
    "exemptions": "exemptions.yaml",
    "competing": "competing.yaml",
}
OPTIONAL_POLICY_FILES = {"facts": "facts.yaml"}  # local facts cases may carry; none when absent

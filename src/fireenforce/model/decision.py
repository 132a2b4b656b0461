"""The Decision: the step to take, its legal basis, the penalty range, procedure and documents.

Shapes follow ``docs/contract.md``; fields beyond it are extensions (never renames).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from fireenforce.model.enums import Choice, DocumentType, LegalRole, PenaltyKind, Precondition, Procedure, Step, Tier

_OUT = ConfigDict(extra="forbid", frozen=True)


class ItemRef(BaseModel):
    model_config = _OUT
    code: str
    name: str


class LegalBasis(BaseModel):
    """One cited provision with its verbatim text; the text version is in force from
    ``valid_from`` until (excluding) ``valid_to``."""

    model_config = _OUT
    instrument: str
    title: str
    article: int
    paragraph: int | None = None
    item: int | None = None
    role: LegalRole
    text: str
    cite: str
    valid_from: dt.date
    valid_to: dt.date | None = None


class FineRange(BaseModel):
    model_config = _OUT
    min: int
    max: int


class Fine(BaseModel):
    """Statutory range for this subject, and the sub-range the discretion tier suggests."""

    model_config = _OUT
    min: int
    max: int
    suggested: FineRange
    optional: bool = False


class Penalty(BaseModel):
    """What the law provides for this subject. ``available`` is false when barred or unmet."""

    model_config = _OUT
    available: bool
    kinds: tuple[PenaltyKind, ...]
    choice: Choice
    fine: Fine | None
    tier: Tier
    formal_warning_suggested: bool = False
    precondition: Precondition | None = None
    precondition_met: bool = True
    note: str = ""


class Rectification(BaseModel):
    """The order to correct: given only for a continuing violation of a specific duty that was not
    corrected on the spot; ``deadline`` is set exactly when ``required`` is."""

    model_config = _OUT
    required: bool
    deadline: dt.date | None


class Reinspection(BaseModel):
    """An order to correct (``step``, given ``ordered_on``) is still running: nothing new is
    issued; re-inspect from ``due`` (the day after ``deadline``)."""

    model_config = _OUT
    step: Step
    ordered_on: dt.date
    deadline: dt.date
    due: dt.date


class Reason(BaseModel):
    model_config = _OUT
    rule: str
    text: str
    cites: tuple[str, ...] = ()


class Doubt(BaseModel):
    """Where the law is unclear (INDEX says so), the decision says it."""

    model_config = _OUT
    code: str
    text: str


class Inference(BaseModel):
    """A fact the engine inferred from the description rather than being told."""

    model_config = _OUT
    field: str
    value: str | bool
    source: str


class Limitation(BaseModel):
    model_config = _OUT
    years: int
    runs_from: dt.date | None
    expires_on: dt.date | None
    barred: bool


class RulesetRef(BaseModel):
    model_config = _OUT
    id: str
    version: str
    digest: str


class Decision(BaseModel):
    model_config = _OUT
    step: Step
    item: ItemRef
    legal_basis: tuple[LegalBasis, ...]
    penalty: Penalty | None
    procedure: Procedure
    hearing_right: bool
    referral_to: str | None = Field(description="Who the case goes to: an authority code of the ruleset "
                                                "(brigade, public_security, judicial …); null unless step is referral.")
    referral_label: str | None = Field(default=None, description="The Chinese name of `referral_to`.")
    rectification: Rectification
    documents: tuple[DocumentType, ...]
    reasons: tuple[Reason, ...]
    ruleset: RulesetRef
    law_date: dt.date
    limitation: Limitation
    doubts: tuple[Doubt, ...] = ()
    inferred: tuple[Inference, ...] = ()
    reinspection: Reinspection | None = None

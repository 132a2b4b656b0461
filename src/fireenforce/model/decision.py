"""The Decision: the step to take, its legal basis, the penalty range, procedure and documents.

Shapes follow ``docs/contract.md``; fields beyond it are extensions (never renames).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from fireenforce.model.enums import Choice, DocumentType, LegalRole, PenaltyKind, Precondition, Procedure, Step, Tier

_OUT = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class ItemRef(BaseModel):
    """The catalogue item a decision concerns."""

    model_config = _OUT
    code: str
    """Catalogue code of the item."""
    name: str
    """The item's name (the conduct, in Chinese)."""


class LegalBasis(BaseModel):
    """One cited provision with its verbatim text; the text version is in force from
    ``valid_from`` until (excluding) ``valid_to``."""

    model_config = _OUT
    instrument: str
    """Instrument id (`fire-law`, `penalty-law`, `highrise-rules`, ...)."""
    title: str
    """The instrument's full title."""
    article: int
    """Article number."""
    paragraph: int | None = None
    """Paragraph (款) number, or null when the whole article is cited."""
    item: int | None = None
    """Item (项) number, or null."""
    role: LegalRole
    """Why it is cited: `violated` duty, `penalty` provision, `procedure`, `competence`, `compulsory` execution, or
    `basis` (依据): a provision the authority acts on (its power or duty, e.g. 消防法第五十四条), never a duty of the subject."""
    text: str
    """The provision's text, verbatim."""
    cite: str
    """The citation `instrument:article[:paragraph[:item]]`, e.g. `fire-law:60:1:3`."""
    valid_from: dt.date
    """First day this text is in force."""
    valid_to: dt.date | None = None
    """First day it is no longer in force, or null."""
    single_paragraph: bool = False
    """The article has a single paragraph (款), as its statute text shows: it is cited without a paragraph
    number (第四十七条第（七）项, never 第四十七条第一款第（七）项), though `paragraph` is 1 as in `cite`."""


class FineRange(BaseModel):
    """A range of amounts in yuan."""

    model_config = _OUT
    min: int
    """Lowest amount, in yuan."""
    max: int
    """Highest amount, in yuan."""


class Fine(BaseModel):
    """Statutory range for this subject, and the sub-range the discretion tier suggests."""

    model_config = _OUT
    min: int
    """Statutory minimum for this subject, in yuan (0 when the law sets no minimum)."""
    max: int
    """Statutory maximum for this subject, in yuan."""
    suggested: FineRange
    """The sub-range the discretion tier suggests."""
    optional: bool = False
    """The fine may be imposed or not (处……罚款 as one of several options)."""


class Penalty(BaseModel):
    """What the law provides for this subject. ``available`` is false when barred or unmet."""

    model_config = _OUT
    available: bool
    """The penalty can be imposed in this case (not time-barred, precondition met)."""
    kinds: tuple[PenaltyKind, ...]
    """Penalty kinds the provision provides: `formal_warning`, `fine`, `suspension`, `detention`, `stop_use`, `sealing`."""
    choice: Choice
    """How the kinds combine: `all` (imposed together) or `one` (one of them)."""
    fine: Fine | None
    """The fine range, or null when the provision has no fine."""
    tier: Tier
    """Discretion tier: `minor`, `ordinary` or `serious`."""
    formal_warning_suggested: bool = False
    """A formal warning (警告) fits this case instead of a fine."""
    precondition: Precondition | None = None
    """The element the provision requires first: `refusal` (拒不改正 after a written order), `overdue`
    (a written order's deadline passed unrectified), `notice` (such an order from the fire-rescue agency), or null."""
    precondition_met: bool = True
    """Whether that precondition is met."""
    note: str = ""
    """A note of the ruleset on this penalty."""
    target: Literal["subject", "responsible_persons"] = "subject"
    """On whom the penalty is imposed: the `subject`, or the unit's `responsible_persons` (直接负责的主管人员和
    其他直接责任人员, e.g. 消防法 art. 67): their documents name the case's `responsible_person` as the party
    and the summary limit is an individual's."""


class Rectification(BaseModel):
    """The order to correct: given only for a continuing violation of a specific duty that was not
    corrected on the spot (nor a completed act); ``deadline`` is set exactly when ``required`` is."""

    model_config = _OUT
    required: bool
    """An order to correct is given (see the class description)."""
    deadline: dt.date | None
    """The correction deadline, or null."""


class Reinspection(BaseModel):
    """An order to correct (``step``, given ``ordered_on``) is still running: nothing new is
    issued; re-inspect from ``due`` (the day after ``deadline``) to ``latest`` (the ruleset's
    re-inspection period, e.g. three working days after the deadline; ``cites`` its basis)."""

    model_config = _OUT
    step: Step
    """The step of the order still running (`reminder` or `warning`)."""
    ordered_on: dt.date
    """When that order was given."""
    deadline: dt.date
    """Its deadline."""
    due: dt.date
    """The first day to re-inspect: the day after the deadline."""
    latest: dt.date | None = None
    """The last day to re-inspect: the ruleset's number of working days after the deadline, counted on
    the ruleset's holiday calendar (weekends and public holidays out, 调休 working Saturdays and Sundays in)."""
    cites: tuple[str, ...] = ()
    """The provisions the re-inspection period rests on: empty for a reminder's oral order, which they
    do not govern (the decision then carries the local policy's doubt)."""


class Reason(BaseModel):
    """One rule that fired, in words, with its citations."""

    model_config = _OUT
    rule: str
    """Id of the rule that fired (a ruleset rule or policy reason)."""
    text: str
    """The reason, in Chinese."""
    cites: tuple[str, ...] = ()
    """Citations the reason relies on."""


class Doubt(BaseModel):
    """Where the law is unclear (legal/INDEX.md says so), the decision says it."""

    model_config = _OUT
    code: str
    """Stable code of the doubt (`DOUBT-...`)."""
    text: str
    """What is unclear and what was assumed."""


class Inference(BaseModel):
    """A fact the engine inferred from the description rather than being told."""

    model_config = _OUT
    field: str
    """The case field inferred (`item`, `place.high_rise`, `place.crowded`)."""
    value: str | bool
    """The inferred value."""
    source: str
    """The words or item it was inferred from."""


class Limitation(BaseModel):
    """The limitation period (追责时效) of this case."""

    model_config = _OUT
    years: int
    """Limitation period in years (行政处罚法 art. 36)."""
    runs_from: dt.date | None
    """The day the period starts (the conduct's end), or null while it continues."""
    expires_on: dt.date | None
    """The last day a penalty may be imposed, or null while the conduct continues."""
    barred: bool
    """The penalty is time-barred."""


class RulesetRef(BaseModel):
    """The ruleset version that decided."""

    model_config = _OUT
    id: str
    """Ruleset id."""
    version: str
    """Ruleset version."""
    digest: str
    """Content hash of the version's files (`sha256:...`)."""


class Decision(BaseModel):
    """The step to take, with its legal basis, penalty, procedure, documents and reasons."""

    model_config = _OUT
    step: Step
    """The step to take: `reminder`, `warning`, `penalty` or `referral`."""
    item: ItemRef
    """The catalogue item decided."""
    legal_basis: tuple[LegalBasis, ...]
    """Provisions cited, with their verbatim text."""
    penalty: Penalty | None
    """What the law provides for this subject, or null when it provides no penalty."""
    procedure: Procedure
    """Penalty procedure: `none`, `summary` (当场) or `general`."""
    hearing_right: bool
    """The subject has the right to a hearing (听证)."""
    referral_to: str | None
    """Who the case goes to: an authority code of the ruleset's policy/delegation.yaml (`brigade`,
    `public_security`, `judicial` …); null unless the step is referral."""
    referral_label: str | None = None
    """The Chinese name of `referral_to`."""
    rectification: Rectification
    """The order to correct and its deadline."""
    documents: tuple[DocumentType, ...]
    """Legal documents to issue, by type id (see `fireenforce render`)."""
    reasons: tuple[Reason, ...]
    """Why, rule by rule, in the order the rules fired."""
    ruleset: RulesetRef
    """The ruleset version that decided (reproducibility)."""
    law_date: dt.date
    """The date whose law was applied (conduct time, or decision time under lex mitior)."""
    limitation: Limitation
    """The limitation period for this case."""
    doubts: tuple[Doubt, ...] = ()
    """Where the law is unclear, what was assumed."""
    inferred: tuple[Inference, ...] = ()
    """Facts inferred from the description rather than given."""
    case_digest: str = ""
    """``sha256:`` of the case this decision was made for (its JSON); `render` refuses another case."""
    summary_limit: int | None = None
    """Penalty step: the art. 51 on-the-spot (summary) fine limit for this subject, in yuan."""
    reinspection: Reinspection | None = None
    """An order to correct still running: nothing new is issued, re-inspect from `due`; null otherwise."""

"""Closed vocabularies shared by cases, decisions and rulesets."""

from __future__ import annotations

from typing import Literal, get_args

Step = Literal["reminder", "warning", "penalty", "referral"]
STEPS: tuple[Step, ...] = get_args(Step)

SubjectKind = Literal["unit", "individual"]
OfficeLevel = Literal["street", "town", "township", "brigade"]
OFFICE_LEVELS: tuple[OfficeLevel, ...] = get_args(OfficeLevel)
Procedure = Literal["none", "summary", "general"]
Tier = Literal["minor", "ordinary", "serious"]
TIERS: tuple[Tier, ...] = get_args(Tier)
PenaltyKind = Literal["formal_warning", "fine", "suspension", "detention", "stop_use", "sealing"]
DocumentType = Literal[
    "inspection_record",
    "rectification_order",
    "summary_penalty_decision",
    "penalty_notice",
    "penalty_decision",
    "referral_letter",
]
DOCUMENT_TYPES: tuple[DocumentType, ...] = get_args(DocumentType)
LegalRole = Literal["violated", "penalty", "procedure", "competence", "compulsory", "basis"]
Precondition = Literal["refusal", "overdue", "notice"]
"""Elements a penalty provision may require: 拒不改正 after a written order, 逾期不改正 (the order's
deadline passed unrectified), 经消防救援机构通知 (such an order from the fire-rescue agency)."""
Choice = Literal["one", "all"]
Issuer = Literal["office", "fire_rescue"]
"""Who issued an order: the office in its own name, or the fire-rescue agency (or an office acting
in its name under entrustment)."""

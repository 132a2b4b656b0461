"""Closed vocabularies shared by cases, decisions and rulesets."""

from __future__ import annotations

from typing import Literal

Step = Literal["reminder", "warning", "penalty", "referral"]
STEPS: tuple[Step, ...] = ("reminder", "warning", "penalty", "referral")

SubjectKind = Literal["unit", "individual"]
OfficeLevel = Literal["street", "town", "township", "brigade"]
OFFICE_LEVELS: tuple[OfficeLevel, ...] = ("street", "town", "township", "brigade")
Procedure = Literal["none", "summary", "general"]
Tier = Literal["minor", "ordinary", "serious"]
TIERS: tuple[Tier, ...] = ("minor", "ordinary", "serious")
PenaltyKind = Literal["formal_warning", "fine", "suspension", "detention", "stop_use", "sealing"]
DocumentType = Literal[
    "inspection_record",
    "rectification_order",
    "summary_penalty_decision",
    "penalty_notice",
    "penalty_decision",
    "referral_letter",
]
DOCUMENT_TYPES: tuple[DocumentType, ...] = (
    "inspection_record",
    "rectification_order",
    "summary_penalty_decision",
    "penalty_notice",
    "penalty_decision",
    "referral_letter",
)
LegalRole = Literal["violated", "penalty", "procedure", "competence", "compulsory"]

"""Public data models: the Case an officer reports and the Decision the engine returns."""

from fireenforce.model.case import Case, Facts, HistoryEntry, Office, Place, Subject
from fireenforce.model.decision import (
    Decision,
    Doubt,
    Fine,
    FineRange,
    Inference,
    ItemRef,
    LegalBasis,
    Limitation,
    Penalty,
    Reason,
    Rectification,
    RulesetRef,
)
from fireenforce.model.enums import STEPS, DocumentType, OfficeLevel, Procedure, Step, SubjectKind, Tier

__all__ = [
    "Case", "Facts", "HistoryEntry", "Office", "Place", "Subject",
    "Decision", "Doubt", "Fine", "FineRange", "Inference", "ItemRef", "LegalBasis", "Limitation",
    "Penalty", "Reason", "Rectification", "RulesetRef",
    "STEPS", "DocumentType", "OfficeLevel", "Procedure", "Step", "SubjectKind", "Tier",
]

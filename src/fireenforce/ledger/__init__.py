"""The closed loop (闭环管理): an append-only, hash-chained record of findings, orders,
re-inspections, closures and referrals on a real database, which feeds history to decide.

    led = fe.Ledger("sqlite:///office.db")
    rec = led.record(case, officer="王某")
    led.reinspect(rec.finding, on="2026-05-10", rectified=False, officer="李某")
"""

from fireenforce.ledger.api import Ledger
from fireenforce.ledger.errors import (
    FineRequired, LedgerError, LedgerLocked, LedgerReadOnly, LedgerSchemaError, LedgerUnavailable, OpenFinding,
    SubjectMerge, UnknownFinding,
)
from fireenforce.ledger.events import Event
from fireenforce.ledger.models import (
    Broken, Closure, Departure, Due, EventView, FindingView, IssuedDocument, LedgerHistoryEntry, Record,
    ReinspectionRef, SubjectRef,
    VerifyReport,
)

__all__ = [
    "Broken", "Closure", "Departure", "Due", "Event", "EventView", "FindingView", "FineRequired", "IssuedDocument",
    "Ledger", "LedgerError", "LedgerHistoryEntry", "LedgerLocked", "LedgerReadOnly", "LedgerSchemaError",
    "LedgerUnavailable", "OpenFinding", "Record", "ReinspectionRef", "SubjectMerge", "SubjectRef", "UnknownFinding",
    "VerifyReport",
]

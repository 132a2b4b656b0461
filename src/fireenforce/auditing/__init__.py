"""The audit (执法监督复核): re-decide every recorded action with the ruleset version in force on
its date, and list where the action taken differs from the rule.

    report = fe.audit("ledger.jsonl")                 # a ledger export, or an archive .parquet
    report = fe.audit(fe.Ledger("office.db"), since="2026-05-01", until="2026-05-31")
    report.json(), report.csv(), report.findings
"""

from fireenforce.auditing.run import AuditReport, audit
from fireenforce.auditing.actions import Action, ActionBatch, AuditInputError
from fireenforce.auditing.checks import COLUMNS, AuditFinding

__all__ = ["COLUMNS", "Action", "AuditFinding", "AuditInputError", "AuditReport", "audit"]

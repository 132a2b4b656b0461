"""Daily risk triage (风险会商): signals from devices and grid workers, and the ledger's records,
matched against the ruleset's triggers on durable-rules.

    from fireenforce.triage import evaluate, parse_signals, Record
    outcomes = evaluate(ruleset.triggers, [Record.of_signal(s) for s in signals], day)
"""

from fireenforce.triage.engine import TriageError, TriageUnavailable, evaluate
from fireenforce.triage.records import Outcome, Record
from fireenforce.triage.signals import Signal, SignalError, parse_signal, parse_signals

__all__ = [
    "Outcome", "Record", "Signal", "SignalError", "TriageError", "TriageUnavailable", "evaluate", "parse_signal",
    "parse_signals",
]

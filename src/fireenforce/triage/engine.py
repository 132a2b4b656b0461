"""The triggers evaluated on durable-rules.

Each trigger set (one ruleset version's ``policy/triggers.yaml``) becomes one durable-rules ruleset,
registered once per process under a name derived from its digest: loading the same triggers again
reuses it, changed triggers get a new name, so nothing is ever "already registered".

For a day D, every group (a place, a compound, a subject) is a durable-rules state (``sid``). Python
only orders each clause's distinct records newest first; the engine receives, per trigger and group,
a clock fact with D and the window's first day (event time from the data: no timers, no wall clock)
and, per clause with at least N records, the N-th newest (it decides whether N fall in the window)
and the newest (it decides whether the pattern is completed today). A rule joins them per clause.
Every post is checked: a fact no rule accepts (``MessageNotHandledException``) and an action that
failed (the state's ``exception`` key) raise ``TriageError``. Each group's state is emptied and
deleted as soon as it is evaluated (durable-rules holds at most 1,024 states at once).
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import threading
from typing import Any, Callable, Iterable

from fireenforce.errors import FireEnforceError
from fireenforce.ruleset.triggers import TriggerSpec, Triggers
from fireenforce.triage.records import Candidates, Outcome, Record, candidates, evidence, window_start


class TriageError(FireEnforceError):
    """The evaluation itself failed (never silently): a fact the rules did not handle, an action error."""

    exit_code = 1


class TriageUnavailable(FireEnforceError):
    """durable-rules is not installed (it builds on Python 3.11 and 3.12 only)."""

    exit_code = 1


def _durable_engine() -> Any:
    try:
        return importlib.import_module("durable.engine")
    except ImportError:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        raise TriageUnavailable(
            f"triage needs durable-rules, which is not installed here (it builds on Python 3.11 and 3.12 only; "
            f"this is Python {version}); everything else works without it") from None


def _rec(trigger: str, clause: int, back: int, extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The condition on one posted record fact."""
    return {"$and": [{"t": "rec"}, {"trigger": trigger}, {"clause": clause}, {"back": back}, *(extra or [])]}


def _rules(trigger: TriggerSpec, fire: Callable[[Any], None]) -> dict[str, dict[str, Any]]:
    """One rule per clause j: every clause has N records in the window, and clause j's newest is today."""
    in_window: dict[str, Any] = {"$gte": {"day": {"k": "from"}}}
    today: dict[str, Any] = {"day": {"k": "day"}}
    rules: dict[str, dict[str, Any]] = {}
    for j, last in enumerate(trigger.all):
        aliases: list[dict[str, Any]] = [{"k": {"$and": [{"t": "clock"}, {"trigger": trigger.id}]}}]
        for i, clause in enumerate(trigger.all):
            extra = [in_window, today] if i == j and clause.at_least == 1 else [in_window]
            aliases.append({f"c{i}": _rec(trigger.id, i, clause.at_least - 1, extra)})
        if last.at_least > 1:
            aliases.append({"today": _rec(trigger.id, j, 0, [today])})
        rules[f"{trigger.id}#{j}"] = {"all": aliases, "run": fire}
    return rules


def _facts(trigger: TriggerSpec, found: Candidates, day: dt.date, sid: str) -> list[dict[str, Any]]:
    start = window_start(trigger, day)
    facts: list[dict[str, Any]] = [{"sid": sid, "t": "clock", "trigger": trigger.id, "day": day.toordinal(),
                                    "from": start.toordinal() if start else 0}]
    for i, (clause, rows) in enumerate(zip(trigger.all, found.clauses)):
        backs = {0, clause.at_least - 1} if clause.at_least > 1 else {0}
        for back in sorted(backs):
            if back < len(rows):
                facts.append({"sid": sid, "t": "rec", "trigger": trigger.id, "clause": i, "back": back,
                              "day": rows[back].day.toordinal()})
    return facts


def _of_sources(trigger: TriggerSpec, by_source: dict[str, list[Record]]) -> Iterable[Record]:
    """Only the kinds of records the trigger's clauses count."""
    for source in sorted({clause.source for clause in trigger.all}):
        yield from by_source.get(source, ())


END_RULE = "$end"  # fires on each group's last fact; durable-rules crashes deleting a state no action ran in


def _group_done(c: Any) -> None:
    """The end rule's action: nothing to do; that it ran makes the state safe to delete."""


class Engine:
    """The process's one durable-rules host, without its background timer threads."""

    def __init__(self) -> None:
        engine = _durable_engine()

        class _Host(engine.Host):  # type: ignore[name-defined]
            def _run(self) -> None:
                """No dispatch or timer threads: every action runs inside the post that caused it."""

        self._engine = engine
        self._host = _Host()
        self._names: dict[str, str] = {}
        self._fired: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def _ruleset(self, triggers: Triggers) -> str:
        name = self._names.get(triggers.digest)
        if name is None:
            name = f"triage-{triggers.digest[:16]}"
            definition: dict[str, dict[str, Any]] = {END_RULE: {"all": [{"e": {"t": "end"}}], "run": _group_done}}
            for trigger in triggers.triggers:
                definition.update(_rules(trigger, self._action(trigger.id)))
            self._host.register_rulesets({name: definition})
            self._names[triggers.digest] = name
        return name

    def _action(self, trigger: str) -> Callable[[Any], None]:
        def fire(c: Any) -> None:
            self._fired.add((trigger, c.s["sid"]))

        return fire

    def _post(self, name: str, sid: str, facts: list[dict[str, Any]]) -> None:
        """Assert one group's facts (its actions run inside), check, then empty and delete the state:
        durable-rules keeps at most 1,024 states in memory, so one group is evaluated at a time."""
        try:
            self._host.assert_facts(name, facts)
            failure = self._host.get_state(name, sid).get("exception")
            if failure:
                raise TriageError(f"a triage action failed for {sid}: {str(failure).splitlines()[0]}")
        except self._engine.MessageNotHandledException:
            raise TriageError(f"durable-rules handled no rule for a fact of {sid} (triggers and facts disagree)") from None
        except self._engine.MessageObservedException:
            raise TriageError(f"durable-rules saw a fact of {sid} twice") from None
        finally:
            self._host.retract_facts(name, facts)  # deleting a state that still holds facts crashes durable-rules
            self._host.delete_state(name, sid)

    def evaluate(self, triggers: Triggers, records: Iterable[Record], day: dt.date) -> list[Outcome]:
        """The outcomes of ``day``, in trigger order, then by group."""
        by_source: dict[str, list[Record]] = {}
        for record in records:
            by_source.setdefault(record.source, []).append(record)
        pairs = [(trigger, f"{trigger.per}:{found.group}", found) for trigger in triggers.triggers
                 for found in candidates(trigger, _of_sources(trigger, by_source), day) if any(found.clauses)]
        groups: dict[str, list[dict[str, Any]]] = {}
        for trigger, sid, found in pairs:
            groups.setdefault(sid, []).extend(_facts(trigger, found, day, sid))
        for sid, facts in groups.items():
            facts.append({"sid": sid, "t": "end"})
        with self._lock:
            name = self._ruleset(triggers)
            self._fired.clear()
            try:
                for sid, facts in groups.items():  # one state per place (compound, subject)
                    self._post(name, sid, facts)
                fired = set(self._fired)
            finally:
                self._fired.clear()
        return [Outcome.of(triggers, trigger, found.group, evidence(trigger, found, day), day)
                for trigger, sid, found in pairs if (trigger.id, sid) in fired]


_ENGINE: Engine | None = None
_ENGINE_LOCK = threading.Lock()


def engine() -> Engine:
    """The process-wide engine (created on first use; TriageUnavailable without durable-rules)."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = Engine()
        return _ENGINE


def evaluate(triggers: Triggers, records: Iterable[Record], day: dt.date) -> list[Outcome]:
    """The day's outcomes of ``triggers`` over ``records`` (signals, findings, referrals)."""
    return engine().evaluate(triggers, records, day)

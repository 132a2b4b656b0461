"""Hypothesis: random sequences of record / reinspect / correct / days passing keep the ledger's
invariants: a record of the same subject and item while the office's finding on it is open
is refused and writes nothing (a separate one needs a reason); a subject-id correction refiles
the finding (into a known subject only as a merge); a closed finding has no open deadline; the history handed to decide (and served by
``history``) equals the events replayed; document numbers stay gap-free; ``due`` agrees with
the replayed state; ``verify`` passes."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select

from fireenforce.errors import CaseError
from fireenforce.ledger import FineRequired, Ledger, OpenFinding, Record, SubjectMerge
from fireenforce.ledger.chain import to_event
from fireenforce.ledger.events import Event
from fireenforce.ledger.state import FindingState, history_of, replay
from fireenforce.ledger.tables import events
from ledgerkit import OFFICE, OTHER_OFFICE, case, uscc

ITEMS = ("EV-BLOCK", "EB-PARK", "FL-BLOCK")
START = dt.date(2026, 3, 2)
LAST = dt.date(2026, 11, 30)  # the bundled calendar ends with 2026: a hearing period beyond it is refused


class LedgerMachine(RuleBasedStateMachine):
    @initialize()
    def open_ledger(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.led = Ledger(Path(self.dir.name) / "ledger.db")
        self.day = START
        self.findings: list[str] = []

    def teardown(self) -> None:
        if hasattr(self, "led"):
            self.led.close()
            self.dir.cleanup()

    def replayed(self) -> tuple[list[Event], dict[str, FindingState]]:
        with self.led.engine.connect() as conn:
            evs = [to_event(r) for r in conn.execute(select(events).order_by(events.c.seq))]
        groups: dict[str, list[Event]] = defaultdict(list)
        for e in evs:
            if e.finding:
                groups[e.finding].append(e)
        return evs, {f: replay(g) for f, g in groups.items()}

    def last_action_history(self, finding: str) -> list[dict]:
        evs, _ = self.replayed()
        return [e for e in evs if e.finding == finding and e.kind == "action"][-1].payload["history"]

    @rule(days=st.integers(0, 20))
    def time_passes(self, days: int) -> None:
        self.day = min(self.day + dt.timedelta(days=days), LAST)

    @rule(subject=st.integers(1, 3), item=st.sampled_from(ITEMS), other_office=st.booleans(),
          separate=st.booleans())
    def record(self, subject: int, item: str, other_office: bool, separate: bool) -> None:
        evs, states = self.replayed()
        key, office = f"id:{uscc(subject)}", (OTHER_OFFICE if other_office else OFFICE)
        expected = history_of(states.values(), key, self.day)
        data = case(subject, item=item, on=self.day.isoformat(), office=office)
        blocking = sorted((s.opened_on, f) for f, s in states.items()
                          if s.subject == key and s.item == item and s.office == office["name"]
                          and (s.status == "open" or (s.status == "referred" and not s.referral.get("answer"))))
        if blocking and not separate:  # the same conduct while its finding is open: refused, nothing written
            with pytest.raises(OpenFinding) as info:
                self.led.record(data, officer="王某")
            assert info.value.finding == blocking[0][1] and info.value.code == "open_finding"
            assert "\n" not in str(info.value) and len(self.replayed()[0]) == len(evs)
            return
        settled = [f for f, s in states.items() if s.subject == key and s.item == item and s.office == office["name"]
                   and ((s.status == "closed" and s.closed_on is not None and self.day <= s.closed_on)
                        or (s.referral.get("answer") == "accepted" and self.day <= s.referral["answered_on"]))]
        if settled and not blocking and not separate:  # conduct seen by a closure or a handover is that finding's
            with pytest.raises(CaseError) as refused:
                self.led.record(data, officer="王某")
            assert refused.value.field == "observed_on" and len(self.replayed()[0]) == len(evs)
            return
        reason = "另一处场所，另行立案" if blocking or settled else ""
        try:
            rec = self.led.record(data, separate=reason, officer="王某")
        except FineRequired as needed:
            assert needed.decision is not None and needed.decision.penalty.fine is not None
            rec = self.led.record(data, separate=reason, officer="王某", fine=needed.decision.penalty.fine.suggested.min)
        assert [h.model_dump(mode="json") for h in expected] == self.last_action_history(rec.finding)
        assert self.replayed()[1][rec.finding].subject == key
        self.findings.append(rec.finding)

    @precondition(lambda self: bool(getattr(self, "findings", None)))
    @rule(pick=st.integers(0, 1000), rectified=st.booleans())
    def reinspect(self, pick: int, rectified: bool) -> None:
        _, states = self.replayed()
        open_ones = [f for f in self.findings if states[f].status == "open" and states[f].last.date <= self.day]
        if not open_ones:
            return
        finding = open_ones[pick % len(open_ones)]
        try:
            out = self.led.reinspect(finding, on=self.day, rectified=rectified, officer="王某")
        except FineRequired as needed:  # a penalty with a fine: the officer names the amount and goes on
            assert needed.decision is not None and needed.decision.penalty.fine is not None
            out = self.led.reinspect(finding, on=self.day, rectified=rectified, officer="王某",
                                     fine=needed.decision.penalty.fine.suggested.min)
        if isinstance(out, Record) and out.action == states[finding].last.id:  # within the deadline: nothing decided
            deadline = states[finding].last.deadline
            assert not rectified and deadline is not None and self.day <= deadline
            _, after = self.replayed()
            assert [a.id for a in after[finding].actions] == [a.id for a in states[finding].actions]
        elif isinstance(out, Record):
            assert not rectified and out.finding == finding
            _, after = self.replayed()
            assert after[finding].actions.pop().id == out.action  # what decide saw: all but the new action
            expected = history_of(after.values(), states[finding].subject, self.day)
            assert self.last_action_history(finding) == [h.model_dump(mode="json") for h in expected]
        else:
            assert rectified and out.closed_on == self.day

    @precondition(lambda self: bool(getattr(self, "findings", None)))
    @rule(pick=st.integers(0, 1000), extra=st.integers(0, 30))
    def correct_deadline(self, pick: int, extra: int) -> None:
        evs, _ = self.replayed()
        actions = [e for e in evs if e.kind == "action"]
        target = actions[pick % len(actions)]
        new = target.at + dt.timedelta(days=extra)
        self.led.correct(target.id, reason="期限录入有误", changes={"deadline": new.isoformat()})

    @precondition(lambda self: bool(getattr(self, "findings", None)))
    @rule(pick=st.integers(0, 1000), to=st.integers(1, 4))
    def correct_subject_id(self, pick: int, to: int) -> None:
        """Refile a finding under another id: into a subject the ledger knows, only as a merge."""
        evs, states = self.replayed()
        finding = self.findings[pick % len(self.findings)]
        key = f"id:{uscc(to)}"
        event = next(e.id for e in evs if e.finding == finding and e.kind == "finding")
        if states[finding].subject == key:
            with pytest.raises(CaseError):
                self.led.correct(event, reason="录入错误", changes={"subject_id": uscc(to)})
            return
        mine = states[finding].name_key  # the same name and address under the id: a link, not a merge
        known = any(s.subject == key and f != finding and s.name_key != mine for f, s in states.items())
        if known:
            with pytest.raises(SubjectMerge):
                self.led.correct(event, reason="录入错误", changes={"subject_id": uscc(to)})
            assert len(self.replayed()[0]) == len(evs)
        self.led.correct(event, reason="经核实为同一单位" if known else "录入错误", changes={"subject_id": uscc(to)},
                         merge=known)
        assert self.replayed()[1][finding].subject == key

    @invariant()
    def invariants_hold(self) -> None:
        if not hasattr(self, "led"):
            return
        _, states = self.replayed()
        for state in states.values():
            if state.status == "closed":
                assert state.deadline is None and state.closed_on is not None
            if state.status == "referred":
                assert state.deadline is None
        for subject in {s.subject for s in states.values()}:
            assert self.led.history(subject.removeprefix("id:")) == history_of(states.values(), subject)
        due = {d.finding for d in self.led.due(on=self.day)}
        assert due == {f for f, s in states.items() if s.status == "open" and s.deadline and s.deadline < self.day}
        report = self.led.verify()
        assert report.ok, report.broken


LedgerMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=12, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_ledger_state_machine = LedgerMachine.TestCase

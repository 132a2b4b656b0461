"""Triage on durable-rules: the bundled triggers on worked streams, and a property that the engine
agrees with a plain reference evaluation on random streams (out of order, with duplicates)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import fireenforce as fe
from fireenforce.ruleset.triggers import ClauseSpec, TriggerSpec, Triggers, TriggersSpec, WindowSpec
from fireenforce.triage import Record, evaluate
from fireenforce.triage.engine import engine

D = dt.date(2026, 5, 10)
RS = fe.load_ruleset()


def blocker(place: str, day: dt.date, n: int) -> Record:
    return Record(f"S-{place}-{day}-{n}", "signal", day, {"kind": "ebike_in_elevator", "place": place})


def finding(fid: str, day: dt.date, **attrs: str | bool) -> Record:
    return Record(fid, "finding", day, attrs)


def outcomes(records: list[Record], day: dt.date = D) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(o.trigger, o.place, o.events) for o in evaluate(RS.triggers, records, day)]


# --- the bundled Xifeng triggers on worked streams -------------------------------------------------

def test_three_blocker_events_in_seven_days_make_a_finding_for_the_building() -> None:
    stream = [blocker("3号楼", D - dt.timedelta(days=6), 1), blocker("3号楼", D - dt.timedelta(days=2), 2),
              blocker("3号楼", D, 3), blocker("5号楼", D, 1), blocker("5号楼", D, 2)]
    result = evaluate(RS.triggers, stream, D)
    assert [(o.trigger, o.kind, o.place, o.item) for o in result] == [("blocker-repeat", "finding", "3号楼", "EB-PARK")]
    assert result[0].events == tuple(sorted(r.id for r in stream[:3]))
    assert result[0].doubt is not None and result[0].doubt["code"] == "DOUBT-GANSU-REGS"


def test_an_event_eight_days_back_is_outside_the_window() -> None:
    stream = [blocker("3号楼", D - dt.timedelta(days=7), 1), blocker("3号楼", D - dt.timedelta(days=1), 2),
              blocker("3号楼", D, 3)]
    assert outcomes(stream) == []


def test_the_same_event_twice_counts_once_and_arrival_order_does_not_matter() -> None:
    first, second = blocker("3号楼", D - dt.timedelta(days=1), 1), blocker("3号楼", D, 2)
    assert outcomes([second, first, second, first]) == []
    third = blocker("3号楼", D - dt.timedelta(days=3), 3)
    assert outcomes([second, third, first, second]) == outcomes([first, second, third])
    assert len(outcomes([first, second, third])) == 1


def test_a_pattern_completed_earlier_is_not_raised_again_the_next_day() -> None:
    stream = [blocker("3号楼", D - dt.timedelta(days=d), d) for d in (0, 1, 2)]
    assert len(outcomes(stream, D)) == 1
    assert outcomes(stream, D + dt.timedelta(days=1)) == []


def test_events_after_the_triage_day_are_not_known_yet() -> None:
    stream = [blocker("3号楼", D + dt.timedelta(days=1), 1), blocker("3号楼", D, 2), blocker("3号楼", D, 3)]
    assert outcomes(stream) == []


def test_open_ebike_findings_in_one_compound_call_a_consultation() -> None:
    stream = [finding(f"F-{i}", D - dt.timedelta(days=10 * i), family="EB", open=True, compound="阳光小区")
              for i in range(3)]
    result = evaluate(RS.triggers, stream, D)
    assert [(o.trigger, o.kind, o.place) for o in result] == [("ebike-compound", "consultation", "阳光小区")]
    assert result[0].departments == ("公安派出所", "住房和城乡建设部门", "消防救援大队", "供电公司")
    closed = [*stream[:2], finding("F-2", D - dt.timedelta(days=20), family="EB", open=False, compound="阳光小区")]
    assert outcomes(closed) == []


def test_a_crowded_place_with_exit_and_facility_findings_open_at_once() -> None:
    exit_ = finding("F-1", D - dt.timedelta(days=40), family="EV", open=True, crowded=True, place="万达广场")
    facility = finding("F-2", D, family="FF", open=True, crowded=True, place="万达广场")
    assert outcomes([exit_, facility]) == [("crowded-exit-facility", "万达广场", ("F-1", "F-2"))]
    not_crowded = finding("F-2", D, family="FF", open=True, crowded=False, place="万达广场")
    assert outcomes([exit_, not_crowded]) == []
    assert outcomes([exit_]) == []


def test_a_serious_finding_in_a_crowded_place_the_same_day_only() -> None:
    serious = finding("F-9", D, serious=True, crowded=True, place="夜市")
    assert outcomes([serious]) == [("serious-crowded", "夜市", ("F-9",))]
    assert outcomes([serious], D + dt.timedelta(days=1)) == []


def test_a_subject_referred_twice_in_twelve_months() -> None:
    first = Record("A-1", "referral", dt.date(2025, 5, 11), {"subject": "91620000X"})
    second = Record("A-2", "referral", D, {"subject": "91620000X"})
    assert outcomes([first, second]) == [("referred-twice", "91620000X", ("A-1", "A-2"))]
    a_year_and_a_day = Record("A-1", "referral", dt.date(2025, 5, 10), {"subject": "91620000X"})
    assert outcomes([a_year_and_a_day, second]) == []


def test_every_bundled_version_carries_the_triggers() -> None:
    for version in ("2022.03", "2024.09"):
        ruleset = fe.load_ruleset(fe.load_ruleset().path.parent / version)
        assert [t.id for t in ruleset.triggers.triggers] == [
            "blocker-repeat", "ebike-compound", "crowded-exit-facility", "serious-crowded", "referred-twice"]


def test_states_are_empty_after_a_run_and_reloading_registers_nothing_twice() -> None:
    stream = [blocker("3号楼", D - dt.timedelta(days=d), d) for d in (0, 1, 2)]
    first = outcomes(stream)
    same = Triggers(TriggersSpec.model_validate(RS.triggers.spec.model_dump(by_alias=True)))  # a reload
    assert same.digest == RS.triggers.digest
    assert [(o.trigger, o.place) for o in evaluate(same, stream, D)] == [(t, p) for t, p, _ in first]
    eng = engine()
    name = eng._ruleset(RS.triggers)
    with pytest.raises(Exception, match="Could not get facts"):  # the group's state is gone
        eng._host.get_facts(name, "place:3号楼")


def test_more_groups_than_durable_rules_keeps_in_memory() -> None:
    """durable-rules holds at most 1,024 states; triage evaluates one group at a time."""
    stream = [blocker(f"楼{b}", D - dt.timedelta(days=d), d) for b in range(3000) for d in (0, 1, 2)]
    for _ in range(2):
        assert len(outcomes(stream)) == 3000


# --- the property: durable-rules equals a plain reference ------------------------------------------

def reference(triggers: Triggers, records: list[Record], day: dt.date) -> list[tuple[str, str, tuple[str, ...]]]:
    """Naive: for every trigger and group, count distinct matching records in the window clause by clause."""
    out = []
    for trigger in triggers.triggers:
        start = trigger.within.start(day) if trigger.within else dt.date.min
        groups = sorted({r.attrs[trigger.per] for r in records if trigger.per in r.attrs})
        for group in groups:
            ok, today, ids = True, False, set()
            for clause in trigger.all:
                hits = {}
                for r in records:
                    if r.source != clause.source or r.attrs.get(trigger.per) != group:
                        continue
                    if any(r.attrs.get(k) != v if not isinstance(v, list) else r.attrs.get(k) not in v
                           for k, v in clause.where.items()):
                        continue
                    if start <= r.day <= day:
                        hits[r.id] = r
                if len(hits) < clause.at_least:
                    ok = False
                today = today or any(r.day == day for r in hits.values())
                ids |= set(hits)
            if ok and today:
                out.append((trigger.id, group, tuple(sorted(ids))))
    return out


def random_triggers(rnd: random.Random) -> Triggers:
    triggers = []
    for n in range(rnd.randint(1, 3)):
        clauses = [ClauseSpec(source=rnd.choice(["signal", "finding"]),
                              where=rnd.choice([{}, {"kind": "a"}, {"kind": ["a", "b"]}]),
                              at_least=rnd.randint(1, 4)) for _ in range(rnd.randint(1, 2))]
        window = rnd.choice([None, WindowSpec(days=rnd.randint(1, 9)), WindowSpec(months=1)])
        triggers.append(TriggerSpec(id=f"t{n}", text="测试", outcome="consultation", per="place", within=window,
                                    all=clauses, basis=["fire-law:28"]))
    return Triggers(TriggersSpec(signals={"a": {"label": "a"}, "b": {"label": "b"}}, triggers=triggers))


record_st = st.builds(
    lambda i, src, kind, place, offset: Record(f"R{i}", src, D - dt.timedelta(days=offset),
                                                {"kind": kind, "place": place}),
    st.integers(0, 25), st.sampled_from(["signal", "finding"]), st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["p1", "p2", "p3"]), st.one_of(st.just(0), st.integers(-2, 12), st.integers(13, 40)),
)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**6), stream=st.lists(record_st, max_size=40), data=st.data())
def test_durable_rules_agrees_with_the_reference(seed: int, stream: list[Record], data: st.DataObject) -> None:
    rnd = random.Random(seed)
    triggers = random_triggers(rnd)
    # the same id always denotes the same record (a duplicate, re-sent); arrival order is shuffled
    canonical = {r.id: r for r in stream}
    shuffled = [canonical[r.id] for r in data.draw(st.permutations(stream))]
    got = [(o.trigger, o.place, o.events) for o in evaluate(triggers, shuffled, D)]
    expected = reference(triggers, list(canonical.values()), D)
    event("fires" if expected else "quiet")
    assert got == expected


def test_the_bundled_triggers_agree_with_the_reference_on_a_random_district() -> None:
    rnd = random.Random(7)
    records = []
    for i in range(1500):
        day = D - dt.timedelta(days=rnd.randint(0, 400))
        kind = rnd.choice(["signal", "finding", "referral"])
        if kind == "signal":
            records.append(Record(f"S{i}", "signal", day, {"kind": "ebike_in_elevator", "place": f"楼{rnd.randint(1, 60)}"}))
        elif kind == "finding":
            records.append(Record(f"F{i}", "finding", day, {
                "family": rnd.choice(["EB", "EV", "FF"]), "open": rnd.random() < 0.5, "crowded": rnd.random() < 0.3,
                "serious": rnd.random() < 0.05, "place": f"楼{rnd.randint(1, 60)}", "compound": f"小区{rnd.randint(1, 8)}"}))
        else:
            records.append(Record(f"A{i}", "referral", day, {"subject": f"S{rnd.randint(1, 300)}"}))
    fired = 0
    for offset in range(0, 12):
        day = D - dt.timedelta(days=offset)
        got = outcomes(records, day)
        assert got == reference(RS.triggers, records, day)
        fired += len(got)
    assert fired > 0


def test_a_failing_action_is_not_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    from fireenforce.triage.engine import TriageError

    eng = engine()
    spec = TriggersSpec(signals={"a": {"label": "a"}}, triggers=[TriggerSpec(
        id="boom", text="测试", outcome="consultation", per="place", all=[ClauseSpec(source="signal")],
        basis=["fire-law:28"])])
    triggers = Triggers(spec)
    name = eng._ruleset(triggers)
    rules = eng._host.get_ruleset(name)

    def explode(c: object) -> None:
        raise RuntimeError("disk full")

    from durable.engine import Promise

    monkeypatch.setitem(rules._actions, "boom#0", Promise(explode))
    with pytest.raises(TriageError, match="action failed.*disk full"):
        evaluate(triggers, [Record("S1", "signal", D, {"place": "p"})], D)
    monkeypatch.undo()
    assert [o.trigger for o in evaluate(triggers, [Record("S1", "signal", D, {"place": "p"})], D)] == ["boom"]

"""decide's fast path (engine/recall.py) gives exactly what the reference engine gives: on random
valid cases with history (as ``Case`` objects and as dicts, the first time and recalled), on odd
input (the same errors), from many threads at once, and with its memo bounded."""

from __future__ import annotations

import copy
import datetime as dt
import json
import marshal
import threading
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from fireenforce import CaseError
from fireenforce.engine import decide, decide_many
from fireenforce.engine.decide import decide_reference
from fireenforce.engine import recall
from fireenforce.engine.recall import PARTS_KEPT, case_key, dict_key, parsed
from fireenforce.model.case import Case, case_from_json
from fireenforce.model.decision import Decision
from fireenforce.resources import bundled_family
from fireenforce.ruleset.compiled import DECISIONS_KEPT, Memo, Ruleset
from fireenforce.ruleset.load import compile_version, load_version
from fireenforce.testing import cases

RULESET = load_version(bundled_family() / "2024.09")
EXAMPLE = json.loads((Path(__file__).parents[1] / "examples" / "ebike-highrise.json").read_text(encoding="utf-8"))
SETTINGS = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def same(a: Decision, b: Decision) -> None:
    assert type(a) is Decision and type(b) is Decision
    assert a.model_dump() == b.model_dump()
    assert a.model_fields_set == b.model_fields_set
    assert a.model_dump_json() == b.model_dump_json()


def outcome(fn: Callable[..., Decision], case: Any, ruleset: Ruleset | None = RULESET) -> tuple[str, Any]:
    """What deciding gives: the decision's JSON, or the error's message."""
    try:
        return "decision", fn(case, ruleset).model_dump(mode="json")
    except CaseError as exc:
        return "error", str(exc)


def sparse(case: Case) -> dict[str, Any]:
    """The case as a user would write it: only the fields that were given."""
    return case.model_dump(mode="json", exclude_unset=True)


@SETTINGS
@given(cases(RULESET), st.booleans())
def test_fast_path_equals_reference(case: Case, sparse_dict: bool) -> None:
    reference = decide_reference(case, RULESET)
    given_dict = sparse(case) if sparse_dict else case.model_dump(mode="json")
    for data in (case, given_dict, copy.deepcopy(given_dict)):
        first = decide(data, RULESET)
        again = decide(data, RULESET)  # recalled
        same(first, reference)
        same(again, reference)
        assert again is not first and again.__dict__ is not first.__dict__
    twin = Case.model_validate(case.model_dump())  # another instance, equal content: recalled with its own digest
    same(decide(twin, RULESET), reference)
    assert Decision.model_validate(reference.model_dump()) == decide(case, RULESET)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(RULESET))
def test_bundled_family_without_a_ruleset(case: Case) -> None:
    data = case.model_dump(mode="json")
    assert outcome(decide, data, None) == outcome(decide_reference, data, None)
    assert outcome(decide, data, None) == outcome(decide_reference, case, None)


def _set(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    *parents, last = path.split(".")
    target: Any = out
    for name in parents:
        target = target[int(name)] if isinstance(target, list) else target[name]
    if value is _DROP:
        del target[last]
    else:
        target[last] = value
    return out


_DROP = object()
ODD: list[tuple[str, Any]] = [
    ("place.high_rise", 1), ("place.high_rise", 1.0), ("place.high_rise", "true"), ("place.high_rise", None),
    ("subject.operating", 0), ("subject.kind", "Individual"), ("subject.kind", ["individual"]),
    ("office.level", "district"), ("observed_on", "2026-5-3"), ("observed_on", "2026-05-03T00:00:00"),
    ("observed_on", dt.date(2026, 5, 3)), ("observed_on", dt.datetime(2026, 5, 3)), ("observed_on", 20260503),
    ("occurred_on", "2026-05-04"), ("decided_on", "2026-05-02"), ("item", "EB-NOPE"), ("item", None),
    ("item", 7), ("history", ()), ("history", {}), ("history", "[]"), ("history.0.step", "penalised"),
    ("history.0.rectified", 1), ("history.0.date", "2026-05-04"), ("history.1.item", "XX-NONE"),
    ("facts.mitigating", ("eliminated-harm",)), ("facts.mitigating", ["no-such-code"]), ("facts.serious", 1),
    ("facts.minor", True), ("facts.unknown_fact", True), ("facts.removed_m2", 12), ("facts.removed_m2", 12.0),
    ("facts.removed_m2", True), ("facts.compound", "某小区"), ("facts", []), ("place", None), ("place", _DROP),
    ("place.high_rise", _DROP), ("subject.name", "李某"), ("subject.extra", "x"), ("colour", "red"),
]


@pytest.mark.parametrize("path,value", ODD, ids=[f"{p}=" + ("<dropped>" if v is _DROP else repr(v)) for p, v in ODD])  # stable ids (pytest-xdist)
def test_odd_input_gives_what_the_reference_gives(path: str, value: Any) -> None:
    ruleset = compile_version(bundled_family() / "2024.09")  # a memo of its own
    for valid in (EXAMPLE, json.loads(json.dumps(EXAMPLE))):
        assert outcome(decide, valid, ruleset)[0] == "decision"  # the valid case is in the memo now
    odd = _set(EXAMPLE, path, value)
    expected = outcome(decide_reference, odd, ruleset)
    assert outcome(decide, odd, ruleset) == expected
    assert outcome(decide, odd, ruleset) == expected  # and again, once it could have been stored


def test_the_memo_keeps_a_copy_of_its_own() -> None:
    ruleset = compile_version(bundled_family() / "2024.09")
    first = decide(EXAMPLE, ruleset)
    first.model_fields_set.add("mutated by a careless caller")
    again = decide(EXAMPLE, ruleset)
    assert again is not first and "mutated by a careless caller" not in again.model_fields_set
    same(again, decide_reference(EXAMPLE, ruleset))


def test_what_is_told_is_part_of_the_key() -> None:
    """An untold high_rise is inferred for a high-rise-only item; a told false is an error."""
    data = {"item": "HR-CONTROL-ROOM", "subject": {"kind": "unit"}, "office": {"level": "street"},
            "observed_on": "2026-05-03"}
    told = {**data, "place": {"high_rise": False}}
    for _ in range(2):
        assert decide(data, RULESET).inferred
        assert outcome(decide, told, RULESET) == outcome(decide_reference, told, RULESET)
        assert outcome(decide, told, RULESET)[0] == "error"
        assert outcome(decide, Case.model_validate(told), RULESET)[0] == "error"
    inferred, stated = Case.model_validate(data), Case.model_validate(told)
    assert inferred.place == stated.place and case_key(inferred) != case_key(stated)


def test_every_field_is_part_of_the_key() -> None:
    case = Case.model_validate({**EXAMPLE, "subject": {"kind": "unit", "name": "某公司"}})
    assert len(case_key(case)) == 1 + len(Case.model_fields) + 1  # the tag, each field, what was told
    person = Case.model_validate({**case.model_dump(mode="json"), "responsible_person": {"name": "王某"}})
    assert case_key(person) != case_key(case)
    older = case.model_copy(update={"history": (case.history[0].model_copy(update={"issued_by": "fire_rescue"}),
                                                *case.history[1:])})
    assert case_key(older) != case_key(case)
    for data in (person.model_dump(mode="json"), person, case):
        same(decide(data, RULESET), decide_reference(data, RULESET))
        same(decide(data, RULESET), decide_reference(data, RULESET))


def test_keys_keep_types_apart() -> None:
    assert dict_key({"a": True}) != dict_key({"a": 1})
    assert dict_key({"a": []}) != dict_key({"a": {}})
    assert dict_key({"a": 1, "b": 2}) != dict_key({"b": 2, "a": 1})  # another order: only a miss
    assert dict_key({"a": dt.date(2026, 5, 3)}) is None  # left to the reference engine
    text = json.dumps(EXAMPLE)
    assert dict_key(json.loads(text)) == dict_key(json.loads(text))  # equal dicts from one source: one key
    assert marshal.loads(dict_key(EXAMPLE) or b"") == EXAMPLE  # the bytes give the dict back: equal bytes, equal dicts


def test_other_inputs_use_the_reference_path() -> None:
    class Special(Case):
        pass

    special = Special.model_validate(EXAMPLE)
    text = json.dumps(EXAMPLE, ensure_ascii=False)
    reference = decide_reference(EXAMPLE, RULESET)
    for case in (special, special, text, text):
        same(decide(case, RULESET), reference)
    hypothetical = {**EXAMPLE, "occurred_on": "2023-05-01", "observed_on": "2023-05-03", "history": []}
    assert outcome(decide, hypothetical)[0] == "error"
    assert decide(hypothetical, RULESET, what_if=True) == decide_reference(hypothetical, RULESET, what_if=True)


def test_decide_many_recalls_and_names_the_failing_case() -> None:
    bad = _set(EXAMPLE, "place.high_rise", 1)
    assert [d.model_dump() for d in decide_many([EXAMPLE, EXAMPLE], RULESET)] == \
        [decide_reference(EXAMPLE, RULESET).model_dump()] * 2
    with pytest.raises(CaseError, match=r"^\[1\]\.place\.high_rise"):
        decide_many([EXAMPLE, bad], RULESET)


def test_threads_get_identical_decisions() -> None:
    ruleset = compile_version(bundled_family() / "2024.09")
    ruleset.decisions = Memo(64)  # small: generations turn over while threads read and write
    base = [_set(EXAMPLE, "observed_on", f"2026-05-{day:02d}") for day in range(3, 28)]
    inputs: list[Any] = [*base, *(Case.model_validate(d) for d in base)]
    expected = [decide_reference(c, ruleset).model_dump() for c in inputs]
    results: dict[int, list[dict[str, Any]]] = {}
    start = threading.Barrier(6)

    def work(n: int) -> None:
        start.wait()
        results[n] = [decide(c, ruleset).model_dump() for _ in range(8) for c in inputs]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 6
    for got in results.values():
        assert got == expected * 8


def test_memo_is_bounded_and_keeps_what_is_used() -> None:
    memo: Memo[int] = Memo(8)
    for n in range(4):
        memo.put(n, n)
    for n in range(4, 100):
        assert memo.get(0) == 0  # used all along: never dropped
        memo.put(n, n)
        assert len(memo) <= 8
    assert memo.get(5) is None and memo.get(99) == 99
    assert RULESET.decisions.limit == DECISIONS_KEPT == 16_384


@SETTINGS
@given(cases(RULESET))
def test_replaced_is_model_copy(case: Case) -> None:
    """The hot path's copy (model/fast.py ``replaced``) gives what pydantic's ``model_copy`` gives."""
    from fireenforce.model.fast import replaced

    case.digest  # a private value to carry over
    for model, updates in ((case, {"history": tuple(reversed(case.history)), "ended_on": None}),
                           (case.subject, {"operating": True}), (case.place, {"high_rise": True, "crowded": False}),
                           (case.facts, {"serious": False})):
        ours, theirs = replaced(model, **updates), model.model_copy(update=updates)
        assert type(ours) is type(theirs) and ours.__dict__ == theirs.__dict__
        assert list(ours.__dict__) == list(theirs.__dict__)
        assert ours.model_fields_set == theirs.model_fields_set and ours.model_extra == theirs.model_extra
        assert ours.__pydantic_private__ == theirs.__pydantic_private__
        assert ours.model_dump_json() == theirs.model_dump_json()


def test_a_local_fact_of_the_wrong_type_is_refused_after_its_right_type_was_recalled() -> None:
    """``True == 1`` in Python: the memo keys local facts with their types, so ``removed_m2: true``
    (declared an integer) is refused even right after ``removed_m2: 1`` was decided and kept."""
    rs = compile_version(bundled_family() / "2024.09")  # a memo of its own
    data = EXAMPLE
    right = Case.model_validate({**data, "facts": {**data.get("facts", {}), "removed_m2": 1}})
    wrong = Case.model_validate({**data, "facts": {**data.get("facts", {}), "removed_m2": True}})
    decide(right, rs)
    with pytest.raises(CaseError, match="removed_m2"):
        decide(wrong, rs)


def identical(ours: Case, theirs: Case) -> None:
    """The same instance content as pydantic's: every value, every part's fields set and extras."""
    assert type(ours) is Case and ours.__dict__ == theirs.__dict__ and list(ours.__dict__) == list(theirs.__dict__)
    assert ours.model_fields_set == theirs.model_fields_set
    for name in ("subject", "place", "office", "facts", "responsible_person"):
        mine, other = getattr(ours, name), getattr(theirs, name)
        assert type(mine) is type(other)
        if mine is not None:
            assert mine.model_fields_set == other.model_fields_set and mine.model_extra == other.model_extra
    assert [h.model_fields_set for h in ours.history] == [h.model_fields_set for h in theirs.history]
    assert ours.model_dump_json() == theirs.model_dump_json() and ours.digest == theirs.digest


@SETTINGS
@given(cases(RULESET), st.booleans())
def test_a_dict_validated_from_kept_parts_is_what_pydantic_validates(case: Case, sparse_dict: bool) -> None:
    """``parsed`` (new dicts, their parts taken from the parts memo) gives ``Case.model_validate``'s
    instance, the first time (parts new) and again (parts kept)."""
    data = sparse(case) if sparse_dict else case.model_dump(mode="json")
    for _ in range(2):
        ours = parsed(copy.deepcopy(data))
        assert ours is not None
        identical(ours, Case.model_validate(data))


LEAKS: list[tuple[str, Any]] = [
    ("subject.name", "王某"), ("subject.id", "91620000MA00000000"), ("subject.address", "某路1号"),
    ("place.name", "某大厦"), ("place.address", "某路2号"), ("office.name", "某街道消防安全办公室"),
    ("facts.narrative", "楼道内停放电动自行车一辆"), ("facts.evidence", ["照片1"]), ("history.0.date", "2026-04-01"),
    ("history.0.deadline", "2026-04-20"), ("history.0.issued_by", "fire_rescue"), ("description", "另一段描述"),
]


@pytest.mark.parametrize("path,value", LEAKS, ids=[f"{p}={v!r}" for p, v in LEAKS])
def test_nothing_of_one_case_leaks_into_another(path: str, value: Any) -> None:
    """Cases differing only in a field that passes through (a name, an address, a history date) get
    their own parts and their own digest: nothing of the case decided before reaches the next one."""
    ruleset = compile_version(bundled_family() / "2024.09")  # a memo of its own
    decide(EXAMPLE, ruleset)  # its parts and its decision are kept now
    other = _set(EXAMPLE, path, value)
    identical(parsed(other) or Case.model_validate({}), Case.model_validate(other))
    for data in (other, json.loads(json.dumps(other))):
        ours, reference = decide(data, ruleset), decide_reference(data, ruleset)
        same(ours, reference)
        assert ours.case_digest == Case.model_validate(other).digest != decide(EXAMPLE, ruleset).case_digest


@pytest.mark.parametrize("path,value", ODD, ids=[f"{p}=" + ("<dropped>" if v is _DROP else repr(v)) for p, v in ODD])
def test_odd_parts_are_left_to_pydantic(path: str, value: Any) -> None:
    """Whatever does not validate, or is not canonical JSON, is not taken from the parts memo: ``parsed``
    gives pydantic's own instance or None (then the caller validates the whole case and reports its error)."""
    decide(EXAMPLE, RULESET)
    odd = _set(EXAMPLE, path, value)
    try:
        theirs: Case | None = case_from_json(odd)
    except CaseError:
        theirs = None
    ours = parsed(odd)
    if theirs is None:
        assert ours is None
    elif ours is not None:
        identical(ours, theirs)


def test_the_parts_memo_is_bounded() -> None:
    assert recall._PARTS.limit == PARTS_KEPT == 16_384
    base = copy.deepcopy(EXAMPLE)
    for n in range(PARTS_KEPT + 100):
        base["subject"] = {**EXAMPLE["subject"], "name": f"某{n}"}
        assert parsed(base) is not None
    assert len(recall._PARTS) <= PARTS_KEPT


def test_a_copy_of_a_case_computes_its_own_digest() -> None:
    """The digest is kept in a slot of the instance, which no copy carries over: a copy computes
    its own from its own content."""
    from fireenforce.model.fast import replaced

    case = Case.model_validate(EXAMPLE)
    digest = case.digest
    later = Case.model_validate({**EXAMPLE, "observed_on": "2026-05-04"})
    for copy_ in (replaced(case, observed_on=later.observed_on), case.model_copy(update={"observed_on": later.observed_on})):
        assert copy_.digest == later.digest != digest
    assert replaced(case, history=tuple(reversed(case.history))).digest == digest  # the order never counts

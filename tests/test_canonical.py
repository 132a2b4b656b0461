"""A case's digest from its parts' kept JSON (model/canonical.py, engine/recall.py ``parsed``) is
the digest pydantic's serializer gives (``Case._canonical_json``): on random cases with any text,
optional fields absent, null or given, local facts of any JSON type, histories in any order."""

from __future__ import annotations

import copy
import hashlib
import json
import pickle
import random
from pathlib import Path
from typing import Any

import pytest

from hypothesis import HealthCheck, given, settings, strategies as st

from fireenforce.engine.recall import parsed
from fireenforce.model.canonical import case_json, part_json
from fireenforce.model.case import Case
from fireenforce.resources import bundled_family
from fireenforce.ruleset.load import load_version
from fireenforce.testing import cases

RULESET = load_version(bundled_family() / "2024.09")
EXAMPLE = json.loads((Path(__file__).parents[1] / "examples" / "ebike-highrise.json").read_text(encoding="utf-8"))
SETTINGS = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# any text JSON can carry: quotes, backslashes, control characters, CJK, emoji (no lone surrogates,
# which pydantic refuses when validating)
TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
JSON_SCALAR = st.none() | st.booleans() | st.integers(-2**70, 2**70) | TEXT | st.floats(allow_nan=False, allow_infinity=False)
JSON_VALUE = st.recursive(JSON_SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                          max_leaves=6)
OPTIONAL = object()  # a field left out of the dict


@st.composite
def case_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid case from ``cases`` as a dict (full or sparse), with text, optional fields
    and local facts added, and its history shuffled."""
    case = draw(cases(RULESET))
    data = case.model_dump(mode="json", exclude_unset=draw(st.booleans()))
    for part, names in (("subject", ("name", "id", "address")), ("place", ("name", "address")), ("office", ("name",))):
        for name in names:
            if draw(st.booleans()):
                data.setdefault(part, {})[name] = draw(TEXT)
    data["description"] = draw(TEXT | st.just(OPTIONAL))
    facts = data.setdefault("facts", {})
    facts["narrative"] = draw(TEXT)
    facts["evidence"] = draw(st.lists(TEXT, max_size=3))
    facts.update(draw(st.dictionaries(st.sampled_from(["local_a", "removed_m2", "区域"]), JSON_VALUE, max_size=2)))
    if data["subject"]["kind"] == "unit":
        person = {"name": draw(TEXT.filter(bool)), "position": draw(TEXT)}
        data["responsible_person"] = draw(st.sampled_from([OPTIONAL, None, person]))
    for entry in data.get("history", ()):
        if draw(st.booleans()):
            entry["deadline"], entry["issued_by"] = entry["date"], draw(st.sampled_from(["office", "fire_rescue"]))
    random.Random(draw(st.integers(0, 9))).shuffle(data.get("history", []))
    return {k: v for k, v in data.items() if v is not OPTIONAL}


@SETTINGS
@given(case_dicts())
def test_a_case_from_kept_parts_has_pydantics_digest(data: dict[str, Any]) -> None:
    """``parsed``'s case carries the digest of its whole serialized JSON, the first time (its parts
    new) and again (its parts kept, the same instances and texts serving another case)."""
    reference = Case.model_validate(data)
    for _ in range(2):
        ours = parsed(copy.deepcopy(data))
        assert ours is not None and ours.digest == reference.digest


@SETTINGS
@given(case_dicts(), st.booleans())
def test_case_json_is_the_serializers_json(data: dict[str, Any], with_parts: bool) -> None:
    """The assembled bytes equal the serializer's, whether the parts' texts are given or not."""
    case = Case.model_validate(data)
    parts = {name: part_json(getattr(case, name)) for name in ("subject", "place", "office", "facts")} if with_parts else {}
    assert case_json(case, parts, [part_json(h) for h in case.history]) == case._canonical_json()


def test_the_digest_lives_with_the_instance_only() -> None:
    """The digest is cached in a slot of the instance, not a pydantic private attribute: validation
    does no private-attribute work, and no copy (``model_copy``, ``copy``, pickling) carries it over."""
    case = Case.model_validate(EXAMPLE)
    assert Case.__private_attributes__ == {} and case.__pydantic_private__ is None
    digest = case.digest
    assert _cached(case) == digest == case.digest
    for other in (case.model_copy(), copy.copy(case), copy.deepcopy(case), pickle.loads(pickle.dumps(case))):
        with pytest.raises(AttributeError):
            _cached(other)
        assert other == case and other.digest == digest


def _cached(case: Case) -> str:
    return Case.__dict__["_digest_cache"].__get__(case)


def _digest_by_copy(case: Case) -> str:
    """The digest as it was first defined: pydantic's serializer of a copy of the case with its
    history in date order, leaving out an absent responsible person."""
    ordered = sorted(case.history, key=lambda h: (h.date, h.item, h.step, h.rectified))
    copied = case.model_copy(update={"history": tuple(ordered)})
    text = Case.__pydantic_serializer__.to_json(
        copied, exclude={"responsible_person"} if case.responsible_person is None else None)
    return "sha256:" + hashlib.sha256(text).hexdigest()


@SETTINGS
@given(case_dicts())
def test_a_cases_digest_is_the_serializers_of_its_ordered_copy(data: dict[str, Any]) -> None:
    """``Case.digest`` (the serializer's JSON with the absent responsible person cut off its end,
    the history put in order without pydantic's copy) equals the digest of the case's ordered copy
    as pydantic serializes it, on random cases, histories in any order, equal dates included."""
    case = Case.model_validate(data)
    assert case.digest == _digest_by_copy(case)
    if len(case.history) > 1:  # entries of one day: the order falls to item, step, rectified
        first = min(h["date"] for h in data["history"])  # ISO dates; no deadline or re-inspection before it
        same_day = Case.model_validate({**data, "history": [{**h, "date": first} for h in data["history"]]})
        assert same_day.digest == _digest_by_copy(same_day)

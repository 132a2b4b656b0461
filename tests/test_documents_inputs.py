"""``render`` from Python: ordinary argument types work or are refused in one DocumentError line
naming the parameter; a what-if decision never becomes a legal document."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

import fireenforce as fe
from fireenforce.documents import render
from fireenforce.errors import DocumentError
from fireenforce.resources import bundled_family

CASE = {"item": "EV-BLOCK", "subject": {"kind": "unit", "operating": True, "name": "某某超市"},
        "office": {"level": "street", "name": "北街街道消防安全办公室"}, "observed_on": "2026-05-03",
        "history": [{"date": "2026-04-01", "item": "EV-BLOCK", "step": "warning"}]}
DECISION = fe.decide(CASE)


def test_the_case_decides_a_general_penalty() -> None:
    assert DECISION.step == "penalty" and "penalty_decision" in DECISION.documents


def test_iso_strings_are_dates() -> None:
    as_text = render(CASE, DECISION, "penalty_decision", fine=20000, format="text",
                     date="2026-05-20", notice_date="2026-05-07")
    as_dates = render(CASE, DECISION, "penalty_decision", fine=20000, format="text",
                      date=dt.date(2026, 5, 20), notice_date=dt.date(2026, 5, 7))
    assert as_text == as_dates and "2026年5月20日" in as_text


@pytest.mark.parametrize("form", ["dict", "json", "bytes"])
def test_a_decision_as_dict_or_json_text(form: str) -> None:
    data = DECISION.model_dump(mode="json")
    given = {"dict": data, "json": json.dumps(data, ensure_ascii=False),
             "bytes": json.dumps(data).encode()}[form]
    assert render(CASE, given, "penalty_notice", fine=20000, format="text") == \
        render(CASE, DECISION, "penalty_notice", fine=20000, format="text")


@pytest.mark.parametrize(("options", "start"), [
    ({"fine": "20000"}, "fine: str '20000' given; expected the fine in yuan as a whole number"),
    ({"fine": 20000.5}, "fine: float 20000.5 given"),
    ({"fine": True}, "fine: bool True given"),
    ({"fine": 20000, "serial": "abc"}, "serial: str 'abc' given; expected the serial number as a whole number"),
    ({"fine": 20000, "date": "2026-13-01"}, "date: str '2026-13-01' given; expected a date"),
    ({"fine": 20000, "date": "07/05/2026"}, "date: str '07/05/2026' given"),
    ({"fine": 20000, "date": 20260507}, "date: int 20260507 given"),
    ({"fine": 20000, "date": dt.datetime(2026, 5, 7, 9, 0)}, "date: datetime"),
    ({"fine": 20000, "formal_warning": "no"}, "formal_warning: str 'no' given; expected True or False"),
    ({"fine": 20000, "offices": 5}, "offices: int 5 given; expected a file path"),
    ({"fine": 20000, "ruleset": "rulesets/xifeng/2024.09"}, "ruleset: str given; expected a Ruleset"),
])
def test_wrong_types_are_one_line_naming_the_parameter(options: dict[str, Any], start: str) -> None:
    with pytest.raises(DocumentError) as info:
        render(CASE, DECISION, "penalty_notice", format="text", **options)
    assert str(info.value).startswith(start) and "\n" not in str(info.value), str(info.value)


@pytest.mark.parametrize(("decision", "start"), [
    (None, "decision: None given; expected a Decision"),
    ([1], "decision: list given"),
    ("{", "decision: not valid JSON"),
    ('{"step": "penalty", "step": "warning"}', "decision.step: duplicate key"),
    ({"step": "penalty"}, "decision."),
])
def test_a_bad_decision_argument_is_one_line(decision: Any, start: str) -> None:
    with pytest.raises(DocumentError) as info:
        render(CASE, decision, "penalty_notice", fine=20000, format="text")
    assert str(info.value).startswith(start) and "\n" not in str(info.value), str(info.value)


def test_a_what_if_decision_is_not_rendered() -> None:
    old = fe.load_ruleset(bundled_family() / "2022.03")
    what_if = fe.decide(CASE, ruleset=old, what_if=True)
    assert "DOUBT-WHAT-IF" in [d.code for d in what_if.doubts]
    for document in what_if.documents:
        with pytest.raises(DocumentError, match="decision: a what-if decision"):
            render(CASE, what_if, document, ruleset=old, format="text")

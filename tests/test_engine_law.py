"""The law by date: dated penalty branches, lex mitior in both directions, limitation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import fireenforce as fe
from fireenforce.resources import bundled_family
from fireenforce.ruleset.load import compile_version

UNIT = '''  - id: unit
    when: {subject: unit}
    cite: ["fire-law:60:1:3"]
    compulsory: ["fire-law:60:3"]
    kinds: [fine]
    choice: all
    fine: {min: 5000, max: 50000}'''


def amended(tmp_path: Path, new_min: int, new_max: int) -> fe.Ruleset:
    """EV-BLOCK's unit range amended from 2025-01-01 (a dated branch replaces the old one)."""
    root = tmp_path / "v"
    shutil.copytree(bundled_family() / "2024.09", root)
    path = root / "catalogue" / "EV-BLOCK.yaml"
    text = path.read_text(encoding="utf-8")
    assert UNIT in text
    new = UNIT.replace("id: unit", "id: unit-2025").replace("{min: 5000, max: 50000}", f"{{min: {new_min}, max: {new_max}}}")
    text = text.replace(UNIT, UNIT.replace("    when:", "    to: 2025-01-01\n    when:", 1) + "\n"
                        + new.replace("    when:", "    from: 2025-01-01\n    when:", 1), 1)
    path.write_text(text, encoding="utf-8")
    return compile_version(root)


CASE = {
    "item": "EV-BLOCK", "subject": {"kind": "unit", "operating": True}, "office": {"level": "street"},
    "occurred_on": "2024-10-01", "ended_on": "2024-11-01", "observed_on": "2025-03-01",
    "facts": {"serious": True},
}


def test_lighter_new_range_applies_to_earlier_conduct(tmp_path: Path) -> None:
    rs = amended(tmp_path, 4000, 40000)
    decision = fe.decide(CASE, ruleset=rs)
    assert decision.penalty.fine.max == 40000 and decision.law_date.isoformat() == "2025-03-01"
    assert "law.lex-mitior" in [r.rule for r in decision.reasons]


def test_heavier_new_range_does_not_reach_back(tmp_path: Path) -> None:
    rs = amended(tmp_path, 6000, 60000)
    decision = fe.decide(CASE, ruleset=rs)
    assert decision.penalty.fine.max == 50000 and decision.law_date.isoformat() == "2024-11-01"
    assert "law.conduct-time" in [r.rule for r in decision.reasons]
    later = fe.decide({**CASE, "occurred_on": "2025-02-01", "ended_on": "2025-02-10"}, ruleset=rs)
    assert later.penalty.fine.max == 60000


def test_dated_branch_out_of_order_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "v"
    shutil.copytree(bundled_family() / "2024.09", root)
    path = root / "catalogue" / "EV-BLOCK.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(UNIT, UNIT.replace(
        "    when:", "    from: 2025-01-01\n    to: 2024-01-01\n    when:", 1)), encoding="utf-8")
    with pytest.raises(fe.RulesetError, match="RS-DATED-ORDER"):
        compile_version(root)


@pytest.mark.parametrize(("ended", "harm", "barred"), [
    ("2023-02-28", False, True), ("2023-03-01", False, False), ("2023-02-28", True, False), ("2020-02-28", True, True),
])
def test_limitation_two_years_or_five_with_harm(ended: str, harm: bool, barred: bool) -> None:
    case = {**CASE, "occurred_on": "2020-01-01", "ended_on": ended, "observed_on": "2025-03-01",
            "facts": {"serious": True, "harm": harm}}
    if ended < "2021-04-29":
        with pytest.raises(fe.CaseError, match="no duty provision"):
            fe.decide(case)
        return
    decision = fe.decide(case)
    assert decision.limitation.barred is barred
    assert (decision.step == "warning") is barred
    if barred:
        assert decision.reasons[-2].rule == "override.time-barred" or "limitation.barred" in [r.rule for r in decision.reasons]

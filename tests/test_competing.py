"""policy/competing.yaml (penalty-law arts. 29, 13) is a switch legal staff can set: both settings
are tested with worked cases, and the engine has no preference of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fireenforce.engine import decide
from fireenforce.resources import bundled_family
from fireenforce.ruleset.load import load_version
from fireenforce.testing.casefiles import load_case_file, run_case
from fireenforce.verify.static import static_findings

FAMILY = bundled_family()
SPECIAL_CASES = Path(__file__).parent / "data" / "special-rule-cases.yaml"
HIGHRISE_INDIVIDUAL = {
    "item": "EB-CHARGE", "subject": {"kind": "individual", "operating": True}, "place": {"high_rise": True},
    "office": {"level": "street", "name": "北街街道消防安全办公室"}, "observed_on": "2025-03-10",
    "facts": {"refused": True, "hinders_evacuation": True},
    "history": [{"date": "2025-01-10", "item": "EB-CHARGE", "step": "warning"}],
}


def with_precedence(tmp_path: Path, precedence: str) -> Path:
    root = tmp_path / "2024.09"
    shutil.copytree(FAMILY / "2024.09", root)
    path = root / "policy" / "competing.yaml"
    text = path.read_text(encoding="utf-8")
    assert "precedence: higher_fine" in text
    path.write_text(text.replace("precedence: higher_fine", f"precedence: {precedence}"), encoding="utf-8")
    return root


def test_bundled_default_is_what_articles_29_and_13_say() -> None:
    rs = load_version(FAMILY / "2024.09")
    assert rs.policy.spec.competing.precedence == "higher_fine"
    assert rs.policy.spec.competing.cites == ["penalty-law:29", "penalty-law:13:1"]
    decision = decide(HIGHRISE_INDIVIDUAL, ruleset=rs)
    assert [b.cite for b in decision.legal_basis if b.role == "penalty"] == ["fire-law:60:2"]
    assert decision.penalty is not None and decision.penalty.fine is not None
    assert (decision.penalty.fine.min, decision.penalty.fine.max) == (1, 500)  # 47(7)'s 2000–10000 exceeds the law's range
    doubt = next(d for d in decision.doubts if d.code == "DOUBT-HR47-SPECIAL")
    assert "第二十九条" in doubt.text and "第十三条" in doubt.text


def test_special_rule_setting_applies_highrise_rule_47(tmp_path: Path) -> None:
    rs = load_version(with_precedence(tmp_path, "special_rule"))
    decision = decide(HIGHRISE_INDIVIDUAL, ruleset=rs)
    assert [b.cite for b in decision.legal_basis if b.role == "penalty"] == ["highrise-rules:47:1:7"]
    assert decision.penalty is not None and decision.penalty.fine is not None
    assert (decision.penalty.fine.min, decision.penalty.fine.max) == (2000, 10000)
    reason = next(r for r in decision.reasons if r.rule == "law.competing-special-rule")
    assert reason.cites == () and "competing.yaml" in reason.text  # arts. 29 and 13 do not support it
    doubt = next(d for d in decision.doubts if d.code == "DOUBT-HR47-SPECIAL")
    assert "第二十九条" in doubt.text and "优先适用特别规定" in doubt.text
    assert not [f for f in static_findings(rs) if f.code == "VF-BRANCH-SET-ASIDE"]


@pytest.mark.parametrize("precedence", ["higher_fine", "special_rule"])
def test_worked_cases_hold_exactly_under_their_setting(tmp_path: Path, precedence: str) -> None:
    """The special-rule suite passes under special_rule; under higher_fine most of it fails (the
    setting decides), while the bundled competing.yaml suite passes only under higher_fine."""
    rs = load_version(with_precedence(tmp_path, precedence))
    special = [run_case(c, lambda _: rs) for c in load_case_file(SPECIAL_CASES)]
    bundled = [run_case(c, lambda _: rs) for c in load_case_file(FAMILY / "2024.09" / "cases" / "competing.yaml")]
    if precedence == "special_rule":
        assert not any(special)
        assert sum(bool(m) for m in bundled) >= 2
    else:
        assert sum(bool(m) for m in special) >= len(special) // 2
        assert not any(bundled)


@pytest.mark.parametrize("precedence", ["higher_fine", "special_rule"])
def test_without_hindering_evacuation_only_rule_47_applies_under_either_setting(tmp_path: Path,
                                                                                precedence: str) -> None:
    """Fire-law 60(1)(3) needs conduct that hinders evacuation: without that finding nothing
    competes and 高层规定 47(7) applies alone, with its refusal precondition."""
    rs = load_version(with_precedence(tmp_path, precedence))
    case = {**HIGHRISE_INDIVIDUAL, "facts": {"refused": True}}
    decision = decide(case, ruleset=rs)
    assert [b.cite for b in decision.legal_basis if b.role in ("penalty", "compulsory")] == ["highrise-rules:47:1:7"]
    assert not {"law.competing-higher-fine", "law.competing-special-rule"} & {r.rule for r in decision.reasons}
    assert "DOUBT-HR47-ALONE" in {d.code for d in decision.doubts}
    assert decision.penalty is not None and decision.penalty.precondition == "refusal"

"""消防法第五十四条 (and 第四十五条第一款) is what the fire-rescue agency acts on (it notifies and seals), not a duty of
the subject: decisions cite it with role ``basis`` (依据), documents list it under 依据 and never
under 违反的规定, and the decision says the doubt (legal/INDEX.md lists it as a duty)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import fireenforce as fe
from fireenforce.errors import RulesetError
from fireenforce.ruleset.load import compile_version, load_version

REPO = Path(__file__).resolve().parents[1]
VERSIONS = sorted(p.parent for p in (REPO / "rulesets").glob("*/*/ruleset.yaml"))
OFFICE = {"level": "street", "name": "北街街道消防安全办公室"}
AGENCY = "消防救援机构的职权依据（非本机关职权，本机关不据此作出处理；需要时移送消防救援机构）："


def _case(item: str, kind: str) -> dict[str, Any]:
    return {"item": item, "subject": {"kind": kind, "operating": False, "name": "某某"}, "office": OFFICE,
            "place": {"name": "某某仓库"}, "observed_on": "2025-03-10"}


def _section(text: str, heading: str) -> str:
    """The lines of ``text`` after ``heading`` up to the next blank line or heading."""
    start = text.index(heading) + len(heading)
    return text[start:start + 400]


@pytest.mark.parametrize("version", VERSIONS, ids=lambda p: p.name)
def test_no_bundled_item_lists_article_54_as_violated(version: Path) -> None:
    rs = load_version(version)
    for code in ("RC-NOTICE", "SE-UNSEAL"):
        spec = rs.items[code].spec
        assert "fire-law:54" not in [c.cite for c in spec.violated]
        assert "fire-law:54" in [c.cite for c in spec.basis]
        assert "DOUBT-FIRE-LAW-54" in [d.code for d in spec.doubts]


@pytest.mark.parametrize(("item", "kind", "violated"), [
    ("RC-NOTICE", "unit", ["fire-law:16:1:5"]),
    ("RC-NOTICE", "individual", []),
    ("SE-UNSEAL", "individual", []),
    ("SE-UNSEAL", "unit", []),
])
def test_decisions_cite_article_54_as_basis_and_say_the_doubt(item: str, kind: str, violated: list[str]) -> None:
    decision = fe.decide(_case(item, kind))
    roles = {b.cite: b.role for b in decision.legal_basis}
    assert roles["fire-law:54"] == "basis"
    assert [b.cite for b in decision.legal_basis if b.role == "violated"] == violated
    [doubt] = [d for d in decision.doubts if d.code == "DOUBT-FIRE-LAW-54"]
    assert "第五十四条" in doubt.text and "依据" in doubt.text
    as_json = decision.model_dump(mode="json")
    assert {"cite": "fire-law:54", "role": "basis"}.items() <= next(
        b for b in as_json["legal_basis"] if b["cite"] == "fire-law:54").items()


def test_documents_say_yiju_for_article_54_and_never_weifan() -> None:
    case = _case("RC-NOTICE", "unit")
    decision = fe.decide(case)
    text = fe.render(case, decision, "inspection_record", format="text")
    violated = _section(text, "违反的规定")
    assert "第十六条第一款第（五）项" in violated.split("依据")[0] and "第五十四条" not in violated.split("依据")[0]
    assert "第五十四条" in _section(text, AGENCY) and "消防救援机构在消防监督检查中发现火灾隐患的" in text
    assert "\n　　依据：" not in text  # the office's own record never presents the agency's power as its own
    letter = fe.render(case, decision, "referral_letter", format="text")
    assert "上述行为违反了下列规定" in letter and "第五十四条" not in _section(letter, "上述行为违反了下列规定").split("依据")[0]
    assert "第五十四条" in _section(letter, "移送消防救援机构处理的依据（消防救援机构的职权）：")


def test_papers_in_the_agencys_name_cite_article_54_as_their_own_basis() -> None:
    """A penalty the office imposes under 委托 is the brigade's act: there 第五十四条 is the issuer's 依据."""
    case = {**_case("RC-NOTICE", "unit"), "history": [
        {"date": "2025-02-01", "item": "RC-NOTICE", "step": "warning", "deadline": "2025-02-08", "rectified": False,
         "issued_by": "fire_rescue"}]}
    decision = fe.decide(case)
    assert decision.step == "penalty", decision.reasons
    text = fe.render(case, decision, "penalty_notice", format="text", fine=20000)
    assert "庆阳市西峰区消防救援大队" in text.splitlines()[2] and "第五十四条" in _section(text, "\n　　依据：")
    assert AGENCY not in text


def test_an_item_without_a_duty_has_no_violated_section() -> None:
    case = _case("SE-UNSEAL", "individual")
    text = fe.render(case, fe.decide(case), "inspection_record", format="text")
    assert "违反的规定" not in text and "违反了下列规定" not in text
    assert "第五十四条" in _section(text, AGENCY)
    assert fe.decide(case).model_dump(mode="json")["doubts"]


def test_an_item_with_neither_a_duty_nor_a_basis_is_refused(tmp_path: Path) -> None:
    import shutil
    copy = tmp_path / "2024.09"
    shutil.copytree(REPO / "rulesets" / "xifeng" / "2024.09", copy)
    path = copy / "catalogue" / "SE-UNSEAL.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("basis:")
    path.write_text(text[:start] + text[text.index("penalties:"):], encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        compile_version(copy)
    assert "RS-ITEM-NO-LAW" in [f.code for f in info.value.findings]


@pytest.mark.parametrize("version", VERSIONS, ids=lambda p: p.name)
def test_the_fire_scene_command_power_is_a_basis_not_a_violated_duty(version: Path) -> None:
    """消防法第四十五条第一款 is the agency's power to command at the scene (found by the legal
    review): FI-SCENE-ORDER cites it as 依据; the conduct is 第六十四条第（四）项."""
    spec = load_version(version).items["FI-SCENE-ORDER"].spec
    assert [c.cite for c in spec.violated] == []
    assert [c.cite for c in spec.basis] == ["fire-law:45:1"]
    assert "DOUBT-64-DUTY" in [d.code for d in spec.doubts]

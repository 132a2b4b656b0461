"""Documents that are legal documents: made for their own case, dated lawfully, carrying legal
elements only; the README's example renders and its signature of ``render`` is the real one."""

from __future__ import annotations

import datetime as dt
import inspect
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

import fireenforce as fe

ROOT = Path(__file__).resolve().parents[1]
CASE: dict[str, Any] = {
    "item": "EV-BLOCK",
    "subject": {"kind": "unit", "operating": True, "name": "某某超市"},
    "office": {"level": "street", "name": "北街街道消防安全办公室"},
    "observed_on": "2026-05-03",
    "history": [{"date": "2026-04-01", "item": "EV-BLOCK", "step": "warning"}],
}


def test_a_decision_renders_only_for_its_own_case() -> None:
    other = {**CASE, "subject": {"kind": "unit", "operating": True, "name": "另一超市"}}
    decision = fe.decide(other)
    assert decision.case_digest == fe.Case.model_validate(other).digest
    with pytest.raises(fe.DocumentError, match="decision: it was made for another case"):
        fe.render(CASE, decision, "penalty_notice", fine=20000)
    assert "另一超市" in fe.render(other, decision, "penalty_notice", fine=20000, format="text")


def test_no_document_is_dated_before_the_inspection() -> None:
    decision = fe.decide(CASE)
    for document in decision.documents:
        kwargs = {"fine": 20000} if document != "inspection_record" else {}
        with pytest.raises(fe.DocumentError, match=r"date: 2026-05-02 is before the inspection \(observed_on 2026-05-03\)"):
            fe.render(CASE, decision, document, date=dt.date(2026, 5, 2), **kwargs)


def _date_line(text: str) -> str:
    return [line.strip() for line in text.splitlines() if re.fullmatch(r"\s*\d{4}年\d+月\d+日", line)][-1]


def test_a_general_penalty_decision_follows_the_statement_period_of_its_notice() -> None:
    """40000 yuan for a unit reaches the hearing threshold: 5 working days (ruleset terms; penalty-law
    art. 85) from 2026-05-03, in the 劳动节 days off: 05-06, 05-07, 05-08, Saturday 05-09 (调休上班), 05-11."""
    decision = fe.decide(CASE)
    assert decision.procedure == "general" and decision.hearing_right
    with pytest.raises(fe.DocumentError, match=r"date: 2026-05-11 is within the periods the notice of 2026-05-03 gives "
                                               r"\(3 days for statements \(the office's terms: 《中华人民共和国行政处罚法》第四十五条 gives "
                                               r"the right, not the number of days\) and 5 working days for a hearing "
                                               r"request \(《中华人民共和国行政处罚法》第六十三条"):
        fe.render(CASE, decision, "penalty_decision", fine=40000, date=dt.date(2026, 5, 11))
    assert _date_line(fe.render(CASE, decision, "penalty_decision", fine=40000, format="text")) == "2026年5月12日"
    later = fe.render(CASE, decision, "penalty_decision", fine=40000, format="text", notice_date=dt.date(2026, 5, 10))
    assert _date_line(later) == "2026年5月16日"  # 05-11 to 05-15
    with pytest.raises(fe.DocumentError, match="notice_date: only a general-procedure penalty_decision"):
        fe.render(CASE, decision, "penalty_notice", fine=40000, notice_date=dt.date(2026, 5, 4))


def test_the_statement_period_is_ruleset_data(tmp_path: Path) -> None:
    root = tmp_path / "2024.09"
    shutil.copytree(ROOT / "rulesets/xifeng/2024.09", root)
    offices = root / "offices.yaml"
    text = offices.read_text(encoding="utf-8")
    offices.write_text(text.replace("hearing_request_days: 5", "hearing_request_days: 10"), encoding="utf-8")
    rs = fe.load_ruleset(root)
    decision = fe.decide(CASE, ruleset=rs)
    out = fe.render(CASE, decision, "penalty_decision", fine=40000, format="text", ruleset=rs)
    assert _date_line(out) == "2026年5月19日"  # ten working days: 05-06 to 05-18 with Saturday 05-09


ENGINE_NOTES = ("建议罚款", "法定幅度", "裁量阶次", "持有该事项的处罚权", "适用普通程序", "适用违法行为发生时")


@pytest.mark.parametrize("case", [
    CASE,
    {**CASE, "item": "EB-CHARGE", "subject": {"kind": "individual", "name": "张某"}, "place": {"high_rise": True}},
    {**CASE, "item": "EV-BLOCK", "subject": {"kind": "individual", "name": "张某"}},
    {**CASE, "item": "HR-FIRE-TEAM", "place": {"high_rise": True},
     "office": {"level": "township", "name": "什社乡消防安全办公室"},
     "history": [{"date": "2026-04-01", "item": "HR-FIRE-TEAM", "step": "warning"}]},
    {**CASE, "history": []},
], ids=["unit-penalty", "highrise-individual", "individual-summary", "referral", "reminder"])
def test_documents_carry_legal_elements_not_engine_notes(case: dict[str, Any]) -> None:
    decision = fe.decide(case)
    for document in decision.documents:
        kwargs: dict[str, Any] = {}
        if document in ("penalty_notice", "penalty_decision", "summary_penalty_decision"):
            fine = decision.penalty.fine  # type: ignore[union-attr]
            kwargs = {"fine": max(fine.suggested.min, 1)} if fine else {}
            if decision.penalty.choice == "one" and "formal_warning" in decision.penalty.kinds:  # type: ignore[union-attr]
                kwargs = {"formal_warning": True}
        text = fe.render(case, decision, document, format="text", **kwargs)
        leaked = [note for note in ENGINE_NOTES if note in text]
        assert not leaked, f"{document}: {leaked}"
        if document == "referral_letter":  # why the office hands the case over is a legal element here
            assert "处罚须由西峰区消防救援大队作出" in text


def _readme_python() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Use", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readme_example_renders() -> None:
    namespace: dict[str, Any] = {}
    exec(_readme_python(), namespace)  # noqa: S102 - the README's own example, as a user runs it
    assert namespace["decision"].documents == ("inspection_record", "penalty_notice", "penalty_decision")
    assert "某某超市" in namespace["notice"] and "由庆阳市西峰区北街街道办事处实施" in namespace["notice"]


def test_a_missing_office_name_is_the_case_missing_field() -> None:
    case = {**CASE, "office": {"level": "street"}}
    with pytest.raises(fe.CaseError) as info:
        fe.render(case, fe.decide(case), "penalty_notice", fine=20000)
    assert info.value.field == "office.name"


def test_the_readme_documents_render_with_its_real_signature() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = re.search(r"fe\.render\(case, decision, document, \*,(.*?)\) -> str", readme, re.S)
    assert documented, "README lacks the signature of fe.render"
    given = [part.split("=")[0].strip() for part in documented.group(1).split(",") if part.strip()]
    parameters = inspect.signature(fe.render).parameters
    assert list(parameters)[:3] == ["case", "decision", "document"]
    assert given == [name for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY]
    defaults = {name: p.default for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY}
    for part in documented.group(1).split(","):
        name, _, default = part.strip().partition("=")
        assert repr(defaults[name.strip()]).replace("'", '"') == default.strip()


def test_the_readme_states_the_default_date_of_a_general_penalty_decision() -> None:
    """The README's example date is the one render gives: the day after the notice's statement period."""
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    example = re.search(r"first day after the statement period of its notice, e\.g\. (\S+) for a notice of (\S+) with", readme)
    assert example, "README does not say how a general penalty_decision is dated"
    assert CASE["observed_on"] == example.group(2)  # the notice's default date: the decision date
    text = fe.render(CASE, fe.decide(CASE), "penalty_decision", fine=20000, format="text")  # no hearing at 20000
    day = dt.date.fromisoformat(example.group(1))
    assert f"{day.year}年{day.month}月{day.day}日" in text


@pytest.mark.parametrize("item, document, said", [
    ("PS-FALSE-ALARM", "referral_letter", "（该行为于2025年3月1日实施）"),
    ("FI-NEGLIGENT", "inspection_record", "（该行为于2025年3月1日实施）"),
    ("EV-BLOCK", "inspection_record", "（该行为自2025年3月1日起持续至检查时）"),
])
def test_a_completed_act_is_said_to_be_done_not_continuing(item: str, document: str, said: str) -> None:
    case = {"item": item, "subject": {"kind": "individual", "name": "张三"},
            "office": {"level": "street", "name": "北街街道消防安全办公室"},
            "occurred_on": "2025-03-01", "observed_on": "2025-03-10"}
    text = str(fe.render(case, fe.decide(case), document, format="text"))
    assert said in text
    assert item == "EV-BLOCK" or "持续" not in text


@pytest.mark.parametrize("item", ["EB-INDOOR", "OB-RESIDENTIAL"])
@pytest.mark.parametrize("history", [[], [{"date": "2026-04-01", "step": "reminder"}],
                                     [{"date": "2026-03-01", "step": "reminder"}, {"date": "2026-04-01", "step": "warning"}]])
def test_a_general_duty_item_is_advised_never_ordered(item: str, history: list[dict[str, str]]) -> None:
    """Only a general duty (catalogue ``duty: general``) binds: the record gives the basis of advice,
    never 违反的规定, 违法行为 nor an order to correct, whatever the step."""
    case = {**CASE, "item": item, "subject": {"kind": "individual", "name": "李四"},
            "history": [{**h, "item": item} for h in history]}
    decision = fe.decide(case)
    assert decision.documents == ("inspection_record",) and not decision.rectification.required
    fired = [r.rule for r in decision.reasons]
    assert f"advice.{decision.step}" in fired
    assert not any(r.startswith(("ladder.", "override.")) for r in fired)
    stated = " ".join(r.text for r in decision.reasons)
    assert "责令当事人" not in stated and "责令限期改正" not in stated and "予以处罚" not in stated
    text = fe.render(case, decision, "inspection_record", format="text")
    assert "提醒、劝阻的依据" in text and "违反的规定" not in text and "违法行为" not in text
    assert "《中华人民共和国消防法》第五条" in text and "责令当事人" not in text

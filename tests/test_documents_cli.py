"""``fireenforce render`` end to end: real decisions from the bundled ruleset, office files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import fireenforce as fe
from fireenforce.cli import main
from fireenforce.documents import render
from fireenforce.errors import CaseError, DocumentError

UNIT = {"kind": "unit", "operating": True, "name": "某某超市", "id": "91621002MA00000000", "address": "西峰区北大街1号"}
PERSON = {"kind": "individual", "name": "李四", "address": "西峰区某某小区5号楼"}


def case(step_before: str | None, subject: dict[str, Any] = UNIT, **facts: Any) -> dict[str, Any]:
    history = [{"date": "2026-03-10", "item": "EV-BLOCK", "step": step_before}] if step_before else []
    return {
        "item": "EV-BLOCK", "subject": subject, "place": {"name": "某某小区3号楼"},
        "office": {"level": "street", "name": "北街街道消防安全办公室"},
        "observed_on": "2026-05-03", "facts": {"narrative": "楼道堆放纸箱堵塞疏散通道", **facts},
        "history": history,
    }


def run(tmp_path: Path, data: dict[str, Any], *args: str) -> tuple[int, str, str]:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.doc"
    code = main(["render", str(path), *args, "--out", str(out)])
    return code, out.read_text(encoding="utf-8") if out.exists() else "", str(path)


def test_every_document_of_real_decisions_renders() -> None:
    rs = fe.load_ruleset()
    seen = set()
    for before, subject, choice in [(None, UNIT, {}), ("reminder", UNIT, {}), ("warning", UNIT, {"fine": 20000}),
                                    ("warning", PERSON, {"formal_warning": True}), ("penalty", UNIT, {})]:
        c = fe.Case.model_validate(case(before, subject))
        decision = fe.decide(c, ruleset=rs)
        for document in decision.documents:
            kw = choice if document in ("penalty_notice", "penalty_decision", "summary_penalty_decision") else {}
            for fmt in ("html", "text"):
                text = render(c, decision, document, format=fmt, ruleset=rs, serial=1, **kw)
                assert subject["name"] in text and "〔2026〕第1号" in text
            seen.add(document)
    assert seen == {"inspection_record", "rectification_order", "penalty_notice", "penalty_decision",
                    "summary_penalty_decision", "referral_letter"}


def test_cli_writes_the_document(tmp_path: Path) -> None:
    code, text, _ = run(tmp_path, case("warning"), "--document", "penalty_decision", "--fine", "12000",
                        "--format", "text", "--serial", "12", "--date", "2026-05-20")
    assert code == 0
    assert "西消北街委罚决字〔2026〕第12号" in text and "罚款人民币12000元（大写：壹万贰仟元整）" in text
    assert "2026年5月20日" in text


@pytest.mark.parametrize(("before", "args", "message"), [
    ("warning", ["--document", "penalty_decision", "--fine", "60000"], "outside the legal range 5000–50000 yuan"),
    (None, ["--document", "penalty_decision", "--fine", "6000"], "does not fit this decision (step reminder"),
    ("warning", ["--document", "penalty_decision"], "choose the fine"),
    ("warning", ["--document", "inspection_record", "--fine", "6000"], "apply only to penalty documents"),
])
def test_cli_refuses_with_exit_2_and_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              before: str | None, args: list[str], message: str) -> None:
    code, text, _ = run(tmp_path, case(before), *args)
    err = capsys.readouterr().err
    assert code == 2 and text == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_summary_fine_above_the_on_the_spot_limit_is_refused() -> None:
    rs = fe.load_ruleset()
    c = fe.Case.model_validate(case("warning", PERSON))
    decision = fe.decide(c, ruleset=rs)
    assert "summary_penalty_decision" in decision.documents
    with pytest.raises(DocumentError, match="exceeds the on-the-spot limit of 200 yuan") as info:
        render(c, decision, "summary_penalty_decision", fine=300, ruleset=rs)
    # cited as documents and other messages cite a provision, from the ruleset's limit data
    assert "(《中华人民共和国行政处罚法》第五十一条)" in str(info.value) and "art. 51" not in str(info.value)


def test_offices_file_overrides_and_clears_the_sample_notice(tmp_path: Path) -> None:
    offices = tmp_path / "offices.yaml"
    offices.write_text(
        "defaults: {bank: 甘肃银行西峰支行, account_name: 西峰区财政局, account: '6200 1234', sample: false}\n"
        "levels:\n  street: {form: 赋权, acting_in_name_of: '', sample: false}\n"
        "offices:\n  北街街道消防安全办公室:\n"
        "    {code: 北街消, government: 西峰区北街街道办事处, address: 北街1号, phone: '0934-1', review_body: 西峰区人民政府, court: 西峰区人民法院,"
        " brigade: 西峰区消防救援大队, sample: false}\n",
        encoding="utf-8",
    )
    code, text, _ = run(tmp_path, case("warning"), "--document", "penalty_decision", "--fine", "8000",
                        "--format", "text", "--offices", str(offices))
    assert code == 0
    assert "甘肃银行西峰支行" in text and "北街消罚决字〔2026〕第____号" in text and "示例配置" not in text
    # 赋权 (penalty-law art. 24): the penalty is the township's own, issued in its name, not the office's
    assert text.splitlines()[0].strip() == "西峰区北街街道办事处" and "委托" not in text.split("当事人")[0]
    assert "委托" not in text


@pytest.mark.parametrize(("content", "message"), [
    ("levels:\n  street: {bank_acount: x}\n", "levels.street.bank_acount: unknown field"),
    ("levels: [1\n", "offices.yaml:2: invalid YAML"),
    ("terms: {payment_days: 15}\n", "terms.payment_basis: Field required"),
])
def test_bad_offices_file_is_one_line_naming_file_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            content: str, message: str) -> None:
    offices = tmp_path / "offices.yaml"
    offices.write_text(content, encoding="utf-8")
    code, _, _ = run(tmp_path, case("warning"), "--document", "penalty_decision", "--fine", "8000",
                     "--offices", str(offices))
    err = capsys.readouterr().err
    assert code == 2 and str(offices) in err and message in err and err.count("\n") == 1


def test_an_office_without_a_document_code_is_refused(tmp_path: Path) -> None:
    data = case("warning")
    data["office"]["name"] = "温泉镇消防安全办公室"
    data["office"]["level"] = "town"
    c = fe.Case.model_validate(data)
    with pytest.raises(CaseError, match=r'^office\.name: unknown office "温泉镇消防安全办公室"; known: 北街'):
        render(c, fe.decide(c), "inspection_record")  # offices.yaml does not know it
    offices = tmp_path / "offices.yaml"
    offices.write_text("offices:\n  温泉镇消防安全办公室: {government: 温泉镇人民政府}\n", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"offices\.温泉镇消防安全办公室\.code: missing"):
        render(c, fe.decide(c), "inspection_record", offices=offices)  # known, but without its code

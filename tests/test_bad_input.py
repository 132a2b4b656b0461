"""Bad input, from Python and from the CLI: one line naming the field, exit 2, never a traceback;
strict JSON types, no duplicate keys, no undeclared facts, bounded sizes, one error format."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

import fireenforce as fe
from fireenforce.cli import main
from fireenforce.model.case import MAX_TEXT

from test_decide_api import BASE, ROOT  # the same valid case, changed one field at a time


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str,
        stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, text: str, *args: str) -> str:
    """The one error line the CLI prints for ``text``, checked against the API's message."""
    code, out, err = run(capsys, monkeypatch, "decide", "-", *args, stdin=text)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("fireenforce: error: "), err
    return err.removeprefix("fireenforce: error: ").strip()


@pytest.mark.parametrize(("case", "expected"), [
    ({**BASE, "observed_on": "9999-12-31"}, "observed_on: 9999-12-31 is outside the dates a case may carry"),
    ({**BASE, "observed_on": 20260503}, "observed_on: 20260503 is not a date"),
    ({**BASE, "subject": {"kind": "unit", "operating": "yes"}}, "subject.operating: a string 'yes' given; expected a JSON boolean"),
    ({**BASE, "subject": {"kind": "unit", "operating": "true"}}, "subject.operating: a string 'true' given"),
    ({**BASE, "subject": {"kind": "unit", "operating": 1}}, "subject.operating: a number 1 given"),
    ({**BASE, "place": {"high_rise": 0}}, "place.high_rise: a number 0 given"),
    ({k: v for k, v in BASE.items() if k != "subject"} | {"subjet": {"kind": "unit"}},
     "subjet: unknown field 'subjet' (a typo?); known fields: item, description, subject"),
    ({**BASE, "facts": {"seriuos": True}},
     "facts.seriuos: unknown fact 'seriuos' (a typo?); known facts: serious, minor, harm"),
    ({**BASE, "facts": {"serious": "true"}}, "facts.serious: a string 'true' given"),
    ({**BASE, "facts": {"mitigating": ["cooerced"]}},
     "facts.mitigating[0]: unknown mitigating fact 'cooerced' (a typo?); known mitigating facts: eliminated-harm, coerced,"),
    ({**BASE, "facts": {"aggravating": ["persisting", "persistng"]}},
     "facts.aggravating[1]: unknown aggravating fact 'persistng' (a typo?); known aggravating facts: repeat-penalised"),
    ({**BASE, "description": "楼道" * MAX_TEXT}, f"description: too long: {2 * MAX_TEXT} characters; at most {MAX_TEXT}"),
    ({**BASE, "facts": {"narrative": "x" * (MAX_TEXT + 1)}}, "facts.narrative: too long"),
    ({**BASE, "history": [{"date": "2026-01-02", "item": "EV-BLOCK", "step": "reminder", "when": 1}]},
     "history[0].when: unknown field 'when'"),
])
def test_bad_cases_are_one_line_in_python_and_cli(case: dict, expected: str, capsys, monkeypatch) -> None:
    with pytest.raises(fe.CaseError) as info:
        fe.decide(case)
    assert str(info.value).startswith(expected), str(info.value)
    assert refused(capsys, monkeypatch, json.dumps(case)) == str(info.value)


@pytest.mark.parametrize(("text", "expected"), [
    ('"just a string"', "case: a case must be a JSON object, not a string"),
    ("[" * 100_000 + "]" * 100_000, "case: JSON nested more than 32 levels deep"),
    ('{"item": "EV-BLOCK", "item": "FL-BLOCK"}', "item: duplicate key (given twice in one JSON object)"),
    ("{", "case: not valid JSON"),
])
def test_bad_json_text(text: str, expected: str, capsys, monkeypatch) -> None:
    with pytest.raises(fe.CaseError) as info:
        fe.decide(text)
    assert str(info.value).startswith(expected)
    assert refused(capsys, monkeypatch, text).startswith(expected)


@pytest.mark.parametrize(("old", "new", "path"), [
    ('"kind": "unit"', '"kind": "unit", "kind": "individual"', "subject.kind"),
    ('"name": "某某超市"', '"name": "某某超市", "name": "别家"', "subject.name"),
    ('"serious": true', '"serious": true, "serious": false', "facts.serious"),
    ('"step": "warning"', '"step": "warning", "step": "penalty"', "history[0].step"),
])
def test_duplicate_keys_are_refused_with_their_full_path(old: str, new: str, path: str, capsys, monkeypatch) -> None:
    case = {**BASE, "subject": {"kind": "unit", "name": "某某超市"}, "facts": {"serious": True},
            "history": [{"date": "2026-01-02", "item": "EV-BLOCK", "step": "warning"}]}
    text = json.dumps(case, ensure_ascii=False)
    assert old in text
    text = text.replace(old, new)
    with pytest.raises(fe.CaseError) as info:
        fe.decide(text)
    assert str(info.value) == f"{path}: duplicate key (given twice in one JSON object)"
    assert refused(capsys, monkeypatch, f"[{text}]") == f"[0].{path}: duplicate key (given twice in one JSON object)"


def test_a_json_list_is_all_or_none(capsys, monkeypatch) -> None:
    good, bad = BASE, {**BASE, "subject": {"kind": "unit", "operating": "yes"}}
    code, out, err = run(capsys, monkeypatch, "decide", "-", "--format", "json",
                         stdin=json.dumps([good, bad, good, {**BASE, "item": "NOPE"}]))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "fireenforce: error: [1].subject.operating: a string 'yes' given; expected a JSON boolean (true or false)",
        "fireenforce: error: [3].item: unknown item 'NOPE' (see `fireenforce catalogue`)",
    ]
    with pytest.raises(fe.CaseError) as info:
        fe.decide_many([good, bad])
    assert str(info.value).startswith("[1].subject.operating: a string 'yes' given")


def test_an_empty_list_is_an_empty_result(capsys, monkeypatch) -> None:
    assert run(capsys, monkeypatch, "decide", "-", "--format", "json", stdin="[]") == (0, "", "")
    assert fe.decide_many([]) == []
    code, _, err = run(capsys, monkeypatch, "decide", "-", stdin="  \n")
    assert code == 2 and err == "fireenforce: error: case: no case given (empty input)\n"


def test_query_text_is_bounded(capsys, monkeypatch) -> None:
    with pytest.raises(fe.CaseError, match=f"text: too long: {MAX_TEXT + 1} characters; at most {MAX_TEXT}"):
        fe.query("电" * (MAX_TEXT + 1))
    code, _, err = run(capsys, monkeypatch, "query", "电" * (MAX_TEXT + 1))
    assert code == 2 and err.startswith("fireenforce: error: text: too long")


def test_verify_examples_must_be_positive(capsys, monkeypatch) -> None:
    with pytest.raises(SystemExit) as info:
        main(["verify", "--examples", "0"])
    assert info.value.code == 2
    assert capsys.readouterr().err.startswith("fireenforce: error: argument --examples: must be at least 1, not 0")


def test_load_ruleset_names_a_bad_date() -> None:
    with pytest.raises(fe.CaseError) as info:
        fe.load_ruleset(on="garbage")
    assert str(info.value) == "on: 'garbage' is not a date (expected a date or an ISO string YYYY-MM-DD)"


def test_declared_local_facts_are_kept_and_typed(tmp_path: Path) -> None:
    """Local facts are welcome once the ruleset declares them (policy/facts.yaml), with their type."""
    root = tmp_path / "2024.09"
    shutil.copytree(ROOT / "rulesets/xifeng/2024.09", root)
    (root / "policy/facts.yaml").write_text("occupants: {type: integer, label: 在场人数}\n", encoding="utf-8")
    rs = fe.load_ruleset(root)
    decision = fe.decide({**BASE, "facts": {"occupants": 12}}, ruleset=rs)
    assert decision.step == "reminder"
    with pytest.raises(fe.CaseError, match="facts.occupants: a string '12' given; expected a JSON integer"):
        fe.decide({**BASE, "facts": {"occupants": "12"}}, ruleset=rs)
    with pytest.raises(fe.CaseError, match="known facts: serious, .*, evidence, occupants"):
        fe.decide({**BASE, "facts": {"ocupants": 12}}, ruleset=rs)
    with pytest.raises(fe.CaseError, match="unknown fact 'occupants'"):
        fe.decide({**BASE, "facts": {"occupants": 12}})  # the bundled ruleset declares none


def test_a_local_fact_may_not_shadow_a_standard_one(tmp_path: Path) -> None:
    root = tmp_path / "2024.09"
    shutil.copytree(ROOT / "rulesets/xifeng/2024.09", root)
    (root / "policy/facts.yaml").write_text("serious: {type: boolean, label: 严重}\n", encoding="utf-8")
    with pytest.raises(fe.RulesetError, match=r"facts.yaml.*repeat standard facts"):
        fe.load_ruleset(root)


def test_ruleset_findings_use_the_same_path_notation(tmp_path: Path) -> None:
    root = tmp_path / "2024.09"
    shutil.copytree(ROOT / "rulesets/xifeng/2024.09", root)
    item = root / "catalogue/EV-BLOCK.yaml"
    item.write_text(item.read_text(encoding="utf-8").replace('cite: ["fire-law:60:1:3"]', 'cite: ["fire-law:999"]'),
                    encoding="utf-8")
    with pytest.raises(fe.RulesetError) as info:
        fe.load_ruleset(root)
    assert [f.field for f in info.value.findings if f.code == "RS-CITE-UNKNOWN"] == ["penalties[0].cite[0]"]


def test_null_is_named_once_and_what_if_in_each_interface_s_words(capsys, monkeypatch) -> None:
    assert refused(capsys, monkeypatch, json.dumps({**BASE, "facts": {"narrative": None}})) == \
        "facts.narrative: null given; expected a JSON string"
    old = str(ROOT / "rulesets" / "xifeng" / "2022.03")
    with pytest.raises(fe.CaseError) as info:
        fe.decide(BASE, ruleset=fe.load_ruleset(old))
    assert str(info.value).endswith("needs what_if=True") and "--what-if" not in str(info.value)
    cli = refused(capsys, monkeypatch, json.dumps(BASE), "--ruleset", old)
    assert cli.endswith("needs --what-if") and "what_if" not in cli


def test_the_officer_s_text_cites_provisions_by_their_names(capsys, monkeypatch) -> None:
    code, out, _ = run(capsys, monkeypatch, "decide", "-", stdin=json.dumps(BASE))
    assert code == 0
    reasons = out.split("理由：", 1)[1].split("存疑：", 1)[0]
    assert "（《中华人民共和国行政处罚法》第三十七条）" in reasons
    assert "penalty-law:" not in reasons and "inspection-rules:" not in reasons


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path, capsys, monkeypatch) -> None:
    """A file cut inside a character (or in another encoding) names the line where the bad byte is."""
    good = json.dumps(BASE, ensure_ascii=False).encode()
    path = tmp_path / "cases.jsonl"
    path.write_bytes(good + b"\n" + good[:-7] + "车".encode()[:2])
    code, out, err = run(capsys, monkeypatch, "decide", str(path))
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert err.startswith(f"fireenforce: error: {path}:2: not UTF-8 text (byte ")


def test_values_are_shown_as_the_user_gave_them_not_as_python_reprs(capsys, monkeypatch) -> None:
    """A datetime where a date belongs (from Python, pandas, a Parquet timestamp) and an object
    where a list belongs are named in the user's terms."""
    with pytest.raises(fe.CaseError) as caught:
        fe.decide({**BASE, "observed_on": dt.datetime(2026, 5, 3, 10, 0)})
    assert str(caught.value) == ("observed_on: a date and time (2026-05-03 10:00:00) given where a date is expected "
                                 "(YYYY-MM-DD)")
    entry = {"date": "2026-04-01", "item": "EV-BLOCK", "step": "warning"}
    assert refused(capsys, monkeypatch, json.dumps({**BASE, "history": entry})) == (
        'history: an object {"date": "2026-04-01", "item": "EV-BLOCK", "step": "warning"} given; expected a JSON list')

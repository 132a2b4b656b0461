"""One answer from the API and the CLI: a version decides only the dates it answers for, in both;
a what-if decision is asked for explicitly; ``test FILE`` uses the version folder the file is in."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

import fireenforce as fe
from fireenforce.cli import main

ROOT = Path(__file__).resolve().parents[1]
OLD = ROOT / "rulesets/xifeng/2022.03"
CASE = {
    "item": "OB-CROWDED", "subject": {"kind": "unit"}, "place": {"crowded": True}, "office": {"level": "street"},
    "observed_on": "2025-03-10", "history": [{"date": "2025-01-10", "item": "OB-CROWDED", "step": "warning"}],
}


def test_a_superseded_version_refuses_a_later_date_in_python_and_cli(capsys, monkeypatch) -> None:
    expected = ("decided_on: 2025-03-10 is outside the dates ruleset xifeng 2022.03 answers for "
                "(from 2022-03-01 until 2024-09-01)")
    with pytest.raises(fe.CaseError) as info:
        fe.decide(CASE, ruleset=fe.load_ruleset(OLD))
    assert str(info.value).startswith(expected)
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(CASE)))
    assert main(["decide", "-", "--ruleset", str(OLD)]) == 2
    cli = str(info.value).replace("what_if=True", "--what-if")  # each interface names its own switch
    assert capsys.readouterr().err == f"fireenforce: error: {cli}\n"


def test_a_version_refuses_a_date_before_its_force() -> None:
    new = fe.load_ruleset(ROOT / "rulesets/xifeng/2024.09")
    with pytest.raises(fe.CaseError, match="2023-05-01 is outside the dates ruleset xifeng 2024.09 answers for"):
        fe.decide({**CASE, "observed_on": "2023-05-01", "history": []}, ruleset=new)


def test_what_if_is_explicit_and_marked(capsys, monkeypatch) -> None:
    decision = fe.decide(CASE, ruleset=fe.load_ruleset(OLD), what_if=True)
    assert decision.step == "referral" and decision.ruleset.version == "2022.03"
    assert "DOUBT-WHAT-IF" in {d.code for d in decision.doubts}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(CASE)))
    assert main(["decide", "-", "--ruleset", str(OLD), "--what-if", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == decision.model_dump(mode="json")
    in_force = fe.decide(CASE)
    assert in_force.ruleset.version == "2024.09" and "DOUBT-WHAT-IF" not in {d.code for d in in_force.doubts}


def test_what_if_needs_one_version(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(CASE)))
    assert main(["decide", "-", "--what-if"]) == 2
    assert capsys.readouterr().err == "fireenforce: error: --what-if: needs --ruleset naming one version directory\n"


def test_diff_examples_paste_into_decide(capsys, monkeypatch) -> None:
    new = ROOT / "rulesets/xifeng/2024.09"
    assert main(["diff", str(OLD), str(new), "--generated", "400"]) == 0
    out = capsys.readouterr().out
    assert f"fireenforce decide - --what-if --ruleset {OLD}" in out
    examples = [line.split("example: ", 1)[1] for line in out.splitlines() if "example: " in line]
    assert examples
    for example in examples[:3]:
        for version in (OLD, new):
            monkeypatch.setattr("sys.stdin", io.StringIO(example))
            assert main(["decide", "-", "--what-if", "--ruleset", str(version), "--format", "json"]) == 0
            capsys.readouterr()


def test_test_file_uses_the_version_folder_it_sits_in(tmp_path: Path, capsys) -> None:
    family = tmp_path / "family"
    shutil.copytree(ROOT / "rulesets/xifeng/2024.09", family / "2024.09")
    item = family / "2024.09/catalogue/OB-CROWDED.yaml"
    text = item.read_text(encoding="utf-8")
    assert "max: 50000" in text
    item.write_text(text.replace("max: 50000", "max: 60000"), encoding="utf-8")
    (family / "2024.09/cases/mine.yaml").write_text(
        "cases:\n  - name: the draft's own range\n    case: " + json.dumps(CASE, ensure_ascii=False)
        + "\n    expect: {penalty: {fine: {max: 60000}}}\n", encoding="utf-8")
    assert main(["test", str(family / "2024.09/cases/mine.yaml")]) == 0, capsys.readouterr().out

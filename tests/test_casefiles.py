"""Example-case files: strict loading with file:line errors, diffs of failing cases, CLI exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from fireenforce.cli import main
from fireenforce.errors import RulesetError
from fireenforce.testing.casefiles import format_mismatches, load_case_file, resolver, run_case

GOOD = """\
cases:
  - name: 单位首次堵塞疏散通道
    case:
      item: EV-BLOCK
      subject: {kind: unit}
      office: {level: street}
      observed_on: 2025-03-10
    expect:
      step: reminder
      penalty: {fine: {min: 5000, max: 50000}}
"""


def write(tmp_path: Path, text: str, name: str = "cases.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "line", "needle"), [
    (GOOD.replace("      step: reminder", "      stepp: reminder"), 9, "expect.stepp: unknown field"),
    (GOOD.replace("      step: reminder", "      step: reminder\n      step: warning"), 10, "duplicate key 'step'"),
    (GOOD.replace("      step: reminder", "      step: 警告"), 9, "expect.step"),
    (GOOD.replace("kind: unit", "kind: company"), 5, "case.subject.kind"),
    (GOOD + GOOD.removeprefix("cases:\n"), 11, "duplicate case name"),
    ("cases:\n  - &a {name: x}\n", 2, "anchors"),
])
def test_loader_refuses_bad_files_with_file_and_line(tmp_path: Path, text: str, line: int, needle: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RulesetError) as info:
        load_case_file(path)
    message = "\n".join(f.format() for f in info.value.findings)
    assert f"{path}:{line}:" in message
    assert needle in message


def test_good_file_passes(tmp_path: Path) -> None:
    [example] = load_case_file(write(tmp_path, GOOD))
    assert run_case(example, resolver(None)) == []


def test_wrong_expectation_gives_a_readable_diff(tmp_path: Path) -> None:
    text = GOOD.replace("step: reminder", "step: penalty").replace("max: 50000", "max: 500")
    [example] = load_case_file(write(tmp_path, text))
    mismatches = run_case(example, resolver(None))
    assert [(m.path, m.expected, m.actual) for m in mismatches] == [
        ("step", "penalty", "reminder"), ("penalty.fine.max", 500, 50000)]
    diff = format_mismatches(example, mismatches)
    assert diff.startswith(f"FAIL {example.file}:2: 单位首次堵塞疏散通道")
    assert "expected: penalty\n    actual:   reminder" in diff


def test_list_diff_names_missing_and_extra_cites(tmp_path: Path) -> None:
    text = GOOD.replace("      step: reminder", "      cites: [fire-law:28, fire-law:60:2]")
    [example] = load_case_file(write(tmp_path, text))
    diff = format_mismatches(example, run_case(example, resolver(None)))
    assert "- fire-law:60:2" in diff and "+ fire-law:60:1:3" in diff and "+ fire-law:16:1:4" in diff


def test_expected_error_that_does_not_happen_fails(tmp_path: Path) -> None:
    text = GOOD.replace("      step: reminder\n", "      error: {field: item}\n")
    [example] = load_case_file(write(tmp_path, text))
    assert [m.path for m in run_case(example, resolver(None))] == ["error"]


def test_rules_must_fire_in_order(tmp_path: Path) -> None:
    ok = GOOD.replace("      step: reminder", "      rules: [law.conduct-time, ladder.first-contact]")
    swapped = GOOD.replace("      step: reminder", "      rules: [ladder.first-contact, law.conduct-time]")
    [good] = load_case_file(write(tmp_path, ok, "a.yaml"))
    [bad] = load_case_file(write(tmp_path, swapped, "b.yaml"))
    assert run_case(good, resolver(None)) == []
    assert [m.path for m in run_case(bad, resolver(None))] == ["rules"]


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, GOOD, "good.yaml")
    wrong = write(tmp_path, GOOD.replace("step: reminder", "step: warning"), "wrong.yaml")
    broken = write(tmp_path, GOOD.replace("step:", "stepp:"), "broken.yaml")
    assert main(["test", str(good)]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out
    assert main(["test", str(good), str(wrong)]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "expected: warning" in out and "1 passed, 1 failed" in out
    assert main(["test", str(broken)]) == 2
    assert f"{broken}:9:" in capsys.readouterr().err
    assert main(["test", str(tmp_path / "missing.yaml")]) == 2


def test_cli_pinned_version_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """OB-CROWDED after a warning: 2022.03 (not entrusted) refers, 2024.09 fines."""
    text = """\
cases:
  - name: x
    case:
      item: OB-CROWDED
      subject: {kind: unit}
      place: {crowded: true}
      office: {level: street}
      observed_on: 2025-03-10
      history: [{date: 2025-01-10, item: OB-CROWDED, step: warning}]
    expect: {step: penalty}
"""
    path = write(tmp_path, text)
    family = Path(__file__).resolve().parents[1] / "rulesets" / "xifeng"
    assert main(["test", str(path), "--ruleset", str(family / "2024.09"), "--format", "json"]) == 0
    assert '"passed": 1' in capsys.readouterr().out
    assert main(["test", str(path), "--ruleset", str(family / "2022.03"), "--format", "json"]) == 1
    assert "outside the dates ruleset xifeng 2022.03 answers for" in capsys.readouterr().out
    assert main(["test", str(path), "--ruleset", str(family / "2022.03"), "--what-if", "--format", "json"]) == 1
    assert '"actual": "referral"' in capsys.readouterr().out

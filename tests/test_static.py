"""Static verification: each VF code fires on a crafted broken copy of the bundled ruleset, points
at the right file and line, and the bundled versions carry only the documented warning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fireenforce.errors import Finding
from fireenforce.resources import bundled_family
from fireenforce.ruleset.load import load_version
from fireenforce.verify import static_findings
from fireenforce.verify.static import amounts

FAMILY = bundled_family()
VERSIONS = ("2021.07", "2022.03", "2024.09")


def broken(tmp_path: Path, rel: str, old: str, new: str) -> list[Finding]:
    """Static findings of a copy of 2024.09 with ``old`` replaced everywhere in one file."""
    root = tmp_path / "2024.09"
    shutil.copytree(FAMILY / "2024.09", root)
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return static_findings(load_version(root))


def line_text(tmp_path: Path, finding: Finding) -> str:
    assert finding.line is not None
    return (tmp_path / finding.file).read_text(encoding="utf-8").splitlines()[finding.line - 1]


@pytest.mark.parametrize("version", VERSIONS)
def test_bundled_has_only_the_documented_warning(version: str) -> None:
    findings = static_findings(load_version(FAMILY / version))
    # FI-EVAC-STAFF: fire-law art. 68 provides detention only, decided by the public security organs.
    # EB-*: 高层规定 47(7) yields to 消防法 60 only where the conduct hinders evacuation, so it is
    # never set aside as a whole (facts.hinders_evacuation; policy/competing.yaml).
    assert sorted((f.code, f.severity, Path(f.file).name) for f in findings) == [
        ("VF-NO-PENALTY-PATH", "warning", "FI-EVAC-STAFF.yaml")]
    assert "公安机关" in next(f.message for f in findings if f.code == "VF-NO-PENALTY-PATH")


def test_amounts_read_chinese_and_arabic_numerals() -> None:
    assert amounts("处五千元以上五万元以下罚款，并对直接责任人员处五百元以上二千元以下罚款") == [(5000, 50000), (500, 2000)]
    assert amounts("对经营性单位和个人处2000元以上10000元以下罚款") == [(2000, 10000)]
    assert amounts("处警告或者五百元以下罚款；情节严重的，处五日以下拘留") == [(0, 500)]


def test_fine_outside_the_cited_text(tmp_path: Path) -> None:
    findings = broken(tmp_path, "catalogue/EV-BLOCK.yaml", "fine: {min: 5000, max: 50000}",
                      "fine: {min: 5000, max: 80000}")
    [f] = [f for f in findings if f.code == "VF-PARAM-BOUNDS"]
    assert f.file == "2024.09/catalogue/EV-BLOCK.yaml" and "5000..80000" in f.message and "5000..50000" in f.message
    assert "max: 80000" in line_text(tmp_path, f)


@pytest.mark.parametrize(("rel", "old", "new", "expect"), [
    ("policy/procedure.yaml", "unit: 3000", "unit: 5000", "above 3000 (penalty-law:51)"),
    ("policy/limitation.yaml", "base_years: 2", "base_years: 3", "base_years 3 differs from the 2 years"),
    ("policy/ladder.yaml", "value: 12", "value: 30", "lookback of 30 months is not within 1..24"),
    ("policy/discretion.yaml", "{tier: ordinary, low: 0.3", "{tier: ordinary, low: 0.4", "starts at 0.4"),
    ("policy/discretion.yaml", "{tier: serious, low: 0.7, high: 1.0}", "{tier: serious, low: 0.7, high: 0.9}",
     "end at 0.9"),
])
def test_policy_parameter_out_of_bounds(tmp_path: Path, rel: str, old: str, new: str, expect: str) -> None:
    findings = broken(tmp_path, rel, old, new)
    [f] = [f for f in findings if f.code == "VF-PARAM-BOUNDS"]
    assert expect in f.message and f.file == f"2024.09/{rel}" and f.severity == "error"
    assert new.split(":")[0].strip("{ ") in line_text(tmp_path, f) or expect.startswith("the tiers")


def test_branch_always_overridden(tmp_path: Path) -> None:
    shadow = ("  - id: shadow\n    when: {subject: unit, crowded: true}\n    cite: [\"fire-law:60:1:3\"]\n"
              "    kinds: [fine]\n    fine: {min: 5000, max: 50000}\n")
    findings = broken(tmp_path, "catalogue/EV-BLOCK.yaml", "penalties:\n  - id: unit\n    when: {subject: unit}\n",
                      f"penalties:\n{shadow}  - id: unit\n    exception_to: [shadow]\n    when: {{subject: unit}}\n")
    [f] = [f for f in findings if f.code == "VF-UNREACHABLE-BRANCH"]
    assert "branch shadow" in f.message and "exception always overrides" in f.message
    assert "id: shadow" in line_text(tmp_path, f)


def test_cite_in_force_only_before_the_coverage(tmp_path: Path) -> None:
    root = tmp_path / "2024.09"
    findings = broken(tmp_path, "instruments/fire-law.yaml", "provisions:\n",
                      "provisions:\n  \"99\":\n    - {from: 2009-05-01, to: 2021-04-29, text: 旧条文}\n")
    assert not [f for f in findings if f.code == "VF-CITE-OUTSIDE-DATES"]
    item = root / "catalogue/EV-BLOCK.yaml"
    item.write_text(item.read_text(encoding="utf-8").replace(
        "violated:\n", "violated:\n  - {cite: \"fire-law:99\", when: {crowded: true}}\n", 1), encoding="utf-8")
    [f] = [f for f in static_findings(load_version(root)) if f.code == "VF-CITE-OUTSIDE-DATES"]
    assert "fire-law:99" in f.message and "fire-law:99" in line_text(tmp_path, f)


def test_no_level_may_impose_the_penalty(tmp_path: Path) -> None:
    findings = broken(tmp_path, "policy/delegation.yaml", "powers: [formal_warning, fine", "powers: [sealing")
    paths = {Path(f.file).stem for f in findings if f.code == "VF-NO-PENALTY-PATH"}
    assert {"FI-EVAC-STAFF", "SE-UNSEAL", "EV-BLOCK", "FF-DAMAGE"} <= paths


def test_a_bound_that_cannot_be_read_from_the_cited_text_is_a_warning(tmp_path: Path) -> None:
    found = broken(tmp_path, "policy/procedure.yaml", 'cites: ["penalty-law:51"]', 'cites: ["penalty-law:44"]')
    unverified = [f for f in found if f.code == "VF-PARAM-UNVERIFIED"]
    assert len(unverified) == 2 and all(f.severity == "warning" for f in unverified)
    assert "penalty-law:44" in unverified[0].message and "cites" in line_text(tmp_path, unverified[0])

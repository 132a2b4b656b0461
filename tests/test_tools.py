"""Tools for legal staff: the catalogue shows every penalty kind; check never says ok beside an
error; a family's versions follow each other without overlap or gap."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import fireenforce as fe
from fireenforce.cli import main

ROOT = Path(__file__).resolve().parents[1]
FAMILY = ROOT / "rulesets" / "xifeng"


def test_catalogue_shows_every_penalty_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue"]) == 0
    out = capsys.readouterr().out
    rs = fe.load_ruleset()
    kinds = {k for item in rs.items.values() for b in item.spec.penalties for k in b.kinds}
    assert {"detention", "suspension", "stop_use", "fine", "formal_warning"} <= kinds
    for kind in kinds:
        assert rs.policy.kind_labels[kind] in out, kind
    assert "罚款 5000—50000元" in out


def _family(tmp_path: Path) -> Path:
    family = tmp_path / "xifeng"
    for version in FAMILY.iterdir():
        if (version / "ruleset.yaml").is_file():
            shutil.copytree(version, family / version.name)
    return family


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_check_prints_no_ok_line_when_it_found_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    family = _family(tmp_path)
    _edit(family / "2024.09/catalogue/EV-BLOCK.yaml", 'cite: ["fire-law:60:1:3"]', 'cite: ["fire-law:999"]')
    assert main(["check", str(family)]) == 2
    out = capsys.readouterr().out
    assert "RS-CITE-UNKNOWN" in out and "error(s)" in out
    assert not [line for line in out.splitlines() if line.startswith("ok:")], out
    assert main(["check", str(FAMILY)]) == 0
    assert sum(line.startswith("ok:") for line in capsys.readouterr().out.splitlines()) >= 2


@pytest.mark.parametrize(("new", "code"), [
    ("in_force: {from: 2022-03-01, to: 2024-08-01}", "RS-FAMILY-GAP"),
    ("in_force: {from: 2022-03-01, to: 2024-10-01}", "RS-FAMILY-OVERLAP"),
    ("in_force: {from: 2022-03-01}", "RS-FAMILY-OVERLAP"),
])
def test_versions_of_a_family_neither_overlap_nor_leave_a_gap(tmp_path: Path, new: str, code: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    family = _family(tmp_path)
    _edit(family / "2022.03/ruleset.yaml", "in_force: {from: 2022-03-01, to: 2024-09-01}", new)
    assert main(["check", str(family)]) == 2
    out = capsys.readouterr().out
    assert f"2024.09/ruleset.yaml:" in out and code in out and "in_force" in out
    with pytest.raises(fe.RulesetError, match=code):
        fe.load_ruleset(family, on="2025-01-01")

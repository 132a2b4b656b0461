"""fireenforce diff: legal changes between versions and the decisions they change."""

from __future__ import annotations

import io
import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from fireenforce.cli import main
from fireenforce.engine import decide
from fireenforce.model.case import Case
from fireenforce.resources import bundled_family
from fireenforce.ruleset.load import load_version
from fireenforce.verify.diff import affected, generated, impact, legal_diff, overlap

FAMILY = bundled_family()
OLD, NEW = load_version(FAMILY / "2022.03"), load_version(FAMILY / "2024.09")
SERIOUS_UNIT = Case.model_validate({
    "item": "EV-BLOCK", "subject": {"kind": "unit", "operating": True}, "office": {"level": "street"},
    "observed_on": "2025-03-10", "facts": {"serious": True},
})


def test_delegation_changes_in_legal_terms() -> None:
    changes = {(c.area, c.subject, c.path): (c.old, c.new) for c in legal_diff(OLD, NEW)}
    assert changes[("item", "EB-PARK", "delegated_to")] == ([], ["street", "town", "township"])
    assert changes[("item", "HR-INSULATION", "delegated_to")] == ([], ["street", "town"])
    assert changes[("manifest", "ruleset.yaml", "in_force.to")] == ("2024-09-01", None)
    assert ("item", "EV-BLOCK", "delegated_to") not in changes  # entrusted in both versions
    assert not [k for k in changes if k[0] == "provision"]


def test_generated_cases_lie_inside_both_coverages() -> None:
    start, end = overlap(OLD, NEW)
    corpus = generated(OLD, NEW, 40)
    assert len(corpus) == 40
    assert all(start <= c.decision_date <= end and c.item in OLD.items for c in corpus)


def test_referrals_become_penalties() -> None:
    items = affected(OLD, NEW, legal_diff(OLD, NEW))
    assert "EB-PARK" in items and "EV-BLOCK" in items  # EV-BLOCK: 2022.03 limits offices to 简易 (summary-scope) penalties
    newly_delegated = [code for code in items if OLD.items[code].delegated_to != NEW.items[code].delegated_to]
    result = impact(OLD, NEW, generated(OLD, NEW, 300, items=newly_delegated))
    assert result.decided == 300 and result.changed > 0
    moved = [g for g in result.groups if (g.old_step, g.new_step) == ("referral", "penalty")]
    assert moved and all(not OLD.items[g.item].delegated_to and NEW.items[g.item].delegated_to for g in moved)
    group = moved[0]
    referral = [c for c in group.changes.values() if c.field == "referral_to"]
    assert referral and referral[0].old == "brigade" and referral[0].new is None
    example = referral[0].example
    assert example is not None
    assert decide(example, ruleset=OLD, what_if=True).step == "referral"
    assert decide(example, ruleset=NEW, what_if=True).step == "penalty"


def test_a_changed_fine_shows_old_and_new_numbers(tmp_path: Path) -> None:
    root = tmp_path / "2024.10"
    shutil.copytree(FAMILY / "2024.09", root)
    item = root / "catalogue/EV-BLOCK.yaml"
    item.write_text(item.read_text(encoding="utf-8").replace("max: 50000", "max: 60000"), encoding="utf-8")
    changed = load_version(root)
    legal = {(c.subject, c.path): (c.old, c.new) for c in legal_diff(NEW, changed)}
    assert legal == {("EV-BLOCK", "penalties.unit.fine.max"): (50000, 60000)}
    [group] = impact(NEW, changed, [SERIOUS_UNIT]).groups
    assert (group.item, group.old_step, group.new_step, group.count) == ("EV-BLOCK", "penalty", "penalty", 1)
    fields = {c.field: (c.old, c.new) for c in group.changes.values()}
    assert fields["penalty.fine.max"] == (50000, 60000)
    assert fields["penalty.fine.suggested.max"] == (50000, 60000)  # serious tier: 70-100 %
    assert fields["penalty.fine.suggested.min"] == (36500, 43500)  # 5000 + 0.7 × 55000


def test_cli_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    old, new = str(FAMILY / "2022.03"), str(FAMILY / "2024.09")
    assert main(["diff", old, new, "--generated", "60", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["old"]["version"] == "2022.03" and data["impact"]["decided"] == 60
    assert any(c["path"] == "delegated_to" for c in data["changes"])
    assert main(["diff", old, new, "--cases", str(FAMILY / "2022.03" / "cases"), "--generated", "0"]) == 0
    text = capsys.readouterr().out
    assert "EB-PARK delegated_to: [] -> [\"street\", \"town\", \"township\"]" in text
    assert "referral -> penalty" in text and "example: {" in text


def test_the_printed_commands_decide_the_printed_example(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    old, new = str(FAMILY / "2022.03"), str(FAMILY / "2024.09")
    assert main(["diff", old, new, "--cases", str(FAMILY / "2022.03" / "cases"), "--generated", "0"]) == 0
    text = capsys.readouterr().out
    commands = re.findall(r"`fireenforce (decide [^`]+)`", text)
    example = re.search(r"\n  \S+ (\w+) -> (\w+): \d+ case\(s\)\n(?:    .*\n)*?    example: (\{.*\})", text)
    assert len(commands) == 2 and example is not None, text
    steps = []
    for command in commands:
        monkeypatch.setattr("sys.stdin", io.StringIO(example.group(3)))
        assert main([*shlex.split(command), "--format", "json"]) == 0, capsys.readouterr().err
        steps.append(json.loads(capsys.readouterr().out)["step"])
    assert steps == [example.group(1), example.group(2)]

"""Loading rulesets: the bundled one checks clean; each kind of breakage gives its own clear error."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import fireenforce as fe
from fireenforce.errors import RulesetError
from fireenforce.resources import bundled_family
from fireenforce.ruleset.items import ALL_CONDITIONS
from fireenforce.ruleset.load import compile_version, family_versions
from fireenforce.ruleset.yamlsafe import LOADERS, YamlProblem, parse_yaml

VERSION = bundled_family() / "2024.09"


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "2024.09"
    shutil.copytree(VERSION, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def findings(root: Path) -> list[str]:
    with pytest.raises(RulesetError) as info:
        compile_version(root)
    return [f.format() for f in info.value.findings]


def test_bundled_versions_load_and_pick_by_date() -> None:
    newest = fe.load_ruleset()
    assert (newest.id, newest.version) == ("xifeng", "2024.09")
    assert newest.digest.startswith("sha256:") and len(newest.digest) == 71
    assert len(newest.items) >= 32
    assert fe.load_ruleset(on="2023-06-01").version == "2022.03"
    assert fe.load_ruleset(on="2024-09-01").version == "2024.09"
    assert fe.load_ruleset() is newest, "compiled once, then shared"


def test_no_version_in_force_is_a_clear_error() -> None:
    with pytest.raises(fe.CaseError, match="no version of xifeng is in force on 2020-01-01"):
        fe.load_ruleset(on="2020-01-01")


def test_digest_changes_with_any_edit(copy: Path) -> None:
    before = compile_version(copy).digest
    edit(copy / "catalogue" / "EV-BLOCK.yaml", "rectification_days: 3", "rectification_days: 4")
    assert compile_version(copy).digest != before


BROKEN = [
    ("syntax", "catalogue/EV-BLOCK.yaml", "code: EV-BLOCK", "code: [EV-BLOCK", "RS-YAML", "EV-BLOCK.yaml:"),
    ("unknown key", "catalogue/EV-BLOCK.yaml", "rectification_days:", "rectifcation_days:", "RS-SCHEMA",
     "unknown key"),
    ("duplicate key", "catalogue/EV-BLOCK.yaml", "rectification_days: 3", "rectification_days: 3\nrectification_days: 5",
     "RS-YAML-DUPLICATE", "duplicate key 'rectification_days'"),
    ("missing provision", "catalogue/EV-BLOCK.yaml", '"fire-law:60:1:3"', '"fire-law:60:1:9"', "RS-CITE-UNKNOWN",
     "fire-law:60:1:9 is not among"),
    ("cited before in force", "policy/procedure.yaml", "  - from: 2021-07-15\n    individual: 200",
     "  - from: 2020-01-01\n    individual: 200", "RS-CITE-NOT-IN-FORCE", "penalty-law:51 is cited from 2020-01-01"),
    ("inverted range", "catalogue/EV-BLOCK.yaml", "fine: {min: 5000, max: 50000}", "fine: {min: 50000, max: 5000}",
     "RS-FINE-RANGE", "fine min 50000 is above max 5000"),
    ("alias bomb", "catalogue/EV-BLOCK.yaml", "keywords:", "bomb: &a [x, x]\nbomb2: [*a, *a]\nkeywords:",
     "RS-YAML-ALIAS", "anchors (&a) are not allowed"),
    ("python tag", "catalogue/EV-BLOCK.yaml", "code: EV-BLOCK", "code: !!python/object/apply:os.system [echo hi]",
     "RS-YAML-TAG", "constructor"),
    ("unknown office level", "catalogue/EV-BLOCK.yaml", "delegated_to: [street", "delegated_to: [village",
     "RS-SCHEMA", "delegated_to[0]"),
    ("table gap", "policy/step-table.yaml", "    when: {prior: [reminder], serious: [false], completed: [false]}",
     "    when: {prior: [reminder], serious: [false], completed: [false], acting: [office]}\n", "RS-TBL-", "step-table.yaml:"),
    ("unknown placeholder", "policy/reasons.yaml", "责令当事人在{days}日内改正违法行为。", "责令当事人在{days.__class__}日内改正。",
     "RS-PLACEHOLDER", "unknown placeholder"),
]


@pytest.mark.parametrize(("name", "file", "old", "new", "code", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_breakage_has_its_own_error(copy: Path, name: str, file: str, old: str, new: str, code: str,
                                         message: str) -> None:
    edit(copy / file, old, new)
    found = findings(copy)
    assert any(code in f and message in f for f in found), found
    located = [f for f in found if code in f]
    assert all(":" in f.split(" ")[0] for f in located), "every finding names file:line"


def test_branch_conflict_is_a_hard_error(copy: Path) -> None:
    edit(copy / "catalogue" / "EB-PARK.yaml", "    exception_to: [unit-hr-hindering, individual-hr-hindering]\n", "")
    found = findings(copy)
    assert any("RS-BRANCH-CONFLICT" in f and "neither is an exception" in f for f in found), found


def test_check_command_lists_findings_and_exits_2(copy: Path) -> None:
    edit(copy / "catalogue" / "EV-BLOCK.yaml", "fine: {min: 5000, max: 50000}", "fine: {min: 50000, max: 5000}")
    run = subprocess.run([sys.executable, "-m", "fireenforce", "check", str(copy)], capture_output=True, text=True)
    assert run.returncode == 2
    assert "EV-BLOCK.yaml:" in run.stdout and "RS-FINE-RANGE" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_check_bundled_is_clean() -> None:
    run = subprocess.run([sys.executable, "-m", "fireenforce", "check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok: xifeng 2024.09" in run.stdout and "ok: xifeng 2022.03" in run.stdout


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lo=st.integers(0, 100_000), hi=st.integers(1, 100_000), days=st.integers(0, 365),
    months=st.integers(1, 24), tiers=st.lists(st.floats(0, 1), min_size=2, max_size=2),
)
def test_generated_rulesets_load_or_fail_with_a_finding(tmp_path_factory: pytest.TempPathFactory, lo: int, hi: int,
                                                         days: int, months: int, tiers: list[float]) -> None:
    """Property: a ruleset with generated parameters either compiles with exactly those values, or is
    refused with findings; never a crash."""
    root = tmp_path_factory.mktemp("gen") / "v"
    shutil.copytree(VERSION, root)
    edit(root / "catalogue" / "EV-BLOCK.yaml", "fine: {min: 5000, max: 50000}", f"fine: {{min: {lo}, max: {hi}}}")
    edit(root / "catalogue" / "EV-BLOCK.yaml", "rectification_days: 3", f"rectification_days: {days}")
    edit(root / "policy" / "ladder.yaml", "    value: 12", f"    value: {months}")
    a, b = sorted(tiers)
    edit(root / "policy" / "discretion.yaml", "{tier: ordinary, low: 0.3, high: 0.7}",
         f"{{tier: ordinary, low: {b}, high: {a}}}")
    try:
        rs = compile_version(root)
    except RulesetError as exc:
        codes = {f.code for f in exc.findings}
        assert codes <= {"RS-FINE-RANGE", "RS-TIER-RANGE", "RS-SCHEMA"}, codes
        assert lo > hi or b > a or lo < 1  # a fine is at least 1 yuan
        return
    assert 1 <= lo <= hi and b <= a
    branch = next(b for b in rs.items["EV-BLOCK"].spec.penalties if b.id == "unit")
    assert (branch.fine.min, branch.fine.max) == (lo, hi)
    assert rs.items["EV-BLOCK"].rectification_days == days
    assert rs.policy.spec.ladder.lookback_months[0].value == months


@pytest.mark.parametrize("loader", LOADERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize(("text", "code"), [
    ("a: &x [1]\nb: *x\n", "RS-YAML-ALIAS"),
    ("a: 1\na: 2\n", "RS-YAML-DUPLICATE"),
    ("a: !!python/object/apply:os.system [echo]\n", "RS-YAML-TAG"),
    ("a: [1\n", "RS-YAML"),
])
def test_both_yaml_loaders_refuse_the_same_things(loader: type, text: str, code: str) -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml(text, "t.yaml", loader)
    assert info.value.finding.code == code and info.value.finding.line is not None


@pytest.mark.parametrize("loader", LOADERS, ids=lambda c: c.__name__)
def test_both_yaml_loaders_read_keys_as_written_with_lines(loader: type) -> None:
    data, lines = parse_yaml('provisions:\n  60:1:3:\n    - from: 2021-04-29\n      text: x\n', "t.yaml", loader)
    assert list(data["provisions"]) == ["60:1:3"]
    assert str(data["provisions"]["60:1:3"][0]["from"]) == "2021-04-29"
    assert lines[("provisions", "60:1:3", 0, "text")] == 4


def test_a_conflict_names_the_first_combination_and_every_combination_has_its_own_resolution(copy: Path) -> None:
    """An item's law is worked out once per set of matched clauses, but the conflict still names
    the first combination of conditions (in ``ALL_CONDITIONS`` order) where two branches apply,
    and each combination keeps a ``Resolution`` of its own (the engine keys caches by identity)."""
    for item in fe.load_ruleset().items.values():
        for day in (dt.date(2021, 1, 1), dt.date(2025, 1, 1)):
            law = item.resolutions_on(day)
            assert len({id(r) for r in law.values()}) == len(ALL_CONDITIONS)
    edit(copy / "catalogue" / "EB-PARK.yaml", "    exception_to: [unit-hr-hindering, individual-hr-hindering]\n", "")
    assert [f for f in findings(copy) if "RS-BRANCH-CONFLICT" in f] == [
        "2024.09/catalogue/EB-PARK.yaml:20: error RS-BRANCH-CONFLICT: penalties: branches unit-hr-hindering, "
        "hr-operating both apply on 2021-08-01 for unit operating+high_rise+hinders_evacuation and neither is an "
        "exception to the other"]


def test_a_version_read_by_its_manifest_and_edited_before_it_compiles_is_refused(copy: Path) -> None:
    """``family_versions`` reads each version's digest with its manifest (a batch names it in its
    output before compiling); a version whose files change in between is refused, not used."""
    unchanged, edited = family_versions(copy.parent)[0], family_versions(copy.parent)[0]
    assert unchanged.ruleset().digest == unchanged.digest
    edit(copy / "catalogue" / "EV-BLOCK.yaml", "rectification_days: 3", "rectification_days: 4")
    with pytest.raises(RulesetError) as info:
        edited.ruleset()
    assert [f.code for f in info.value.findings] == ["RS-CHANGED"]
    assert unchanged.ruleset().digest == unchanged.digest  # compiled before the edit: kept

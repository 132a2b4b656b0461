"""The repository stands alone: what it depends on is inside it, and no text points outside it.

``../shared`` (beside a developer's checkout) is the reference the repository's copies follow:
where that folder exists, the copies are checked against it; a fresh clone without it still runs
every other check here.
"""

from __future__ import annotations

import filecmp
import tomllib
from pathlib import Path

import yaml

from fireenforce.resources import data_dir

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
LEGAL = REPO / "legal"
USER_FACING = ("README.md", "docs", "src", "rulesets", "documents", "examples")


def _text_files() -> list[Path]:
    out: list[Path] = []
    for name in USER_FACING:
        root = REPO / name
        paths = [root] if root.is_file() else root.rglob("*")
        out += [p for p in paths if p.is_file() and "__pycache__" not in p.parts]
    return out


def test_no_text_names_a_path_outside_the_repository():
    offenders = []
    for path in _text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if "../shared" in text:
            offenders.append(str(path.relative_to(REPO)))
    assert not offenders, "texts naming ../shared: " + ", ".join(offenders)


def _sources() -> set[str]:
    return {yaml.safe_load(p.read_text(encoding="utf-8"))["source"] for p in REPO.glob("rulesets/*/*/instruments/*.yaml")}


def test_every_instrument_source_is_a_statute_file_of_the_repository():
    sources = _sources()
    assert sources
    for source in sources:
        assert source.startswith("legal/") and (REPO / source).is_file(), f"source {source!r}"


def test_each_statute_file_keeps_its_source_note():
    """Every file an instrument quotes says where its text was copied from; INDEX.md lists every file."""
    index = (LEGAL / "INDEX.md").read_text(encoding="utf-8")
    files = [p for p in LEGAL.iterdir() if p.name != "INDEX.md"]
    assert len(files) >= 10
    missing = [p.name for p in files if f"({p.name})" not in index]
    assert not missing, f"missing from INDEX.md: {missing}"
    for source in _sources():
        head = (REPO / source).read_text(encoding="utf-8")[:3000]
        assert "文本来源" in head, f"{source} has no source note"


def test_the_wheel_carries_the_statutes():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include.get("legal") == "fireenforce/_data/legal"
    assert (data_dir("legal") / "INDEX.md").is_file()


def test_legal_copy_equals_the_reference_where_present():
    """The repository's legal/ is the reference's copy, file for file (checked where ../shared exists)."""
    reference = SHARED / "legal"
    if not reference.is_dir():
        return
    compared = filecmp.dircmp(reference, LEGAL)
    assert not compared.left_only, f"missing from legal/: {compared.left_only}"
    assert not compared.right_only, f"not in the reference: {compared.right_only}"
    _, mismatch, errors = filecmp.cmpfiles(reference, LEGAL, compared.common_files, shallow=False)
    assert not mismatch and not errors, f"differ from the reference: {mismatch + errors}"


def test_contract_only_extends_the_reference_where_present():
    """docs/contract.md keeps every line of the reference contract (we extend, never break)."""
    reference = SHARED / "docs" / "contract.md"
    ours = (REPO / "docs" / "contract.md").read_text(encoding="utf-8")
    assert "## CLI" in ours and "## Case (input)" in ours
    if not reference.is_file():
        return
    lines = set(ours.splitlines())
    missing = [line for line in reference.read_text(encoding="utf-8").splitlines() if line not in lines]
    assert not missing, f"lines of the reference contract dropped: {missing[:5]}"


def test_the_contract_describes_this_release() -> None:
    import fireenforce as fe

    contract = (REPO / "docs" / "contract.md").read_text(encoding="utf-8")
    for term in ("[--format html\\|text\\|docx\\|pdf]", "`bytes` for `docx`/`pdf`", "notice_date",
                 "what_if=True", "`case_digest`", "`summary_limit`"):
        assert term in contract, term
    batch = contract.split("## Batch (columnar)", 1)[1]
    assert "Not yet implemented" not in batch and "fe.decide_table(table, ruleset=rs)" in batch
    assert callable(fe.decide_table) and callable(fe.audit)


def test_the_schema_instruction_of_ruleset_format_runs_as_written(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    doc = (REPO / "docs" / "ruleset-format.md").read_text(encoding="utf-8")
    commands = [line for line in doc.splitlines() if line.startswith("mkdir") or "> .schemas/" in line]
    assert commands
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for command in commands:
        subprocess.run(["bash", "-ec", command], cwd=tmp_path, env=env, check=True, capture_output=True)
    assert (tmp_path / ".schemas" / "item.json").stat().st_size > 100

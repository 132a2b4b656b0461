"""Every provision text in every bundled ruleset version is verbatim from the statute file its
instrument names as ``source`` (the repository's ``legal/`` folder).

Citation convention (see the header comment of each instrument file):

- ``"A"``     the whole article: its blank-line separated blocks joined with ``"\\n"``;
- ``"A:P"``   paragraph P: the P-th block that is not an item line;
- ``"A:P:I"`` item I of paragraph P: the I-th line starting with （一）（二）… after that paragraph.

Only PyYAML's ``yaml.safe_load`` is used here, independent of the project's loader.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
RULESETS = REPO / "rulesets"

ARTICLE = re.compile(r"^### 第(\d+)条\s*$")
ITEM = re.compile(r"^（[一二三四五六七八九十]+）")
CITE = re.compile(r"^\d+(:\d+(:\d+)?)?$")

CONTRACT_CODES = [
    "EB-PARK", "EB-CHARGE", "EB-WIRE", "EB-INDOOR", "EV-BLOCK", "FL-BLOCK",
    "FF-DAMAGE", "FF-NONCOMPLIANT", "FF-HYDRANT", "OB-CROWDED", "OB-BILLBOARD-HR",
    "OB-RESIDENTIAL", "FU-OPENFIRE", "FU-HOTWORK-HR", "EL-WIRING", "RC-NOTICE",
    "UN-DUTY", "SH-THREE-IN-ONE",
]


def _versions() -> list[Path]:
    return sorted(p.parent for p in RULESETS.glob("*/*/ruleset.yaml"))


def _instrument_files() -> list[Path]:
    return sorted(p for v in _versions() for p in (v / "instruments").glob("*.yaml"))


def _load(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _provision_cases():
    cases = []
    for path in _instrument_files():
        data = _load(path)
        for ref, entries in (data.get("provisions") or {}).items():
            for n, entry in enumerate(entries):
                rel = path.relative_to(RULESETS)
                cases.append(
                    pytest.param(data["source"], str(ref), entry["text"], id=f"{rel}:{ref}#{n}")
                )
    return cases


@lru_cache(maxsize=None)
def _articles(source: str) -> dict[str, list[str]]:
    """Article number -> its non-empty lines (blocks), as in the source file."""
    articles: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in (REPO / source).read_text(encoding="utf-8").splitlines():
        match = ARTICLE.match(line)
        if match:
            current = articles.setdefault(match.group(1), [])
            continue
        if line.startswith("#"):
            current = None
            continue
        if current is not None and line.strip():
            current.append(line)
    return articles


def _paragraphs(blocks: list[str]) -> list[tuple[str, list[str]]]:
    paragraphs: list[tuple[str, list[str]]] = []
    for block in blocks:
        if ITEM.match(block) and paragraphs:
            paragraphs[-1][1].append(block)
        else:
            paragraphs.append((block, []))
    return paragraphs


def _expected(source: str, ref: str) -> str:
    parts = ref.split(":")
    blocks = _articles(source).get(parts[0])
    assert blocks, f"article {parts[0]} not found (or NOT FOUND) in {source}"
    assert not any("NOT FOUND" in b for b in blocks), f"article {parts[0]} is marked NOT FOUND"
    if len(parts) == 1:
        return "\n".join(blocks)
    paragraphs = _paragraphs(blocks)
    p = int(parts[1])
    assert 1 <= p <= len(paragraphs), f"article {parts[0]} has {len(paragraphs)} paragraph(s), not {p}"
    lead, items = paragraphs[p - 1]
    if len(parts) == 2:
        return lead
    i = int(parts[2])
    assert 1 <= i <= len(items), f"{parts[0]}:{p} has {len(items)} item(s), not {i}"
    return items[i - 1]


def test_bundled_versions_exist():
    assert _versions(), "no bundled ruleset versions found"
    assert _instrument_files(), "no instrument files found"


@pytest.mark.parametrize(("source", "ref", "text"), _provision_cases())
def test_provision_text_is_verbatim(source: str, ref: str, text: str):
    assert CITE.match(ref), f"bad provision key {ref!r}"
    assert source.startswith("legal/"), f"source {source!r} is not a file of the repository's legal/ folder"
    assert (REPO / source).is_file(), f"source file {source} missing"
    assert text == _expected(source, ref)


@pytest.mark.parametrize("version", _versions(), ids=lambda p: str(p.relative_to(RULESETS)))
@pytest.mark.parametrize("code", CONTRACT_CODES)
def test_contract_code_exists(version: Path, code: str):
    path = version / "catalogue" / f"{code}.yaml"
    assert path.is_file(), f"{code} missing in {version.name}"
    assert _load(path)["code"] == code


def _cites(item: dict):
    for v in [*(item.get("violated") or []), *(item.get("basis") or [])]:
        yield v["cite"]
    for branch in item.get("penalties") or []:
        yield from branch.get("cite") or []
        pre = branch.get("precondition_cite") or []
        yield from [pre] if isinstance(pre, str) else pre
    yield from item.get("compulsory") or []


@pytest.mark.parametrize("version", _versions(), ids=lambda p: str(p.relative_to(RULESETS)))
def test_catalogue_cites_resolve(version: Path):
    """Every citation in the catalogue names a provision present in an instrument file."""
    provisions = {}
    for path in (version / "instruments").glob("*.yaml"):
        data = _load(path)
        provisions[data["id"]] = set(map(str, data.get("provisions") or {}))
    missing = []
    for path in sorted((version / "catalogue").glob("*.yaml")):
        for cite in _cites(_load(path)):
            instrument, _, ref = cite.partition(":")
            if ref not in provisions.get(instrument, set()):
                missing.append(f"{path.name}: {cite}")
    assert not missing, "unresolved citations: " + ", ".join(missing)


@pytest.mark.parametrize("version", _versions(), ids=lambda p: str(p.relative_to(RULESETS)))
def test_cited_items_have_their_lead_in(version: Path):
    """An item cited alone is shown with its paragraph's lead-in, so "A:P" must be present too."""
    missing = []
    for path in (version / "instruments").glob("*.yaml"):
        refs = set(map(str, _load(path).get("provisions") or {}))
        missing += [f"{path.name}: {r}" for r in refs if r.count(":") == 2 and r.rsplit(":", 1)[0] not in refs]
    assert not missing, "items without lead-in: " + ", ".join(sorted(missing))


def _disjoint(a: dict, b: dict) -> bool:
    return any(k in b and a[k] != b[k] for k in a)


@pytest.mark.parametrize("version", _versions(), ids=lambda p: str(p.relative_to(RULESETS)))
def test_penalty_branches_disjoint_or_exceptions(version: Path):
    """Two branches that can apply together must be related by exception_to (else a load error)."""
    bad = []
    for path in sorted((version / "catalogue").glob("*.yaml")):
        branches = _load(path).get("penalties") or []
        ids = [b["id"] for b in branches]
        assert len(ids) == len(set(ids)), f"{path.name}: duplicate branch ids"
        for b in branches:
            for target in b.get("exception_to") or []:
                assert target in ids, f"{path.name}: {b['id']} is an exception to unknown {target}"
        for i, a in enumerate(branches):
            for b in branches[i + 1:]:
                related = b["id"] in (a.get("exception_to") or []) or a["id"] in (b.get("exception_to") or [])
                if not related and not _disjoint(a.get("when") or {}, b.get("when") or {}):
                    bad.append(f"{path.name}: {a['id']} / {b['id']}")
    assert not bad, "overlapping branches: " + ", ".join(bad)

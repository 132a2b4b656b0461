"""Citations name a paragraph (款) only where the article has several: an article of one
paragraph is cited 第X条 / 第X条第（Y）项, never 第X条第一款. Whether an article has one
paragraph is read here from the repository's statute files (legal/), independently of the
ruleset's whole-article texts the library reads it from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import fireenforce as fe
from fireenforce.cli._text import citation as plain_citation, decision_text
from fireenforce.documents.context import citation
from fireenforce.documents.numerals import number
from fireenforce.ruleset.load import load_version
from fireenforce.ruleset.provisions import parse_cite
from test_legal_text import _articles, _paragraphs

REPO = Path(__file__).resolve().parents[1]
VERSIONS = sorted(p.parent for p in (REPO / "rulesets").glob("*/*/ruleset.yaml"))


def _statute_paragraphs(source: str, article: int) -> int:
    return len(_paragraphs(_articles(source)[str(article)]))


@pytest.mark.parametrize("version", VERSIONS, ids=lambda p: p.name)
def test_every_provision_is_cited_with_a_paragraph_exactly_when_its_article_has_several(version: Path) -> None:
    ruleset = load_version(version)
    checked = 0
    for cite in ruleset.provisions.all_cites():
        instrument, article, paragraph, item = parse_cite(cite)
        source = ruleset.provisions.instruments[instrument].source
        several = _statute_paragraphs(source, article) > 1
        for provision in ruleset.provisions.versions(cite):
            basis = ruleset.provisions.basis(cite, "violated", provision.valid_from)
            assert basis is not None
            label, plain = citation(basis), plain_citation(basis)
            named = paragraph is not None and several
            assert ("款" in label) is named and ("款" in plain) is named, (cite, label, plain)
            if named:
                assert f"条第{number(paragraph)}款" in label and f"条第{paragraph}款" in plain, (cite, label, plain)
            assert basis.single_paragraph is (paragraph is not None and not several), cite
            if item is not None:
                assert label.endswith(f"第（{number(item)}）项"), label
            checked += 1
    assert checked > 100


def test_worked_examples_of_single_paragraph_articles() -> None:
    rs = fe.load_ruleset()
    day = rs.in_force.from_

    def label(cite: str) -> str:
        basis = rs.provisions.basis(cite, "penalty", day)
        assert basis is not None, cite
        return citation(basis)

    assert label("highrise-rules:47:1:7") == "《高层民用建筑消防安全管理规定》第四十七条第（七）项"
    assert label("fire-law:64:1:6") == "《中华人民共和国消防法》第六十四条第（六）项"
    assert label("penalty-law:9:1:1") == "《中华人民共和国行政处罚法》第九条第（一）项"
    assert label("fire-law:60:1:3") == "《中华人民共和国消防法》第六十条第一款第（三）项"
    assert label("fire-law:60:2") == "《中华人民共和国消防法》第六十条第二款"


def test_a_decision_and_its_documents_cite_a_single_paragraph_article_without_a_paragraph() -> None:
    case = {"item": "EB-PARK", "subject": {"kind": "individual", "name": "张某"},
            "place": {"name": "某小区1号楼", "high_rise": True}, "office": {"level": "street", "name": "北街街道消防安全办公室"},
            "observed_on": "2026-05-03"}
    decision = fe.decide(case)
    [penalty] = [b for b in decision.legal_basis if b.role == "penalty"]
    assert penalty.cite == "highrise-rules:47:1:7" and penalty.paragraph == 1 and penalty.single_paragraph
    listed = {b["cite"]: b for b in decision.model_dump(mode="json")["legal_basis"]}
    assert listed["highrise-rules:47:1:7"]["single_paragraph"] is True
    assert listed["highrise-rules:37:1"]["single_paragraph"] is False
    text = decision_text(decision)
    assert "第47条第7项" in text and "第47条第1款" not in text and "第37条第1款" in text


ARTICLE_PARAGRAPH = re.compile(r"(消防法|行政处罚法|高层规定|高层民用建筑消防安全管理规定》?)第([一二三四五六七八九十百]+)条第一款")
SOURCES = {"消防法": "legal/fire-protection-law-2021.md", "行政处罚法": "legal/administrative-penalty-law-2021.md",
           "高层规定": "legal/highrise-civil-building-fire-safety-2021.md"}


def _arabic(numeral: str) -> int:
    return next(n for n in range(1, 200) if number(n) == numeral)


def test_no_text_of_the_rulesets_documents_or_docs_names_the_first_paragraph_of_a_single_paragraph_article() -> None:
    files = [*REPO.glob("rulesets/**/*.yaml"), *REPO.glob("documents/**/*.j2"), *REPO.glob("docs/*.md"),
             *REPO.glob("src/**/*.py"), *REPO.glob("src/**/*.j2")]
    wrong = []
    for path in files:
        for match in ARTICLE_PARAGRAPH.finditer(path.read_text(encoding="utf-8")):
            source = SOURCES["高层规定" if match.group(1).startswith("高层") else match.group(1)]
            if _statute_paragraphs(source, _arabic(match.group(2))) == 1:
                wrong.append(f"{path.relative_to(REPO)}: {match.group(0)}")
    assert not wrong, wrong

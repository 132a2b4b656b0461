"""``fireenforce.query``: accuracy over the evaluation set, ranking properties, ``resolve``,
``infer_place``, the vocabulary loader and the ``query`` command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import fireenforce as fe
from fireenforce.cli import main
from fireenforce.errors import CaseError, RulesetError
from fireenforce.query import PlaceHint, index_for, infer_place, query, resolve
from fireenforce.query.vocabulary import fold, load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
EVAL = yaml.safe_load((ROOT / "tests" / "data" / "query_eval.yaml").read_text(encoding="utf-8"))
CASES = EVAL["cases"]
RS = fe.load_ruleset()
VERSIONS = ROOT / "rulesets" / "xifeng"


def _hits(cases: list[dict]) -> tuple[float, float]:
    top1 = top3 = 0
    for case in cases:
        codes = [m.code for m in query(case["text"], RS, top=3)]
        top1 += bool(codes) and codes[0] in case["expect"]
        required = case.get("top3")
        top3 += all(c in codes for c in required) if required else any(c in codes for c in case["expect"])
    return top1 / len(cases), top3 / len(cases)


def test_eval_set_is_large_and_names_real_items() -> None:
    assert len(CASES) >= 60
    for case in CASES + EVAL["holdout"]:
        assert set(case["expect"]) | set(case.get("top3", ())) <= set(RS.items), case["text"]


def test_accuracy_on_the_evaluation_set() -> None:
    top1, top3 = _hits(CASES)
    assert top1 >= 0.90, f"top-1 {top1:.1%}"
    assert top3 >= 0.97, f"top-3 {top3:.1%}"


def test_accuracy_on_held_out_phrasings() -> None:
    top1, top3 = _hits(EVAL["holdout"])
    assert top1 >= 0.75, f"top-1 {top1:.1%}"
    assert top3 >= 0.90, f"top-3 {top3:.1%}"


def test_aliases_do_not_copy_the_evaluation_sentences() -> None:
    texts = {fold(case["text"]) for case in CASES + EVAL["holdout"] if not case.get("term")}
    for item in RS.items.values():
        for word in (*item.aliases, *item.keywords):
            assert fold(word) not in texts, f"{item.code}: {word!r} is an evaluation sentence"


def test_fire_passage_is_ambiguous_and_ranks_both_meanings() -> None:
    codes = [m.code for m in query("消防通道被占了", RS, top=3)]
    assert {"EV-BLOCK", "FL-BLOCK"} <= set(codes)
    with pytest.raises(CaseError, match="ambiguous: candidates .*BLOCK.*BLOCK") as err:
        resolve("消防通道被占了", RS)
    assert err.value.field == "description"


def test_results_are_ranked_scored_and_explained() -> None:
    for case in CASES:
        matches = query(case["text"], RS, top=5)
        scores = [m.score for m in matches]
        assert scores == sorted(scores, reverse=True)
        assert all(0 < s <= 1 for s in scores)
        assert all(word in fold(case["text"]) for m in matches for word in m.matched)
    best = query("电瓶车停在楼梯间", RS, top=1)[0]
    assert best.code == "EB-PARK" and best.name == RS.items["EB-PARK"].name
    assert any("电瓶车" in word for word in best.matched)


@pytest.mark.parametrize("text", ["", "   ", "，。！？", "\n\t", "……"])
def test_nothing_to_search_gives_no_result(text: str) -> None:
    assert query(text, RS) == []
    with pytest.raises(CaseError, match="description"):
        resolve(text, RS)


def test_top_bounds_the_result() -> None:
    assert len(query("电动车", RS, top=2)) == 2
    with pytest.raises(CaseError, match="top"):
        query("电动车", RS, top=0)


_ALIASED = [(code, alias) for code, item in RS.items.items() for alias in item.aliases]


@settings(max_examples=300, deadline=None)
@given(case=st.sampled_from(CASES), pick=st.sampled_from(_ALIASED))
def test_adding_an_items_alias_keeps_it_in_the_top_three(case: dict, pick: tuple[str, str]) -> None:
    code, alias = pick
    if code in [m.code for m in query(case["text"], RS, top=3)]:
        assert code in [m.code for m in query(case["text"] + " " + alias, RS, top=3)]


@pytest.mark.parametrize(("code", "alias"), _ALIASED)
def test_every_alias_finds_its_item(code: str, alias: str) -> None:
    assert code in [m.code for m in query(alias, RS, top=3)]


def test_synonyms_read_colloquial_words_as_the_catalogue_words() -> None:
    for colloquial in ("电驴", "电摩", "电瓶车"):
        assert query(f"{colloquial}在楼道充电", RS, top=1)[0].code == "EB-CHARGE"
    assert query("消防栓被埋了", RS, top=1)[0].code == "FF-HYDRANT"


def test_resolve_returns_a_clear_answer() -> None:
    match = resolve("楼道里电动车在充电", RS)
    assert match.code == "EB-CHARGE"


def test_resolve_never_picks_a_wrong_item_in_the_evaluation_set() -> None:
    clear = 0
    for case in CASES:
        try:
            match = resolve(case["text"], RS)
        except CaseError:
            continue
        clear += 1
        assert "top3" not in case and match.code in case["expect"], case["text"]
    assert clear >= len(CASES) // 2


def test_resolve_refuses_what_matches_nothing() -> None:
    with pytest.raises(CaseError, match="no catalogue item matches"):
        resolve("qwerty", RS)


@pytest.mark.parametrize("text", ["有点问题", "今天天气不错", "电"])
def test_a_few_shared_characters_are_no_match(text: str) -> None:
    """Vague words share a character or two with some item (点 with 点火, 气 with 燃气): that
    is not a match, so query lists nothing and a case described so is refused, not decided."""
    assert query(text, RS) == []
    case = {"description": text, "subject": {"kind": "unit"}, "office": {"level": "street"},
            "observed_on": "2026-05-03"}
    with pytest.raises(CaseError) as info:
        fe.decide(case)
    assert str(info.value).startswith(f"description: no catalogue item matches {text!r}") and "give item" in str(info.value)


def test_many_shared_characters_still_rank() -> None:
    best = query("修车铺里面搭了个床晚上睡人", RS, top=1)
    assert [m.code for m in best] == ["SH-THREE-IN-ONE"] and best[0].matched == ()


@pytest.mark.parametrize("text", [5, None, b"\xe6\xa5\xbc"])
def test_query_text_must_be_a_string(text: object) -> None:
    with pytest.raises(CaseError) as info:
        query(text, RS)  # type: ignore[arg-type]
    assert info.value.field == "text" and "expected" in str(info.value)


def test_infer_place_reads_place_words() -> None:
    assert infer_place("高层住宅楼道里电动车充电", RS) == [PlaceHint("place.high_rise", True, "高层")]
    assert infer_place("ktv包间窗户封死", RS) == [PlaceHint("place.crowded", True, "KTV")]
    assert infer_place("网吧在高楼里", RS) == [
        PlaceHint("place.high_rise", True, "高楼"), PlaceHint("place.crowded", True, "网吧")]
    assert infer_place("多层住宅楼道", RS) == [PlaceHint("place.high_rise", False, "多层")]
    assert infer_place("楼道里电动车充电", RS) == []


def test_infer_place_ignores_negated_and_conflicting_words() -> None:
    assert infer_place("不是高层", RS) == []
    assert infer_place("这栋楼不是高层，是多层", RS) == [PlaceHint("place.high_rise", False, "多层")]
    assert infer_place("高层和多层之间的通道", RS) == []


def test_index_is_built_once_per_ruleset() -> None:
    assert index_for(RS) is index_for(RS)
    assert query("飞线充电")[0].code == "EB-WIRE"  # the bundled ruleset by default


def test_bundled_versions_share_one_vocabulary() -> None:
    texts = {p.read_text(encoding="utf-8") for p in VERSIONS.glob("*/vocabulary.yaml")}
    assert len(texts) == 1 and len(list(VERSIONS.glob("*/vocabulary.yaml"))) >= 2


def _vocabulary_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (RS.path / "vocabulary.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "vocabulary.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_vocabulary_word_in_two_groups_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _vocabulary_with(tmp_path, "  - [电池, 电瓶,", "  - [电池, 电驴,")
    with pytest.raises(RulesetError, match=r"vocabulary.yaml:\d+: error RS-VOCABULARY: synonyms\[1\]\[1\]: '电驴'"):
        load_vocabulary(path)


@pytest.mark.parametrize(("old", "new", "field"), [
    ("clarity:\n", "clarity:\n  margin: 2\n", "clarity.margin"),
    ("min_ratio: 1.4", "min_ratio: 0.5", "clarity.min_ratio"),
    ("field: place.crowded", "field: place.crowdedd", "places[2].field"),
])
def test_vocabulary_errors_name_file_line_and_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    with pytest.raises(RulesetError, match=rf"vocabulary.yaml:\d+: error RS-VOCABULARY: {re.escape(field)}:"):
        load_vocabulary(_vocabulary_with(tmp_path, old, new))


def test_cli_query_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "楼道里电动车在充电", "--top", "2", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in rows][:1] == ["EB-CHARGE"] and len(rows) == 2
    assert set(rows[0]) == {"code", "name", "score", "matched"}


def test_cli_query_text_and_other_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "前店后宅", "--ruleset", str(VERSIONS / "2022.03"), "--top", "1"]) == 0
    assert "SH-THREE-IN-ONE" in capsys.readouterr().out


def test_cli_query_refuses_empty_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "！？"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("fireenforce: error: text: ")  # the API's name


def test_docs_query_md_figures_are_what_the_code_prints(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/query.md quotes outputs and figures; they must not drift from the code."""
    doc = (ROOT / "docs" / "query.md").read_text(encoding="utf-8")
    assert f"# {query('楼道里电动车在充电', RS, top=3)[0]!r}\n" in doc
    assert f"# {infer_place('网吧在高楼里', RS)!r}\n" in doc
    assert main(["query", "消防通道被占了", "--top", "3"]) == 0
    assert capsys.readouterr().out in doc
    top1, top3 = _hits(CASES)
    held1, held3 = _hits(EVAL["holdout"])
    figure = (f"Evaluation set top-1 {top1:.1%}, top-3 {top3:.0%}; held out top-1 {held1:.0%}, top-3 {held3:.0%}."
              .replace("%", " %"))
    assert figure in " ".join(doc.split()), figure
    resolved = sum(1 for case in CASES if _resolves(case["text"]))
    assert f"{resolved} of {len(CASES)} resolve" in doc
    clarity = index_for(RS).vocabulary.clarity
    assert f"({clarity.min_score}, {clarity.min_ratio})" in doc


def _resolves(text: str) -> bool:
    try:
        resolve(text, RS)
    except CaseError:
        return False
    return True

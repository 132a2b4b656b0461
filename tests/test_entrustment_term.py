"""The 委托书's term and the form are checked on the day of the penalty decision, which follows its
notice's statement and hearing request periods (penalty-law art. 20 paras. 2, 4; arts. 45, 64, 85):
``decide`` refers a case whose earliest decision falls outside the term; ``render`` refuses a
decision dated outside it and heads one dated after a form switch by the form of its own day."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

import fireenforce as fe
from fireenforce.batch import decide_table, decision_row
from fireenforce.errors import DocumentError, RulesetError
from fireenforce.ruleset.load import load_family, load_version
from test_entrustment import NORTH, NUMBER, REPO, _case, _entrust, _version

LAPSES = "power.entrustment-lapses"


@pytest.fixture()
def ending(tmp_path: Path) -> fe.Ruleset:
    """北街's 委托书 ends on 2026-10-05."""
    return load_version(_version(tmp_path, _entrust(until=dt.date(2026, 10, 5))))


def _rules(decision: fe.Decision) -> list[str]:
    return [r.rule for r in decision.reasons]


def test_a_case_whose_decision_would_fall_after_the_term_is_referred(ending: fe.Ruleset) -> None:
    last_day = fe.decide(_case("2026-10-05", "2026-09-01"), ruleset=ending)  # the term's last day
    assert last_day.step == "referral" and last_day.referral_to == "brigade"
    [reason] = [r for r in last_day.reasons if r.rule == LAPSES]
    # a hearing right (a unit's fine of 5000 or more): five working days after the National Day holiday
    assert "最早在2026年10月14日" in reason.text and "没有在期限内的委托书" in reason.text
    assert {"penalty-law:20:2", "penalty-law:20:4"} <= set(reason.cites)
    early = fe.decide(_case("2026-09-20", "2026-09-01"), ruleset=ending)
    assert early.step == "penalty" and LAPSES not in _rules(early) and "power.entrusted" in _rules(early)


def test_a_summary_decision_is_made_on_the_day(ending: fe.Ruleset) -> None:
    """UN-DUTY's warning of the responsible person is a summary decision: made on the spot, on the
    term's last day."""
    case = {**_case("2026-10-05", "2026-09-01"), "item": "UN-DUTY", "facts": {"refused": True},
            "history": [{"date": "2026-09-01", "item": "UN-DUTY", "step": "warning"}],
            "responsible_person": {"name": "王五", "id": "620102198001010011", "position": "总经理"}}
    decision = fe.decide(case, ruleset=ending)
    assert decision.procedure == "summary" and decision.step == "penalty" and LAPSES not in _rules(decision)


def test_render_refuses_a_decision_dated_after_the_term(ending: fe.Ruleset) -> None:
    case = fe.Case.model_validate(_case("2026-09-20", "2026-09-01"))
    decision = fe.decide(case, ruleset=ending)
    with pytest.raises(DocumentError) as info:
        fe.render(case, decision, "penalty_decision", fine=6000, ruleset=ending, format="text", date="2026-10-11")
    message = str(info.value)
    assert "\n" not in message and message.startswith("date: 2026-10-11: 北街街道消防安全办公室 may not issue")
    assert "no 委托书 of offices.yaml covers that day" in message
    within = fe.render(case, decision, "penalty_decision", fine=6000, ruleset=ending, format="text",
                       date="2026-10-05")
    assert f"{NUMBER}，2024年8月20日" in within.split("当事人")[0]


def test_a_decision_after_a_switch_is_headed_by_the_form_of_its_day(tmp_path: Path) -> None:
    rs = load_version(_version(tmp_path, lambda e: e.update(forms=[{"form": "赋权", "from": dt.date(2026, 10, 5)}])))
    case = fe.Case.model_validate(_case("2026-10-01", "2026-09-01"))
    decision = fe.decide(case, ruleset=rs)
    assert decision.step == "penalty"
    notice = fe.render(case, decision, "penalty_notice", fine=6000, ruleset=rs, format="text")
    assert "委托书" in notice.split("当事人")[0]
    text = fe.render(case, decision, "penalty_decision", fine=6000, ruleset=rs, format="text", date="2026-10-11",
                     serial=1)
    head = text.split("当事人")[0]
    assert "庆阳市西峰区北街街道办事处" in head and "西北街消罚决字〔2026〕第1号" in head and "委托" not in head


def test_the_batch_kernel_refers_as_decide_does_near_the_terms_end(ending: fe.Ruleset) -> None:
    cases = [_case(on, "2026-09-01") for on in ("2026-09-20", "2026-10-01", "2026-10-05", "2026-10-06")]
    out = decide_table(pa.Table.from_struct_array(pa.array(cases)), ruleset=ending).to_pylist()
    assert out == [decision_row(fe.decide(c, ruleset=ending)) for c in cases]
    assert [row["step"] for row in out] == ["penalty", "referral", "referral", "referral"]


def test_the_entrustment_item_reason_names_the_entrustment_in_chinese(tmp_path: Path) -> None:
    rs = load_version(_version(tmp_path, _entrust(items=["FL-BLOCK"])))
    decision = fe.decide(_case(), ruleset=rs)
    [reason] = [r for r in decision.reasons if r.rule == "power.entrustment-item"]
    assert reason.text.startswith(f"委托书（{NUMBER}，2024年8月20日）未委托该事项")


def _family(tmp_path: Path, number: str) -> Path:
    """A copy of the bundled family whose 2024.09 北街 委托书 carries ``number``."""
    root = tmp_path / "xifeng"
    shutil.copytree(REPO / "rulesets" / "xifeng", root)
    path = root / "2024.09" / "offices.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(NUMBER, number, 1), encoding="utf-8")
    return root


def test_one_entrustment_number_has_one_content_across_the_family(tmp_path: Path) -> None:
    numbers = {e.number: (e.date, e.from_) for rs in load_family(REPO / "rulesets" / "xifeng")
               for office in rs.delegations.offices.values() for e in office.entrustments}
    assert numbers[NUMBER] == (dt.date(2024, 8, 20), dt.date(2024, 9, 1))  # the 2024.09 delegation's dates
    assert numbers["西消委〔2022〕第1号"] == (dt.date(2022, 2, 20), dt.date(2022, 3, 1))
    with pytest.raises(RulesetError) as info:
        load_family(_family(tmp_path, "西消委〔2022〕第1号"))  # 2022.03's number for 2024.09's scope
    [finding] = [f for f in info.value.findings if f.code == "RS-ENTRUST-NUMBER"]
    assert finding.file == "2024.09/offices.yaml" and finding.field == f"offices.{NORTH}.entrustments"
    assert "differs from the one of that number in 2022.03/offices.yaml (date, items, from)" in finding.message


def test_a_penalty_under_an_unpublished_entrustment_carries_a_doubt(tmp_path: Path) -> None:
    unpublished = fe.decide(_case())
    assert "DOUBT-ENTRUSTMENT-UNPUBLISHED" in [d.code for d in unpublished.doubts]
    [doubt] = [d for d in unpublished.doubts if d.code == "DOUBT-ENTRUSTMENT-UNPUBLISHED"]
    assert "“委托行政机关和受委托组织应当将委托书向社会公布。”" in doubt.text
    assert "委托行政机关和受委托组织应当将委托书向社会公布。" in (REPO / "legal" / "administrative-penalty-law-2021.md") \
        .read_text(encoding="utf-8")
    rs = load_version(_version(tmp_path, _entrust(published={"on": dt.date(2024, 8, 25), "where": "西峰区人民政府网站"})))
    published = fe.decide(_case(), ruleset=rs)
    assert published.step == "penalty" and "DOUBT-ENTRUSTMENT-UNPUBLISHED" not in [d.code for d in published.doubts]
    other = fe.decide(_case(office={"level": "street", "name": ""}))  # no 委托书 to speak of
    assert "DOUBT-ENTRUSTMENT-UNPUBLISHED" not in [d.code for d in other.doubts]


def test_a_copy_of_a_ruleset_elsewhere_prints_citations_by_title(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The text output labels citations from the copy that decided, not only a bundled version."""
    from fireenforce.cli import main as cli_main

    root = _version(tmp_path, _entrust(items=["FL-BLOCK"]))  # a copy whose digest no bundled version has
    case = tmp_path / "case.json"
    case.write_text(json.dumps(_case(), ensure_ascii=False), encoding="utf-8")
    assert cli_main(["decide", str(case), "--ruleset", str(root)]) == 0
    out = capsys.readouterr().out
    assert "（《中华人民共和国行政处罚法》第三十七条）" in out and "penalty-law:" not in out
    assert f"委托书（{NUMBER}，2024年8月20日）未委托该事项" in out


def test_an_office_the_ruleset_does_not_name_is_decided_with_a_doubt_and_not_rendered(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """decide keeps an unknown or unnamed office's level powers (docs/contract.md: the name is free),
    doubting its 委托书; render refuses an unknown name in one line naming office.name."""
    from fireenforce.cli import main as cli_main

    unknown = _case(office={"level": "street", "name": "西街街道消防安全办公室"})
    for case in (unknown, _case(office={"level": "street"})):
        decision = fe.decide(case)
        assert decision.step == "penalty"
        assert "DOUBT-ENTRUSTMENT-UNNAMED-OFFICE" in [d.code for d in decision.doubts]
    named = fe.decide(_case())
    assert "DOUBT-ENTRUSTMENT-UNNAMED-OFFICE" not in [d.code for d in named.doubts]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(unknown, ensure_ascii=False), encoding="utf-8")
    assert cli_main(["render", str(path), "--document", "penalty_decision", "--fine", "6000"]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith('fireenforce: error: office.name: unknown office "西街街道消防安全办公室"; known: 北街街道消防安全办公室')

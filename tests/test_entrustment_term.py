"""The 委托书's term and the form are checked on the day of the penalty decision, which follows its
notice's statement and hearing request periods (penalty-law art. 20 paras. 2, 4; arts. 45, 64, 85):
``decide`` refers a case whose earliest decision falls outside the term; ``render`` refuses a
decision dated outside it and heads one dated after a form switch by the form of its own day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

import fireenforce as fe
from fireenforce.batch import decide_table, decision_row
from fireenforce.errors import DocumentError
from fireenforce.ruleset.load import load_version
from test_entrustment import NUMBER, _case, _entrust, _version

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
    assert early.step == "penalty" and LAPSES not in _rules(early) and "power.holds" in _rules(early)


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
    assert f"{NUMBER}，2021年7月10日" in within.split("当事人")[0]


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
    assert reason.text.startswith(f"委托书（{NUMBER}，2021年7月10日）未委托该事项")

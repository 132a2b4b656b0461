"""The decide API and CLI as integrators and officers use them: shapes, errors, batches, descriptions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import fireenforce as fe
from fireenforce.model import Decision

ROOT = Path(__file__).resolve().parents[1]
BASE = {
    "item": "EV-BLOCK",
    "subject": {"kind": "unit", "operating": True, "name": "某某超市"},
    "office": {"level": "street"},
    "observed_on": "2026-05-03",
}


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fireenforce", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT)


def test_decision_json_validates_against_its_own_model() -> None:
    decision = fe.decide({**BASE, "history": [{"date": "2026-04-01", "item": "EV-BLOCK", "step": "warning"}]})
    dumped = decision.model_dump(mode="json")
    assert Decision.model_validate(dumped) == decision
    assert dumped["step"] == "penalty"
    assert dumped["penalty"]["fine"] == {"min": 5000, "max": 50000, "suggested": {"min": 18500, "max": 36500},
                                         "optional": False}
    assert [b["cite"] for b in dumped["legal_basis"] if b["role"] in ("violated", "penalty")] == [
        "fire-law:28", "fire-law:16:1:4", "fire-law:60:1:3"]
    assert dumped["hearing_right"] is True and dumped["procedure"] == "general"
    assert dumped["ruleset"]["version"] == "2024.09"


def test_dict_json_text_and_case_give_the_same_decision() -> None:
    a = fe.decide(BASE)
    b = fe.decide(json.dumps(BASE))
    c = fe.decide(fe.Case.model_validate(BASE))
    assert a == b == c


@pytest.mark.parametrize(("change", "field"), [
    ({"item": "NOPE"}, "item"),
    ({"subject": {"kind": "robot"}}, "subject.kind"),
    ({"office": {"level": "village"}}, "office.level"),
    ({"observed_on": "2026-13-01"}, "observed_on"),
    ({"colour": "red"}, "colour"),
    ({"occurred_on": "2026-05-01", "ended_on": "2026-04-01"}, "ended_on"),
    ({"history": [{"date": "2026-06-01", "item": "EV-BLOCK", "step": "reminder"}]}, "history[0].date"),
    ({"history": [{"date": "2026-04-01", "item": "XX-NOPE", "step": "reminder"}]}, "history[0].item"),
    ({"observed_on": "2020-05-03"}, "decided_on"),
])
def test_bad_input_names_the_field(change: dict, field: str) -> None:
    with pytest.raises(fe.CaseError) as info:
        fe.decide({**BASE, **change})
    assert info.value.field == field


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps({**BASE, "item": "NOPE"}), encoding="utf-8")
    run = cli("decide", str(path))
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "item: unknown item 'NOPE'" in run.stderr
    assert "Traceback" not in run.stderr


def test_cli_json_lines_give_one_result_per_line_and_mark_failures() -> None:
    lines = "\n".join(json.dumps(c) for c in (BASE, {**BASE, "item": "NOPE"}, {**BASE, "item": "FL-BLOCK"}))
    run = cli("decide", "-", "--format", "json", stdin=lines)
    assert run.returncode == 2
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert [o.get("step") for o in out] == ["reminder", None, "reminder"]
    assert out[1]["error"]["field"] == "item"


def test_cli_text_is_what_an_officer_reads() -> None:
    run = cli("decide", "examples/ebike-highrise.json")
    assert run.returncode == 0, run.stderr
    # penalty-law arts. 29 and 13 (policy/competing.yaml, default higher_fine): the law's 60(2), not 高层规定 47(7)
    assert "处置：行政处罚" in run.stdout and "《中华人民共和国消防法》第60条第2款" in run.stdout
    assert "DOUBT-HR47-SPECIAL" in run.stdout and "当场处罚限于警告或者200元以下罚款" in run.stdout
    step_line = next(line for line in run.stdout.splitlines() if line.startswith("处置："))
    assert "警告" not in step_line, "the soft step is never called 警告 (警告 appears only as a penalty kind)"


def test_description_picks_a_clear_item_and_says_so() -> None:
    case = {k: v for k, v in BASE.items() if k != "item"} | {"description": "网吧窗户上焊了防盗网"}
    decision = fe.decide(case)
    assert decision.item.code == "OB-CROWDED"
    assert decision.reasons[0].rule == "item.inferred"
    assert ("place.crowded", True) in {(i.field, i.value) for i in decision.inferred}


def test_description_told_facts_win_over_inferred_ones() -> None:
    case = {k: v for k, v in BASE.items() if k != "item"} | {
        "description": "网吧窗户上焊了防盗网", "place": {"crowded": False}}
    decision = fe.decide(case)
    assert all(i.field != "place.crowded" for i in decision.inferred)
    assert decision.penalty is None  # 60(1)(6) needs a crowded place


def test_ambiguous_description_is_refused_with_candidates() -> None:
    case = {k: v for k, v in BASE.items() if k != "item"} | {"description": "消防通道被占了"}
    with pytest.raises(fe.CaseError) as info:
        fe.decide(case)
    assert info.value.field == "description" and "EV-BLOCK" in info.value.message and "FL-BLOCK" in info.value.message


def test_decide_many_matches_decide_and_names_the_failing_index() -> None:
    cases = [BASE, {**BASE, "item": "FF-DAMAGE"}]
    assert fe.decide_many(cases) == [fe.decide(c) for c in cases]
    with pytest.raises(fe.CaseError) as info:
        fe.decide_many([BASE, {**BASE, "item": "NOPE"}])
    assert info.value.field == "[1].item"


def test_default_ruleset_follows_the_decision_date() -> None:
    old = fe.decide({**BASE, "item": "OB-CROWDED", "place": {"crowded": True}, "observed_on": "2023-05-03",
                     "facts": {"serious": True}})
    new = fe.decide({**BASE, "item": "OB-CROWDED", "place": {"crowded": True}, "facts": {"serious": True}})
    assert (old.ruleset.version, old.step, old.referral_to) == ("2022.03", "referral", "brigade")
    assert (new.ruleset.version, new.step) == ("2024.09", "penalty")


def test_high_rise_only_item_implies_a_high_rise_place_and_says_so() -> None:
    decision = fe.decide({**BASE, "item": "FU-HOTWORK-HR", "facts": {"serious": True}})
    assert [(i.field, i.value) for i in decision.inferred] == [("place.high_rise", True)]
    assert decision.reasons[0].rule == "place.implied-by-item"
    assert decision.penalty.fine.min == 2000  # operating: highrise-rules 47, 2000–10000


def test_high_rise_only_item_in_a_place_told_not_high_rise_is_refused() -> None:
    with pytest.raises(fe.CaseError) as info:
        fe.decide({**BASE, "item": "FU-HOTWORK-HR", "place": {"high_rise": False}})
    assert info.value.field == "place.high_rise"


def test_catalogue_json_lists_every_item_with_its_legal_basis() -> None:
    run = cli("catalogue", "--format", "json")
    assert run.returncode == 0, run.stderr
    items = json.loads(run.stdout)
    assert isinstance(items, list) and len(items) == len(fe.load_ruleset().items)
    ev = next(i for i in items if i["code"] == "EV-BLOCK")
    assert ev["subjects"] == ["unit", "individual"] and "street" in ev["delegated_to"]
    assert "fire-law:28" in ev["legal_basis"]["violated"]
    assert any("fire-law:60:1:3" in b["cite"] for b in ev["legal_basis"]["penalty"])
    charge = next(i for i in items if i["code"] == "EB-CHARGE")  # cites repeated per condition are listed once
    assert charge["legal_basis"]["violated"] == ["fire-law:28", "fire-law:16:1:4", "highrise-rules:37:1"]


@pytest.mark.parametrize(("change", "message"), [
    ({"observed_on": "May 3"}, "observed_on: 'May 3' is not a date (expected YYYY-MM-DD)"),
    ({"item": None}, "item: item or description is required"),
])
def test_error_messages_read_well(change: dict, message: str) -> None:
    with pytest.raises(fe.CaseError) as info:
        fe.decide({k: v for k, v in {**BASE, **change}.items() if v is not None})
    assert str(info.value) == message


def test_cli_usage_errors_are_one_line_with_exit_2() -> None:
    run = cli("render", "examples/ebike-highrise.json", "--document", "nope")
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "--document" in run.stderr and "invalid choice" in run.stderr


def test_decide_is_thread_safe_and_deterministic() -> None:
    from concurrent.futures import ThreadPoolExecutor

    rs = fe.load_ruleset()
    items = sorted(rs.items)
    cases = [
        {**BASE, "item": code, "subject": {"kind": rs.items[code].subjects[0], "operating": i % 2 == 0 or rs.items[code].operating_only},
         "place": {"high_rise": rs.items[code].high_rise_only or i % 3 == 0, "crowded": i % 5 == 0},
         "office": {"level": ("street", "town", "township", "brigade")[i % 4]},
         "history": [{"date": "2026-04-01", "item": code, "step": ("reminder", "warning", "penalty")[i % 3]}]}
        for i, code in enumerate(items * 6)
    ]
    sequential = [fe.decide(c, rs).model_dump(mode="json") for c in cases]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda c: fe.decide(c, rs).model_dump(mode="json"), cases))
    assert threaded == sequential


def test_cli_reads_a_case_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(BASE, ensure_ascii=False).encode("utf-8"))
    run = cli("decide", str(path), "--format", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["step"] == "reminder"


def test_a_departure_decides_the_step_taken_or_is_refused() -> None:
    case = {"item": "EV-BLOCK", "subject": {"kind": "unit", "operating": True, "name": "某超市"},
            "place": {"name": "某超市", "crowded": True}, "office": {"level": "street", "name": "北街街道消防安全办公室"},
            "observed_on": "2026-05-03"}
    suggested = fe.decide(case)
    assert suggested.step == "reminder" and fe.decide(case, step="reminder") == suggested
    taken = fe.decide(case, step="penalty")
    assert (taken.step, taken.procedure) == ("penalty", "general") and taken.penalty and taken.penalty.available
    assert "departure" in [r.rule for r in taken.reasons]
    assert "penalty_decision" in taken.documents
    notice = fe.render(case, taken, "penalty_notice", format="text", fine=6000)
    assert "行政处罚告知书" in notice
    edited = suggested.model_copy(update={"step": "penalty"})
    with pytest.raises(fe.FireEnforceError, match="decision.step: differs"):
        fe.render(case, edited, "inspection_record", format="text")
    wiring = {**case, "item": "EL-WIRING"}
    with pytest.raises(fe.CaseError, match=r"^step: penalty: not lawful here: .*precondition \(overdue\)"):
        fe.decide(wiring, step="penalty")

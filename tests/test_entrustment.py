"""委托书 and form switches of a named office (offices.yaml): checked at ruleset load, bounding what
``decide`` lets the office impose, cited on the documents in the brigade's name, and numbering
each series on its own across a switch between 委托 and 赋权 (penalty-law arts. 20 and 24)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

import fireenforce as fe
from fireenforce.batch import decide_table, decision_row
from fireenforce.errors import DocumentError, RulesetError
from fireenforce.ledger import Ledger
from fireenforce.ruleset.load import compile_version, load_version

REPO = Path(__file__).resolve().parents[1]
NORTH = "北街街道消防安全办公室"
NUMBER = "西消委〔2024〕第1号"
UNIT = {"kind": "unit", "operating": True, "name": "某某超市", "id": "91621002MA00000000", "address": "西峰区北大街1号"}
Edit = Callable[[dict[str, Any]], None]


def _version(tmp_path: Path, edit: Edit) -> Path:
    """A copy of the bundled 2024.09 whose offices.yaml entry for 北街 ``edit`` changed."""
    root = tmp_path / "xifeng" / "2024.09"
    shutil.copytree(REPO / "rulesets" / "xifeng" / "2024.09", root)
    path = root / "offices.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data["offices"][NORTH])
    path.write_text(yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


class _NoAliases(yaml.SafeDumper):
    """Writes shared lists out in full (the project's loader refuses YAML aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _entrust(**changes: Any) -> Edit:
    def edit(entry: dict[str, Any]) -> None:
        entry["entrustments"][0].update(changes)
    return edit


def _codes(root: Path) -> list[str]:
    with pytest.raises(RulesetError) as info:
        compile_version(root)
    return [f.code for f in info.value.findings]


def _case(on: str = "2026-05-03", history_on: str = "2026-03-10", **over: Any) -> dict[str, Any]:
    """A unit whose written order on the same conduct went unheeded: the step is a penalty."""
    return {"item": "EV-BLOCK", "subject": UNIT, "place": {"name": "某某小区3号楼"},
            "office": {"level": "street", "name": NORTH}, "observed_on": on,
            "facts": {"narrative": "楼道堆放纸箱堵塞疏散通道"},
            "history": [{"date": history_on, "item": "EV-BLOCK", "step": "warning"}], **over}


def test_the_bundled_offices_each_name_their_entrustment() -> None:
    rs = fe.load_ruleset()
    north = rs.delegations.offices[NORTH]
    found = north.entrustment_on(dt.date(2026, 5, 3))
    assert found is not None and found.number == NUMBER and "EV-BLOCK" in found.items
    decision = fe.decide(_case())  # within the 委托书: as the level holds it, under the entrustment articles
    assert decision.step == "penalty" and "power.entrusted" in [r.rule for r in decision.reasons]
    assert {"penalty-law:20:1", "penalty-law:20:4"} <= {b.cite for b in decision.legal_basis}
    text = fe.render(_case(), decision, "penalty_notice", fine=6000, format="text")
    assert f"委托书：{NUMBER}，2024年8月20日" in text.split("当事人")[0]


@pytest.mark.parametrize(("edit", "code"), [
    (lambda e: e.pop("entrustments"), "RS-ENTRUST-MISSING"),
    (_entrust(items=["EV-BLOCK", "XX-NONE"]), "RS-ENTRUST-ITEM"),
    (_entrust(powers=["fine", "sealing"]), "RS-ENTRUST-POWER"),
    (_entrust(powers=["fine", "confiscation-of-all"]), "RS-ENTRUST-POWER"),
    (_entrust(until=dt.date(2021, 7, 1)), "RS-ENTRUST-TERM"),
    (_entrust(date=dt.date(2024, 9, 5)), "RS-ENTRUST-TERM"),
    (_entrust(published={"on": dt.date(2024, 8, 1), "where": "西峰区人民政府网站"}), "RS-ENTRUST-TERM"),
    (lambda e: e["entrustments"].append({**e["entrustments"][0], "number": "西消委〔2023〕第9号",
                                         "date": dt.date(2023, 1, 1), "from": dt.date(2023, 1, 1)}),
     "RS-ENTRUST-OVERLAP"),
    (lambda e: e.update(forms=[{"form": "赋权", "from": dt.date(2026, 7, 1)}, {"form": "赋权", "from": dt.date(2026, 9, 1)}]),
     "RS-ENTRUST-FORMS"),
    (lambda e: e["entrustments"][0].pop("until"), "RS-SCHEMA"),
])
def test_a_bad_entrustment_is_refused_at_load(tmp_path: Path, edit: Edit, code: str) -> None:
    codes = _codes(_version(tmp_path, edit))
    if code != "RS-SCHEMA":
        assert codes == [code]
    else:
        assert code in codes


def test_a_refusal_names_the_file_line_and_field(tmp_path: Path) -> None:
    with pytest.raises(RulesetError) as info:
        compile_version(_version(tmp_path, _entrust(items=["XX-NONE"])))
    [finding] = info.value.findings
    assert finding.file.endswith("offices.yaml") and finding.line is not None
    assert finding.field == f"offices.{NORTH}.entrustments[0].items" and "XX-NONE" in finding.message


@pytest.mark.parametrize(("edit", "on", "rule", "words"), [
    (_entrust(items=["FL-BLOCK"]), "2026-05-03", "power.entrustment-item", [NUMBER, "未委托该事项"]),
    (_entrust(powers=["formal_warning"]), "2026-05-03", "power.entrustment-kind", [NUMBER, "罚款"]),
    (_entrust(until=dt.date(2026, 4, 30)), "2026-05-03", "power.entrustment-none", ["没有在期限内的委托书"]),
])
def test_a_penalty_outside_the_entrustment_goes_to_the_brigade(tmp_path: Path, edit: Edit, on: str, rule: str,
                                                                words: list[str]) -> None:
    rs = load_version(_version(tmp_path, edit))
    decision = fe.decide(_case(on), ruleset=rs)
    assert decision.step == "referral" and decision.referral_to == "brigade"
    [reason] = [r for r in decision.reasons if r.rule == rule]
    assert all(w in reason.text for w in words), reason.text
    assert "penalty-law:20:4" in reason.cites
    inside = fe.decide(_case("2026-04-20", "2026-03-10"), ruleset=rs)  # the term still runs, or another item
    assert inside.step == ("penalty" if rule == "power.entrustment-none" else "referral")
    letter = fe.render(fe.Case.model_validate(_case(on)), decision, "referral_letter", format="text", ruleset=rs)
    assert words[-1] in letter  # the referral letter says why the office may not act itself


def test_an_office_the_ruleset_does_not_name_keeps_its_levels_powers(tmp_path: Path) -> None:
    rs = load_version(_version(tmp_path, _entrust(items=["FL-BLOCK"])))
    other = _case(office={"level": "street", "name": "东街街道消防安全办公室"})
    assert fe.decide(other, ruleset=rs).step == "penalty"


def _switched(tmp_path: Path) -> Path:
    return _version(tmp_path, lambda e: e.update(forms=[{"form": "赋权", "from": dt.date(2026, 6, 1)}]))


def test_a_switch_to_empowerment_is_taken_by_the_acts_date(tmp_path: Path) -> None:
    rs = load_version(_switched(tmp_path))
    before, after = _case("2026-05-20"), _case("2026-06-10", "2026-05-01")
    entrusted, empowered = fe.decide(before, ruleset=rs), fe.decide(after, ruleset=rs)
    assert "power.entrusted" in [r.rule for r in entrusted.reasons]
    assert "power.empowered" in [r.rule for r in empowered.reasons]
    assert "penalty-law:24:1" in [b.cite for b in empowered.legal_basis]
    assert "penalty-law:20:4" not in [b.cite for b in empowered.legal_basis]
    old = fe.render(fe.Case.model_validate(before), entrusted, "penalty_decision", fine=6000, ruleset=rs,
                    format="text", serial=3)
    new = fe.render(fe.Case.model_validate(after), empowered, "penalty_decision", fine=6000, ruleset=rs,
                    format="text", serial=1)
    assert old.splitlines()[2].strip() == "庆阳市西峰区消防救援大队" and "西消北街委罚决字〔2026〕第3号" in old
    assert new.splitlines()[2].strip() == "庆阳市西峰区北街街道办事处" and "西北街消罚决字〔2026〕第1号" in new
    assert "委托" not in new.split("当事人")[0]


def test_numbers_count_per_series_across_a_switch_in_one_year(tmp_path: Path) -> None:
    root = _switched(tmp_path)
    reason = "安全出口在营业期间锁闭，情况紧急"
    with Ledger(f"sqlite:///{tmp_path / 'ledger.db'}", ruleset=root) as led:
        def penalty(n: int, on: str) -> dict[str, str]:
            data = {**_case(on), "subject": {**UNIT, "name": f"某某超市{n}号店", "id": None}}
            data.pop("history")
            data["subject"].pop("id")
            rec = led.record(data, step="penalty", reason=reason, fine=6000, officer="王某")
            return {d.type: d.number for d in rec.documents}
        first = penalty(1, "2026-05-20")
        second = penalty(2, "2026-06-10")
        third = penalty(3, "2026-06-11")
        late = penalty(4, "2026-05-25")  # recorded later, dated before the switch: the agency's series
        assert first["penalty_decision"] == "西消北街委罚决字〔2026〕第1号"
        assert second["penalty_decision"] == "西北街消罚决字〔2026〕第1号"
        assert third["penalty_decision"] == "西北街消罚决字〔2026〕第2号"
        assert late["penalty_decision"] == "西消北街委罚决字〔2026〕第2号"
        assert [d["inspection_record"] for d in (first, second, third, late)] == [
            f"西北街消检查字〔2026〕第{n}号" for n in (1, 2, 3, 4)]
        assert led.verify().ok
        led.rebuild()
        assert led.verify().ok
        assert penalty(5, "2026-06-12")["penalty_decision"] == "西北街消罚决字〔2026〕第3号"


def test_an_override_file_may_not_give_entrustments(tmp_path: Path) -> None:
    offices = tmp_path / "override.yaml"
    offices.write_text(yaml.safe_dump({"offices": {NORTH: {"entrustments": [
        {"number": "X", "date": dt.date(2021, 1, 1), "items": ["EV-BLOCK"], "powers": ["fine"],
         "from": dt.date(2021, 1, 1), "until": dt.date(2030, 1, 1)}]}}}, allow_unicode=True), encoding="utf-8")
    case = _case()
    with pytest.raises(DocumentError, match=r"entrustments: only the ruleset's offices.yaml may give it"):
        fe.render(case, fe.decide(case), "penalty_decision", fine=6000, offices=str(offices))


def test_the_batch_kernel_bounds_a_named_office_as_decide_does(tmp_path: Path) -> None:
    import pyarrow as pa

    rs = load_version(_version(tmp_path, _entrust(items=["FL-BLOCK"], until=dt.date(2026, 5, 31))))
    cases = [_case(on, office={"level": "street", "name": name}) | {"item": item}
             for on in ("2026-04-03", "2026-06-03") for item in ("EV-BLOCK", "FL-BLOCK")
             for name in (NORTH, "南街街道消防安全办公室")]
    for case in cases:
        case["history"] = [{**case["history"][0], "item": case["item"]}]
    out = decide_table(pa.Table.from_struct_array(pa.array(cases * 3)), ruleset=rs).to_pylist()
    want = [decision_row(fe.decide(c, ruleset=rs)) for c in cases * 3]
    assert out == want
    steps = [row["step"] for row in out[:len(cases)]]
    assert steps == ["referral", "penalty", "penalty", "penalty", "referral", "penalty", "referral", "penalty"]

"""The audit: worked cases of each finding kind on a real ledger (SQLite), a clean ledger without
findings, the same findings from the database, its export and a Parquet archive, bad inputs in
one line with exit code 2, and a property: actions taken exactly as decided give no finding but
the 同案不同罚 comparison, and the batch path gives the rules decide gives."""

from __future__ import annotations

import datetime as dt
import io
import random
import json
import shutil
from pathlib import Path
from typing import Any, Callable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import fireenforce as fe
from fireenforce.auditing import COLUMNS, Action, AuditFinding, AuditReport
from fireenforce.auditing.actions import ActionBatch, _procedure_of
from fireenforce.auditing.rules import _alone, rules_for
from fireenforce.auditing.run import audit_actions
from fireenforce.cli import main
from fireenforce.ledger import Ledger
from fireenforce.resources import bundled_family
from fireenforce.ruleset.audit import AUDIT_KINDS
from fireenforce.ruleset.load import load_family, load_version
from fireenforce.testing.strategies import cases

from ledgerkit import OTHER_OFFICE, case, resident_id

FAMILY = bundled_family()


@pytest.fixture
def led(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger(f"sqlite:///{tmp_path / 'ledger.db'}") as ledger:
        yield ledger


def variant(tmp_path: Path, rel: str, old: str, new: str) -> Path:
    """A copy of the bundled 2024.09 with ``old`` replaced in one file (a ruleset corrected since)."""
    root = tmp_path / "variant" / "2024.09"
    shutil.copytree(FAMILY / "2024.09", root)
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def individual(n: int, **over: Any) -> dict[str, Any]:
    data = case(n, **over)
    data["subject"] = {"kind": "individual", "name": f"张某{n}", "id": resident_id(n), "address": "西峰区北街"}
    data["place"] = {"name": "某小区", "address": "西峰区北街"}
    return data


def codes(report: AuditReport) -> list[str]:
    return sorted(f.code for f in report.findings)


def only(report: AuditReport, code: str) -> AuditFinding:
    [found] = [f for f in report.findings if f.code == code]
    return found


def check(data: dict[str, Any], step: str, **action: Any) -> list[AuditFinding]:
    """The findings of one action taken on ``data`` (its rule re-decided by ``decide`` alone)."""
    return check_with(None, data, step, **action)


def check_with(ruleset: fe.Ruleset | None, data: dict[str, Any], step: str, **action: Any) -> list[AuditFinding]:
    from fireenforce.auditing.checks import check_action

    taken = Action(id="A1", finding="F1", office=data["office"]["name"], case=data,
                   date=dt.date.fromisoformat(data["observed_on"]), step=step, where="[0]", **action)
    return check_action(taken, _alone(taken, [ruleset] if ruleset is not None else BUNDLED))


def cited(*names: str) -> str:
    return "（" + "、".join(names) + "）"


FIRE_LAW, PENALTY_LAW = "《中华人民共和国消防法》", "《中华人民共和国行政处罚法》"


# -- worked cases, one per kind ----------------------------------------------------------------

def test_escalation_skipped(led: Ledger) -> None:
    rec = led.record(case(1), step="penalty", reason="当事人态度恶劣", fine=6000, officer="王某")
    report = fe.audit(led)
    assert codes(report) == ["AUDIT-ESCALATION-SKIPPED"]
    f = only(report, "AUDIT-ESCALATION-SKIPPED")
    assert (f.action, f.finding, f.step, f.rule_step, f.suggested_step) == (rec.action, rec.finding, "penalty",
                                                                             "reminder", "reminder")
    # the ladder is local policy: no provision is cited, and the detail says where the step comes from
    assert f.reason == "当事人态度恶劣" and f.fine == 6000 and f.basis == ()
    ladder = fe.load_ruleset().audit.ladder
    assert f.detail.endswith("（" + ladder.text + "）") and "ladder.first-contact" in ladder.rules
    assert "本地执法阶梯政策" in f.detail and "不是法律条款的要求" in f.detail
    assert "没有书面责令改正" in f.detail and f.subject.startswith("916200") and "*" in f.subject
    assert f.ruleset_version == "2024.09" and f.label == "越级处理（措施重于规则所定步骤）"


@pytest.mark.parametrize("data, basis, words", [
    # 消防法第六十六条: 责令限期改正；逾期不改正的 … — fined with no order on record
    (case(1, item="EL-WIRING"), ("fire-law:66",),
     ["罚则以“责令限期改正逾期不改正”为前提", "缺少其法定条件", cited(FIRE_LAW + "第六十六条")]),
    # 高层规定第四十七条第（七）项 (…拒不改正的): an individual's e-bike in a high-rise, fined at once
    ({**individual(1, item="EB-PARK"), "place": {"name": "某小区", "high_rise": True}}, ("highrise-rules:47:1:7",),
     ["罚则以“经责令改正拒不改正”为前提", "第四十七条第（七）项"]),
    # 消防法第六十条第二款 reaches an individual only for 第一款第二项至第五项: nothing for OB-CROWDED
    (individual(1, item="OB-CROWDED"), ("penalty-law:33:3", "penalty-law:38:1"),
     ["法律对该当事人的此项行为未规定行政处罚", "该处罚没有依据", PENALTY_LAW + "第三十八条第一款"]),
    # 行政处罚法第三十三条第二款: no fault shown, yet fined
    (case(1, facts={"no_fault": True}), ("penalty-law:33:2", "penalty-law:33:3", "penalty-law:38:1"),
     ["依法不予行政处罚的情形成立", "该处罚没有依据"]),
    # 行政处罚法第三十六条: ended three years ago, found now
    (case(1, ended_on="2023-01-10", occurred_on="2023-01-01"), ("penalty-law:36:1", "penalty-law:36:2", "penalty-law:38:1"),
     ["已超过追责时效", PENALTY_LAW + "第三十六条第一款"]),
])
def test_a_penalty_the_law_does_not_allow_is_not_called_local_policy(data: dict[str, Any], basis: tuple[str, ...],
                                                                      words: list[str]) -> None:
    [f] = [f for f in check(data, "penalty", fine=100) if f.code == "AUDIT-ESCALATION-SKIPPED"]
    assert f.basis == basis, f.detail
    assert "本地执法阶梯政策" not in f.detail and all(w in f.detail for w in words), f.detail


def test_a_step_set_by_a_rule_outside_the_ladder_cites_that_rule() -> None:
    """A 警示 where 行政处罚法第三十三条 excuses the case (override.excused gives a reminder): the step
    is the law's, not the ladder's; the finding cites the rule and quotes its text from the ruleset."""
    [f] = [f for f in check(case(1, facts={"no_fault": True}), "warning") if f.code == "AUDIT-ESCALATION-SKIPPED"]
    rule = next(r for r in VERSION.policy.spec.step_table.rules if r.id == "override.excused")
    assert f.basis == tuple(rule.cites) and "规则所定步骤的理由：" + rule.text.rstrip("。") + "；" in f.detail
    assert "缺少该规则所述的法定条件" in f.detail and "本地执法阶梯政策" not in f.detail


def test_a_referral_the_ladder_requires_is_local_policy() -> None:
    history = [{"date": "2026-03-01", "item": "EV-BLOCK", "step": "penalty", "rectified": False}]
    [f] = [f for f in check(case(1, history=history), "penalty", fine=6000) if f.code == "AUDIT-REFERRAL-MISSING"]
    assert f.basis == () and f.detail.endswith("（" + VERSION.audit.ladder.text + "）")


def test_penalty_before_the_orders_deadline(led: Ledger) -> None:
    rec = led.record(case(1), officer="王某")                                                    # reminder, deadline 05-06
    warned = led.reinspect(rec.finding, on="2026-05-10", rectified=False, officer="王某")       # warning, deadline 05-13
    assert warned.step == "warning" and str(warned.deadline) == "2026-05-13"
    early = led.reinspect(rec.finding, on="2026-05-11", rectified=False, step="penalty", reason="拒不整改", fine=8000, officer="王某")
    report = fe.audit(led)
    assert codes(report) == ["AUDIT-BEFORE-DEADLINE"]
    f = only(report, "AUDIT-BEFORE-DEADLINE")
    assert f.action == early.action and f.rule_step == "warning" and f.date == "2026-05-11"
    assert "此前警示所定改正期限至2026-05-13尚未届满" in f.detail and "或者收到当事人的复查申请" in f.detail
    # EV-BLOCK's penalty needs no overdue order: the wait is the local ladder's, nothing is cited
    assert f.basis == () and f.detail.endswith("（" + fe.load_ruleset().audit.local["AUDIT-BEFORE-DEADLINE"] + "）")
    assert "inspection-rules:20:2" not in f.basis and f.label == "整改期限届满前即采取更重措施"
    assert "DOUBT-ORAL-ORDER-REINSPECTION" not in f.doubts  # a written order's term


def test_a_warning_during_a_reminders_term(led: Ledger) -> None:
    """A 警示 (no penalty) while the reminder's oral term runs: the wait is local policy, and the
    oral order's re-inspection is doubtful; nothing says 处罚."""
    rec = led.record(case(1), officer="王某")                                                    # reminder, deadline 05-06
    led.reinspect(rec.finding, on="2026-05-04", rectified=False, step="warning", reason="当事人拒绝", officer="王某")
    f = only(fe.audit(led), "AUDIT-BEFORE-DEADLINE")
    assert (f.step, f.rule_step) == ("warning", "reminder") and "处罚" not in f.label
    assert "此前督促提醒所定改正期限至2026-05-06尚未届满" in f.detail and f.basis == ()
    assert "本地执法阶梯政策" in f.detail and "DOUBT-ORAL-ORDER-REINSPECTION" in f.doubts


def test_a_penalty_needing_an_overdue_order_before_the_deadline_cites_that_precondition() -> None:
    """EL-WIRING (消防法第六十六条: 逾期不改正的 …): a penalty while the written order runs lacks the
    precondition, and the finding cites that provision, not the ladder."""
    history = [{"date": "2026-04-30", "item": "EL-WIRING", "step": "warning", "deadline": "2026-05-07"}]
    [f] = [f for f in check(case(1, item="EL-WIRING", history=history), "penalty", fine=5000)
           if f.code == "AUDIT-BEFORE-DEADLINE"]
    assert f.basis == ("fire-law:66",) and "《中华人民共和国消防法》第六十六条" in f.detail
    assert "责令限期改正逾期不改正" in f.detail and "本地执法阶梯政策" not in f.detail


def test_a_step_lower_than_the_rule(led: Ledger) -> None:
    led.record(case(1, facts={"serious": True}), step="warning", reason="当事人当场表示立即整改", officer="王某")
    f = only(fe.audit(led), "AUDIT-STEP-LOWER")
    assert (f.step, f.rule_step) == ("warning", "penalty")
    # mostly a departure from the local ladder; a lower step may also be lawful discretion
    assert f.basis == () and "本地执法阶梯政策" in f.detail and "行政处罚法第三十三条第一款" in f.detail


def edited_export(led: Ledger, path: Path, edit: Callable[[dict], None]) -> Path:
    """The ledger's export with ``edit`` applied to each event, as another system might hand it over."""
    out = io.StringIO()
    led.export(out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    for event in lines:
        edit(event)
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in lines), encoding="utf-8")
    return path


def test_referral_missing(led: Ledger, tmp_path: Path) -> None:
    # the ledger refuses to record a step in place of a required referral: an archive from
    # another system whose finding says a crime is suspected, and whose action was a warning
    led.record(case(1), step="warning", reason="先行责令改正", officer="王某")

    def suspected(event: dict) -> None:
        if event["kind"] == "finding":
            event["payload"]["case"]["facts"] = {**event["payload"]["case"].get("facts", {}), "crime_suspected": True}
    report = fe.audit(edited_export(led, tmp_path / "other.jsonl", suspected))
    assert codes(report) == ["AUDIT-REFERRAL-MISSING"]
    f = only(report, "AUDIT-REFERRAL-MISSING")
    # the basis is the referral's own (policy/referrals.yaml crime_suspected), not 消防法第七十条第一款
    assert f.rule_step == "referral" and f.basis == ("penalty-law:27:1", "fire-law:72") and "司法机关" in f.detail
    assert "《中华人民共和国行政处罚法》第二十七条第一款" in f.detail and "涉嫌犯罪" in f.detail


def test_fine_outside_the_legal_range(tmp_path: Path) -> None:
    # recorded under a version that allowed 1000 yuan; the version in force says 5000 at least
    loose = variant(tmp_path, "catalogue/EV-BLOCK.yaml", "fine: {min: 5000, max: 50000}", "fine: {min: 1000, max: 50000}")
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}", ruleset=loose) as led:
        led.record(case(1, facts={"serious": True}), fine=2000, officer="王某")
        report = fe.audit(led)
    f = only(report, "AUDIT-FINE-RANGE")
    assert (f.fine, f.fine_min, f.fine_max) == (2000, 5000, 50000) and "fire-law:60:1:3" not in f.detail
    # below the minimum is not 超出: 减轻处罚 may be lawful, to be checked against the file
    assert "低于法定最低额5000元" in f.detail and "超出" not in f.detail and "须结合案卷核查" in f.detail
    assert "《中华人民共和国消防法》第六十条第一款第（三）项" in f.detail and "《中华人民共和国行政处罚法》第三十二条" in f.detail
    assert f.basis == ("fire-law:60:1:3", "penalty-law:32") and f.label == "罚款不在法定幅度内"
    assert codes(report) == ["AUDIT-FINE-RANGE"]


def test_a_fine_over_a_range_without_a_minimum_says_it_as_the_law_does() -> None:
    """消防法第六十条第二款: 个人 … 处警告或者五百元以下罚款 — printed 500元以下, not 1–500元."""
    [f] = [f for f in check(individual(1, facts={"serious": True}), "penalty", fine=800) if f.code == "AUDIT-FINE-RANGE"]
    assert "罚款800元，超出法定幅度（500元以下；" + FIRE_LAW + "第六十条第二款）" in f.detail, f.detail
    assert f.basis == ("fire-law:60:2",) and "1–500" not in f.detail


def test_summary_procedure_over_the_limit(tmp_path: Path) -> None:
    # recorded under a version whose on-the-spot limit for individuals was 500 yuan: summary documents only
    loose = variant(tmp_path, "policy/procedure.yaml", "individual: 200", "individual: 500")
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}", ruleset=loose) as led:
        rec = led.record(individual(1, facts={"serious": True}), fine=400, officer="王某")
        assert [d.type for d in rec.documents] == ["inspection_record", "summary_penalty_decision"]
        report = fe.audit(led)
    assert codes(report) == ["AUDIT-SUMMARY-LIMIT"]
    f = only(report, "AUDIT-SUMMARY-LIMIT")
    assert (f.fine, f.summary_limit, f.procedure) == (400, 200, "summary") and f.basis == ("penalty-law:51",)


def test_findings_carry_the_decisions_doubts_and_the_policys() -> None:
    """个体工商户 (a unit that is not a legal person) fined on the spot above a unit's limit: decide's
    doubt on which limit applies reaches the finding; audit.yaml ``doubts`` adds a kind's own."""
    data = {**case(1, item="OB-BILLBOARD-HR", on="2025-03-10", history=[
        {"date": "2025-01-10", "item": "OB-BILLBOARD-HR", "step": "warning", "rectified": False}]),
        "place": {"name": "某楼", "high_rise": True}}
    data["subject"]["operating"] = False
    [f] = [f for f in check(data, "penalty", fine=3500, procedure="summary") if f.code == "AUDIT-SUMMARY-LIMIT"]
    assert "DOUBT-UNIT-SUMMARY-LIMIT" in f.doubts and f.as_dict()["doubts"] == list(f.doubts)
    row = AuditReport(findings=[f]).csv().splitlines()[1]
    assert COLUMNS[-1] == "doubts" and row.endswith("," + " ".join(f.doubts))


def test_a_kinds_own_doubts_are_policy_data(tmp_path: Path) -> None:
    root = variant(tmp_path, "policy/audit.yaml", "reduced: [", "doubts:\n  AUDIT-FINE-RANGE: [DOUBT-GANSU-REGS]\nreduced: [")
    [f] = [f for f in check_with(load_version(root), individual(1, facts={"serious": True}), "penalty", fine=800)
           if f.code == "AUDIT-FINE-RANGE"]
    assert f.doubts == ("DOUBT-GANSU-REGS",)


def test_departure_without_a_reason_in_an_export(led: Ledger, tmp_path: Path) -> None:
    led.record(case(1), step="warning", reason="  补记理由  ", officer="王某")

    def no_reason(event: dict) -> None:  # an export from a system that did not keep the reason
        if event["kind"] == "action":
            event["payload"]["departure"]["reason"] = ""
    report = fe.audit(edited_export(led, tmp_path / "old.jsonl", no_reason))
    assert codes(report) == ["AUDIT-DEPARTURE-NO-REASON", "AUDIT-ESCALATION-SKIPPED"]
    f = only(report, "AUDIT-DEPARTURE-NO-REASON")
    assert (f.step, f.suggested_step, f.reason) == ("warning", "reminder", "")
    assert f.basis == () and "policy/reasons.yaml departure" in f.detail and "不是法律条款的规定" in f.detail


def test_same_case_different_fines_within_an_office(led: Ledger) -> None:
    led.record(case(1, facts={"serious": True}), fine=6000, officer="王某")
    led.record(case(2, facts={"serious": True}), fine=20000, officer="王某")
    report = fe.audit(led)
    assert codes(report) == ["AUDIT-DISPARITY"]
    f = only(report, "AUDIT-DISPARITY")
    assert f.office == "北街街道消防安全办公室" and f.cases == 2 and len(f.actions) == 2
    assert "6000–20000" in f.detail and "2倍" in f.detail and "item=EV-BLOCK" in f.group


def test_same_case_different_fines_across_offices(led: Ledger) -> None:
    for n, fine in ((1, 6000), (2, 6500)):
        led.record(case(n, facts={"serious": True}), fine=fine, officer="王某")
    for n, fine in ((3, 12000), (4, 13000)):
        led.record(case(n, facts={"serious": True}, office=OTHER_OFFICE), fine=fine, officer="王某")
    report = fe.audit(led)
    [f] = report.findings
    assert f.code == "AUDIT-DISPARITY" and f.office == "全区" and f.cases == 4
    assert "北街街道消防安全办公室6250元" in f.detail and "南街街道消防安全办公室12500元" in f.detail


def test_the_thresholds_are_policy_data(led: Ledger, tmp_path: Path) -> None:
    led.record(case(1, facts={"serious": True}), fine=6000, officer="王某")
    led.record(case(2, facts={"serious": True}), fine=20000, officer="王某")
    family = tmp_path / "family"
    shutil.copytree(FAMILY, family)
    policy = family / "2024.09" / "policy" / "audit.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("fine_ratio: 2.0", "fine_ratio: 4.0"), encoding="utf-8")
    assert codes(fe.audit(led)) == ["AUDIT-DISPARITY"]
    assert codes(fe.audit(led, ruleset=family)) == []


def test_undecidable_actions_are_listed(tmp_path: Path) -> None:
    path = archive(tmp_path, [({**case(1, on="2019-05-03")}, {"step": "reminder"})])
    report = fe.audit(path)
    f = only(report, "AUDIT-UNDECIDABLE")
    assert "2019-05-03" in f.detail and report.actions == 1 and report.decided == 0


# -- a clean ledger, and the three sources agree ----------------------------------------------

def test_a_clean_ledger_has_no_findings(led: Ledger, tmp_path: Path) -> None:
    first = led.record(case(1), officer="王某")
    led.reinspect(first.finding, on="2026-05-10", rectified=False, officer="王某")
    penalty = led.reinspect(first.finding, on="2026-05-20", rectified=False, fine=20000, officer="王某")
    assert penalty.step == "penalty"
    led.reinspect(first.finding, on="2026-05-25", rectified=True, officer="王某")
    second = led.record(case(2, facts={"serious": True}), fine=25000, officer="王某")
    led.reinspect(second.finding, on="2026-05-07", rectified=True, officer="王某")
    led.record(individual(3), officer="王某")
    report = fe.audit(led)
    assert report.findings == [] and report.actions == report.decided == 5
    assert report.json()["counts"] == {code: 0 for code in AUDIT_KINDS}
    assert report.csv() == ",".join(COLUMNS) + "\n"


def test_database_export_and_cli_agree(led: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    led.record(case(1), step="penalty", reason="当事人态度恶劣", fine=6000, officer="王某")
    led.record(case(2, on="2026-06-03", facts={"serious": True}), step="warning", reason="当场整改", officer="王某")
    export = tmp_path / "ledger.jsonl"
    with export.open("w", encoding="utf-8") as out:
        led.export(out)
    from_db = fe.audit(led).json()
    assert fe.audit(export).json() == from_db
    assert main(["audit", "--db", led.url, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == from_db
    assert main(["audit", str(export), "--format", "csv", "--since", "2026-06-01"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == ",".join(COLUMNS) and len(rows) == 2 and rows[1].startswith("AUDIT-STEP-LOWER,")
    june = fe.audit(led, since="2026-06-01", until="2026-06-30")
    assert codes(june) == ["AUDIT-STEP-LOWER"] and june.actions == 1


def archive(tmp_path: Path, rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> Path:
    path = tmp_path / "archive.parquet"
    pq.write_table(pa.Table.from_pylist([{**c, "action": a} for c, a in rows]), path)
    return path


def test_a_parquet_archive(tmp_path: Path) -> None:
    history = [{"date": "2026-04-20", "item": "EV-BLOCK", "step": "warning", "deadline": "2026-04-23"}]
    path = archive(tmp_path, [
        (case(1, history=history), {"id": "R1", "step": "penalty", "fine": 60000, "procedure": "general"}),
        (case(2, facts={"serious": True}), {"id": "R2", "step": "penalty", "fine": 4000, "procedure": "summary",
                                            "suggested": "penalty"}),
        (individual(3, place={"name": "某小区", "high_rise": True}), {"id": "R3", "step": "warning",
                                                                      "suggested": "reminder"}),
    ])
    report = fe.audit(path)
    assert [(f.action, f.code) for f in report.findings] == [
        ("R1", "AUDIT-FINE-RANGE"), ("R2", "AUDIT-FINE-RANGE"), ("R2", "AUDIT-SUMMARY-LIMIT"),
        ("R3", "AUDIT-DEPARTURE-NO-REASON"), ("R3", "AUDIT-ESCALATION-SKIPPED")]


def test_filters_that_empty_whole_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An archive of many batches in date order: --since, --until and --office that keep no row of
    some batches (or of any) audit what they keep, on one process and on two, from the CLI too."""
    monkeypatch.setattr("fireenforce.auditing.run.BATCH", 20)
    rows = [(case(n, on=f"2026-05-{n // 10 + 1:02d}"), {"id": f"R{n}", "step": "penalty", "fine": 90000 + n})
            for n in range(100)]
    path = archive(tmp_path, rows)
    kept = tmp_path / "kept"
    kept.mkdir()
    for since, until, office, chosen in (("2026-05-08", None, None, rows[70:]), (None, "2026-05-02", None, rows[:20]),
                                         ("2026-05-04", "2026-05-05", None, rows[30:50]),
                                         ("2026-06-01", None, None, []), (None, None, "不存在办公室", [])):
        for workers in (1, 2):
            report = fe.audit(path, since=since, until=until, office=office, workers=workers)
            assert report.actions == len(chosen) and {f.action for f in report.findings} == {a["id"] for _, a in chosen}
            if chosen:
                assert report.json() == fe.audit(archive(kept, chosen)).json()
    out = tmp_path / "since.json"
    assert main(["audit", str(path), "--since", "2026-05-08", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["actions"] == 30


# -- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("rows, message", [
    ([(case(1), {"id": "R1", "step": "fine"})], "row 0: action.step: 'fine' is not one of"),
    ([(case(1), {"step": "penalty", "fine": -5})], "row 0: action.fine: -5 is not a whole number"),
    ([(case(1), {"step": "penalty", "procedure": "fast"})], "row 0: action.procedure: 'fast'"),
    ([(case(1, subject={"kind": "robot"}), {"step": "reminder"})], "row 0: subject.kind"),
    ([(case(1), {"step": "reminder", "approved": True})], "action.approved: unknown field"),
    ([(case(1), {"id": "R1", "step": None})], "row 0: action.step: missing (null); one of reminder, warning, penalty, "
                                              "referral is required"),
    ([(case(1), {"id": "R1", "step": "penalty", "fine": {"yuan": 5}})], 'row 0: action.fine: {"yuan": 5} is not a whole'),
])
def test_bad_archives(tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[Any], message: str) -> None:
    path = archive(tmp_path, rows)
    assert main(["audit", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("fireenforce: error: ") and message in err


def test_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], led: Ledger) -> None:
    plain = tmp_path / "cases.parquet"
    pq.write_table(pa.Table.from_pylist([case(1)]), plain)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"seq": 1}\n', encoding="utf-8")
    led.record(case(1), officer="王某")
    good = io.StringIO()
    led.export(good)
    lines = good.getvalue().splitlines()
    action = json.loads(lines[1])
    del action["payload"]["step"]
    stripped = tmp_path / "stripped.jsonl"
    stripped.write_text("\n".join([lines[0], json.dumps(action, ensure_ascii=False), *lines[2:]]), encoding="utf-8")
    fake = tmp_path / "fake.parquet"
    fake.write_text("not parquet", encoding="utf-8")
    sheet = tmp_path / "cases.csv"
    sheet.write_text("item,observed_on\nEV-BLOCK,2026-05-03\n", encoding="utf-8")
    for args, message in (
        ([str(plain)], "action: missing column"),
        ([str(broken)], "broken.jsonl:1: id: Field required"),
        ([str(stripped)], "payload.step: missing"),
        ([str(fake)], "not a Parquet file"),
        ([str(sheet)], "cases.csv:1: not a ledger export (JSON Lines, from fireenforce ledger export); audit reads a "
                       "ledger export, a Parquet archive (.parquet) or --db"),
        ([str(tmp_path / "none.jsonl")], "none.jsonl: no such file"),
        (["--db", str(tmp_path / "none.db")], "no ledger there"),
        ([str(plain), "--since", "May"], "--since"),
        (["--db", str(tmp_path / "ledger.db"), "--out", str(tmp_path / "ledger.db")], "is the input file"),
    ):
        with pytest.raises(SystemExit) if "--since" in args else _nothing():
            assert main(["audit", *args]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, (args, err)


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


def test_the_policy_file_is_checked(tmp_path: Path) -> None:
    root = variant(tmp_path, "policy/audit.yaml", "AUDIT-SUMMARY-LIMIT: [\"penalty-law:51\"]",
                   "AUDIT-SUMMARY-LIMT: [\"penalty-law:510\"]")
    with pytest.raises(fe.RulesetError) as err:
        load_version(root)
    found = sorted((f.code, f.file, f.line) for f in err.value.findings)
    assert found == [("RS-AUDIT-KIND", "2024.09/policy/audit.yaml", 16), ("RS-CITE-UNKNOWN", "2024.09/policy/audit.yaml", 16)]


def test_the_ladders_rules_are_step_table_rules(tmp_path: Path) -> None:
    root = variant(tmp_path, "policy/audit.yaml", "rules: [ladder.first-contact,", "rules: [ladder.first-contakt,")
    with pytest.raises(fe.RulesetError) as err:
        load_version(root)
    assert [(f.code, f.field) for f in err.value.findings] == [("RS-AUDIT-RULE", "ladder.rules.0")]


def test_a_kind_rests_on_a_provision_or_on_local_policy_not_both(tmp_path: Path) -> None:
    root = variant(tmp_path, "policy/audit.yaml", "AUDIT-SUMMARY-LIMIT: [\"penalty-law:51\"]",
                   "AUDIT-SUMMARY-LIMIT: [\"penalty-law:51\"]\n  AUDIT-STEP-LOWER: [\"penalty-law:33:1\"]")
    with pytest.raises(fe.RulesetError) as err:
        load_version(root)
    assert [(f.code, f.field) for f in err.value.findings] == [("RS-AUDIT-LOCAL", "local.AUDIT-STEP-LOWER")]


# -- the property -------------------------------------------------------------------------------

VERSION = load_version(FAMILY / "2024.09")
BUNDLED = load_family(FAMILY)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_actions_taken_as_decided_give_only_the_disparity_comparison(data: st.DataObject) -> None:
    drawn = data.draw(st.lists(cases(VERSION), min_size=1, max_size=8))
    actions = []
    for n, one in enumerate(drawn):
        decision = fe.decide(one, ruleset=VERSION)
        fine = None
        penalty = decision.penalty
        procedure = _procedure_of(list(decision.documents))
        if decision.step == "penalty" and penalty is not None and penalty.fine is not None and "fine" in penalty.kinds:
            high = penalty.fine.max
            if procedure == "summary":
                high = min(high, decision.summary_limit or high)
            low = max(penalty.fine.min, 1)
            fine = data.draw(st.integers(low, high)) if low <= high else None
        actions.append(Action(id=f"A{n}", finding=f"F{n}", office=one.office.name, case=one.model_dump(mode="json"),
                              date=one.decision_date, step=decision.step, where=f"[{n}]", suggested=decision.step,
                              fine=fine, procedure=procedure))
    report = audit_actions([ActionBatch(actions)], BUNDLED)
    assert report.decided == len(actions)
    assert {f.code for f in report.findings} <= {"AUDIT-DISPARITY"}
    # the columnar batch path and decide one by one give the same rules
    assert rules_for(actions, BUNDLED) == [_alone(action, BUNDLED) for action in actions]


def test_the_monthly_report_has_an_audit_section(led: Ledger) -> None:
    from fireenforce.reports.build import monthly_report, report_csv
    from fireenforce.reports.html import report_html

    led.record(case(1), step="penalty", reason="当事人态度恶劣", fine=6000, officer="王某")
    led.record(case(2, on="2026-06-03", facts={"serious": True}), step="warning", reason="当场整改", officer="王某")
    report = monthly_report(led, "2026-05")
    section = report["audit"]
    assert section["counts"] == fe.audit(led, since="2026-05-01", until="2026-05-31").counts()
    assert section["actions"] == 1 and section["counts"]["AUDIT-ESCALATION-SKIPPED"] == 1
    assert section["offices"] == [{"office": "北街街道消防安全办公室",
                                   "counts": {code: int(code == "AUDIT-ESCALATION-SKIPPED") for code in AUDIT_KINDS}}]
    [finding] = section["findings"]
    assert finding["code"] == "AUDIT-ESCALATION-SKIPPED" and finding["reason"] == "当事人态度恶劣"
    rows = report_csv(report).splitlines()
    assert "2026-05,北街街道消防安全办公室,audit,AUDIT-ESCALATION-SKIPPED,1" in rows
    assert "2026-05,全区,audit,AUDIT-ESCALATION-SKIPPED,1" in rows
    html = report_html(report)
    assert "七、执法监督复核" in html and "越级处理（措施重于规则所定步骤）：规则所定步骤为督促提醒" in html


# -- on several processes -----------------------------------------------------------------------

def test_workers_give_the_report_of_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, led: Ledger) -> None:
    """An archive of many row groups and a ledger export audited on 1, 2 and 3 processes: the same
    report, findings in the same order, 同案不同罚 groups merged as if read in turn."""
    monkeypatch.setattr("fireenforce.auditing.run.BATCH", 40)
    rnd = random.Random(15)
    rows = []
    for n in range(300):
        one = case(n % 37 + 1, on=f"2026-05-{n % 28 + 1:02d}", facts={"serious": n % 5 == 0},
                   office=OTHER_OFFICE if n % 4 == 0 else None)
        step = rnd.choice(("reminder", "warning", "warning", "penalty", "referral"))
        rows.append({**one, "action": {"id": f"R{n}", "step": step, "suggested": rnd.choice(("warning", step)),
                                       "fine": rnd.randrange(1000, 90000) if step == "penalty" else None}})
    path = tmp_path / "archive.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=25)
    one = fe.audit(path).json()
    assert {"AUDIT-DISPARITY", "AUDIT-FINE-RANGE", "AUDIT-STEP-LOWER"} <= {c for c, n in one["counts"].items() if n}
    for workers in (2, 3):
        assert fe.audit(path, workers=workers).json() == one
    for n in range(1, 6):
        if n % 2:
            led.record(case(n), step="penalty", reason="当事人态度恶劣", fine=6000 * n, officer="王某")
        else:
            led.record(case(n), officer="王某")
    export = tmp_path / "ledger.jsonl"
    with export.open("w", encoding="utf-8") as out:
        led.export(out)
    monkeypatch.setattr("fireenforce.auditing.run.BATCH", 2)
    assert fe.audit(export, workers=2).json() == fe.audit(export).json() == fe.audit(led, workers=2).json()


def test_the_database_reading_gives_the_exports_report_on_both_databases(ledger_url: str, tmp_path: Path) -> None:
    """The audit reads a ledger database in one query (an action's recorded decision cut to its
    step in SQL): the same report as the full events of its export, on SQLite and PostgreSQL."""
    with Ledger(ledger_url) as led:
        led.record(case(1), step="penalty", reason="当事人态度恶劣", fine=6000, officer="王某")
        first = led.record(case(2), officer="王某")
        led.reinspect(first.finding, on="2026-05-10", rectified=False, officer="王某")
        led.record(individual(3), officer="王某")
        export = tmp_path / "ledger.jsonl"
        with export.open("w", encoding="utf-8") as out:
            led.export(out)
        report = fe.audit(led).json()
        assert report == fe.audit(export).json() and report["actions"] == 4
        assert fe.audit(led, since="2026-05-10").json() == fe.audit(export, since="2026-05-10").json()


def test_cases_giving_other_fields_than_the_first_are_re_decided_with_all_of_them() -> None:
    """A ledger's or an export's actions become one table: a field the first case does not give
    (here ``history``) must stay in the table, or the second action would be re-decided without
    its history, agree with the step taken (a reminder) and hide that the rule was heavier."""
    first = case(1)
    second = case(2, history=[{"date": "2026-03-01", "item": "EV-BLOCK", "step": "warning"}])
    actions = [Action(id=f"A{n}", finding=f"F{n}", office=one["office"]["name"], case=one,
                      date=dt.date(2026, 5, 3), step="reminder", where=f"[{n}]") for n, one in enumerate((first, second))]
    rules = rules_for(actions, BUNDLED)
    assert rules == [_alone(action, BUNDLED) for action in actions]
    assert [getattr(r, "step", None) for r in rules][1] != "reminder"

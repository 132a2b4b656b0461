"""Triage inputs: strict signal events (bad lines refused by number), triggers checked like the rest of
the ruleset (file:line), and the CLI, including where durable-rules is missing."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

import fireenforce as fe
from fireenforce.cli import main
from fireenforce.triage import SignalError, parse_signals

RS = fe.load_ruleset()
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
GOOD = {"source": "elevator_blocker", "device": "ZC-1", "place": "3号楼", "kind": "ebike_in_elevator",
        "at": "2026-05-10T21:40:00+08:00"}


def lines(*objs: object) -> str:
    return "\n".join(o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objs)


@pytest.mark.parametrize(("bad", "field", "message"), [
    ({k: v for k, v in GOOD.items() if k != "device"}, "device", "required"),
    ({**GOOD, "devcie": "x"}, "devcie", "unknown field"),
    ({**GOOD, "at": "2026-05-10"}, "at", "not a date alone"),
    ({**GOOD, "at": "yesterday evening"}, "at", "not an ISO date-time"),
    ({**GOOD, "place": 3}, "place", "must be a string"),
    ({**GOOD, "place": "  "}, "place", "must not be blank"),
    ({**GOOD, "kind": "ebike_in_lift"}, "kind", "unknown event kind 'ebike_in_lift'"),
    ({**GOOD, "kind": "grid_report"}, "item or description", "needs one of them"),
    ({**GOOD, "item": "EB-PARK"}, "item", "not a field of a ebike_in_elevator event"),
    ({**GOOD, "kind": "grid_report", "item": "EB-NOPE"}, "item", "unknown catalogue item"),
    ('{"source": "a", "device": "ZC-1", "device": "ZC-2", "place": "3号楼", "kind": "ebike_in_elevator", '
     '"at": "2026-05-10T21:40:00+08:00"}', "device", "given twice"),
    ({**GOOD, "kind": "grid_report", "item": None, "description": "飞线充电"}, "item", "rather than null"),
    ({**GOOD, "at": "9999-12-31T23:59:59-12:00"}, "at", "out of range"),
    ("{not json", "", "not valid JSON"),
    ("[1, 2]", "", "must be a JSON object"),
])
def test_a_bad_line_is_refused_with_its_number_and_field(bad: object, field: str, message: str) -> None:
    with pytest.raises(SignalError) as info:
        parse_signals(lines(GOOD, "", GOOD, bad, GOOD), RS, "day.jsonl")
    assert info.value.line == 4
    assert info.value.field == field
    assert str(info.value).startswith(f"day.jsonl:4: {field + ': ' if field else ''}")
    assert message in str(info.value)


def test_event_day_is_the_date_in_china_time_and_ids_are_content_hashes() -> None:
    late_utc = {**GOOD, "at": "2026-05-09T17:30:00+00:00"}  # 01:30 on 10 May in China
    naive = {**GOOD, "at": "2026-05-10T23:59:59"}
    a, b, c = parse_signals(lines(late_utc, naive, late_utc), RS)
    assert str(a.day) == "2026-05-10" and str(b.day) == "2026-05-10"
    assert a.id == c.id != b.id and a.id.startswith("S-")
    report = parse_signals(lines({**GOOD, "kind": "grid_report", "description": "楼道飞线充电"}), RS)[0]
    assert report.description == "楼道飞线充电"


def test_cli_signals_check_reports_the_line_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "day.jsonl"
    path.write_text(lines(GOOD, {**GOOD, "at": 1715350800}), encoding="utf-8")
    assert main(["signals", "check", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"fireenforce: error: {path}:2: at: must be a string"
    assert main(["signals", "check", str(EXAMPLES / "signals.jsonl"), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["events"] == 7 and summary["distinct"] == 6


def test_cli_triage_on_the_example_day(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", "--on", "2026-05-10", "--signals", str(EXAMPLES / "signals.jsonl"),
                 "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(o["trigger"], o["kind"], o["place"], len(o["events"]), o["finding"]) for o in result] == [
        ("blocker-repeat", "finding", "西峰区阳光小区3号楼", 3, None)]
    assert set(result[0]) >= {"trigger", "kind", "place", "events", "departments", "finding"}


def test_without_durable_rules_triage_fails_in_one_line_and_the_rest_works(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import fireenforce.triage.engine as engine_module

    monkeypatch.setattr(engine_module, "_ENGINE", None)
    monkeypatch.setitem(sys.modules, "durable", None)  # what an interpreter without the package sees
    monkeypatch.setitem(sys.modules, "durable.engine", None)
    assert main(["triage", "--on", "2026-05-10", "--signals", str(EXAMPLES / "signals.jsonl")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "triage needs durable-rules" in err and "Traceback" not in err
    assert main(["signals", "check", str(EXAMPLES / "signals.jsonl")]) == 0
    assert fe.decide((EXAMPLES / "ebike-highrise.json").read_text(encoding="utf-8")).step


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    version = RS.path
    target = tmp_path / version.name
    shutil.copytree(version, target)
    path = target / "policy" / "triggers.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


@pytest.mark.parametrize(("old", "new", "code", "message"), [
    ("finding: {item: EB-PARK}", "finding: {item: EB-NOPE}", "RS-TRIGGER-VALUE", "unknown item 'EB-NOPE'"),
    ("where: {kind: ebike_in_elevator}", "where: {kind: ebike_in_lift}", "RS-TRIGGER-VALUE", "unknown kind"),
    ("where: {family: EB, open: true}", "where: {family: EB, opne: true}", "RS-TRIGGER-FIELD", "no attribute 'opne'"),
    ("where: {family: EB, open: true}", "where: {family: EB, open: 'yes'}", "RS-TRIGGER-VALUE", "true or false"),
    ("departments: [fire, police]\n", "departments: [fire, polise]\n", "RS-TRIGGER-DEPARTMENT", "'polise'"),
    ('basis: ["responsibility-measures:9"]\n', 'basis: ["fire-law:999"]\n', "RS-CITE-UNKNOWN", "fire-law:999"),
    ("id: referred-twice", "id: serious-crowded", "RS-TRIGGER-DUPLICATE", "used twice"),
    ("within: {months: 12}", "within: {months: 12, days: 3}", "RS-SCHEMA", "exactly one"),
    ("  - {source: referral, at_least: 2}", "  - {source: referral, at_least: 2, per: place}", "RS-SCHEMA",
     "unknown key"),
    ("outcome: finding", "outcome: consultation", "RS-TRIGGER-FINDING", "a 'finding' block"),
    ("per: place\n    within: {days: 7}", "per: compound\n    within: {days: 7}", "RS-TRIGGER-FIELD",
     "signal records carry no 'compound'"),
    ("  grid_report:", "  grid_reprot:", "RS-TRIGGER-KIND", "grid_report"),
    ("departments: [fire, police]\n", "departments: []\n", "RS-TRIGGER-DEPARTMENT", "at least one department"),
    ("    departments: [fire, police]\n", "", "RS-TRIGGER-DEPARTMENT", "at least one department"),
    ("    finding: {item: EB-PARK}\n", "", "RS-TRIGGER-FINDING", "needs the item to record"),
    ("{source: referral, at_least: 2}", "{source: referral, at_least: '2'}", "RS-SCHEMA", "at_least"),
    ("within: {days: 30}", "within: {days: '30'}", "RS-SCHEMA", "within.days"),
])
def test_fireenforce_check_reports_bad_triggers_with_file_and_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, code: str, message: str) -> None:
    root = _broken_copy(tmp_path, old, new)
    assert main(["check", str(root)]) == 2
    out = capsys.readouterr().out
    hit = [line for line in out.splitlines() if code in line]
    assert hit, out
    assert hit[0].startswith(f"{root.name}/policy/triggers.yaml:") and message in hit[0]
    line_no = int(hit[0].split(":")[1])
    assert line_no > 1

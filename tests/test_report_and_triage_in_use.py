"""What a new user of triage and the monthly report ran into (issue 12 tried from the README):
one office's report naming another office's case, empty months drawn on negative and fractional
axes, months before the ledger began drawn as "none found", the closure histogram off by half a
day, a stale note after a place was registered, a mistyped --db answered with an empty day, a
place register that accepted a manager triage could not use, and a failed seed that blocked its
retry. Each test failed before its fix."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

import fireenforce as fe
from fireenforce.cli import main
from fireenforce.ledger import Ledger
from fireenforce.ledger.subjects import uscc_check
from fireenforce.reports import charts
from fireenforce.reports.build import monthly_report, report_csv
from fireenforce.reports.html import report_html
from fireenforce.simulate.run import seed_ledger
from fireenforce.triage import SignalError
from fireenforce.triage.store import parse_places, run_triage
from fireenforce.triage.signals import parse_signals

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PLACE = "西峰区阳光小区3号楼"
OFFICE = "北街街道消防安全办公室"


def _case(day: str, office: str = OFFICE, name: str = "某某超市") -> dict[str, Any]:
    level = "township" if office.endswith("乡消防安全办公室") else "street"
    return {"item": "EV-BLOCK", "subject": {"kind": "unit", "operating": True, "name": name},
            "office": {"level": level, "name": office}, "observed_on": day}


def _svg_texts(html: str) -> list[list[str]]:
    """Each chart's text (drawn as paths; matplotlib keeps each string as a comment)."""
    images = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)
    return [re.findall(r"<!-- (.*?) -->", base64.b64decode(image).decode()) for image in images]


def _numbers(texts: list[str]) -> list[float]:
    return [float(t.replace("−", "-")) for t in texts if re.fullmatch(r"[−-]?\d+(\.\d+)?", t)]


def test_an_empty_month_says_so_and_its_charts_count_from_zero_in_whole_numbers(tmp_path: Path) -> None:
    led = Ledger(f"sqlite:///{tmp_path / 'l.db'}")
    report = monthly_report(led, "2026-05")
    assert report["trend"]["first_record"] is None
    html = report_html(report)
    assert "台账中截至本月末没有任何记录" in html and "本月未发现隐患" in html
    trend, steps, closure = _svg_texts(html)
    for texts in (trend, steps):
        ticks = [n for n in _numbers(texts) if not 20 <= n <= 30]  # not the month labels (26.05 …)
        assert ticks and min(ticks) == 0 and all(n == int(n) for n in ticks), texts
    assert "台账中尚无记录" in trend and "本月无处理措施" in steps
    assert "本月无整改销号" in closure and not _numbers(closure)  # no 0.0 … 1.0 axis for no data
    led.close()


def test_trend_months_before_the_first_record_are_marked_as_unrecorded(tmp_path: Path) -> None:
    led = Ledger(f"sqlite:///{tmp_path / 'l.db'}")
    led.record(_case("2026-04-08"), officer="王某")
    report = monthly_report(led, "2026-05")
    assert report["trend"]["first_record"] == "2026-04-08"
    html = report_html(report)
    assert "台账无记录" in _svg_texts(html)[0]
    assert "本月台账中没有全区新的记录" in html  # May itself: nothing new, one order overdue at most
    led.close()


def test_one_office_report_lists_its_own_departures_and_unrecorded_fines_only(tmp_path: Path) -> None:
    led = Ledger(f"sqlite:///{tmp_path / 'l.db'}")
    led.record(_case("2026-05-04"), officer="王某")
    other = "什社乡消防安全办公室"
    led.record(_case("2026-05-05", other, "另一超市"), officer="李某")
    report = monthly_report(led, "2026-05", office=other)
    theirs = {"finding": "F-0000000000000001", "suggested": "reminder", "chosen": "warning", "reason": "北街的理由"}
    report["district"]["departure_reasons"] = [theirs]  # the district holds 北街's departure, 什社乡 none
    report["district"]["departures"] = 1
    report["district"]["fines_unrecorded"] = 3
    html = report_html(report)
    assert "北街的理由" not in html and "本月本办无偏离建议措施的处理" in html
    assert f"{other} 0 件，全区 3 件" in html and "本月有 3 件行政处罚" not in html
    district = copy.deepcopy(report)
    district["trend"]["scope"] = district["district"]["office"]
    assert "北街的理由" in report_html(district)
    led.close()


def test_closure_bars_are_centred_on_their_day_and_the_median_line_on_the_median(
        monkeypatch: pytest.MonkeyPatch) -> None:
    figures: list[Any] = []
    monkeypatch.setattr(charts, "_svg", lambda figure: figures.append(figure) or "")
    report = {"month": "2026-05", "closure_days": {"scope": "全区", "days": [2, 5, 5, 9]},
              "district": {"office": "全区", "median_days_to_close": 5}, "offices": []}
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    charts._closure(plt, report)
    axis = figures[0].axes[0]
    centres = {patch.get_x() + patch.get_width() / 2: patch.get_height() for patch in axis.patches
               if patch.get_height()}
    assert centres == {2: 1, 5: 2, 9: 1}
    [line] = axis.get_lines()
    assert list(line.get_xdata()) == [5, 5]
    plt.close("all")


def test_the_csv_carries_the_closure_days_behind_the_median(tmp_path: Path) -> None:
    led = Ledger(f"sqlite:///{tmp_path / 'l.db'}")
    record = led.record(_case("2026-05-04"), officer="王某")
    led.reinspect(record.finding, on="2026-05-06", rectified=True, officer="王某")
    report = monthly_report(led, "2026-05")
    assert report["closure_days"]["days"] == [2]
    assert "2026-05,全区,closure_days,2,1" in report_csv(report).splitlines()
    led.close()


def test_the_report_cites_the_reinspection_rule_as_officers_read_it(tmp_path: Path) -> None:
    led = Ledger(f"sqlite:///{tmp_path / 'l.db'}")
    report = monthly_report(led, "2026-05")
    assert report["policy"]["reinspection_citations"] == ["《消防监督检查规定》第二十条第二款"]
    assert "《消防监督检查规定》第二十条第二款" in report_html(report)
    led.close()


def _uscc() -> str:
    body = "91621002MA7XY1234"
    return body + uscc_check(body)


def _place(manager_id: str) -> str:
    return json.dumps({"place": PLACE, "office": OFFICE, "level": "street", "compound": "阳光小区", "high_rise": True,
                       "crowded": False, "manager": {"kind": "unit", "operating": True, "name": "阳光物业公司",
                                                     "id": manager_id, "address": "西峰区北街"}},
                      ensure_ascii=False)


def test_the_place_register_refuses_a_manager_id_triage_could_not_record() -> None:
    with pytest.raises(SignalError) as info:
        parse_places("\n".join([_place(_uscc()), _place("91621000MA00000000")]), "places.jsonl")
    assert info.value.line == 2 and info.value.field == "manager.id" and "check digit" in str(info.value)


def test_registering_the_place_and_triaging_again_replaces_the_unregistered_note(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    assert main(["signals", "ingest", str(EXAMPLES / "signals.jsonl"), "--db", db]) == 0
    day = dt.date(2026, 5, 10)
    led = Ledger(f"sqlite:///{db}")
    [first] = run_triage(led, day)
    assert first["finding"] is None and "note" in first
    places = tmp_path / "places.jsonl"
    places.write_text(_place(_uscc()), encoding="utf-8")
    assert main(["signals", "places", str(places), "--db", db]) == 0
    [second] = run_triage(led, day)
    assert second["finding"].startswith("F-") and "note" not in second and second["office"] == OFFICE
    assert run_triage(led, day) == [second]
    led.close()


def test_triage_on_a_mistyped_ledger_is_an_error_not_an_empty_day(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "offcie.db"
    assert main(["triage", "--on", "2026-05-10", "--db", str(missing)]) == 2
    assert "no ledger there" in capsys.readouterr().err and not missing.exists()


def test_triage_cites_the_basis_as_officers_read_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", "--on", "2026-05-10", "--signals", str(EXAMPLES / "signals.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "依据 《消防安全责任制实施办法》第十八条" in out and "responsibility-measures:18" not in out
    assert main(["triage", "--on", "2026-05-10", "--signals", str(EXAMPLES / "signals.jsonl"), "--format",
                 "json"]) == 0
    [outcome] = json.loads(capsys.readouterr().out)
    assert outcome["basis"][0] == "responsibility-measures:18" and outcome["citations"][0].startswith("《")


@pytest.mark.parametrize(("argv", "message"), [
    (["report", "--month", "9999-12"], "month: '9999-12' is out of range"),
    (["report", "--month", "2019-05"], "month: no version of xifeng is in force"),
    (["triage", "--on", "2019-05-10", "--signals", str(EXAMPLES / "signals.jsonl")],
     "--on: no version of xifeng is in force"),
    (["report", "--month", "2026-05", "--out", "/nonexistent-dir/report.html"], "--out: /nonexistent-dir"),
])
def test_report_and_triage_arguments_are_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         argv: list[str], message: str) -> None:
    db = tmp_path / "l.db"
    Ledger(f"sqlite:///{db}").close()
    assert main([*argv, "--db", str(db)] if argv[0] == "report" else argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_an_empty_events_file_is_summarised_plainly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "day.jsonl"
    path.write_text("\n", encoding="utf-8")
    assert main(["signals", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.strip() == "ok: 0 events (the file holds no event)"
    assert parse_signals("", fe.load_ruleset()) == []


def test_a_seed_from_a_day_without_a_ruleset_writes_nothing_so_it_can_be_retried(tmp_path: Path) -> None:
    led = Ledger(f"sqlite:///{tmp_path / 'l.db'}")
    with pytest.raises(fe.CaseError) as info:
        seed_ledger(led, start=dt.date(2019, 1, 1), months=1)
    assert info.value.field == "from"
    with led.engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from places").scalar() == 0
    led.close()


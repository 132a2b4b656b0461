"""The monthly report on a seeded ledger: every number recounted naively from the exported event
stream, JSON and CSV agree, the HTML renders in headless Chromium; and triage on the ledger is
idempotent and records device findings with the events behind them."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import statistics
import subprocess
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterator

import pytest

from fireenforce.cli import main
from fireenforce.ledger import Event, FineRequired, Ledger
from fireenforce.ledger.state import replay
from fireenforce.reports.build import monthly_report, report_csv
from fireenforce.reports.html import report_html
from fireenforce.simulate.run import seed_ledger
from fireenforce.triage.store import parse_places, recorded, run_triage, store_places, store_signals
from fireenforce.triage.signals import parse_signals

import fireenforce as fe

MONTH = "2026-05"
FIRST, LAST = dt.date(2026, 5, 1), dt.date(2026, 5, 31)
WORKING = fe.load_ruleset(on=LAST).calendar.is_working  # 劳动节 05-01..05-05 off, Saturday 05-09 worked


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """A year of four offices (a quarter of the default activity), triage on every day of the last month."""
    path = tmp_path_factory.mktemp("seeded") / "ledger.db"
    led = Ledger(f"sqlite:///{path}")
    seed_ledger(led, seed=7, start=dt.date(2025, 6, 1), months=12, rate=0.25, triage_from=dt.date(2026, 5, 1))
    yield led
    led.close()


@pytest.fixture(scope="session")
def stream(seeded: Ledger) -> list[dict[str, Any]]:
    out = io.StringIO()
    seeded.export(out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def recount(stream: list[dict[str, Any]], led: Ledger) -> dict[str, dict[str, Any]]:
    """The contract's numbers for MONTH by office, from the raw events (written without the report's code)."""
    def in_month(e: dict[str, Any]) -> bool:
        return FIRST <= dt.date.fromisoformat(e["at"]) <= LAST

    opened = {e["finding"]: dt.date.fromisoformat(e["at"]) for e in stream if e["kind"] == "finding"}
    acts = {e["payload"]["action"]: e for e in stream if e["kind"] == "action"}
    checked = {e["payload"]["action"]: e for e in stream if e["kind"] == "reinspection"}
    out: dict[str, dict[str, Any]] = defaultdict(lambda: {
        "findings": 0, "closed": 0, "overdue": 0, "steps": Counter(), "referrals": 0, "departures": 0,
        "days": [], "orders": 0, "on_time": 0, "late": 0, "fines": 0, "unrecorded": 0, "consultations": 0})
    for e in stream:
        o = out[e["office"]]
        if e["kind"] == "finding" and in_month(e):
            o["findings"] += 1
        elif e["kind"] == "closure" and in_month(e):
            o["closed"] += 1
            o["days"].append((dt.date.fromisoformat(e["at"]) - opened[e["finding"]]).days)
        elif e["kind"] == "action" and in_month(e):
            o["steps"][e["payload"]["step"]] += 1
            o["departures"] += e["payload"]["departure"] is not None
            if e["payload"]["step"] == "penalty":
                fine = e["payload"].get("fine")
                o["fines"] += fine or 0
                o["unrecorded"] += fine is None
        elif e["kind"] == "referral_sent" and in_month(e):
            o["referrals"] += 1
        elif e["kind"] == "document" and in_month(e) and e["payload"]["type"] == "rectification_order":
            o["orders"] += 1
        elif e["kind"] == "reinspection" and in_month(e) and checked[e["payload"]["action"]] is e:  # an order's last
            deadline = dt.date.fromisoformat(acts[e["payload"]["action"]]["payload"]["deadline"])
            day = dt.date.fromisoformat(e["at"])
            late = sum(1 for n in range((day - deadline).days) if WORKING(deadline + dt.timedelta(n + 1))) > 3
            o["late" if late else "on_time"] += 1
    for action_id, e in acts.items():
        deadline = e["payload"]["deadline"]
        if deadline and e["payload"]["step"] != "referral" and dt.date.fromisoformat(e["at"]) <= LAST and dt.date.fromisoformat(deadline) < LAST:
            check = checked.get(action_id)
            if check is None or dt.date.fromisoformat(check["at"]) > LAST:
                out[e["office"]]["overdue"] += 1
    day = FIRST
    while day <= LAST:
        for outcome in recorded(led, day):
            if outcome["kind"] == "consultation":
                out[outcome["office"]]["consultations"] += 1
        day += dt.timedelta(days=1)
    return out


def test_every_number_of_the_report_matches_a_naive_recount(seeded: Ledger, stream: list[dict[str, Any]]) -> None:
    report = monthly_report(seeded, MONTH)
    expected = recount(stream, seeded)
    assert [o["office"] for o in report["offices"]] == sorted(expected)
    for office in report["offices"]:
        want = expected[office["office"]]
        assert office["findings"] == want["findings"] > 0
        assert office["closed"] == want["closed"]
        assert office["overdue"] == want["overdue"]
        assert office["steps"] == {s: want["steps"][s] for s in ("reminder", "warning", "penalty", "referral")}
        assert office["referrals"] == want["referrals"]
        assert office["departures"] == want["departures"] == len(office["departure_reasons"])
        assert office["consultations"] == want["consultations"]
        assert office["orders"] == want["orders"]
        assert (office["reinspected_on_time"], office["reinspected_late"]) == (want["on_time"], want["late"])
        assert office["median_days_to_close"] == (statistics.median(want["days"]) if want["days"] else None)
        assert (office["fines"], office["fines_unrecorded"]) == (want["fines"], want["unrecorded"])
    district = report["district"]
    assert district["fines"] > 0
    for key in ("findings", "closed", "overdue", "referrals", "departures", "consultations", "orders", "fines"):
        assert district[key] == sum(o[key] for o in report["offices"])
    all_days = [d for w in expected.values() for d in w["days"]]
    assert district["median_days_to_close"] == statistics.median(all_days)
    assert sum(district["by_family"].values()) == district["findings"]
    assert report["trend"]["months"][-1]["findings"] == district["findings"]
    assert len(report["trend"]["months"]) == 12 and report["trend"]["months"][0]["month"] == "2025-06"
    assert sum(district["steps"].values()) > 0 and district["consultations"] > 0


def test_the_seeded_year_looks_like_a_district(seeded: Ledger) -> None:
    report = monthly_report(seeded, MONTH)
    district = report["district"]
    assert all(m["findings"] > 0 for m in report["trend"]["months"])
    assert district["steps"]["reminder"] > district["steps"]["warning"] > 0  # soft first, then hard
    assert district["reinspected_on_time"] > district["reinspected_late"] > 0
    campaign = district["campaigns"]["anti-theft-bars"]
    assert campaign["to_date"]["quantity"] >= campaign["month"]["quantity"] and campaign["to_date"]["quantity"] > 0
    assert sum(campaign["to_date"]["steps"].values()) > sum(campaign["month"]["steps"].values())
    assert {d["suggested"] for d in district["departure_reasons"]} <= {"reminder", "warning", "penalty", "referral"}


def test_the_seeded_year_never_opens_a_second_finding_for_conduct_already_open(stream: list[dict[str, Any]]) -> None:
    """Repeats (an inspection or a device trigger meeting conduct whose finding is open) went to
    re-inspection: when each finding opened, no finding of its office, subject and item was open."""
    so_far: dict[str, list[Event]] = defaultdict(list)
    by_conduct: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for raw in stream:
        ev = Event.model_validate(raw)
        if ev.kind == "finding":
            conduct = (ev.office, ev.subject or "", ev.payload["item"])
            for earlier in by_conduct[conduct]:
                state = replay(so_far[earlier])
                assert state.status == "closed" or (state.status == "referred" and state.referral.get("answer")), \
                    f"{ev.finding} opened while {earlier} ({state.status}) was open"
            by_conduct[conduct].append(ev.finding or "")
        if ev.finding:
            so_far[ev.finding].append(ev)


def test_one_office_and_csv_carry_the_same_numbers(seeded: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    report = monthly_report(seeded, MONTH)
    office = report["offices"][1]["office"]
    single = monthly_report(seeded, MONTH, office)
    assert [o["office"] for o in single["offices"]] == [office]
    assert single["offices"][0] == report["offices"][1] and single["district"] == report["district"]
    assert single["trend"]["scope"] == office
    rows = report_csv(report).splitlines()
    assert rows[0] == "month,office,measure,key,value"
    numbers = {tuple(r.split(",")[1:4]): r.split(",")[4] for r in rows[1:]}
    for scope in [*report["offices"], report["district"]]:
        for key in ("findings", "closed", "overdue", "fines", "referrals", "consultations", "departures"):
            assert numbers[(scope["office"], key, "")] == str(scope[key])
        for step, n in scope["steps"].items():
            assert numbers[(scope["office"], "steps", step)] == str(n)
        for family, n in scope["by_family"].items():
            assert numbers[(scope["office"], "by_family", family)] == str(n)
    url = str(seeded.url)
    assert main(["report", "--db", url, "--month", MONTH, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["district"] == report["district"]
    assert main(["report", "--db", url, "--month", MONTH, "--office", "不存在办公室"]) == 2
    assert "office: '不存在办公室' has no records" in capsys.readouterr().err


def test_triage_on_the_ledger_is_idempotent(seeded: Ledger) -> None:
    day = dt.date(2026, 5, 20)
    before = recorded(seeded, day)
    with seeded.engine.connect() as conn:
        events_before = conn.exec_driver_sql("select count(*) from events").scalar()
    assert run_triage(seeded, day) == before == run_triage(seeded, day)
    with seeded.engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from events").scalar() == events_before


def _registered(ledger_url: str) -> tuple[Ledger, dict[str, Any], list[Any]]:
    led = Ledger(ledger_url)
    manager = {"kind": "unit", "operating": True, "name": "庆阳恒安物业服务有限公司", "id": _uscc(), "address": "西峰区北街"}
    store_places(led, parse_places(json.dumps({
        "place": "西峰区阳光小区3号楼", "office": "北街街道消防安全办公室", "level": "street",
        "compound": "阳光小区", "high_rise": True, "crowded": False, "manager": manager}, ensure_ascii=False)))
    text = (Path(__file__).resolve().parents[1] / "examples" / "signals.jsonl").read_text(encoding="utf-8")
    return led, manager, parse_signals(text, fe.load_ruleset())


def test_a_device_finding_is_recorded_for_the_manager_with_its_events(ledger_url: str) -> None:
    led, manager, received = _registered(ledger_url)
    assert store_signals(led, received) == (6, 1)
    assert store_signals(led, received) == (0, 7)
    day = dt.date(2026, 5, 10)
    [outcome] = run_triage(led, day)
    assert outcome["trigger"] == "blocker-repeat" and outcome["finding"].startswith("F-")
    view = led.show(outcome["finding"])
    assert view.item == "EB-PARK" and view.subject.name == manager["name"] and view.last_step == "reminder"
    facts = view.events[0].payload["case"]["facts"]
    assert facts["trigger_events"].split() == outcome["events"] and facts["trigger"] == "blocker-repeat"
    assert run_triage(led, day) == [outcome]
    assert len(led.due(on="2026-12-31")) == 1  # one finding, not two
    led.close()


def test_a_run_interrupted_while_recording_is_completed_by_the_next(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    led, _, received = _registered(f"sqlite:///{tmp_path / 'l.db'}")
    store_signals(led, received)
    day = dt.date(2026, 5, 10)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    with monkeypatch.context() as patch:
        patch.setattr(Ledger, "record", broken)
        with pytest.raises(RuntimeError):
            run_triage(led, day)
    [claimed] = recorded(led, day)
    assert claimed["finding"] is None
    [outcome] = run_triage(led, day)
    assert outcome["finding"].startswith("F-") and run_triage(led, day) == [outcome]
    assert len(led.due(on="2026-12-31")) == 1
    led.close()


def test_a_device_finding_that_calls_for_a_fine_waits_for_an_officer(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Only an officer sets a penalty's amount (the ledger requires it): triage records nothing
    then, and its outcome says why, instead of failing the whole run."""
    led, _, received = _registered(f"sqlite:///{tmp_path / 'l.db'}")
    store_signals(led, received)

    def penalty(*args: object, **kwargs: object) -> None:
        raise FineRequired("missing: the step is a penalty with a fine of 5000–50000 yuan; record the fine imposed")

    with monkeypatch.context() as patch:
        patch.setattr(Ledger, "record", penalty)
        [outcome] = run_triage(led, dt.date(2026, 5, 10))
    assert outcome["finding"] is None and "5000–50000" in outcome["note"] and "ledger record --fine" in outcome["note"]
    assert led.due(on="2026-12-31") == []
    led.close()


def test_an_unregistered_place_gets_no_finding_and_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "l.db")
    example = str(Path(__file__).resolve().parents[1] / "examples" / "signals.jsonl")
    assert main(["signals", "ingest", example, "--db", db, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["stored"] == 6
    assert main(["triage", "--on", "2026-05-10", "--db", db, "--format", "json"]) == 0
    [outcome] = json.loads(capsys.readouterr().out)
    assert outcome["finding"] is None and "不在场所登记中" in outcome["note"]


def _uscc() -> str:
    from fireenforce.ledger.subjects import uscc_check

    body = "91621002MA7XY1234"
    return body + uscc_check(body)


def test_the_html_report_renders_in_headless_chromium(seeded: Ledger, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "make test installs Debian's chromium"
    page = tmp_path / "report.html"
    page.write_text(report_html(monthly_report(seeded, MONTH)), encoding="utf-8")
    html = page.read_text(encoding="utf-8")
    assert html.count('<img src="data:image/svg+xml;base64,') == 3 and "考核问效报告" in html
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             f"--user-data-dir={tmp_path / 'profile'}"]  # no debugging port: it renders, writes, exits
    png, pdf = tmp_path / "report.png", tmp_path / "report.pdf"
    subprocess.run([*flags, "--hide-scrollbars", "--window-size=794,3500", f"--screenshot={png}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    subprocess.run([*flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000
    pages = pdf.read_bytes().count(b"/Type /Page") - pdf.read_bytes().count(b"/Type /Pages")
    assert pdf.read_bytes().startswith(b"%PDF") and 1 <= pages <= 4
    keep = os.environ.get("FIREENFORCE_KEEP_REPORT")
    if keep:  # to look at the result: FIREENFORCE_KEEP_REPORT=DIR pytest tests/test_reports.py
        for path in (page, png, pdf):
            shutil.copy(path, Path(keep) / path.name)


def test_the_demo_district_seeds_without_a_refusal(tmp_path: Path) -> None:
    """``make demo`` seeds the default district (its own --from and --rate): a day's re-inspection
    that closes a finding and an inspection the same day that finds the same conduct must not meet
    (the ledger refuses conduct observed by the day its finding closed). Four months reach the day
    where they first met (2025-09-01)."""
    line = next(x for x in Path("Makefile").read_text(encoding="utf-8").splitlines() if "fireenforce seed" in x)
    args = line.split()
    start = dt.date.fromisoformat(args[args.index("--from") + 1])
    rate = float(args[args.index("--rate") + 1])
    led = Ledger(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        summary = seed_ledger(led, start=start, months=4, rate=rate, triage_from=start + dt.timedelta(days=200))
    finally:
        led.close()
    assert summary.findings > 100 and summary.reinspections > 100

"""Triage of a busy day, and the monthly report over a large ledger (SQLite files in a temporary folder).

1. A day with 100,000 device events from 417 elevator blockers and 10,000 open findings: ingest
   the events, gather the day's records, evaluate the triggers on durable-rules, record the
   outcomes (each device finding through ``Ledger.record``).
2. The monthly report (JSON, then HTML with charts) over a ledger of 1,000,000 events.

The findings of both are written as rows shaped exactly like the ledger's own (finding, action,
document, re-inspection, closure, referral events and their projections), because recording a
million events through the API would take hours; the hash chain is not computed (nothing here
verifies it). Run: ``.venv/bin/python benchmarks/bench_triage.py [EVENTS]``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fireenforce.ledger import Ledger
from fireenforce.ledger.database import writing
from fireenforce.ledger.events import canonical
from fireenforce.ledger.tables import actions, chain_heads, events, findings
from fireenforce.reports.build import monthly_report
from fireenforce.reports.html import report_html
from fireenforce.simulate.district import OFFICES, RESIDENTIAL_ITEMS, CROWDED_ITEMS
from fireenforce.triage.engine import evaluate
from fireenforce.triage.signals import Signal
from fireenforce.triage.store import PlaceEntry, gather, run_triage, store_places, store_signals
from fireenforce.ruleset.load import load_ruleset

DAY = dt.date(2026, 5, 20)
ITEMS = [code for code, _ in RESIDENTIAL_ITEMS + CROWDED_ITEMS]


class Rows:
    """Ledger rows written in bulk: one office chain counter per office, ids from a counter."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.findings: list[dict[str, Any]] = []
        self.actions: list[dict[str, Any]] = []
        self.office_seq: dict[str, int] = {}
        self.serial = 0

    def next_id(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-{self.serial:016x}"

    def event(self, office: str, kind: str, finding: str, at: dt.date, payload: dict[str, Any]) -> None:
        seq = self.office_seq[office] = self.office_seq.get(office, 0) + 1
        self.events.append({"id": self.next_id("E"), "office": office, "office_seq": seq, "kind": kind,
                            "finding": finding, "subject": "id:bench", "at": at, "recorded_at": at.isoformat(),
                            "payload": canonical(payload), "prev_hash": "0" * 64, "hash": "0" * 64})

    def finding(self, rnd: random.Random, office: str, level: str, opened: dt.date, *, open_: bool,
                place: str, compound: str | None, crowded: bool) -> None:
        finding, action = self.next_id("F"), self.next_id("A")
        item = rnd.choice(ITEMS)
        step = rnd.choices(("reminder", "warning", "penalty", "referral"), (60, 28, 7, 5))[0]
        deadline = opened + dt.timedelta(days=rnd.choice((3, 7, 15)))
        facts: dict[str, Any] = {"serious": rnd.random() < 0.02, "narrative": "检查发现"}
        if compound:
            facts["compound"] = compound
        if item.startswith("OB"):
            facts.update({"campaign": "anti-theft-bars", "campaign_step": "拆除", "removed_m2": 12})
        case = {"item": item, "subject": {"kind": "unit", "name": "某单位", "id": "", "address": ""},
                "place": {"name": place, "address": "", "high_rise": False, "crowded": crowded},
                "office": {"level": level, "name": office}, "observed_on": opened.isoformat(), "facts": facts}
        self.event(office, "finding", finding, opened, {"case": case, "item": item, "weak": False, "officer": "甲"})
        departure = {"suggested": "reminder", "chosen": "warning", "reason": "从严"} if rnd.random() < 0.02 else None
        fine = 100 * rnd.randint(5, 100) if step == "penalty" else None
        self.event(office, "action", finding, opened, {"action": action, "item": item, "step": step, "fine": fine,
                                                       "deadline": deadline.isoformat(), "departure": departure})
        self.event(office, "document", finding, opened, {"action": action, "type": "inspection_record"})
        if step == "warning":
            self.event(office, "document", finding, opened, {"action": action, "type": "rectification_order"})
        reinspected = closed = None
        if not open_:
            reinspected = closed = deadline + dt.timedelta(days=rnd.randint(0, 6))
            self.event(office, "reinspection", finding, reinspected, {"action": action, "rectified": True})
            self.event(office, "closure", finding, closed, {"reason": "rectified"})
        if step == "referral":
            self.event(office, "referral_sent", finding, opened, {"action": action})
        self.findings.append({"id": finding, "office": office, "subject": "id:bench", "subject_name": "某单位",
                              "weak": False, "item": item, "status": "open" if open_ else "closed",
                              "opened_on": opened, "closed_on": closed, "deadline": None if closed else deadline,
                              "last_step": step, "last_action": action})
        self.actions.append({"id": action, "seq": len(self.events), "finding": finding, "subject": "id:bench",
                             "office": office, "date": opened, "item": item, "step": step, "deadline": deadline,
                             "rectified": True if reinspected else None, "reinspected_on": reinspected,
                             "officer": "甲", "issued_by": "office", "fine": fine})

    def write(self, led: Ledger) -> None:
        heads = [{"office": office, "seq": seq, "hash": "0" * 64} for office, seq in self.office_seq.items()]
        with writing(led.engine) as conn:
            for table, rows in ((events, self.events), (findings, self.findings), (actions, self.actions),
                                (chain_heads, heads)):
                for start in range(0, len(rows), 20_000):
                    conn.execute(table.insert(), rows[start:start + 20_000])


def timed(label: str, func: Any) -> Any:
    """Wall time, and this process's CPU time (the shared machine's load varies the first)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = func()
    print(f"  {label}: {time.perf_counter() - start:.2f} s ({time.process_time() - cpu:.2f} s CPU)", flush=True)
    return result


def busy_day(folder: Path, n_events: int) -> None:
    print(f"triage of {DAY}: {n_events:,} device events from 417 blockers, 10,000 open findings")
    rnd = random.Random(11)
    led = Ledger(f"sqlite:///{folder / 'day.db'}")
    buildings = [f"小区{b // 8}-{b % 8 + 1}号楼" for b in range(417)]
    store_places(led, [PlaceEntry.model_validate({
        "place": name, "office": OFFICES[i % 4][0], "level": OFFICES[i % 4][1], "compound": name.split("-")[0],
        "manager": {"kind": "unit", "name": f"物业{i}", "address": "西峰区"}}) for i, name in enumerate(buildings)])
    rows = Rows()
    for n in range(10_000):
        office, level, _ = OFFICES[n % 4]
        crowded = rnd.random() < 0.3
        opened = DAY - dt.timedelta(days=0 if n < 300 else rnd.randint(1, 60))
        place = f"场所{n % 900}" if crowded else rnd.choice(buildings)
        rows.finding(rnd, office, level, opened, open_=True, place=place,
                     compound=None if crowded else place.split("-")[0], crowded=crowded)
    rows.write(led)
    received = [Signal.model_validate({
        "source": "elevator_blocker", "device": f"ZC-{b:04d}", "place": buildings[b], "kind": "ebike_in_elevator",
        "at": f"{DAY - dt.timedelta(days=rnd.choice((0, 0, 0, 1, 3, 6)))}T{rnd.randint(6, 22):02d}:"
              f"{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d}.{n:06d}+08:00"})
        for n, b in enumerate(rnd.choices(range(417), k=n_events))]
    timed("ingest (store, each event once)", lambda: store_signals(led, received))
    ruleset = load_ruleset(on=DAY)
    with led.engine.connect() as conn:
        records, _ = timed("gather the day's records", lambda: gather(conn, ruleset.triggers, DAY))
    found = timed(f"evaluate on durable-rules ({len(records):,} records)",
                  lambda: evaluate(ruleset.triggers, records, DAY))
    result = timed("triage --on DAY, recording every outcome", lambda: run_triage(led, DAY))
    kinds = {k: sum(o["kind"] == k for o in result) for k in ("finding", "consultation")}
    print(f"  outcomes: {len(found)} ({kinds['finding']} device findings recorded, {kinds['consultation']} consultations)")
    timed("triage again (nothing new to record)", lambda: run_triage(led, DAY))
    led.close()


def big_ledger(folder: Path, target: int) -> None:
    print(f"monthly report over a ledger of about {target:,} events")
    rnd = random.Random(12)
    led = Ledger(f"sqlite:///{folder / 'big.db'}")
    rows = Rows()
    start = dt.date(2023, 6, 1)
    days = (dt.date(2026, 5, 31) - start).days
    offices = [(f"{name.removesuffix('消防安全办公室')}{k}号消防安全办公室" if k else name, level)
               for k in range(6) for name, level, _ in OFFICES]
    while len(rows.events) < target:
        office, level = rnd.choice(offices)
        opened = start + dt.timedelta(days=rnd.randrange(days))
        rows.finding(rnd, office, level, opened, open_=opened > dt.date(2026, 5, 20) and rnd.random() < 0.5,
                     place=f"场所{rnd.randrange(5000)}", compound=f"小区{rnd.randrange(400)}", crowded=False)
    timed(f"write {len(rows.events):,} events, {len(rows.findings):,} findings", lambda: rows.write(led))
    report = timed("report --month 2026-05 (json)", lambda: monthly_report(led, "2026-05"))
    timed("report --month 2026-05 (html with charts)", lambda: report_html(report))
    print(f"  district: {report['district']['findings']:,} findings in the month, "
          f"{len(report['offices'])} offices; {len(json.dumps(report, ensure_ascii=False)):,} bytes of JSON")
    led.close()


def main() -> None:
    n_events = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        busy_day(Path(folder), n_events)
        big_ledger(Path(folder), 1_000_000)


if __name__ == "__main__":
    main()

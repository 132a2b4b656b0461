"""The ledger's speed: record throughput with durable commits (SQLite file, PostgreSQL with
fsync on), the time record adds on top of decide, and history / due lookups with 1,000,000
events in the database (goal: < 2 ms each).

Run: .venv/bin/python benchmarks/bench_ledger.py [--events N] [--records N] [--backend sqlite|postgresql|both]

The large database is generated directly (valid hash chains, projections and number series;
action payloads carry a trimmed decision, since lookups read only the indexed projections).
PostgreSQL runs on a throwaway server (needs the postgresql package).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import insert

import fireenforce as fe
from fireenforce.ledger import Ledger
from fireenforce.ledger.database import writing
from fireenforce.ledger.events import GENESIS, canonical, event_hash, now
from fireenforce.ledger.subjects import name_key, uscc_check
from fireenforce.ledger.tables import actions, chain_heads, counters, events, findings
from fireenforce.testing import pgserver

OFFICES = [f"第{n}街道消防安全办公室" for n in range(1, 11)]
ITEMS = ("EV-BLOCK", "EB-PARK", "EB-CHARGE", "FL-BLOCK", "FF-DAMAGE")
START = dt.date(2025, 1, 1)
EVENTS_PER_FINDING = 5  # finding, action, document, reinspection, closure


def uscc(n: int) -> str:
    body = f"91620000MA{n:07d}"
    return body + uscc_check(body)


def sample_case(n: int, day: dt.date) -> dict[str, Any]:
    return {
        "item": "EV-BLOCK", "observed_on": day.isoformat(),
        "subject": {"kind": "unit", "operating": True, "name": f"某某超市{n}", "id": uscc(n), "address": "西峰区北街"},
        "place": {"name": "某某超市", "crowded": True}, "office": {"level": "street", "name": "北街街道消防安全办公室"},
        "facts": {"narrative": "安全出口上锁"},
    }


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    return f"median {statistics.median(ms):.3f} ms, best {ms[0]:.3f} ms, p95 {ms[int(len(ms) * 0.95)]:.3f} ms"


def record_throughput(url: str, records: int) -> None:
    with Ledger(url) as led:
        day = dt.date(2026, 3, 2)
        # a new date for nearly every record, as an office's record spans its days (each date once
        # asked the ruleset in force, which cost a check of every ruleset file before it was cached)
        cases = [sample_case(100 + i % 200, day + dt.timedelta(days=i % 250)) for i in range(records)]
        led.record(sample_case(1, day), officer="王某")  # warm up: ruleset, offices, statement caches
        start, cpu = time.perf_counter(), time.process_time()
        for case in cases:
            led.record(case, officer="王某")
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        for case in cases:
            fe.decide(case)
        decide_ms = (time.perf_counter() - start) / records * 1000
        record_ms = elapsed / records * 1000
        print(f"  record: {records / elapsed:.0f} records/s ({record_ms:.2f} ms each, {cpu / records * 1000:.2f} ms "
              f"of it CPU in this process; decide alone {decide_ms:.3f} ms, so the ledger adds "
              f"{record_ms - decide_ms:.2f} ms)")


def synthetic(count: int, seed: int = 1) -> Iterator[tuple[str, list[dict[str, Any]], dict[str, Any], dict[str, Any]]]:
    """(office, event rows, findings row, actions row) per finding; 1 % stay open."""
    rng = random.Random(seed)
    global_seq = 0
    heads = {o: (0, GENESIS) for o in OFFICES}
    serials = {o: 0 for o in OFFICES}
    subjects = max(1, count // 2)
    for n in range(count):
        office = OFFICES[n % len(OFFICES)]
        index = rng.randrange(subjects)
        name = f"某某店{index}"
        weak = rng.random() < 0.1  # a tenth recorded without the id: joined to it by name and address
        subject = name_key(name, "西峰区北街") if weak else f"id:{uscc(index)}"
        day = START + dt.timedelta(days=rng.randrange(700))
        item = rng.choice(ITEMS)
        finding, action = f"F-{n:016x}", f"A-{n:016x}"
        deadline = day + dt.timedelta(days=3)
        serials[office] += 1
        is_open = rng.random() < 0.01
        payloads: list[tuple[str, dt.date, dict[str, Any]]] = [
            ("finding", day, {"case": {"subject": {"name": name, "address": "西峰区北街"}}, "item": item, "weak": weak,
                              "officer": ""}),
            ("action", day, {"action": action, "item": item, "step": "reminder", "deadline": deadline.isoformat(),
                             "decision": {"step": "reminder"}, "history": [], "departure": None, "officer": "",
                             "issued_by": "office"}),
            ("document", day, {"action": action, "type": "inspection_record", "year": 2026, "serial": serials[office],
                               "number": f"码〔2026〕{serials[office]:04d}号"}),
        ]
        if not is_open:
            closed = deadline + dt.timedelta(days=1)
            payloads += [("reinspection", closed, {"action": action, "rectified": True, "officer": "", "note": ""}),
                         ("closure", closed, {"reason": "rectified"})]
        rows = []
        seq, prev = heads[office]
        first_seq = global_seq + 1
        for index, (kind, at, payload) in enumerate(payloads):
            seq += 1
            global_seq += 1
            event_id, text, recorded = f"E-{n:012x}{index:04x}", canonical(payload), now()
            digest = event_hash(prev, event_id, office, seq, kind, finding, subject, at, recorded, text)
            rows.append({"seq": global_seq, "id": event_id, "office": office, "office_seq": seq, "kind": kind,
                         "finding": finding, "subject": subject, "at": at, "recorded_at": recorded, "payload": text,
                         "prev_hash": prev, "hash": digest})
            prev = digest
        heads[office] = (seq, prev)
        closed_on = None if is_open else deadline + dt.timedelta(days=1)
        yield office, rows, {
            "id": finding, "office": office, "subject": subject, "subject_name": name, "weak": weak,
            "item": item, "status": "open" if is_open else "closed", "opened_on": day, "closed_on": closed_on,
            "deadline": deadline if is_open else None, "last_step": "reminder", "last_action": action,
            "recorded_subject": subject, "name_key": name_key(name, "西峰区北街"),
        }, {
            "id": action, "seq": first_seq + 1, "finding": finding, "subject": subject, "office": office, "date": day, "item": item,
            "step": "reminder", "deadline": deadline, "rectified": None if is_open else True,
            "reinspected_on": closed_on, "officer": "", "issued_by": "office", "name_key": name_key(name, "西峰区北街"),
        }
    synthetic.heads, synthetic.serials = heads, serials  # type: ignore[attr-defined]


def fill(led: Ledger, total_events: int) -> float:
    count = total_events // EVENTS_PER_FINDING + 1
    start = time.perf_counter()
    batch: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    written = 0
    with writing(led.engine) as conn:
        for _office, rows, finding, action in synthetic(count):
            batch[0].extend(rows)
            batch[1].append(finding)
            batch[2].append(action)
            if len(batch[0]) >= 20000:
                written += _flush(conn, batch)
        written += _flush(conn, batch)
        heads, serials = synthetic.heads, synthetic.serials  # type: ignore[attr-defined]
        conn.execute(insert(chain_heads), [{"office": o, "seq": s, "hash": h} for o, (s, h) in heads.items()])
        conn.execute(insert(counters), [{"office": o, "doc_type": "inspection_record", "year": 2026, "last": n}
                                        for o, n in serials.items()])
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('events', 'seq'), (SELECT max(seq) FROM events))")
    with led.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    elapsed = time.perf_counter() - start
    print(f"  generated {written:,} events ({count:,} findings) in {elapsed:.0f} s")
    return elapsed


def _flush(conn: Any, batch: tuple[list[Any], list[Any], list[Any]]) -> int:
    if not batch[0]:
        return 0
    conn.execute(insert(events), batch[0])
    conn.execute(insert(findings), batch[1])
    conn.execute(insert(actions), batch[2])
    n = len(batch[0])
    for part in batch:
        part.clear()
    return n


def lookups(led: Ledger, total_events: int) -> None:
    rng = random.Random(7)
    subjects = max(1, (total_events // EVENTS_PER_FINDING + 1) // 2)
    ids = [uscc(rng.randrange(subjects)) for _ in range(2000)]
    it = iter(ids)
    history = timed(lambda: led.history(next(it)), 2000)
    print(f"  history(subject id, joined with its records made without the id): {summary(history)}")
    due_day = START + dt.timedelta(days=400)
    sizes = [len(led.due(on=due_day, office=o)) for o in OFFICES]
    offices = iter(OFFICES * 100)
    due = timed(lambda: led.due(on=due_day, office=next(offices)), 1000)
    print(f"  due(on, office): {summary(due)} ({statistics.mean(sizes):.0f} overdue findings per office)")
    everyone = timed(lambda: led.due(on=due_day), 100)
    print(f"  due(on), all {len(OFFICES)} offices: {summary(everyone)} ({sum(sizes)} findings)")
    day = dt.date(2026, 3, 2)
    case_ids = iter(range(subjects + 1, subjects + 10_000))
    rec = timed(lambda: led.record(sample_case(next(case_ids), day), officer="王某"), 200)
    print(f"  record into the large ledger: {summary(rec)}")


def verify_time(led: Ledger) -> None:
    start = time.perf_counter()
    report = led.verify()
    print(f"  verify: {'intact' if report.ok else report.broken} — {report.events:,} events in "
          f"{time.perf_counter() - start:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--verify", action="store_true", help="also time verify on the large ledger")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.backend in ("sqlite", "both"):
            print("sqlite (file, WAL, synchronous=FULL):")
            record_throughput(f"sqlite:///{Path(tmp) / 'small.db'}", args.records)
            with Ledger(Path(tmp) / "big.db") as led:
                fill(led, args.events)
                lookups(led, args.events)
                if args.verify:
                    verify_time(led)
        if args.backend in ("postgresql", "both"):
            print("postgresql (throwaway server, fsync on):")
            server = pgserver.start(durable=True)
            try:
                record_throughput(server.create_database(), args.records)
                with Ledger(server.create_database()) as led:
                    fill(led, args.events)
                    lookups(led, args.events)
                    if args.verify:
                        verify_time(led)
            finally:
                server.stop()


if __name__ == "__main__":
    sys.exit(main())

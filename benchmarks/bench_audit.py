"""The audit of a million recorded actions: a Parquet archive (the Case shape plus the action
taken), re-decided with the bundled version in force on each action's date, checked, compared.

The archive is varied: the district's items for units and individuals, crowded and high-rise
places, serious cases, histories of 0–2 earlier actions, dates over 2022–2026 (two ruleset
versions), four offices. Actions follow the rule except about 6 % (departures with and without a
reason, fines outside the range, summary procedures over the limit), so the findings are real.
The archive is built from 4,000 distinct cases decided once (building it is not timed).

Run: ``.venv/bin/python benchmarks/bench_audit.py [ACTIONS] [WORKERS]`` (default 1,000,000 and 2:
the audit with one process, then with WORKERS, and whether their reports are equal).
"""

from __future__ import annotations

import datetime as dt
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

import fireenforce as fe
from fireenforce.ledger.subjects import resident_id_check, uscc_check
from fireenforce.simulate.district import CROWDED_ITEMS, OFFICES, RESIDENTIAL_ITEMS

TEMPLATES = 4000
STEPS = ("reminder", "warning", "penalty", "referral")


def template(rnd: random.Random) -> dict[str, Any]:
    crowded = rnd.random() < 0.4
    item = rnd.choice([c for c, _ in (CROWDED_ITEMS if crowded else RESIDENTIAL_ITEMS)])
    office, level, _ = rnd.choice(OFFICES)
    day = dt.date(2022, 3, 1) + dt.timedelta(days=rnd.randrange(1700))
    unit = crowded or item in ("FF-NONCOMPLIANT", "FL-BLOCK", "FF-HYDRANT", "UN-DUTY", "EL-WIRING") or rnd.random() < 0.3
    subject = {"kind": "unit", "operating": True} if unit else {"kind": "individual"}
    history = [{"date": (day - dt.timedelta(days=rnd.randrange(20, 200))).isoformat(), "item": item,
                "step": rnd.choice(("reminder", "warning"))} for _ in range(rnd.choice((0, 0, 0, 1, 1, 2)))]
    return {"item": item, "subject": subject,
            "place": {"name": "某场所", "crowded": crowded, "high_rise": not crowded and rnd.random() < 0.3},
            "office": {"level": level, "name": office}, "observed_on": day.isoformat(),
            "facts": {"serious": rnd.random() < 0.05}, "history": sorted(history, key=lambda h: h["date"])}


def action(rnd: random.Random, decision: fe.Decision) -> dict[str, Any]:
    step, fine, procedure, reason, suggested = decision.step, None, None, None, decision.step
    penalty = decision.penalty
    if step == "penalty" and penalty is not None and penalty.fine is not None and "fine" in penalty.kinds:
        procedure = decision.procedure
        high = min(penalty.fine.max, decision.summary_limit or penalty.fine.max) if procedure == "summary" \
            else penalty.fine.max
        fine = rnd.randint(max(penalty.fine.min, 1), max(high, 1))
    roll = rnd.random()
    if roll < 0.02:
        step, reason = rnd.choice(STEPS), rnd.choice(("当事人态度恶劣", "经集体讨论", None))
    elif roll < 0.04 and fine is not None:
        fine = fine * 3
    elif roll < 0.06 and fine is not None and procedure == "general":
        procedure = "summary"
    return {"step": step, "suggested": suggested, "reason": reason, "fine": fine, "procedure": procedure}


def archive(path: Path, count: int, seed: int = 15) -> None:
    rnd = random.Random(seed)
    pool: list[tuple[dict[str, Any], fe.Decision]] = []
    while len(pool) < TEMPLATES:
        case = template(rnd)
        try:
            pool.append((case, fe.decide(case)))
        except fe.CaseError:
            continue  # an item the subject kind or place does not fit
    writer, schema = None, None
    for start in range(0, count, 100_000):
        rows = []
        for n in range(start, min(count, start + 100_000)):
            case, decision = pool[rnd.randrange(TEMPLATES)]
            body = f"91620000MA{n % 10_000_000:07d}"
            person = f"62100219900101{n % 1000:03d}"
            subject = {**case["subject"], "name": f"当事人{n}",
                       "id": body + uscc_check(body) if case["subject"]["kind"] == "unit" else person + resident_id_check(person)}
            rows.append({**case, "subject": subject, "action": {"id": f"A{n}", **action(rnd, decision)}})
        table = pa.Table.from_pylist(rows, schema=schema)
        if writer is None:
            schema = table.schema  # the first chunk's; struct fields keep their order after it
            writer = pq.ParquetWriter(path, schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "actions.parquet"
        started = time.perf_counter()
        archive(path, count)
        print(f"archive: {count:,} actions, {path.stat().st_size / 1e6:.0f} MB, built in {time.perf_counter() - started:.0f} s")
        reports = {}
        for n in (1, workers):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started, cpu = time.perf_counter(), time.process_time()
            report = reports[n] = fe.audit(path, workers=n)
            wall, used = time.perf_counter() - started, time.process_time() - cpu
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used += after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, after.ru_maxrss) / 1024
            print(f"audit, --workers {n}: {report.actions:,} actions ({report.decided:,} decided) in {wall:.1f} s wall, "
                  f"{used:.1f} s CPU (with its workers): {report.actions / wall:,.0f} actions/s wall, "
                  f"{report.actions / used:,.0f} per CPU second; largest process {peak:,.0f} MB")
    print("findings:", dict(Counter(f.code for f in reports[1].findings)))
    print(f"--workers {workers} gives the same report as 1: {reports[workers].json() == reports[1].json()}")


if __name__ == "__main__":
    main()

"""The columnar batch path: decisions per second (warm, cold, threads, processes) and the memory
of streaming ten million rows through ``fireenforce decide cases.parquet``.

Run: ``.venv/bin/python benchmarks/bench_batch.py [ROWS] [--stream-rows N]`` (default 1,000,000
rows and a 10,000,000-row file; ``--stream-rows 0`` skips the file). Cases come from
``fireenforce.testing.tables.case_table``: every item, subject, place, office level and standard
fact, dates across the newest version's dates, histories of 0-4 entries, one bad row in 1,000.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq

import fireenforce as fe
from fireenforce.batch import decide_table
from fireenforce.batch.stream import decide_parquet
from fireenforce.testing.tables import case_table


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds (the host is shared: CPU time is the figure to compare)."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def best(runs: int, fn: Callable[[], object]) -> tuple[float, float]:
    times = [timed(fn) for _ in range(runs)]
    return min(t[0] for t in times), min(t[1] for t in times)


def rate(rows: int, seconds: tuple[float, float | None]) -> str:
    """Decisions per second of wall time and (in this process) of CPU time."""
    wall, cpu = seconds
    out = f"{rows / wall:>12,.0f} decisions/s wall ({wall:.2f} s)"
    return out if cpu is None else f"{out}, {rows / cpu:>12,.0f}/s of CPU ({cpu:.2f} s)"


def dictionary_encoded(table: pa.Table, tmp: Path) -> pa.Table:
    """The table as a Parquet reader gives it with its enumerations and dates as dictionaries."""
    source = tmp / "dictionary.parquet"
    pq.write_table(table, source, row_group_size=table.num_rows)
    return pq.read_table(source, read_dictionary=DICTIONARY_COLUMNS)


DICTIONARY_COLUMNS = ["item", "occurred_on", "ended_on", "observed_on", "decided_on", "subject.kind", "office.level",
                      *(f"history.list.element.{name}" for name in ("date", "item", "step", "deadline", "issued_by")),
                      "facts.mitigating.list.element", "facts.aggravating.list.element"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--stream-rows", type=int, default=10_000_000)
    args = parser.parse_args()
    n = args.rows
    rs = fe.load_ruleset()
    print(f"ruleset {rs.id} {rs.version}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    start = time.perf_counter()
    table = case_table(rs, n, seed=1)
    print(f"generated {n:,} varied cases in {time.perf_counter() - start:.1f} s")
    print(f"cold, first batch of {n:,} varied cases:  {rate(n, timed(lambda: decide_table(table, ruleset=rs)))}")
    other = case_table(rs, n, seed=2)
    print(f"second batch, other cases (keys known):    {rate(n, timed(lambda: decide_table(other, ruleset=rs)))}")
    warm = best(3, lambda: decide_table(table, ruleset=rs))
    print(f"warm, one thread (best of 3):              {rate(n, warm)}")
    two = best(3, lambda: decide_table(table, ruleset=rs, workers=2))
    print(f"warm, two threads (best of 3):             {rate(n, two)}  speed-up {warm[0] / two[0]:.2f}x wall")

    with tempfile.TemporaryDirectory() as tmp:
        encoded = dictionary_encoded(table, Path(tmp))
        print(f"warm, dictionary-encoded columns:          {rate(n, best(3, lambda: decide_table(encoded, ruleset=rs)))}")
        source = Path(tmp) / "cases.parquet"
        pq.write_table(table, source, row_group_size=131_072)
        for workers in (1, 2):
            seconds = best(2, lambda: decide_parquet(source, Path(tmp) / "out.parquet", workers=workers))
            print(f"Parquet file, --workers {workers} (best of 2):     {rate(n, (seconds[0], None))}")
        if args.stream_rows:
            stream(table, Path(tmp), args.stream_rows)


def stream(table: pa.Table, tmp: Path, rows: int) -> None:
    """A file of ``rows`` rows (copies of the generated table) through the CLI, in a child process."""
    source = tmp / "big.parquet"
    with pq.ParquetWriter(source, table.schema) as writer:
        for _ in range(rows // table.num_rows):
            writer.write_table(table, row_group_size=131_072)
    size = source.stat().st_size / 1e6
    for workers in (1, 2):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "fireenforce", "decide", str(source), "--out",
                               str(tmp / "big-out.parquet"), "--workers", str(workers)], capture_output=True, text=True)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"stream {rows:,} rows ({size:.0f} MB Parquet), --workers {workers}: {rate(rows, (seconds, None))}, "
              f"peak RSS of the largest process {max(peak, before) / 1024:.0f} MB; {done.stderr.strip().splitlines()[0]}")


if __name__ == "__main__":
    main()

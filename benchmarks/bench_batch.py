"""The columnar batch path: decisions per second (warm, cold, threads, processes) and the memory
of streaming ten million rows through ``fireenforce decide cases.parquet``.

Run: ``.venv/bin/python benchmarks/bench_batch.py [ROWS] [--stream-rows N] [--workers N] [--files-only]
[--file PATH [--file-rows N]] [--repeat K]`` (default 1,000,000 rows, a 10,000,000-row file and 2 workers;
``--stream-rows 0`` skips the big file; ``--files-only`` runs only the Parquet file with 1 and N
workers and prints their ratio, ``--repeat K`` times alternating, each run with the load average
before it and the CPU other processes of the host took while it ran (its wall time means little
unless that is near 0); ``--file PATH`` uses that Parquet file of cases, e.g. a 10,000,000-row one kept from an
earlier run, and writes it there first if it does not exist, ``--file-rows N`` rows as copies of
the generated ones). Cases come from
``fireenforce.testing.tables.case_table``: every item, subject, place, office level and standard
fact, dates across the newest version's dates, histories of 0-4 entries, one bad row in 1,000.
"""

from __future__ import annotations

import argparse
import gc
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
from fireenforce.batch.stream import decide_parquet, read_batches
from fireenforce.testing.tables import case_table


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds (the host is shared: CPU time is the figure to compare). The garbage
    left by the benchmark's own setup (a million generated cases) is collected first, so that no
    measurement pays for it; the collector runs as usual during the call."""
    gc.collect()
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
    """The table as ``fireenforce decide cases.parquet`` reads it: enumerations and dates as dictionaries."""
    source = tmp / "dictionary.parquet"
    pq.write_table(table, source, row_group_size=table.num_rows)
    return pa.concat_tables(read_batches(source, table.num_rows))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--stream-rows", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--files-only", action="store_true")
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--file-rows", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    n = args.rows
    rs = fe.load_ruleset()
    print(f"ruleset {rs.id} {rs.version}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    if args.files_only:
        with tempfile.TemporaryDirectory() as tmp:
            source = args.file or Path(tmp) / "cases.parquet"
            if not source.exists():
                write_file(source, generated(rs, n), args.file_rows or n)
            workers(source, Path(tmp), args.workers, args.repeat)
        return
    table = generated(rs, n)
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
        write_file(source, table, n)
        workers(source, Path(tmp), args.workers)
        if args.stream_rows:
            stream(table, Path(tmp), args.stream_rows)


def generated(rs: fe.Ruleset, n: int) -> pa.Table:
    """``n`` varied cases (seed 1), saying how long they took to make."""
    start = time.perf_counter()
    table = case_table(rs, n, seed=1)
    print(f"generated {n:,} varied cases in {time.perf_counter() - start:.1f} s")
    return table


def write_file(source: Path, table: pa.Table, rows: int) -> None:
    """A Parquet file of ``rows`` cases (copies of ``table``), in row groups of 131,072 rows."""
    with pq.ParquetWriter(source, table.schema) as writer:
        for _ in range(max(1, rows // table.num_rows)):
            writer.write_table(table, row_group_size=131_072)


def workers(source: Path, tmp: Path, n: int, repeat: int = 1) -> None:
    """``fireenforce decide`` on the file ``source`` with 1 and ``n`` workers, each in a fresh
    process (cold kernels, as a user runs it), ``repeat`` times alternating: wall time, CPU time of
    the process and its workers, the ratios."""
    rows = pq.ParquetFile(source).metadata.num_rows
    for _ in range(repeat):
        runs = {}
        for count in (1, n):
            load, busy = os.getloadavg()[0], host_busy()
            runs[count] = wall, cpu, peak, _ = cli(source, tmp / "out.parquet", count)
            after = host_busy()
            others = "" if busy is None or after is None else f", other processes {after - busy - cpu:.1f} s of CPU meanwhile"
            print(f"{rows:,}-row file, --workers {count} (load average {load:.1f}): {rate(rows, (wall, None))}; "
                  f"CPU {cpu:.1f} s, largest process {peak:.0f} MB{others}")
        (w1, c1, _, _), (wn, cn, _, _) = runs[1], runs[n]
        print(f"--workers {n} vs 1: wall {w1 / wn:.2f}x; CPU {cn:.1f} s vs {c1:.1f} s, so at most "
              f"{n * c1 / cn:.2f}x on {n} idle cores")


def host_busy() -> float | None:
    """CPU seconds every process of the host has used since boot (``/proc/stat``; None elsewhere):
    the load average counts the run's own processes, this tells how much others took beside it."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return None
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


# runs the CLI as its own child, so its peak and CPU are of this run only (the CLI and its workers)
MEASURE = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
           "use = resource.getrusage(resource.RUSAGE_CHILDREN); "
           "print(use.ru_utime + use.ru_stime, use.ru_maxrss / 1024, done.stderr.strip().splitlines()[0], sep='\\n')")


def cli(source: Path, target: Path, workers: int) -> tuple[float, float, float, str]:
    """One ``fireenforce decide`` run in a child process: wall s, CPU s of it and its workers, the
    largest of their peak RSS (MB), and its message."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "fireenforce", "decide", str(source),
                           "--out", str(target), "--workers", str(workers)], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    cpu, peak, said = done.stdout.splitlines()
    return wall, float(cpu), float(peak), said


def stream(table: pa.Table, tmp: Path, rows: int) -> None:
    """A file of ``rows`` rows (copies of the generated table) through the CLI, in a child process."""
    source = tmp / "big.parquet"
    write_file(source, table, rows)
    size = source.stat().st_size / 1e6
    for count in (1, 2):
        wall, cpu, peak, said = cli(source, tmp / "big-out.parquet", count)
        print(f"stream {rows:,} rows ({size:.0f} MB Parquet), --workers {count}: {rate(rows, (wall, None))}, CPU {cpu:.0f} s, "
              f"peak RSS of the largest process {peak:.0f} MB; {said}")


if __name__ == "__main__":
    main()

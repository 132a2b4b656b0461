"""``fireenforce decide cases.parquet --workers N``: what the parent does beside its workers
(decides a few rows first so that they fork warm, keeps its objects from the collector while they
run, decides a share of the row groups itself) changes nothing in the output."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import fireenforce as fe
from fireenforce.batch import decide_table
from fireenforce.batch import stream
from fireenforce.batch.output import OUTPUT_SCHEMA
from fireenforce.batch.stream import WARM_ROWS, CaseFile, decide_parquet, frozen, read_batches, shared
from fireenforce.testing.tables import case_table

RS = fe.load_ruleset()


def test_rows_the_parent_decided_first_are_decided_by_their_worker_too(tmp_path: Path) -> None:
    """The bundled family (the CLI's default), the file's bad rows first, a first row group
    shorter than the parent's sample: 1, 2 and 3 workers give ``decide_table``'s table."""
    table = case_table(RS, 3000, seed=21)
    bad = decide_table(table).column("error").is_valid().combine_chunks()
    rows = pa.array(range(3000))
    table = table.take(pa.concat_arrays([rows.filter(bad), rows.filter(pc.invert(bad))]))  # every bad row first
    source = tmp_path / "cases.parquet"
    pq.write_table(table, source, row_group_size=min(WARM_ROWS, 1000) - 1)
    want = decide_table(table)
    assert want.column("error")[0].is_valid
    for workers in (1, 2, 3):
        target = tmp_path / f"out{workers}.parquet"
        assert decide_parquet(source, target, workers=workers, batch_rows=1000).rows == 3000
        got = pq.read_table(target)
        assert got.equals(want) and got.schema.metadata == want.schema.metadata


def test_the_output_file_is_the_same_whatever_the_workers(tmp_path: Path) -> None:
    """Rows decided by the parent and by its workers are written alike: 1, 2 and 3 workers give the
    same schema (``OUTPUT_SCHEMA``, strings as strings), metadata, row groups and rows."""
    source = tmp_path / "cases.parquet"
    pq.write_table(case_table(RS, 8000, seed=24), source, row_group_size=1000)  # a row group per batch
    files = []
    for workers in (1, 2, 3):
        target = tmp_path / f"out{workers}.parquet"
        decide_parquet(source, target, workers=workers, batch_rows=1000)
        files.append(pq.ParquetFile(target))
    first = files[0]
    assert first.schema_arrow.remove_metadata().equals(OUTPUT_SCHEMA)
    for other in files[1:]:
        assert other.schema_arrow.equals(first.schema_arrow, check_metadata=True)
        assert other.metadata.metadata == first.metadata.metadata
        assert [other.metadata.row_group(g).num_rows for g in range(other.num_row_groups)] == \
               [first.metadata.row_group(g).num_rows for g in range(first.num_row_groups)]
        assert other.read().equals(first.read())


def test_shared_gives_every_result_in_order_each_task_run_once() -> None:
    """``shared``, with a pool as fast as this process or slower: the results come in order, each
    task run once, by the pool or here; this process takes tasks while the next result is not
    ready, never more than ``held`` ahead of the order, and leaves the pool at most two tasks
    running per worker."""
    for delay in (0.0, 0.02):
        ran: dict[int, str] = {}
        yielded: list[int] = []
        running = [0]
        lock = threading.Lock()
        with ThreadPoolExecutor(2) as pool:
            def submit(n: int) -> Future[int]:
                def run() -> int:
                    with lock:
                        running[0] += 1
                        assert running[0] <= 2
                    time.sleep(delay)
                    with lock:
                        running[0] -= 1
                        ran[n] = "pool"
                    return n
                return pool.submit(run)

            def here(n: int) -> int:
                assert sum(1 for m, by in ran.items() if by == "here" and m >= len(yielded)) < 2
                ran[n] = "here"
                return n

            for got in shared(12, submit, here, 1, held=2):
                yielded.append(got)
        assert yielded == list(range(12)) and sorted(ran) == yielded
        if delay:
            assert "here" in ran.values() and "pool" in ran.values()


@pytest.mark.parametrize("count", [0, 1, 2])
def test_shared_runs_no_task_one_or_two(count: int) -> None:
    """Fewer tasks than the pool is first given: every one runs once, in order (one task is this
    process's own; none gives nothing)."""
    with ThreadPoolExecutor(1) as pool:
        got = list(shared(count, lambda n: pool.submit(lambda: ("pool", n)), lambda n: ("here", n), 1))
    assert [n for _, n in got] == list(range(count)) and (count != 1 or got == [("here", 0)])


def test_a_failed_task_stops_the_run_and_nothing_more_is_given_out() -> None:
    """The pool's tasks from the third on fail: the first failure is raised in order, and the pool
    is given nothing more (at most ``AHEAD`` tasks are out at a time)."""
    given: list[int] = []
    with ThreadPoolExecutor(1) as pool:
        def submit(n: int) -> Future[int]:
            given.append(n)
            return pool.submit(lambda: n if n < 2 else 1 // 0)

        def here(n: int) -> int:
            time.sleep(0.01)
            return n

        results = shared(20, submit, here, 1, held=1)
        with pytest.raises(ZeroDivisionError):
            list(results)
    time.sleep(0.05)
    assert given[:2] == [0, 1] and len(given) < 20


def test_a_case_file_reads_as_read_batches_does(tmp_path: Path) -> None:
    """One ``CaseFile`` serves every task of a worker: the same batches as opening the file each time."""
    table = case_table(RS, 2500, seed=22)
    source = tmp_path / "cases.parquet"
    pq.write_table(table, source, row_group_size=500)
    cases = CaseFile(source)
    for groups in ([0], [1, 2], [4], [3, 4]):
        assert [b.to_pylist() for b in cases.batches(700, groups)] == [b.to_pylist() for b in read_batches(source, 700, groups)]
    assert pa.concat_tables(cases.batches(2500)).to_pylist() == table.to_pylist()


def test_frozen_gives_the_objects_back_unless_the_process_had_frozen_some() -> None:
    was = gc.get_freeze_count()
    try:
        gc.unfreeze()
        with frozen():
            assert gc.get_freeze_count() > 0
        assert gc.get_freeze_count() == 0
        gc.freeze()  # the process's own choice stands
        with frozen():
            pass
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        if was:
            gc.freeze()


def test_the_cli_allocates_arrow_memory_with_glibc_unless_told_otherwise(tmp_path: Path) -> None:
    """``fireenforce decide cases.parquet`` routes Arrow's allocations to glibc's malloc (which the
    batch path tunes to keep freed memory); a pool the user names in ARROW_DEFAULT_MEMORY_POOL stands."""
    source = tmp_path / "cases.parquet"
    pq.write_table(case_table(RS, 50, seed=23), source)
    code = ("import sys; from fireenforce.cli import main; code = main(sys.argv[1:]); import pyarrow as pa; "
            "print(pa.default_memory_pool().backend_name); sys.exit(0 if code in (0, 2) else code)")
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    for given, used in ((None, "system"), ("jemalloc", "jemalloc"), ("mimalloc", "mimalloc")):
        if given and given not in pa.supported_memory_backends():
            continue
        done = subprocess.run([sys.executable, "-c", code, "decide", str(source), "--out", str(tmp_path / "out.parquet")],
                              capture_output=True, text=True, check=True,
                              env=env if given is None else {**env, "ARROW_DEFAULT_MEMORY_POOL": given})
        assert done.stdout.split() == [used]
        assert pq.read_table(tmp_path / "out.parquet").num_rows == 50
        (tmp_path / "out.parquet").unlink()


def test_the_cli_ends_without_collecting_what_it_leaves_alive(tmp_path: Path) -> None:
    """After ``fireenforce decide cases.parquet`` the process's objects are frozen at exit (the
    interpreter's last collections would only visit the rulesets and kernels again); the output
    is written whole before."""
    source = tmp_path / "cases.parquet"
    table = case_table(RS, 300, seed=25)
    pq.write_table(table, source)
    code = ("import atexit, gc, sys; atexit.register(lambda: print(gc.get_freeze_count() > 0)); "
            "from fireenforce.cli import main; print(main(['decide', sys.argv[1], '--out', sys.argv[2]]) in (0, 2))")
    done = subprocess.run([sys.executable, "-c", code, str(source), str(tmp_path / "out")], capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == ["True", "True"]
    assert pq.read_table(tmp_path / "out").equals(decide_table(table))


def test_where_processes_cannot_fork_the_workers_load_the_rulesets_themselves(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Spawned workers (no warm fork): each loads the bundled family, or the directory given, and
    the output is the parent's own."""
    monkeypatch.setattr(stream, "forks", lambda: False)
    source = tmp_path / "cases.parquet"
    table = case_table(RS, 3000, seed=26)
    pq.write_table(table, source, row_group_size=500)
    for ruleset in (None, str(Path(RS.path).parent)):
        target = tmp_path / "out.parquet"
        decide_parquet(source, target, ruleset=ruleset, workers=2, batch_rows=500)
        assert pq.read_table(target).equals(decide_table(table))
        target.unlink()

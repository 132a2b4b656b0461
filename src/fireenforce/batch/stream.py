"""Parquet in, Parquet out: ``decide_table`` over a file in bounded memory, on several cores.

The cases are read in batches of at most ``batch_rows`` rows, decided, and written as they come,
so memory holds a few batches however long the file. With ``workers`` > 1 the file's row groups
are shared out to that many processes, this one and ``workers`` - 1 others (``shared``): each of
the others opens the file itself (once), reads its row groups batch by batch, decides them with
its own kernel and writes the decisions to an Arrow IPC part file, which this process copies, in
order, into the output; this process writes the output and, whenever the next part is not ready,
decides the next row groups nobody has taken (nothing per case crosses processes, and the cases are
never read twice). Where processes fork, the parent first decides a few rows so that the workers
inherit warm kernels, and keeps its objects out of the collector's reach while they run (see
``warm`` and ``frozen``). The output is the same whatever ``workers``.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import multiprocessing
import os
import tempfile
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Generator, Generic, Iterable, Iterator, Sequence, TypeVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from fireenforce.batch.table import decide_table, output_schema
from fireenforce.batch.wholefile import check_file
from fireenforce.errors import CaseError
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import load_directory

BATCH_ROWS = 131_072  # rows decided at a time: memory per process grows with it, never with the file
SMALL_GROUP = 16_384  # row groups smaller than this (and than the batch) are read together
WARM_ROWS = 4_096  # rows decided before forking workers, so that each inherits a warm kernel
AHEAD = 4  # tasks per worker given out and not yet written: part files on disk, not memory
# Columns of few distinct values (enumerations, codes, dates as text), read from Parquet as Arrow
# dictionaries: the kernel then reads each distinct value once. Paths as pyarrow writes them.
DICTIONARY_COLUMNS = ("item", "occurred_on", "ended_on", "observed_on", "decided_on", "subject.kind",
                      "subject.capacity", "office.level",
                      *(f"history.list.element.{name}" for name in ("date", "item", "step", "deadline", "issued_by",
                                                                    "reinspected_on")),
                      "facts.mitigating.list.element", "facts.aggravating.list.element")

Rulesets = Ruleset | Sequence[Ruleset] | None
T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Summary:
    """What a file run did: rows decided, rows with an error, and the first bad row's message."""

    rows: int
    errors: int
    first_error: str | None  # "row N: FIELD: message" (rows counted from 0)


def load_rulesets(path: str | Path | None) -> Ruleset | list[Ruleset] | None:
    """A ruleset directory as ``decide_table`` takes it: a version, a family's versions, or None (bundled)."""
    return None if path is None else load_directory(path)


def decide_parquet(source: str | Path, target: str | Path, *, ruleset: str | Path | None = None,
                   workers: int = 1, batch_rows: int = BATCH_ROWS) -> Summary:
    """Decide every case of the Parquet file ``source`` into the Parquet file ``target``, at most
    ``batch_rows`` rows at a time (each written as one or more row groups of the output)."""
    if batch_rows < 1:
        raise CaseError("batch_rows", f"{batch_rows} is not a positive number of rows")
    try:
        cases = CaseFile(source)
    except (OSError, pa.ArrowInvalid) as exc:
        raise CaseError("source", f"{source}: not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    check_file(cases.reader(), source)
    rulesets = load_rulesets(ruleset)
    counted = _Counted()
    try:
        opened = pq.ParquetWriter(target, output_schema(rulesets))
    except OSError as exc:
        raise CaseError("target", f"{target}: cannot write ({os.strerror(exc.errno) if exc.errno else exc})") from None
    with opened as writer:
        for out in _decided(cases, Path(target), rulesets, ruleset, workers, batch_rows):
            writer.write_table(out)
            counted.add(out)
    return Summary(counted.rows, counted.errors, counted.first)


class CaseFile:
    """A Parquet file of cases, opened once: its metadata, and its readers with the text columns of
    few values (``DICTIONARY_COLUMNS``) as dictionaries, every one or the top-level ones only. A
    worker reads many tasks of one file through one ``CaseFile`` (opening a file of 80 row groups
    and reading its footer costs about 10 ms)."""

    def __init__(self, source: str | Path) -> None:
        self.source = source
        opened = pq.ParquetFile(source)
        self.metadata = opened.metadata
        self._text = {opened.schema.column(i).path for i in range(len(opened.schema))
                      if opened.schema.column(i).physical_type == "BYTE_ARRAY"}
        self._readers: dict[bool, pq.ParquetFile] = {}

    def reader(self, nested: bool = True) -> pq.ParquetFile:
        """The file with its dictionary columns; with ``nested=False`` only the top-level ones."""
        found = self._readers.get(nested)
        if found is None:
            found = self._readers[nested] = pq.ParquetFile(self.source, read_dictionary=[
                path for path in DICTIONARY_COLUMNS if path in self._text and (nested or "." not in path)])
        return found

    def batches(self, batch_rows: int, groups: Sequence[int] | None = None) -> Iterator[pa.Table]:
        """The cases (of the row groups ``groups``, default all), at most ``batch_rows`` at a time.

        Arrow cannot give a dictionary column inside a struct or list in a batch that spans row
        groups (each has its own dictionary): row groups of at least ``SMALL_GROUP`` rows (or the
        batch) are read one by one with every dictionary column; smaller ones together, the
        top-level ones only (one small batch per row group would cost more than dictionaries save)."""
        meta = self.metadata
        chosen = list(range(meta.num_row_groups)) if groups is None else list(groups)
        last = meta.num_row_groups - 1  # the file's last row group may be small
        whole = all(meta.row_group(g).num_rows >= min(batch_rows, SMALL_GROUP) for g in chosen if g != last)
        reader = self.reader(nested=whole)
        for part in [[g] for g in chosen] if whole else [chosen]:
            for batch in reader.iter_batches(batch_size=batch_rows, row_groups=part, use_threads=False):
                yield pa.Table.from_batches([batch])


def read_batches(source: str | Path, batch_rows: int, groups: Sequence[int] | None = None) -> Iterator[pa.Table]:
    """The cases of ``source`` (of its row groups ``groups``, default all), at most ``batch_rows`` at
    a time, as ``fireenforce decide cases.parquet`` reads them (``CaseFile.batches``)."""
    return CaseFile(source).batches(batch_rows, groups)


class _Counted:
    """Rows written so far, rows with an error, and the first error with its row."""

    def __init__(self) -> None:
        self.rows = self.errors = 0
        self.first: str | None = None

    def add(self, out: pa.Table) -> None:
        error = out.column("error")
        if error.null_count < out.num_rows and self.first is None:
            at = pc.index(pc.is_valid(error), True).as_py()
            self.first = f"row {self.rows + at}: {error[at].as_py()}"
        self.errors += out.num_rows - error.null_count
        self.rows += out.num_rows


def _decided(cases: CaseFile, target: Path, rulesets: Rulesets, path: str | Path | None, workers: int,
             batch_rows: int) -> Iterator[pa.Table]:
    tasks = row_group_tasks(cases.metadata, batch_rows)
    if workers <= 1 or len(tasks) <= 1:
        for batch in cases.batches(batch_rows):
            yield decide_table(batch, ruleset=rulesets)
        return
    if forks():
        warm(cases, rulesets)
    with tempfile.TemporaryDirectory(prefix=".fireenforce-", dir=target.parent) as parts, frozen(), \
            worker_pool(workers - 1, _start, rulesets, path) as pool:
        def submit(n: int) -> Future[str]:
            return pool.submit(_work, str(cases.source), tasks[n][0], batch_rows, os.path.join(parts, f"{n}.arrow"))

        def here(n: int) -> list[pa.Table]:
            return [decide_table(batch, ruleset=rulesets) for batch in cases.batches(batch_rows, tasks[n][0])]

        results = shared(len(tasks), submit, here, workers - 1)
        with contextlib.closing(results):
            for done in results:
                yield from _part(done) if isinstance(done, str) else done


def warm(cases: CaseFile, rulesets: Rulesets) -> None:
    """Decide the file's first ``WARM_ROWS`` rows here, before the workers fork, and drop the
    result: every worker then inherits, copy-on-write, the kernels those rows need (built), the
    modules their first batch imports, and the answers they learnt, instead of building and learning
    them again (about 0.3-0.5 s of CPU per worker; the rows are decided again by their worker)."""
    for sample in cases.batches(WARM_ROWS, [0]):
        decide_table(sample, ruleset=rulesets)
        return


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """The objects this process holds (rulesets, kernels, modules) moved out of the collector's
    reach while workers fork and run: a worker's full collection would otherwise visit every object
    it inherited and so copy each page that holds one (copy-on-write): about 0.5 s of CPU over two
    workers on a million rows. The objects are given back to the collector afterwards, unless this process
    had frozen some itself before (then its choice stands)."""
    ours = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if ours:
            gc.unfreeze()


def forks() -> bool:
    """Whether worker processes are forked here (they inherit this process's memory), not spawned."""
    return "fork" in multiprocessing.get_all_start_methods()


def worker_pool(workers: int, start: Callable[[Any], None], inherited: Any, path: str | os.PathLike[str] | None
                ) -> ProcessPoolExecutor:
    """``workers`` processes, each set up once by ``start``: where processes fork, with ``inherited``
    (the rulesets already compiled here), else with ``path`` (each loads its rulesets once). The
    processes start at the first task submitted."""
    context = multiprocessing.get_context("fork" if forks() else "spawn")
    given = inherited if forks() else path
    return ProcessPoolExecutor(workers, mp_context=context, initializer=start, initargs=(given,))


def in_order(pool: ProcessPoolExecutor, calls: Iterable[tuple[Callable[..., T], tuple[Any, ...]]],
             workers: int) -> Iterator[T]:
    """The results of ``calls`` run on ``pool``, in the calls' order, with at most two calls per
    worker in flight (so memory does not grow with the number of calls)."""
    pending: collections.deque[Future[T]] = collections.deque()
    for fn, args in calls:
        pending.append(pool.submit(fn, *args))
        if len(pending) >= 2 * workers:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def shared(count: int, submit: Callable[[int], Future[T]], here: Callable[[int], U], workers: int,
           held: int = 2) -> Generator[T | U, None, None]:
    """The results of tasks ``0 .. count - 1`` in order, each run either by ``submit`` on a pool of
    ``workers`` processes or by ``here`` in this process. The pool gets the tasks in order, the
    next as soon as one ends (at most ``AHEAD`` per worker given out and not yet taken back); while
    the next result is not ready, this process runs the next task nobody has (keeping at most
    ``held`` of its results ahead of the order), so the work balances itself whatever each
    process's speed, and no process waits at the end for more than a task."""
    tasks = _Tasks(count, submit, 2 * workers, AHEAD * workers)
    ours: dict[int, U] = {}
    try:
        tasks.feed(min(2 * workers, count - 1))  # the first feed leaves a task for this process
        for n in range(count):
            while n not in ours and not tasks.ready(n) and len(ours) < held:
                mine = tasks.take()
                if mine is None:
                    break
                ours[mine] = here(mine)
            yield ours.pop(n) if n in ours else tasks.result(n)
    finally:
        tasks.close()


class _Tasks(Generic[T]):
    """Tasks ``0 .. count - 1`` given out in order: to a pool (``submit``; another each time one
    ends or its result is taken, while fewer than ``limit`` are out), or to whoever calls ``take``."""

    def __init__(self, count: int, submit: Callable[[int], Future[T]], running: int, limit: int) -> None:
        self._count, self._submit, self._running, self._limit = count, submit, running, limit
        self._next = 0
        self._lock = threading.Lock()
        self._out: dict[int, Future[T]] = {}  # given to the pool, result not yet taken

    def take(self) -> int | None:
        """The next task not given out, now the caller's; None when none is left."""
        with self._lock:
            if self._next >= self._count:
                return None
            self._next += 1
            return self._next - 1

    def feed(self, tasks: int = 1) -> None:
        """Give the pool up to ``tasks`` more tasks, while fewer than ``running`` of its tasks
        have not ended and fewer than ``limit`` are out."""
        for _ in range(tasks):
            with self._lock:
                if self._next >= self._count or len(self._out) >= self._limit or \
                        sum(not f.done() for f in self._out.values()) >= self._running:
                    return
                n, self._next = self._next, self._next + 1
                future = self._out[n] = self._submit(n)
            future.add_done_callback(lambda _: self.feed())

    def ready(self, n: int) -> bool:
        """Whether task ``n`` was given to the pool and has ended (False for a task not given out)."""
        with self._lock:
            future = self._out.get(n)
            return future is not None and future.done()

    def result(self, n: int) -> T:
        """The result of task ``n`` (given to the pool), once it ends."""
        with self._lock:
            future = self._out.pop(n)
        self.feed()
        return future.result()

    def close(self) -> None:
        """Give out nothing more (the results are not wanted any longer)."""
        with self._lock:
            self._next = self._count


def row_group_tasks(meta: pq.FileMetaData, rows: int) -> list[tuple[tuple[int, ...], int]]:
    """A Parquet file's row groups in order, consecutive small ones together up to ``rows`` rows,
    each task with the number of its first row."""
    tasks: list[tuple[tuple[int, ...], int]] = []
    groups: list[int] = []
    size = first = 0
    for group in range(meta.num_row_groups):
        count = meta.row_group(group).num_rows
        if groups and size + count > rows:
            tasks.append((tuple(groups), first))
            groups, first, size = [], first + size, 0
        groups.append(group)
        size += count
    if groups:
        tasks.append((tuple(groups), first))
    return tasks


def _part(path: str) -> Iterator[pa.Table]:
    """A worker's decisions, batch by batch from the memory-mapped part file, which is then removed."""
    with pa.memory_map(path) as source:
        part = ipc.open_file(source)
        for n in range(part.num_record_batches):
            yield pa.Table.from_batches([part.get_batch(n)])
    os.unlink(path)


_RULESETS: list[Rulesets] = []
_FILES: dict[str, CaseFile] = {}  # in a worker: the file its tasks read, opened once for the pool's life


def _start(rulesets: Rulesets | str | Path) -> None:
    """A worker keeps the rulesets (inherited, or loaded once from their directory); its kernel
    stays warm across tasks."""
    _RULESETS.append(load_rulesets(rulesets) if isinstance(rulesets, (str, Path)) else rulesets)


def _work(source: str, groups: tuple[int, ...], batch_rows: int, part: str) -> str:
    """Decide row groups of ``source`` batch by batch into the Arrow IPC file ``part``."""
    writer: ipc.RecordBatchFileWriter | None = None
    cases = _FILES.get(source) or _FILES.setdefault(source, CaseFile(source))
    for batch in cases.batches(batch_rows, groups):
        out = decide_table(batch, ruleset=_RULESETS[0])
        if writer is None:
            writer = ipc.new_file(part, out.schema)
        writer.write_table(out)
    if writer is None:  # row groups without rows
        writer = ipc.new_file(part, output_schema(_RULESETS[0]))
    writer.close()
    return part

"""Parquet in, Parquet out: ``decide_table`` over a file in bounded memory, on several cores.

The cases are read in batches of ``batch_rows`` (whatever the file's row groups), decided, and
written as they come, so memory holds a few batches however long the file. With ``workers`` > 1
the batches go to that many processes, each with its own warm kernel; processes exchange Arrow
record batches and tables (never Python objects per case), and the output keeps the input order.
"""

from __future__ import annotations

import collections
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fireenforce.batch.table import decide_table, output_schema
from fireenforce.errors import CaseError
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import MANIFEST, load_family, load_version

BATCH_ROWS = 262_144  # rows per batch: big enough for the kernels, small enough to bound memory


@dataclass(frozen=True)
class Summary:
    """What a file run did: rows decided, rows with an error, and the first bad row's message."""

    rows: int
    errors: int
    first_error: str | None  # "row N: FIELD: message" (rows counted from 0)


def load_rulesets(path: str | Path | None) -> Ruleset | list[Ruleset] | None:
    """A ruleset directory as ``decide_table`` takes it: a version, a family's versions, or None (bundled)."""
    if path is None:
        return None
    root = Path(path)
    return load_version(root) if (root / MANIFEST).is_file() else load_family(root)


def decide_parquet(source: str | Path, target: str | Path, *, ruleset: str | Path | None = None,
                   workers: int = 1, batch_rows: int = BATCH_ROWS) -> Summary:
    """Decide every case of the Parquet file ``source`` into the Parquet file ``target``."""
    try:
        reader = pq.ParquetFile(source)
    except (OSError, pa.ArrowInvalid) as exc:
        raise CaseError("cases", f"{source}: not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    rulesets = load_rulesets(ruleset)
    batches = reader.iter_batches(batch_size=batch_rows)
    rows = errors = 0
    first: str | None = None
    with pq.ParquetWriter(target, output_schema(rulesets)) as writer:
        for out in _decided(batches, rulesets, ruleset, workers):
            writer.write_table(out)
            bad = out.column("error").null_count
            if bad < out.num_rows and first is None:
                at = pc.index(pc.is_valid(out.column("error")), True).as_py()
                first = f"row {rows + at}: {out.column('error')[at].as_py()}"
            errors += out.num_rows - bad
            rows += out.num_rows
    return Summary(rows, errors, first)


def _decided(batches: "collections.abc.Iterator[pa.RecordBatch]", rulesets: Ruleset | Sequence[Ruleset] | None,
             path: str | Path | None, workers: int) -> "collections.abc.Iterator[pa.Table]":
    if workers <= 1:
        for batch in batches:
            yield decide_table(pa.Table.from_batches([batch]), ruleset=rulesets)
        return
    with ProcessPoolExecutor(workers, initializer=_start, initargs=(None if path is None else str(path),)) as pool:
        pending: collections.deque[Future[pa.Table]] = collections.deque()
        for batch in batches:
            pending.append(pool.submit(_work, batch))
            if len(pending) >= 2 * workers:  # bounded: at most two batches per worker in flight
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_RULESETS: list[Ruleset | list[Ruleset] | None] = []


def _start(path: str | None) -> None:
    """A worker process loads the ruleset once; its kernel stays warm across batches."""
    _RULESETS.append(load_rulesets(path))


def _work(batch: pa.RecordBatch) -> pa.Table:
    return decide_table(pa.Table.from_batches([batch]), ruleset=_RULESETS[0])

"""``decide_table``: decide every row of an Arrow table of cases (see docs/contract.md, Batch)."""

from __future__ import annotations

import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

import numpy as np
import pyarrow as pa

from fireenforce.batch.columns import NO_DAY, Frame
from fireenforce.batch.kernel import Kernel, strip_nulls
from fireenforce.batch.memory import keep_freed_memory
from fireenforce.batch.output import OUTPUT_SCHEMA, decision_row, epoch_days, error_row, metadata
from fireenforce.engine import decide
from fireenforce.errors import FireEnforceError
from fireenforce.model.case import parse_case
from fireenforce.resources import bundled_family
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import Version, family_versions, in_force_on

_KERNELS: "weakref.WeakKeyDictionary[Ruleset, Kernel]" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def kernel_for(rs: Ruleset) -> Kernel:
    """The kernel of a ruleset version, built once (the keys it learns stay with it). The first
    kernel of a process also tunes the allocator to keep freed batch memory (``batch/memory.py``)."""
    found = _KERNELS.get(rs)
    if found is None:
        with _LOCK:
            found = _KERNELS.get(rs)
            if found is None:
                keep_freed_memory()
                found = _KERNELS[rs] = Kernel(rs, lambda case: decide(case, ruleset=rs))
    return found


def forget_kernel(rs: Ruleset) -> None:
    """Drop what the kernel of ``rs`` has learnt (the next batch starts cold)."""
    with _LOCK:
        _KERNELS.pop(rs, None)


def decide_table(table: pa.Table, ruleset: Ruleset | Sequence[Ruleset] | None = None, *,
                 workers: int = 1) -> pa.Table:
    """Decide every row of ``table`` (the Case JSON shape as Arrow: ``pa.Table.from_struct_array(pa.array(cases))``,
    or ``pa.Table.from_pylist(cases)`` where every case gives the same top-level fields).

    Returns one row per input row, in order, with the columns of ``OUTPUT_SCHEMA``; every row equals
    ``decide`` on the same case (a null field counts as absent), and a bad row carries its one-line
    error in ``error`` instead of stopping the batch. ``ruleset``: one version (every row must fall
    in its dates, as with ``decide``), a family's versions (each row gets the version in force on
    its decision date), or None for the bundled family. ``workers`` > 1 splits the table over
    that many threads. The ruleset id, version(s) and digest(s) are the table's metadata.
    """
    if not isinstance(table, pa.Table):
        raise TypeError(f"decide_table takes a pyarrow Table of cases (pa.Table.from_struct_array(pa.array(cases))), "
                        f"not {type(table).__name__}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers: {workers!r} is not a positive number of threads")
    versions = _versions(ruleset)
    if workers > 1 and table.num_rows > workers:
        step = -(-table.num_rows // workers)
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(lambda start: _decide(table.slice(start, step), versions, ruleset),
                                  range(0, table.num_rows, step)))
        out = pa.concat_tables(parts).combine_chunks()
    else:
        out = _decide(table, versions, ruleset)
    return out.replace_schema_metadata(metadata(versions))


def output_schema(ruleset: Ruleset | Sequence[Ruleset] | None = None) -> pa.Schema:
    """The output table's schema with the ruleset metadata (a Parquet writer's schema)."""
    return OUTPUT_SCHEMA.with_metadata(metadata(_versions(ruleset)))


def _versions(ruleset: Ruleset | Sequence[Ruleset] | None) -> list[Version]:
    if ruleset is None:
        return _bundled()
    if isinstance(ruleset, Ruleset):
        return [Version.of(ruleset)]
    versions = sorted((Version.of(r) for r in ruleset), key=lambda v: v.in_force.from_)
    if not versions:
        raise ValueError("decide_table needs a ruleset version or a non-empty family")
    return versions


_FAMILY: list[Version] = []


def _bundled() -> list[Version]:
    """The bundled family's versions, each compiled when a row first needs it."""
    with _LOCK:
        if not _FAMILY:
            _FAMILY.extend(family_versions(bundled_family()))
    return _FAMILY


def _decide(table: pa.Table, versions: list[Version], ruleset: Ruleset | Sequence[Ruleset] | None) -> pa.Table:
    if isinstance(ruleset, Ruleset):
        return kernel_for(ruleset).run(table)
    return _by_version(table, versions)


def _by_version(table: pa.Table, versions: list[Version]) -> pa.Table:
    """A family: each row goes to the version in force on its decision date; a row with no such
    date (or none in force) is decided alone, as ``decide`` would."""
    odd = np.zeros(table.num_rows, dtype=bool)
    frame = Frame(table, odd)
    observed = frame.day("observed_on")
    decided = frame.day("decided_on")
    day = np.where(decided == NO_DAY, observed, decided)
    starts = np.array([epoch_days(v.in_force.from_) for v in versions], dtype=np.int64)
    ends = np.array([epoch_days(v.in_force.to) if v.in_force.to else 2**40 for v in versions], dtype=np.int64)
    version = np.searchsorted(starts, day, side="right") - 1
    inside = (day != NO_DAY) & (version >= 0) & (day < ends[np.maximum(version, 0)])
    version = np.where(inside, version, -1)
    used = np.flatnonzero(np.bincount(version + 1, minlength=len(versions) + 1)[1:])
    if len(used) == 1:  # one version (as usual): no copy of the cases; the rows without one, alone
        out = kernel_for(versions[int(used[0])].ruleset()).run(table)
        lone = np.flatnonzero(version < 0)
        if not len(lone):
            return out
        positions = np.arange(table.num_rows)
        positions[lone] = table.num_rows + np.arange(len(lone))
        return pa.concat_tables([out, _alone(table.take(lone), versions)]).take(pa.array(positions))
    parts: list[pa.Table] = []
    order: list[np.ndarray] = []
    for v in np.unique(version).tolist():
        rows = np.flatnonzero(version == v)
        part = table.take(rows)
        parts.append(kernel_for(versions[v].ruleset()).run(part) if v >= 0 else _alone(part, versions))
        order.append(rows)
    if len(parts) == 1:
        return parts[0]
    positions = np.empty(table.num_rows, dtype=np.int64)
    positions[np.concatenate(order)] = np.arange(table.num_rows)
    return pa.concat_tables(parts).take(pa.array(positions))


def _alone(table: pa.Table, versions: list[Version]) -> pa.Table:
    """Rows decided one by one against a family: the case first, then the version of its date."""
    rows = []
    for value in table.to_pylist():
        try:
            case = parse_case(strip_nulls(value))
            rows.append(decision_row(decide(case, ruleset=in_force_on(versions, case.decision_date).ruleset())))
        except FireEnforceError as exc:
            rows.append(error_row(str(exc)))
    return pa.Table.from_pylist(rows, schema=OUTPUT_SCHEMA)



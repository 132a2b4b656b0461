"""The batch kernel on a Dask cluster (the ``dask`` extra): ``decide_table`` per partition.

    import dask.dataframe as dd
    from fireenforce.batch.cluster import write_decisions
    cases = dd.read_parquet("cases/*.parquet", dtype_backend="pyarrow")
    write_decisions(cases, "decisions/", ruleset="rulesets/xifeng")

Each partition travels as Arrow-backed pandas, is decided by the worker's own warm kernel (the
ruleset is loaded once per worker process from its directory, never pickled), and comes back in
the output schema, row for row; the result equals ``decide_table`` on the whole table. The
ruleset directory is loaded here first, so a wrong one is an error before any task is sent.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa

from fireenforce.batch.output import OUTPUT_SCHEMA
from fireenforce.batch.stream import load_rulesets
from fireenforce.batch.table import decide_table, output_schema
from fireenforce.ruleset.compiled import Ruleset


def decide_frame(cases: dd.DataFrame, ruleset: str | os.PathLike[str] | None = None) -> dd.DataFrame:
    """The decisions of a Dask DataFrame of cases (the Case JSON shape, Arrow-backed columns:
    ``dd.read_parquet(..., dtype_backend="pyarrow")``), partition by partition, each row keeping its
    case's index; ``ruleset``: a ruleset directory (a version or a family) that every worker can
    read, or None for the bundled family. The ruleset id, version and digest are
    ``ruleset_metadata(ruleset)``; ``write_decisions`` writes both."""
    path = _directory(ruleset)
    _rulesets(path)  # a wrong directory fails here, once, not in every worker
    meta = OUTPUT_SCHEMA.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
    return cases.map_partitions(decide_partition, path, meta=meta)


def ruleset_metadata(ruleset: str | os.PathLike[str] | None = None) -> dict[bytes, bytes]:
    """The metadata ``decide_table`` gives its output (``fireenforce.ruleset.id``, ``.version``,
    ``.digest``) for the decisions of ``decide_frame(cases, ruleset)``."""
    found = output_schema(_rulesets(_directory(ruleset))).metadata
    return dict(found) if found else {}


def write_decisions(cases: dd.DataFrame, path: str | os.PathLike[str], ruleset: str | os.PathLike[str] | None = None,
                    **options: Any) -> None:
    """Decide ``cases`` on the cluster into the Parquet dataset ``path`` (a directory, one file per
    partition): the columns of ``OUTPUT_SCHEMA`` only (no index column) and the ruleset metadata
    in every file, so ``pq.read_table(path)`` equals ``decide_table`` on the whole table.
    ``options`` go to ``dask.dataframe.DataFrame.to_parquet`` (e.g. ``overwrite=True``)."""
    decisions = decide_frame(cases, ruleset)
    decisions.to_parquet(path, write_index=False, custom_metadata=ruleset_metadata(ruleset), **options)


def decide_partition(part: pd.DataFrame, ruleset: str | None) -> pd.DataFrame:
    """One partition's decisions, keeping its index."""
    out = decide_table(pa.Table.from_pandas(part, preserve_index=False), ruleset=_rulesets(ruleset))
    frame = out.to_pandas(types_mapper=pd.ArrowDtype)
    frame.index = part.index
    return frame


def _directory(ruleset: str | os.PathLike[str] | None) -> str | None:
    """The directory as every worker gets it: absolute (a worker may run elsewhere than here)."""
    return None if ruleset is None else str(Path(ruleset).absolute())


@functools.lru_cache(maxsize=8)
def _rulesets(path: str | None) -> Ruleset | list[Ruleset] | None:
    return load_rulesets(path)

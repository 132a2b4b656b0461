"""The batch kernel on a Dask cluster (the ``dask`` extra): ``decide_table`` per partition.

    import dask.dataframe as dd
    from fireenforce.batch.cluster import decide_frame
    cases = dd.read_parquet("archive/*.parquet", dtype_backend="pyarrow")
    decide_frame(cases, ruleset="rulesets/xifeng").to_parquet("decisions/")

Each partition travels as Arrow-backed pandas, is decided by the worker's own warm kernel (the
ruleset is loaded once per worker process from its directory, never pickled), and comes back in
the output schema, row for row; the result equals ``decide_table`` on the whole table.
"""

from __future__ import annotations

import functools
from pathlib import Path

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa

from fireenforce.batch.output import OUTPUT_SCHEMA
from fireenforce.batch.stream import load_rulesets
from fireenforce.batch.table import decide_table
from fireenforce.ruleset.compiled import Ruleset


def decide_frame(cases: dd.DataFrame, ruleset: str | Path | None = None) -> dd.DataFrame:
    """The decisions of a Dask DataFrame of cases (the Case JSON shape, Arrow-backed columns),
    partition by partition; ``ruleset``: a ruleset directory (a version or a family) that every
    worker can read, or None for the bundled family."""
    meta = OUTPUT_SCHEMA.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
    return cases.map_partitions(decide_partition, None if ruleset is None else str(ruleset), meta=meta)


def decide_partition(part: pd.DataFrame, ruleset: str | None) -> pd.DataFrame:
    """One partition's decisions, keeping its index."""
    out = decide_table(pa.Table.from_pandas(part, preserve_index=False), ruleset=_rulesets(ruleset))
    frame = out.to_pandas(types_mapper=pd.ArrowDtype)
    frame.index = part.index
    return frame


@functools.lru_cache(maxsize=8)
def _rulesets(path: str | None) -> Ruleset | list[Ruleset] | None:
    return load_rulesets(path)

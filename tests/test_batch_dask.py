"""The Dask adapter: the batch kernel per partition on a LocalCluster of two worker processes
gives exactly the single-process table."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import dask.dataframe as dd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster

import fireenforce as fe
from fireenforce.batch import OUTPUT_SCHEMA, decide_table
from fireenforce.batch.cluster import decide_frame
from fireenforce.testing.tables import case_table

RS = fe.load_ruleset()


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as found:
        yield found


def test_partitions_on_two_workers_equal_the_single_process_run(client: Client, tmp_path: Path) -> None:
    table = case_table(RS, 6000, seed=21)
    source = tmp_path / "cases.parquet"
    pq.write_table(table, source, row_group_size=1000)
    cases = dd.read_parquet(source, dtype_backend="pyarrow", split_row_groups=True)
    assert cases.npartitions > 1
    result = decide_frame(cases, ruleset=RS.path).compute()
    got = pa.Table.from_pandas(result, preserve_index=False)
    want = decide_table(table, ruleset=RS)
    assert got.schema.remove_metadata().equals(OUTPUT_SCHEMA)
    assert got.equals(want.replace_schema_metadata(None))
    workers = client.run(lambda: 1)
    assert len(workers) == 2

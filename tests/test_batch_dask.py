"""The Dask adapter: the batch kernel per partition on a LocalCluster of two worker processes
gives exactly the single-process table, written with its ruleset metadata and no index column;
a wrong ruleset directory is one error before any task runs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster

import fireenforce as fe
from fireenforce.resources import bundled_family
from fireenforce.batch import OUTPUT_SCHEMA, decide_table
from fireenforce.batch.cluster import decide_frame, ruleset_metadata, write_decisions
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


def test_written_decisions_carry_the_ruleset_and_no_index(client: Client, tmp_path: Path) -> None:
    table = case_table(RS, 3000, seed=22)
    source = tmp_path / "cases.parquet"
    pq.write_table(table, source, row_group_size=1000)
    cases = dd.read_parquet(source, dtype_backend="pyarrow", split_row_groups=True)
    for n, (ruleset, want) in enumerate(((RS.path, decide_table(table, ruleset=RS)), (None, decide_table(table)),
                                         (bundled_family(), decide_table(table)))):
        target = tmp_path / f"decisions-{n}"
        write_decisions(cases, target, ruleset=ruleset, overwrite=True)
        got = pq.read_table(target)
        assert got.column_names == OUTPUT_SCHEMA.names  # no __null_dask_index__
        assert got.replace_schema_metadata(None).equals(want.replace_schema_metadata(None))
        fireenforce = {k: v for k, v in (got.schema.metadata or {}).items() if k.startswith(b"fireenforce.")}
        assert fireenforce == want.schema.metadata == ruleset_metadata(ruleset)
        for part in target.glob("*.parquet"):
            assert pq.read_schema(part).metadata[b"fireenforce.ruleset.digest"] == want.schema.metadata[
                b"fireenforce.ruleset.digest"]


def test_a_wrong_ruleset_directory_fails_before_any_task(client: Client, tmp_path: Path) -> None:
    cases = dd.from_pandas(case_table(RS, 10).to_pandas(types_mapper=pd.ArrowDtype), npartitions=2)
    with pytest.raises(fe.RulesetError, match="RS-NOT-FOUND"):
        decide_frame(cases, ruleset=tmp_path / "none")
    with pytest.raises(fe.RulesetError, match="RS-NOT-FOUND"):
        write_decisions(cases, tmp_path / "out", ruleset=tmp_path / "none")
    assert not (tmp_path / "out").exists()


def test_the_readme_examples_run(tmp_path: Path) -> None:
    """The README's batch examples, as a user would run them: the table, then the Dask script."""
    root = Path(__file__).resolve().parents[1]
    section = (root / "README.md").read_text(encoding="utf-8").split("### Many cases at once")[1].split("\n### ")[0]
    table, script = re.findall(r"```python\n(.*?)```", section, re.S)
    (tmp_path / "examples").mkdir()
    shutil.copy(root / "examples" / "batch.jsonl", tmp_path / "examples")
    for n, code in enumerate((table, script)):
        (tmp_path / f"step{n}.py").write_text(code, encoding="utf-8")
        subprocess.run([sys.executable, f"step{n}.py"], cwd=tmp_path, check=True, capture_output=True, timeout=300)
    cases = pq.read_table(tmp_path / "cases.parquet")
    got, want = pq.read_table(tmp_path / "decisions"), decide_table(cases)
    assert got.select(OUTPUT_SCHEMA.names).replace_schema_metadata(None).equals(want.replace_schema_metadata(None))
    assert got.num_rows == 3 and got.column_names == OUTPUT_SCHEMA.names

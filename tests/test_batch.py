"""The columnar batch path: ``decide_table`` rows equal ``decide``, bad rows carry its error, and
Parquet files stream through ``fireenforce decide cases.parquet`` in batches and processes."""

from __future__ import annotations

import copy
import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import fireenforce as fe
from fireenforce.batch import OUTPUT_SCHEMA, decide_table, decision_row
from fireenforce.batch.kernel import strip_nulls
from fireenforce.batch.output import error_row
from fireenforce.batch.stream import decide_parquet, read_batches
from fireenforce.batch.table import forget_kernel
from fireenforce.cli import main
from fireenforce.ruleset.load import load_family
from fireenforce.testing.strategies import cases as valid_cases
from fireenforce.testing.tables import case_table

RS = fe.load_ruleset()


def expected(case: dict[str, Any], ruleset: fe.Ruleset | None = RS) -> dict[str, Any]:
    """What ``decide`` says about one case, as a row of the output table."""
    try:
        return decision_row(fe.decide(case, ruleset=ruleset) if ruleset else fe.decide(case))
    except fe.FireEnforceError as exc:
        return error_row(str(exc))


def fresh_kernel(ruleset: fe.Ruleset = RS) -> None:
    forget_kernel(ruleset)


def table_of(cases: list[dict[str, Any]]) -> pa.Table:
    """The cases as a table with every key of every case (``from_pylist`` takes the first row's keys)."""
    return pa.Table.from_struct_array(pa.array(cases))


def _dump(case: fe.Case) -> dict[str, Any]:
    return case.model_dump(mode="json", exclude_unset=True)


BREAKERS = [  # each turns a valid case into one that decide refuses
    lambda c: c["subject"].update(kind="robot"),
    lambda c: c.update(observed_on="2026-02-30"),
    lambda c: c.update(decided_on="1999-01-01"),
    lambda c: c.update(colour="red"),
    lambda c: c.setdefault("facts", {}).update(mitigating=["no-such-fact"]),
    lambda c: c.setdefault("facts", {}).update(serious=True, minor=True),
    lambda c: c.setdefault("facts", {}).update(serious=True, slight=True),
    lambda c: c.update(history=[{"date": c["observed_on"], "item": "NO-SUCH-ITEM", "step": "reminder"}]),
    lambda c: c.update(item="NO-SUCH-ITEM"),
    lambda c: c["office"].update(level="province"),
    lambda c: c.update(occurred_on="2999-12-31"),
]


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    """A valid case of the bundled ruleset (with its history), or one broken in one place."""
    case = _dump(draw(valid_cases(RS)))
    if draw(st.integers(0, 4)) == 0:
        case = copy.deepcopy(case)
        draw(st.sampled_from(BREAKERS))(case)
    return case


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), min_size=1, max_size=12))
def test_rows_equal_decide(cases: list[dict[str, Any]]) -> None:
    fresh_kernel()  # each example cold, and a kernel that stood down stays with its example
    table = table_of(cases)
    out = decide_table(table, ruleset=RS)
    assert out.schema.equals(OUTPUT_SCHEMA)
    assert out.num_rows == len(cases)
    assert out.to_pylist() == [expected(c) for c in cases]


def test_hundred_thousand_varied_rows_equal_decide() -> None:
    table = case_table(RS, 100_000, seed=11)
    out = decide_table(table, ruleset=RS)
    got = out.to_pylist()
    cases = table.to_pylist()
    assert len(got) == len(cases)
    mismatches = [i for i, (case, row) in enumerate(zip(cases, got)) if row != expected(strip_nulls(case))]
    assert mismatches == []
    assert 0 < sum(r["error"] is not None for r in got) < 1000  # about one bad row in a thousand
    assert {r["step"] for r in got} >= {"reminder", "warning", "penalty", "referral"}


def test_metadata_names_the_ruleset() -> None:
    out = decide_table(case_table(RS, 50), ruleset=RS)
    meta = out.schema.metadata
    assert meta[b"fireenforce.ruleset.id"] == RS.id.encode()
    assert meta[b"fireenforce.ruleset.version"] == RS.version.encode()
    assert meta[b"fireenforce.ruleset.digest"] == RS.digest.encode()


def test_bundled_family_gives_each_row_the_version_of_its_date() -> None:
    family = load_family(Path(RS.path).parent)
    cases = []
    for version in family:
        cases.extend(_dump(c) for c in _sample(version, 8))
    cases.append({**cases[0], "decided_on": "1990-01-01", "observed_on": "1990-01-01", "occurred_on": "1990-01-01"})
    out = decide_table(table_of(cases))
    assert out.to_pylist() == [expected(c, None) for c in cases]
    assert out.schema.metadata[b"fireenforce.ruleset.version"] == ",".join(v.version for v in family).encode()


def test_the_bundled_family_compiles_only_the_versions_its_rows_need() -> None:
    """Rows of the newest version's dates compile that version only (in a fresh process); the
    metadata names every version and digest, as the family compiled whole gives them."""
    code = ("import fireenforce.batch.table as t, fireenforce as fe; from fireenforce.testing.tables import case_table; "
            "out = t.decide_table(case_table(fe.load_ruleset(), 200, seed=15)); "
            "print([v._compiled is not None for v in t._bundled()]); "
            "print(out.schema.metadata[b'fireenforce.ruleset.digest'].decode())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    family = load_family(Path(RS.path).parent)
    assert done.stdout.splitlines() == [str([v.version == RS.version for v in family]),
                                        ",".join(v.digest for v in family)]


def test_family_rows_of_one_version_with_rows_of_none() -> None:
    """The usual file: every row of the newest version but a few without a version (no or an old
    date), which ``decide`` answers against the family, in their places."""
    table = case_table(RS, 400, seed=14)
    cases = [strip_nulls(c) for c in table.to_pylist()]
    for at in (0, 57, 399):
        cases[at] = {**cases[at], "decided_on": "1990-01-01", "observed_on": "1990-01-01", "occurred_on": "1990-01-01"}
    cases[200].pop("observed_on")
    out = decide_table(table_of(cases))
    assert out.to_pylist() == [expected(c, None) for c in cases]
    assert [out.column("error")[at].as_py() is not None for at in (0, 57, 200, 399)] == [True] * 4


def _sample(ruleset: fe.Ruleset, n: int) -> list[fe.Case]:
    found: list[fe.Case] = []

    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(valid_cases(ruleset))
    def collect(case: fe.Case) -> None:
        found.append(case)

    collect()
    return found[:n]


def test_bad_rows_carry_decides_message_and_never_stop_the_batch() -> None:
    good = _dump(_sample(RS, 1)[0])
    bad = []
    for breaker in BREAKERS:
        case = copy.deepcopy(good)
        breaker(case)
        bad.append(case)
    cases = [good, *bad, good]
    out = decide_table(table_of(cases), ruleset=RS).to_pylist()
    assert out[0] == out[-1] == expected(good) and out[0]["error"] is None
    for case, row in zip(bad, out[1:-1]):
        message = expected(case)["error"]
        assert message and row == error_row(message)
        assert "\n" not in message


FAULTS = [  # what a row may get wrong, several at once: the first few are flaws whose errors the kernel keeps
    lambda c: c["subject"].update(kind="robot"),
    lambda c: c["office"].update(level="province"),
    lambda c: c.update(observed_on="2026-02-30"),
    lambda c: c.update(decided_on="2026-13-01"),
    lambda c: c.update(occurred_on="1899-12-31"),
    lambda c: c.update(ended_on="2026-W49-4"),  # an ISO week date: Python reads it, the kernel leaves it to decide
    lambda c: c["subject"].update(kind="individual", capacity="none"),
    lambda c: c["subject"].update(born_on="2026-02-30"),
    lambda c: c.update(colour="red"),
    lambda c: c["subject"].update(name="某" * 201),
    lambda c: c.setdefault("facts", {}).update(serious=True, minor=True),
    lambda c: c.setdefault("facts", {}).update(mitigating=["no-such-fact"]),
    lambda c: c.update(history=[{"date": c["observed_on"], "item": c.get("item", "X"), "step": "scolding"}]),
    lambda c: c.update(history=[{"date": "2026-02-30", "item": c.get("item", "X"), "step": "reminder"}]),
    lambda c: c.update(history=[{"date": "2000-01-01", "item": c.get("item", "X"), "step": "reminder", "by": "x"}]),
    lambda c: c.update(history=[{"date": "2999-01-01", "item": c.get("item", "X"), "step": "reminder"}]),
    lambda c: c.update(responsible_person={"name": ""}),
    lambda c: c.update(responsible_person={"name": "张三", "post": "经理"}),
    lambda c: c.update(occurred_on="2999-12-31"),
]


@settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(valid_cases(RS), st.lists(st.integers(0, len(FAULTS) - 1), max_size=3)),
                min_size=1, max_size=10))
def test_rows_with_several_faults_equal_decide(drawn: list[tuple[fe.Case, list[int]]]) -> None:
    """Each row's error is decide's whatever else is wrong with it: a flaw's error is kept only for
    rows that have nothing else wrong (the kernel lives across examples, so rows meet errors kept
    from rows of earlier examples)."""
    cases = []
    for case, faults in drawn:
        row = _dump(case)
        for fault in faults:
            FAULTS[fault](row)
        cases.append(row)
    rows = [expected(c) for c in cases]
    for _ in range(2):  # the second time, the errors kept from the first answer
        assert decide_table(table_of(cases), ruleset=RS).to_pylist() == rows


def test_a_flaws_error_is_decides_for_each_row() -> None:
    """Rows whose only fault is one invalid value share decide's error for it; a row with that
    value and another fault gets decide's own error (here the unknown field, reported first)."""
    good = _dump(_sample(RS, 1)[0])
    robot, other = copy.deepcopy(good), copy.deepcopy(good)
    robot["subject"]["kind"] = other["subject"]["kind"] = "robot"
    other["colour"] = "red"
    fresh_kernel()
    decide_table(table_of([robot]), ruleset=RS)  # a batch keeps the error of its flaw for the next ones
    cases = [robot, good, robot, other, robot]
    out = decide_table(table_of(cases), ruleset=RS).to_pylist()
    assert out == [expected(c) for c in cases]
    assert out[0]["error"] == out[2]["error"] != out[3]["error"]
    # an ISO week date: the model reads it (the kernel does not), so the row's error, if any, is the
    # timeline's, which depends on the other dates: it is not kept
    week = "2020-W01-1"  # 2019-12-30
    early = {**good, "ended_on": week, "occurred_on": good["observed_on"]}  # ends before it began
    fine = {**good, "ended_on": week, "occurred_on": "2019-01-01"}
    decide_table(table_of([early]), ruleset=RS)
    out = decide_table(table_of([fine, early]), ruleset=RS).to_pylist()
    assert out == [expected(c) for c in (fine, early)] and out[0]["error"] != out[1]["error"]


def test_a_responsible_person_is_left_to_decide() -> None:
    good = _dump(_sample(RS, 1)[0])
    cases = [{**good, "responsible_person": person} for person in ({"name": ""}, {"name": "张三", "post": "x"},
                                                                    {"name": "张三", "position": "法定代表人"})]
    out = decide_table(table_of(cases), ruleset=RS).to_pylist()
    assert out == [expected(c) for c in cases]
    assert out[0]["error"] and out[1]["error"]


def test_wrong_column_types_and_nulls_are_left_to_decide() -> None:
    good = _dump(_sample(RS, 1)[0])
    table = pa.Table.from_pylist([good, good, good])
    subject = table.column("subject").combine_chunks()
    operating = pa.array(["yes", None, "no"])
    fields = [subject.field(i) for i in range(subject.type.num_fields)]
    names = [f.name for f in subject.type]
    if "operating" in names:
        fields[names.index("operating")] = operating
    else:
        fields.append(operating)
        names.append("operating")
    table = table.set_column(table.schema.get_field_index("subject"), "subject",
                             pa.StructArray.from_arrays(fields, names=names))
    out = decide_table(table, ruleset=RS).to_pylist()
    assert out == [expected(strip_nulls(c)) for c in table.to_pylist()]
    assert out[0]["error"].startswith("subject.operating:") and out[1]["error"] is None


def test_empty_table() -> None:
    good = _dump(_sample(RS, 1)[0])
    out = decide_table(pa.Table.from_pylist([good]).slice(0, 0), ruleset=RS)
    assert out.num_rows == 0 and out.schema.equals(OUTPUT_SCHEMA)


def test_threads_give_the_same_table() -> None:
    table = case_table(RS, 5000, seed=3)
    assert decide_table(table, ruleset=RS, workers=2).equals(decide_table(table, ruleset=RS))


def test_chunks_give_the_same_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table longer than a chunk is decided chunk by chunk (here of 97 rows, so that chunks end
    inside histories' runs and bad rows fall in several): the same rows as in one piece, cold and warm."""
    from fireenforce.batch import kernel

    table = case_table(RS, 3000, seed=13)
    whole = decide_table(table, ruleset=RS)
    monkeypatch.setattr(kernel, "CHUNK_ROWS", 97)
    fresh_kernel()
    assert decide_table(table, ruleset=RS).equals(whole)
    assert decide_table(table.slice(5), ruleset=RS).equals(whole.slice(5))


def test_parquet_round_trip_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = case_table(RS, 3000, seed=5)
    source, target = tmp_path / "cases.parquet", tmp_path / "decisions.parquet"
    pq.write_table(table, source, row_group_size=700)
    ruleset = str(RS.path)
    code = main(["decide", str(source), "--out", str(target), "--ruleset", ruleset])
    err = capsys.readouterr().err
    out = pq.read_table(target)
    want = decide_table(table, ruleset=RS)
    assert out.equals(want) and out.schema.metadata == want.schema.metadata
    bad = [i for i, e in enumerate(out.column("error").to_pylist()) if e is not None]
    assert bad and code == 2  # case_table mixes bad rows in
    assert "3000 rows decided" in err and f", {len(bad)} with an error (each in its error column)\n" in err
    assert err.endswith(f" (the first of {len(bad)} rows with an error; rows count from 0)\n")
    assert f"fireenforce: error: row {bad[0]}: {out.column('error')[bad[0]].as_py()}" in err


def test_streaming_in_small_batches_and_processes(tmp_path: Path) -> None:
    table = case_table(RS, 4000, seed=9)
    source = tmp_path / "cases.parquet"
    pq.write_table(table, source, row_group_size=900)
    want = decide_table(table, ruleset=RS)
    for workers in (1, 2, 3):
        target = tmp_path / f"out{workers}.parquet"
        summary = decide_parquet(source, target, ruleset=RS.path, workers=workers, batch_rows=600)
        got = pq.read_table(target)
        assert got.equals(want) and got.schema.metadata == want.schema.metadata
        groups = pq.ParquetFile(target).metadata
        assert groups.num_row_groups >= 7 and all(groups.row_group(g).num_rows <= 600 for g in range(groups.num_row_groups))
        assert summary.rows == 4000
        assert summary.errors == want.column("error").length() - want.column("error").null_count
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # the workers' parts are gone


def test_a_file_of_many_row_groups_is_decided_batch_by_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory follows the batch, not the file: decide_table never sees more than batch_rows rows,
    the writer gets each batch as it is decided, and the result is decide_table on the whole."""
    table = case_table(RS, 3000, seed=11)
    source = tmp_path / "cases.parquet"
    pq.write_table(table, source, row_group_size=70)  # 43 row groups
    seen: list[int] = []
    encoded: list[bool] = []

    def counting(part: pa.Table, ruleset: object = None) -> pa.Table:
        seen.append(part.num_rows)
        encoded.append(pa.types.is_dictionary(part.schema.field("item").type))
        return decide_table(part, ruleset=ruleset)  # type: ignore[arg-type]

    written: list[int] = []
    write = pq.ParquetWriter.write_table
    monkeypatch.setattr("fireenforce.batch.stream.decide_table", counting)
    monkeypatch.setattr(pq.ParquetWriter, "write_table",
                        lambda self, out, *a, **k: (written.append(out.num_rows), write(self, out, *a, **k))[1])
    decide_parquet(source, tmp_path / "out.parquet", ruleset=RS.path, batch_rows=256)
    assert sum(seen) == 3000 and max(seen) <= 256 and len(seen) >= 12
    assert written == seen
    assert all(encoded)  # enumerations and dates arrive as dictionaries
    assert pq.read_table(tmp_path / "out.parquet").equals(decide_table(table, ruleset=RS))


def test_date32_columns_are_read_like_strings(tmp_path: Path) -> None:
    table = case_table(RS, 2000, seed=4)
    for name in ("occurred_on", "ended_on", "decided_on"):
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, table.column(name).cast(pa.date32()))
    out = decide_table(table, ruleset=RS)
    assert out.to_pylist() == [expected(strip_nulls(c)) for c in table.to_pylist()]
    early = table.slice(0, 3).set_column(  # a day before any a case may carry, a null, and a good one
        table.schema.get_field_index("occurred_on"), "occurred_on",
        pa.array([dt.date(1899, 12, 31), None, dt.date(2024, 1, 1)], type=pa.date32()))
    rows = decide_table(early, ruleset=RS).to_pylist()
    assert rows == [expected(strip_nulls(c)) for c in early.to_pylist()] and rows[0]["error"] is not None
    source = tmp_path / "cases.parquet"  # dates stored as dates, and no occurred_on column: read as they are
    pq.write_table(table.drop_columns(["occurred_on"]), source)
    decide_parquet(source, tmp_path / "out.parquet", ruleset=RS.path)
    assert pq.read_table(tmp_path / "out.parquet").equals(decide_table(table.drop_columns(["occurred_on"]), ruleset=RS))


def test_dictionary_encoded_columns_are_read_without_decoding(tmp_path: Path) -> None:
    """Enumerations and dates as Parquet dictionaries (several row groups, so several dictionaries),
    with nulls, an unknown kind and an impossible date among their values: the same rows as plain
    strings, and the kernel leaves no more rows to ``decide`` than for plain strings."""
    from fireenforce.batch.columns import CaseColumns

    table = case_table(RS, 3000, seed=12)
    kind = pc.struct_field(table.column("subject").combine_chunks(), [0])
    assert "robot" in kind.to_pylist() and "2026-02-30" in table.column("observed_on").to_pylist()
    source = tmp_path / "cases.parquet"
    pq.write_table(table, source, row_group_size=700)
    encoded = pa.concat_tables(read_batches(source, 700))  # as `fireenforce decide cases.parquet` reads it
    assert pa.types.is_dictionary(encoded.schema.field("subject").type.field("kind").type)
    assert pa.types.is_dictionary(encoded.schema.field("observed_on").type)
    assert encoded.column("item").num_chunks > 1
    vocabulary = pa.array(sorted(RS.items)), pa.array(list(RS.delegations.offices), type=pa.string())
    plain = CaseColumns(table, *vocabulary).odd
    assert np.array_equal(CaseColumns(encoded, *vocabulary).odd, plain) and plain.sum() < 100
    out = decide_table(encoded, ruleset=RS)
    assert out.equals(decide_table(table, ruleset=RS))
    sample = np.flatnonzero(plain).tolist() + list(range(0, 3000, 30))
    rows, cases = out.take(sample).to_pylist(), table.take(sample).to_pylist()
    assert rows == [expected(strip_nulls(c)) for c in cases]


@pytest.mark.parametrize("argv, message", [
    (["decide", "{cases}"], "--out: a .parquet file of cases needs --out FILE"),
    (["decide", "{missing}", "--out", "{out}"], "case: {missing}: no such file"),
    (["decide", "{text}", "--out", "{out}"], "case: {text}: not a readable Parquet file"),
    (["decide", "{cases}", "--out", "{out}", "--format", "json"], "--format: json is not available for a .parquet"),
    (["decide", "{cases}", "--out", "{missing}/o.parquet"], "--out: {missing}/o.parquet: cannot write (No such file"),
    (["decide", "{cases}", "--out", "{tmp}"], "--out: {tmp}: cannot write"),
    (["decide", "{cases}", "--out", "{out}", "--ruleset", "{missing}"], "{missing}: error RS-NOT-FOUND"),
    (["decide", "{cases}", "--out", "{out}", "--ruleset", "{missing}", "--workers", "2"], "RS-NOT-FOUND"),
    (["audit", "{cases}", "--ruleset", "{missing}"], "{missing}: error RS-NOT-FOUND"),
    (["audit", "{cases}", "--ruleset", "{missing}", "--workers", "2"], "RS-NOT-FOUND"),
])
def test_cli_refuses(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    cases = tmp_path / "cases.parquet"
    pq.write_table(case_table(RS, 10), cases)
    text = tmp_path / "text.parquet"
    text.write_text("not parquet")
    paths = {"cases": cases, "missing": tmp_path / "none.parquet", "out": tmp_path / "o.parquet", "text": text,
             "tmp": tmp_path}
    assert main([a.format(**paths) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fireenforce: error: ") and message.format(**paths) in err and err.count("\n") == 1
    assert not (tmp_path / "o.parquet").exists()


def test_the_output_never_overwrites_the_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--out naming the cases file (another spelling of its path, or a hard link to it) is refused
    before anything is written, with one or several processes; audit refuses the same."""
    cases = tmp_path / "cases.parquet"
    pq.write_table(case_table(RS, 300), cases, row_group_size=100)
    before = cases.read_bytes()
    (tmp_path / "link.parquet").hardlink_to(cases)
    other_spelling = tmp_path / "sub" / ".." / "cases.parquet"
    for out, workers in ((cases, "1"), (other_spelling, "2"), (tmp_path / "link.parquet", "2")):
        (tmp_path / "sub").mkdir(exist_ok=True)
        assert main(["decide", str(cases), "--out", str(out), "--workers", workers]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"fireenforce: error: --out: {out} is the input file")
        assert cases.read_bytes() == before
    assert main(["audit", str(cases), "--out", str(tmp_path / "link.parquet")]) == 2
    assert capsys.readouterr().err.startswith("fireenforce: error: --out: ") and cases.read_bytes() == before


GOOD = {"item": "EV-BLOCK", "subject": {"kind": "unit", "operating": True, "name": "某某超市"},
        "office": {"level": "street", "name": "北街街道消防安全办公室"}, "observed_on": "2026-05-03"}


@pytest.mark.parametrize("column, value, message", [
    ("foo", "bar", "foo: a column of {path}, null in no row, and not a field of a case; known fields: item,"),
    ("action", {"step": "penalty"}, "action: a column of {path}, null in no row, and not a field of a case (an archive"),
    ("__index_level_0__", 7, "__index_level_0__: a column of {path}, null in no row, and not a field of a case "
                             "(pandas' index"),
    ("observed_on", 20260503, "observed_on: a column of int64 in {path}, null in no row; it must hold YYYY-MM-DD text"),
    ("observed_on", dt.datetime(2026, 5, 3, 10), "observed_on: a column of timestamp[us] in {path}"),
    ("history", "warning 2026-04-01", "history: a column of string in {path}, null in no row; it must hold a list"),
    ("subject", "某某超市", "subject: a column of string in {path}, null in no row; it must hold a struct"),
])
def test_a_column_no_row_can_be_decided_with_is_one_error_up_front(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str, value: object, message: str) -> None:
    source, target = tmp_path / "cases.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.Table.from_pylist([{**GOOD, column: value}] * 3), source, row_group_size=2)
    assert main(["decide", str(source), "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.endswith("nothing was decided\n")
    assert err.startswith(f"fireenforce: error: {message.format(path=source)}")
    assert not target.exists()


def test_a_column_some_rows_leave_null_is_left_to_the_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, target = tmp_path / "cases.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.Table.from_pylist([{**GOOD, "foo": None}, {**GOOD, "foo": "bar"}, {**GOOD, "foo": None}]), source)
    assert main(["decide", str(source), "--out", str(target)]) == 2
    errors = pq.read_table(target).column("error").to_pylist()
    assert errors[0] is None and errors[2] is None and errors[1].startswith("foo: unknown field 'foo'")


@pytest.mark.parametrize("given", ["cases.csv", "cases.json", "."])
def test_an_input_that_is_not_parquet_is_named_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch, given: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path("cases.csv").write_text("item,observed_on\nEV-BLOCK,2026-05-03\n", encoding="utf-8")
    assert main(["decide", given, "--out", "o.parquet", "--workers", "2"]) == 2
    assert capsys.readouterr().err == (f"fireenforce: error: case: {given} is not a .parquet file: --out and --workers "
                                       "are only for a .parquet file of cases (a JSON case, list or JSON Lines is "
                                       "decided to stdout)\n")


def test_an_upper_case_suffix_is_a_parquet_file(tmp_path: Path) -> None:
    table = case_table(RS, 50)
    pq.write_table(table, tmp_path / "CASES.PARQUET")
    main(["decide", str(tmp_path / "CASES.PARQUET"), "--out", str(tmp_path / "o.parquet")])
    assert pq.read_table(tmp_path / "o.parquet").equals(decide_table(table))


def test_decide_table_names_a_bad_argument() -> None:
    table = case_table(RS, 5)
    for workers in (0, -1, True, 1.5):
        with pytest.raises(ValueError, match=r"^workers: .* is not a positive number of threads$"):
            decide_table(table, workers=workers)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="decide_table takes a pyarrow Table of cases .*, not list$"):
        decide_table(table.to_pylist())  # type: ignore[arg-type]


def test_import_fireenforce_does_not_import_pyarrow() -> None:
    code = "import sys, fireenforce; assert 'pyarrow' not in sys.modules and 'numpy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_generated_dates_cover_the_version() -> None:
    table = case_table(RS, 1000)
    days = table.column("decided_on").cast(pa.date32()).to_pylist()
    start, end = RS.answers_for
    assert min(days) >= start and max(days) < (end or dt.date.max)
    assert np.unique(np.array([d.toordinal() for d in days])).size > 100


def test_rc_notice_needs_the_agency_notice_in_batch_as_in_decide() -> None:
    """消防法 60(1)(7): without a notice of the fire-rescue agency an office refers (needs_notice); a
    running agency notice is re-inspected, an expired one unlocks the penalty: the kernel reads the
    history's issued_by as decide does."""
    def order(day: str, step: str = "warning", **more: object) -> dict[str, object]:
        return {"date": day, "item": "RC-NOTICE", "step": step, **more}
    histories = [[], [order("2025-01-01")], [order("2025-03-05", issued_by="fire_rescue")],
                 [order("2025-01-05", issued_by="fire_rescue")], [order("2025-01-05", "reminder")],
                 [order("2024-11-01", issued_by="fire_rescue", rectified=True), order("2025-01-10")]]
    cases = [{"item": "RC-NOTICE", "subject": {"kind": "unit"}, "office": {"level": level},
              "observed_on": "2025-03-10", "history": history}
             for level in ("street", "brigade") for history in histories]
    rows = fe.decide_table(pa.Table.from_pylist(cases)).to_pylist()
    assert [row["step"] for row in rows] == [fe.decide(case).step for case in cases]
    assert [row["step"] for row in rows[:6]] == ["referral", "referral", "warning", "penalty", "referral", "referral"]

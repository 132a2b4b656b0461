"""Problems of a whole Parquet file of cases, said once before any row is decided: a column that
is not a field of a case, or whose type the field never has, and that no row leaves null — so
every row would carry the same error. A column some rows leave null is left to the rows (a null
is an absent field): those rows may still be decided."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq

from fireenforce.errors import CaseError
from fireenforce.model.case import Case


def _text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t) or (
        pa.types.is_dictionary(t) and _text(t.value_type))


def _date(t: pa.DataType) -> bool:
    return _text(t) or pa.types.is_date(t)


def _list(t: pa.DataType) -> bool:
    return pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t)


# What each top-level field of a case may be stored as, and how the message names it.
TEXT, DATE, OBJECT, LIST = ((_text, "text"), (_date, "YYYY-MM-DD text or date32"),
                            (pa.types.is_struct, "a struct"), (_list, "a list of structs"))
KINDS: dict[str, tuple[Callable[[pa.DataType], bool], str]] = {
    "item": TEXT, "description": TEXT, "occurred_on": DATE, "ended_on": DATE, "observed_on": DATE,
    "decided_on": DATE, "subject": OBJECT, "place": OBJECT, "office": OBJECT, "facts": OBJECT,
    "responsible_person": OBJECT, "history": LIST,
}


def check_file(reader: pq.ParquetFile, source: str | Path) -> None:
    """CaseError naming the first column of ``reader`` that makes every row of the file bad."""
    for field in reader.schema_arrow:
        if pa.types.is_null(field.type) or not _never_null(reader.metadata, field.name):
            continue
        if field.name not in Case.model_fields:
            origin = " (pandas' index, written with the table: write it with preserve_index=False)" \
                if field.name.startswith("__index_level_") else \
                " (an archive of actions taken is read by fireenforce audit)" if field.name in ("action", "finding") \
                else ""
            raise CaseError(field.name, f"a column of {source}, null in no row, and not a field of a case{origin}; "
                                        f"known fields: {', '.join(Case.model_fields)}; nothing was decided")
        fits, wanted = KINDS.get(field.name, (lambda t: True, ""))
        if not fits(field.type):
            raise CaseError(field.name, f"a column of {field.type} in {source}, null in no row; it must hold "
                                        f"{wanted}; nothing was decided")


def _never_null(meta: pq.FileMetaData, name: str) -> bool:
    """Whether the Parquet statistics show no row with a null ``name`` (a nested column: some
    leaf of it null in no row group); False when a row group has no statistics."""
    leaves = [i for i in range(meta.num_columns)
              if meta.schema.column(i).path == name or meta.schema.column(i).path.startswith(name + ".")]
    return meta.num_rows > 0 and any(all(_nulls(meta, g, i) == 0 for g in range(meta.num_row_groups)) for i in leaves)


def _nulls(meta: pq.FileMetaData, group: int, column: int) -> int | None:
    stats = meta.row_group(group).column(column).statistics
    return stats.null_count if stats is not None and stats.has_null_count else None

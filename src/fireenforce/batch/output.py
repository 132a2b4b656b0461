"""The output table of the batch path: its schema, a Decision as a row, and the ruleset metadata."""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from fireenforce.model.decision import Decision
from fireenforce.ruleset.load import Version

OUTPUT_SCHEMA = pa.schema([
    ("step", pa.string()),
    ("procedure", pa.string()),
    ("hearing_right", pa.bool_()),
    ("referral_to", pa.string()),
    ("penalty_cite", pa.string()),
    ("fine_min", pa.int64()),
    ("fine_max", pa.int64()),
    ("suggested_min", pa.int64()),
    ("suggested_max", pa.int64()),
    ("deadline", pa.date32()),
    ("law_date", pa.date32()),
    ("barred", pa.bool_()),
    ("error", pa.string()),
])
COLUMNS = tuple(OUTPUT_SCHEMA.names)
CITE_SEPARATOR = ";"  # between penalty provisions when a branch cites more than one

Row = dict[str, Any]


def decision_row(decision: Decision) -> Row:
    """One output row: the columns of ``decision`` that the batch path returns."""
    penalty = decision.penalty
    fine = penalty.fine if penalty is not None else None
    cites = [basis.cite for basis in decision.legal_basis if basis.role == "penalty"]
    return {
        "step": decision.step, "procedure": decision.procedure, "hearing_right": decision.hearing_right,
        "referral_to": decision.referral_to, "penalty_cite": CITE_SEPARATOR.join(cites) or None,
        "fine_min": fine.min if fine else None, "fine_max": fine.max if fine else None,
        "suggested_min": fine.suggested.min if fine else None, "suggested_max": fine.suggested.max if fine else None,
        "deadline": decision.rectification.deadline, "law_date": decision.law_date,
        "barred": decision.limitation.barred, "error": None,
    }


def error_row(message: str) -> Row:
    """The row of a case that could not be decided: every column null but ``error``."""
    return {**dict.fromkeys(COLUMNS), "error": message}


def metadata(rulesets: Sequence[Version]) -> dict[bytes, bytes]:
    """The ruleset id, version and digest; a family lists its versions and digests in order, each
    row having been decided by the version in force on its decision date."""
    return {
        b"fireenforce.ruleset.id": rulesets[0].id.encode(),
        b"fireenforce.ruleset.version": ",".join(r.version for r in rulesets).encode(),
        b"fireenforce.ruleset.digest": ",".join(r.digest for r in rulesets).encode(),
    }


def column(values: npt.NDArray[Any], null: npt.NDArray[np.bool_], kind: pa.DataType) -> pa.Array:
    """An Arrow array of ``kind`` over ``values`` (of its width; booleans for a boolean type), null
    where ``null``: the bitmaps packed by numpy, the values' buffer shared."""
    nulls = int(np.count_nonzero(null))
    validity = pa.py_buffer(np.packbits(~null, bitorder="little")) if nulls else None
    data = np.packbits(values, bitorder="little") if pa.types.is_boolean(kind) else np.ascontiguousarray(values)
    return pa.Array.from_buffers(kind, len(values), [validity, pa.py_buffer(data)], null_count=nulls)


def epoch_days(day: dt.date) -> int:
    return (day - EPOCH).days


EPOCH = dt.date(1970, 1, 1)

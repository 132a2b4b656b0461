"""The columnar batch path: ``decide_table`` over an Arrow table of cases, and Parquet files.

Needs pyarrow and numpy (the ``batch`` extra); ``import fireenforce`` does not import it.
"""

from fireenforce.batch.output import OUTPUT_SCHEMA, decision_row
from fireenforce.batch.table import decide_table, output_schema

__all__ = ["OUTPUT_SCHEMA", "decide_table", "decision_row", "output_schema"]

"""Instructions per decision, counted by valgrind's callgrind around the measured loop only.

Wall and CPU time on a shared host move by ±40 % between runs; instruction counts do not, so a
change to the hot path is judged by them. Each measurement runs this script again under
``valgrind --tool=callgrind --instr-atstart=no``: the ruleset is loaded and the working set
prepared uninstrumented, then a small C library (built here with the system compiler from
``valgrind/callgrind.h``) switches instrumentation on around the loop.

Run: ``.venv/bin/python benchmarks/bench_instructions.py [N]`` (N cases per measurement,
default 1,000), or ``bench_instructions.py --batch [ROWS]`` for the batch path. Needs valgrind,
its headers and a C compiler (Debian/Ubuntu: ``valgrind``, ``gcc``). Measurements (instructions
per decision):

- ``warm``: ``decide_reference`` on cases it decided before (the date-independent part of each
  is remembered; the case's own dates, history and the Decision are worked out again);
- ``new-dict`` / ``new-case``: ``decide`` on cases it has never seen, as dicts and as ``Case``
  objects, whose date-independent parts are known (a mature service's usual new case);
- ``cold-dict`` / ``cold-case``: the same cases with their date-independent parts new as they
  come (after 3 N others: about half of them need a new part, the engine's ``_core``);
- ``recalled-dict`` / ``recalled-case``: ``decide`` on cases it decided before (the memo);
- with ``--batch``, ``batch-warm`` / ``batch-cold``: ``decide_table`` on ROWS varied rows
  (default 131,072; ``case_table``, seed 1), its kernel built and its answers learnt on the same
  rows before, or built and learnt in the count (a fresh kernel).
"""

from __future__ import annotations

import ctypes
import gc
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

TOGGLE = """#include <valgrind/callgrind.h>
void cg_start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void cg_stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
"""
MEASUREMENTS = ("warm", "new-dict", "new-case", "cold-dict", "cold-case", "recalled-dict", "recalled-case")
BATCH = ("batch-warm", "batch-cold")


def measure(kind: str, n: int, toggle: str) -> None:
    """Inside valgrind: prepare uninstrumented, then count the loop of ``kind``."""
    sys.path.insert(0, str(Path(__file__).parent))
    import fireenforce as fe
    from bench_decide import generate
    from fireenforce.engine.decide import decide_reference
    from fireenforce.model.case import Case

    cg = ctypes.CDLL(toggle)
    rs = fe.load_ruleset()
    gc.disable()  # the collector's share depends on the heap, not on the code measured
    if kind in BATCH:
        measure_batch(kind, n, rs, cg)
        return
    for case in generate(rs, 3 * n, 99):
        decide_reference(case, rs)
    cases = generate(rs, n, 300)
    if not kind.startswith("cold"):
        for case in cases:  # the date-independent parts known; decide's memo still without these cases
            decide_reference(Case.model_validate(case.model_dump()), rs)
    dicts = [c.model_dump(mode="json") for c in cases]
    fresh = [Case.model_validate(c.model_dump()) for c in cases]
    if kind == "warm":
        for case in fresh:
            decide_reference(case, rs)
        inputs, run = fresh, lambda x: decide_reference(x, rs)
    else:
        inputs = dicts if kind.endswith("dict") else fresh
        run = lambda x: fe.decide(x, rs)  # noqa: E731
        if kind.startswith("recalled"):
            for x in inputs:
                run(x)
    cg.cg_start()
    for x in inputs:
        run(x)
    cg.cg_stop()


def measure_batch(kind: str, n: int, rs: Any, cg: ctypes.CDLL) -> None:
    """Inside valgrind: ``decide_table`` on ``n`` varied rows, warm or cold."""
    import pyarrow as pa
    from fireenforce.batch import decide_table
    from fireenforce.testing.tables import case_table

    table = case_table(rs, n, seed=1)
    pa.scalar(1)  # imports pandas (the first `pa.scalar` does) outside the count
    if kind == "batch-warm":
        decide_table(table, ruleset=rs)
    cg.cg_start()
    decide_table(table, ruleset=rs)
    cg.cg_stop()


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--inside":
        measure(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return
    batch = sys.argv[1:2] == ["--batch"]
    args = sys.argv[2:] if batch else sys.argv[1:]
    n = int(args[0]) if args else (131_072 if batch else 1_000)
    kinds, unit = (BATCH, "row") if batch else (MEASUREMENTS, "decision")
    missing = [tool for tool in ("valgrind", "cc") if shutil.which(tool) is None]
    if missing or not Path("/usr/include/valgrind/callgrind.h").is_file():
        sys.exit(f"bench_instructions: needs valgrind, its headers and a C compiler ({', '.join(missing) or 'callgrind.h'} missing)")
    with tempfile.TemporaryDirectory() as tmp:
        source, toggle = Path(tmp) / "toggle.c", Path(tmp) / "toggle.so"
        source.write_text(TOGGLE)
        subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", str(toggle), str(source)], check=True)
        print(f"instructions per {unit} ({n:,} {unit}s each, callgrind):")
        for kind in kinds:
            done = subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
                                   sys.executable, __file__, "--inside", kind, str(n), str(toggle)],
                                  capture_output=True, text=True, check=True)
            found = re.search(r"Collected : (\d+)", done.stderr)
            assert found, done.stderr[-2000:]
            print(f"  {kind:14s} {int(found.group(1)) / n:>10,.0f}")


if __name__ == "__main__":
    main()

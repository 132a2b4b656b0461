"""Documents rendered per second, for each type and format, from real decisions.
PDF needs the extra fireenforce[pdf]; each measurement renders at least three documents.

Run: .venv/bin/python benchmarks/bench_render.py [seconds-per-measurement]
"""

from __future__ import annotations

import sys
import time
from typing import Any

import fireenforce as fe
from fireenforce.documents import render

UNIT = {"kind": "unit", "operating": True, "name": "某某超市", "address": "西峰区北大街1号"}
PERSON = {"kind": "individual", "name": "李四", "address": "西峰区某某小区5号楼"}
# (step already taken, subject, officer's choice) -> a decision whose documents are measured
SCENARIOS: list[tuple[str | None, dict[str, Any], dict[str, Any]]] = [
    (None, UNIT, {}), ("reminder", UNIT, {}), ("warning", UNIT, {"fine": 20000}),
    ("warning", PERSON, {"fine": 100}), ("penalty", UNIT, {}),
]


def main(seconds: float = 0.5) -> None:
    rs = fe.load_ruleset()
    jobs: dict[tuple[str, str], tuple[Any, ...]] = {}
    for before, subject, choice in SCENARIOS:
        case = fe.Case.model_validate({
            "item": "EV-BLOCK", "subject": subject, "office": {"level": "street", "name": "北街街道消防安全办公室"},
            "observed_on": "2026-05-03", "facts": {"narrative": "楼道堆放纸箱堵塞疏散通道"},
            "history": [{"date": "2026-03-10", "item": "EV-BLOCK", "step": before}] if before else [],
        })
        decision = fe.decide(case, ruleset=rs)
        for document in decision.documents:
            kw = choice if "penalty" in document else {}
            for fmt in ("html", "text", "docx", "pdf"):
                jobs.setdefault((document, fmt), (case, decision, document, kw, fmt))
    print(f"{'document':<26}{'format':<8}{'docs/s':>10}")
    for (document, fmt), (case, decision, _, kw, _) in sorted(jobs.items()):
        render(case, decision, document, format=fmt, ruleset=rs, serial=1, **kw)  # warm: imports, fonts, templates
        count, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds or count < 3:
            render(case, decision, document, format=fmt, ruleset=rs, serial=1, **kw)
            count += 1
        print(f"{document:<26}{fmt:<8}{count / elapsed:>10.1f}")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.5)

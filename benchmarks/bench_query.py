"""Speed of ``fireenforce.query``: index build time, then ms per query (mean and p99) over the
evaluation phrasings and every keystroke prefix of them, with the accuracy measured on the way.

Run: ``.venv/bin/python benchmarks/bench_query.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml

import fireenforce as fe
from fireenforce.query import VOCABULARY_FILE, load_vocabulary
from fireenforce.query.index import Index

EVAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "query_eval.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the texts (default 20)")
    args = parser.parse_args()
    ruleset = fe.load_ruleset()
    data = yaml.safe_load(EVAL.read_text(encoding="utf-8"))

    start = time.perf_counter()
    index = Index(ruleset.items.values(), load_vocabulary(ruleset.path / VOCABULARY_FILE))
    build_ms = (time.perf_counter() - start) * 1000
    print(f"index build: {build_ms:.1f} ms ({len(ruleset.items)} items, {len(index.idf)} tokens)")

    for label, cases in (("evaluation set", data["cases"]), ("held out", data["holdout"])):
        top1 = top3 = 0
        for case in cases:
            codes = [m.code for m in index.search(case["text"], 3)]
            top1 += bool(codes) and codes[0] in case["expect"]
            required = case.get("top3")
            top3 += all(c in codes for c in required) if required else any(c in codes for c in case["expect"])
        print(f"{label}: top-1 {top1 / len(cases):.1%}, top-3 {top3 / len(cases):.1%} ({len(cases)} phrasings)")

    texts = [case["text"] for case in data["cases"] + data["holdout"]]
    for label, queries in (("whole phrasings", texts),
                           ("keystroke prefixes", [t[:i] for t in texts for i in range(1, len(t) + 1)])):
        timings = []
        for _ in range(args.repeat):
            for text in queries:
                start = time.perf_counter()
                index.search(text, 5)
                timings.append((time.perf_counter() - start) * 1000)
        p99 = statistics.quantiles(timings, n=100)[98]
        print(f"{label}: mean {statistics.fmean(timings):.3f} ms, p99 {p99:.3f} ms per query ({len(timings)} queries)")


if __name__ == "__main__":
    main()

"""Decisions per second for ``decide`` and ``decide_many`` on one core, and ruleset load time.

Generates 100,000 varied cases (every item, subject, place, office level, dates across the
coverage, histories of 0-4 entries) with a fixed seed, then times the engine on them.
Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_decide.py [N]``.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

import fireenforce as fe
from fireenforce.model import Case
from fireenforce.ruleset.load import compile_version

STEPS = ("reminder", "warning", "penalty", "referral")
LEVELS = ("street", "town", "township", "brigade")


def generate(rs: fe.Ruleset, n: int, seed: int = 7) -> list[Case]:
    rng = random.Random(seed)
    codes = sorted(rs.items)
    start = max(rs.in_force.from_, rs.coverage.from_)
    span = (dt.date(2026, 11, 29) - start).days
    cases = []
    for _ in range(n):
        item = rs.items[rng.choice(codes)]
        decided = start + dt.timedelta(days=rng.randrange(span))
        observed = decided - dt.timedelta(days=rng.choice((0, 0, 1, 3)))
        occurred = observed - dt.timedelta(days=rng.randrange(0, 900))
        ended = None if rng.random() < 0.6 else occurred + dt.timedelta(days=rng.randrange(0, (observed - occurred).days + 1))
        if item.completed:
            ended = occurred  # a completed act ends the day it is done
        history = tuple(
            {"date": decided - dt.timedelta(days=rng.randrange(1, 500)), "item": rng.choice((item.code, item.code, rng.choice(codes))),
             "step": rng.choice(STEPS), "rectified": rng.random() < 0.5}
            for _ in range(rng.randrange(0, 5))
        )
        serious = rng.random() < 0.1
        cases.append(Case.model_validate({
            "item": item.code,
            "subject": {"kind": rng.choice(item.subjects), "operating": item.operating_only or rng.random() < 0.5,
                        "name": "某某"},
            "place": {"high_rise": item.high_rise_only or rng.random() < 0.3, "crowded": rng.random() < 0.3},
            "office": {"level": rng.choice(LEVELS)},
            "occurred_on": occurred, "ended_on": ended, "observed_on": observed, "decided_on": decided,
            "facts": {"serious": serious, "minor": not serious and rng.random() < 0.1, "harm": rng.random() < 0.05,
                      "refused": rng.random() < 0.2, "rectified_on_spot": rng.random() < 0.2,
                      "mitigating": ["eliminated-harm"] if rng.random() < 0.1 else [],
                      "aggravating": ["persisting"] if rng.random() < 0.1 else []},
            "history": history,
        }))
    return cases


def best_of(runs: int, fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    path = Path(fe.load_ruleset().path)
    cold = best_of(5, lambda: compile_version(path))
    print(f"ruleset load (cold compile of {path.name}, best of 5): {cold * 1000:.1f} ms")
    rs = fe.load_ruleset()
    t0 = time.perf_counter()
    cases = generate(rs, n)
    print(f"generated {n:,} cases in {time.perf_counter() - t0:.1f} s")
    # The cases and the ruleset are long-lived: keep the cyclic GC from re-scanning them on every
    # collection (what a service does after start-up), so the figures measure the engine.
    fe.freeze_collector()
    decide = fe.decide
    kept = []  # results stay alive, as a caller's would
    per_call = best_of(3, lambda: kept.append([decide(c, rs) for c in cases]))
    print(f"decide:      {n / per_call:>10,.0f} decisions/s ({per_call / n * 1e6:.2f} µs each; "
          f"best of 3 passes, its memo keeping at most {rs.decisions.limit:,} decisions)")
    batch = best_of(3, lambda: kept.append(fe.decide_many(cases, rs)))
    print(f"decide_many: {n / batch:>10,.0f} decisions/s ({batch / n * 1e6:.2f} µs each)")
    dicts = [c.model_dump(mode="json") for c in cases[:20_000]]
    from_json = best_of(3, lambda: kept.append([decide(d, rs) for d in dicts]))
    print(f"decide(dict): {len(dicts) / from_json:>9,.0f} decisions/s (20,000 cases, best of 3 passes)")
    working = cases[:3_000]
    known = [c.model_dump(mode="json") for c in working]
    for label, batch_of in (("Case", working), ("dict", known)):
        took = best_of(5, lambda: kept.append([decide(c, rs) for c in batch_of]))
        print(f"decide({label}), 3,000 cases decided before (recalled): {len(batch_of) / took:>9,.0f} decisions/s "
              f"({took / len(batch_of) * 1e6:.2f} µs each)")
    kept.clear()


if __name__ == "__main__":
    main()

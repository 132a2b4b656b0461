"""Varied case tables for the batch path's tests and benchmark, built column by column (a million
rows in seconds; needs the ``batch`` extra).

Every catalogue item, subject kind, place, office level and standard fact, dates across the
version's dates, histories of 0-4 entries (same item or others, with and without deadlines), and
one bad row in a thousand (an unknown subject kind or an impossible date).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import fireenforce as fe

LEVELS = np.array(["street", "town", "township", "brigade"])
STEPS = np.array(["reminder", "warning", "penalty", "referral"])


def case_table(rs: fe.Ruleset, n: int, seed: int = 7) -> pa.Table:
    rng = np.random.default_rng(seed)
    codes = sorted(rs.items)
    items = [rs.items[c] for c in codes]
    pick = rng.integers(0, len(codes), n)
    code = np.array(codes)[pick]
    subjects = np.array([[i.subjects[0], i.subjects[-1]] for i in items])
    kind = subjects[pick, rng.integers(0, 2, n)]
    operating_only = np.array([i.operating_only for i in items])[pick]
    high_rise_only = np.array([i.high_rise_only for i in items])[pick]
    completed = np.array([i.completed for i in items])[pick]
    start, end = rs.answers_for
    last = end or dt.date(2026, 11, 29)
    decided = np.datetime64(start) + rng.integers(0, (last - start).days, n).astype("timedelta64[D]")
    observed = decided - rng.choice([0, 0, 1, 3], n).astype("timedelta64[D]")
    occurred = observed - rng.integers(0, 900, n).astype("timedelta64[D]")
    span = (observed - occurred).astype(np.int64)
    ended = occurred + (rng.random(n) * (span + 1)).astype(np.int64).astype("timedelta64[D]")
    ended = np.where(completed, occurred, ended)
    ended_null = (rng.random(n) < 0.6) & ~completed | (completed & (rng.random(n) < 0.5))
    serious = rng.random(n) < 0.1
    harm = rng.random(n) < 0.05

    def flags(p: float) -> np.ndarray:
        return rng.random(n) < p

    facts = {
        "serious": serious, "minor": ~serious & flags(0.1), "harm": harm, "refused": flags(0.2),
        "rectified_on_spot": flags(0.2), "hinders_evacuation": flags(0.2), "corrected_in_time": flags(0.05),
        "slight_harm": harm & flags(0.3), "no_fault": flags(0.01), "crime_suspected": flags(0.01),
        "sealing_needed": flags(0.01),
    }
    mitigating, aggravating = _codes(flags(0.1), "eliminated-harm"), _codes(flags(0.1), "persisting")
    bad = flags(0.001)
    kind = np.where(bad & flags(0.5), "robot", kind)
    observed_text = pc.if_else(pa.array(bad & ~(kind == "robot")), "2026-02-30", _iso(observed))
    counts = rng.integers(0, 5, n)
    total = int(counts.sum())
    owner = np.repeat(np.arange(n), counts)
    same = rng.random(total) < 0.6
    entry_item = np.where(same, code[owner], np.array(codes)[rng.integers(0, len(codes), total)])
    entry_date = decided[owner] - rng.integers(1, 500, total).astype("timedelta64[D]")
    with_deadline = rng.random(total) < 0.2
    deadline = entry_date + rng.integers(1, 60, total).astype("timedelta64[D]")
    entries = pa.StructArray.from_arrays([_one(a) for a in (
        _iso(entry_date), pa.array(entry_item), pa.array(STEPS[rng.integers(0, 4, total)]),
         pa.array(rng.random(total) < 0.5), pc.if_else(pa.array(with_deadline), _iso(deadline), None),
         pa.array(np.where(rng.random(total) < 0.2, "fire_rescue", "office")))],
        names=["date", "item", "step", "rectified", "deadline", "issued_by"])
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    history = pa.ListArray.from_arrays(pa.array(offsets), entries)
    subject = pa.StructArray.from_arrays(
        [pa.array(kind), pa.array(operating_only | flags(0.5)), pa.array(np.full(n, "某某"))],
        names=["kind", "operating", "name"])
    place = pa.StructArray.from_arrays([pa.array(high_rise_only | flags(0.3)), pa.array(flags(0.3))],
                                       names=["high_rise", "crowded"])
    office = pa.StructArray.from_arrays([pa.array(LEVELS[rng.integers(0, 4, n)])], names=["level"])
    facts["slight"] = ~serious & flags(0.05)  # drawn last: the streams of the draws above stay as they were
    fact_array = pa.StructArray.from_arrays([pa.array(v) for v in facts.values()] + [mitigating, aggravating],
                                            names=[*facts, "mitigating", "aggravating"])
    return pa.table({
        "item": pa.array(code), "subject": subject, "place": place, "office": office,
        "occurred_on": _iso(occurred), "ended_on": pc.if_else(pa.array(ended_null), None, _iso(ended)),
        "observed_on": observed_text, "decided_on": _iso(decided),
        "facts": fact_array, "history": history,
    })


def _codes(given: np.ndarray, code: str) -> pa.ListArray:
    """A list column holding ``[code]`` where ``given``, else ``[]``."""
    offsets = np.concatenate([[0], np.cumsum(given)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(np.full(int(given.sum()), code)))


def _iso(days: np.ndarray) -> pa.Array:
    """datetime64[D] values as ``YYYY-MM-DD`` strings."""
    return pa.array(days.astype("datetime64[D]")).cast(pa.string())


def _one(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array

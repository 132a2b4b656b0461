"""The batch kernel for one ruleset version: a key per row from its discrete inputs, one outcome per key.

A row's key holds everything a decision's batch columns depend on: the item, subject, place,
office and facts as given, the stretch of constant law and policy each of the case's dates falls
in (bounded by every date the ruleset names), how those dates compare, whether the penalty is
time-barred, and what the history means for the item (the ladder's prior step, a still-running
order, the precondition elements). Rows with one key share one decision but for their own dates:
the outcome says how the deadline and the law's date follow from them. Each key is decided once
by ``decide`` on one of its rows, and remembered; a key whose row fails (or whose outcome the
formulas would not reproduce) leaves its rows to ``decide`` one by one.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator, NamedTuple

import numpy as np
import pyarrow as pa
from pydantic import BaseModel

from fireenforce.batch.columns import NO_DAY, CaseColumns, Ints, encode
from fireenforce.batch.output import EPOCH, OUTPUT_SCHEMA, Row, decision_row, epoch_days, error_row
from fireenforce.dates import add_years
from fireenforce.errors import FireEnforceError
from fireenforce.model.decision import Decision
from fireenforce.ruleset.compiled import Ruleset

STEPS = ("reminder", "warning", "penalty", "referral")  # the codes of columns.History.step
_TRUE_MAX = 2**62
_OUTCOMES_LIMIT = 1_000_000  # keys remembered per ruleset version (cleared when full)


class Outcome(NamedTuple):
    """What every row of one key gets: the rep's columns, and how its dates give deadline and law date."""

    row: Row  # the columns shared by the key's rows (deadline and law_date set per row)
    deadline: int  # 0 none, 1 the decision date plus ``delay``, 2 the running order's deadline
    delay: int
    law: int  # 0 the end of the conduct (the start for a completed act), 1 the decision date


LEAVE = Outcome(error_row("left to decide"), 0, 0, 0)  # the key's rows go to decide one by one


def strip_nulls(value: Any) -> Any:
    """A row of ``to_pylist`` as the case it stands for: a null field is an absent one."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def breakpoints(rs: Ruleset) -> list[int]:
    """Every date the ruleset names (its specs, its provisions' versions), as days: between two
    consecutive ones, nothing the engine reads by date changes."""
    found: set[dt.date] = set(rs.provisions.change_dates(list(rs.provisions.all_cites())))
    _dates_in(rs.manifest, found, set())
    _dates_in(rs.policy.spec, found, set())
    for item in rs.items.values():
        _dates_in(item.spec, found, set())
    return sorted(epoch_days(day) for day in found)


def _dates_in(value: Any, found: set[dt.date], seen: set[int]) -> None:
    if isinstance(value, dt.date):
        found.add(value)
    elif isinstance(value, BaseModel):
        if id(value) not in seen:
            seen.add(id(value))
            for name in type(value).model_fields:
                _dates_in(getattr(value, name), found, seen)
    elif isinstance(value, dict):
        for entry in value.values():
            _dates_in(entry, found, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for entry in value:
            _dates_in(entry, found, seen)


@dataclass
class Rows:
    """A batch's rows as the kernel sees them: the key components and per-row dates."""

    columns: CaseColumns
    components: list[Ints]
    ended: Ints  # the end of the conduct (the start for a completed act), NO_DAY while it continues
    running: Ints  # the running order's deadline, NO_DAY when none


class Kernel:
    """The batch path for one ruleset version; safe to share between threads."""

    def __init__(self, rs: Ruleset, decide: Callable[[dict[str, Any]], Decision]) -> None:
        self.rs = rs
        self.decide = decide
        codes = sorted(rs.items)
        self.item_index = {code: i for i, code in enumerate(codes)}
        items = [rs.items[c] for c in codes]
        self.completed = np.array([i.completed for i in items] + [False], dtype=bool)
        self.orders = np.array([i.orders for i in items] + [False], dtype=bool)
        self.rectification_days = np.array([i.rectification_days for i in items] + [0], dtype=np.int64)
        self.bounds = np.array(breakpoints(rs), dtype=np.int64)
        policy = rs.policy
        self.rank = np.array([policy.step_rank.get(s, -1) for s in STEPS], dtype=np.int64)
        self.written = np.array([s in policy.written_orders for s in STEPS], dtype=bool)
        self.escalating = np.array([s in policy.escalating for s in STEPS], dtype=bool)
        self.reinspect = np.array([s in policy.reinspect_steps for s in STEPS], dtype=bool)
        self.reminder_days = policy.spec.ladder.reminder_days
        self.outcomes: dict[tuple[Any, ...], Outcome] = {}
        self.lock = threading.Lock()
        self.misfits = 0  # keys whose decision the formulas did not reproduce (left to decide)

    def run(self, table: pa.Table) -> pa.Table:
        """The output table for ``table`` (rows in order); bad rows carry their error."""
        columns = CaseColumns(table)
        rows = self._rows(columns)
        kernel_rows = np.flatnonzero(~columns.odd)
        key = _dense([c[kernel_rows] for c in rows.components]) if len(kernel_rows) else np.zeros(0, np.int64)
        encoded = pa.array(key).dictionary_encode()
        inverse = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        reps = np.empty(len(encoded.dictionary), dtype=np.int64)
        reps[inverse] = kernel_rows
        outcomes = self._outcomes(table, rows, reps)
        which = np.full(columns.n, -1, dtype=np.int64)
        which[kernel_rows] = inverse
        left = [i for i, o in enumerate(outcomes) if o is LEAVE]
        if left:
            which[np.isin(which, left)] = -1
        return _assemble(outcomes, which, rows, columns, self._singles(table, np.flatnonzero(which < 0)))

    def _rows(self, columns: CaseColumns) -> Rows:
        item = columns.item_codes
        index = np.array([self.item_index.get(s, -1) for s in columns.item_strings] + [-1], dtype=np.int64)
        item = index[item]
        columns.odd |= item < 0
        item = np.where(item < 0, len(self.item_index), item)
        decided, start, observed, given_end = columns.decided, columns.start, columns.observed, columns.ended
        continuing = given_end == NO_DAY
        ended = np.where(continuing & self.completed[item], start, given_end)
        years, cutoff = self._by_day(decided, columns.harm)
        barred = self._barred(ended, observed, years)
        prior, running_rank, elements, running = self._history(columns, item, ended, cutoff)
        bounds = self.bounds
        components = [
            item, columns.kind, columns.operating, columns.high_rise, columns.crowded, columns.level,
            columns.facts, columns.mitigating[0], columns.aggravating[0],
            np.searchsorted(bounds, decided, side="right"), np.searchsorted(bounds, start, side="right"),
            np.where(continuing, 0, np.searchsorted(bounds, given_end, side="right") + 1),
            continuing | (given_end == start) << 1 | (given_end == decided) << 2 | (start == decided) << 3,
            barred, prior + 1, running_rank + 1, elements,
        ]
        return Rows(columns, [np.maximum(c.astype(np.int64), 0) for c in components], ended, running)

    def _by_day(self, decided: Ints, harm: Any) -> tuple[Ints, Ints]:
        """The limitation years (by harm) and the history's cutoff, per decision date."""
        days, inverse = np.unique(decided, return_inverse=True)
        base = np.zeros(len(days), np.int64)
        extended = np.zeros(len(days), np.int64)
        cutoff = np.full(len(days), NO_DAY, np.int64)
        on = self.rs.policy.on
        for i, d in enumerate(days.tolist()):
            if d == NO_DAY:
                continue
            today = on(EPOCH + dt.timedelta(days=d))
            cutoff[i] = epoch_days(today.cutoff)
            if today.limitation is not None:
                base[i], extended[i] = today.limitation.base_years, today.limitation.extended_years
        return np.where(harm, extended[inverse], base[inverse]), cutoff[inverse]

    @staticmethod
    def _barred(ended: Ints, observed: Ints, years: Ints) -> Ints:
        """Not discovered within the limitation period after the conduct ended (penalty-law art. 36)."""
        known = ended != NO_DAY
        pairs = np.where(known, ended * 64 + np.minimum(years, 63), -1)
        unique, inverse = np.unique(pairs, return_inverse=True)
        expiry = np.array([epoch_days(add_years(EPOCH + dt.timedelta(days=int(p) // 64), int(p) % 64))
                           if p >= 0 else 0 for p in unique.tolist()], dtype=np.int64)
        return (known & (observed > expiry[inverse])).astype(np.int64)

    def _history(self, columns: CaseColumns, item: Ints, ended: Ints, cutoff: Ints) -> tuple[Ints, Ints, Ints, Ints]:
        """The ladder's prior step, the running order (rank and deadline), the elements met: the
        engine's reading of the history, for every row at once."""
        n = columns.n
        none = np.full(n, -1, np.int64)
        history = columns.history
        if history is None:
            return none, none, np.zeros(n, np.int64), np.full(n, NO_DAY, np.int64)
        owner = history.owner
        index = np.array([self.item_index.get(s, -1) for s in history.item_strings] + [-1], dtype=np.int64)
        entry_item = index[history.item_codes]
        columns.odd[owner[entry_item < 0]] = True  # an unknown item: decide names it
        step = np.maximum(history.step, 0)
        row_item = item[owner]
        mine = entry_item == row_item
        orders = self.orders[row_item]
        days = np.where(step == 0, self.reminder_days, self.rectification_days[row_item])
        deadline = np.where(history.deadline != NO_DAY, history.deadline, history.date + days)
        today = columns.decided[owner]
        open_order = mine & orders & ~history.rectified
        served = open_order & self.written[step]
        overdue = served & (today > deadline)
        notice = overdue & (history.issued_by == 1)
        counts = mine & (history.date >= cutoff[owner]) & self.escalating[step]
        pending = orders & (ended[owner] == NO_DAY)
        runs = counts & pending & ~history.rectified & (today <= deadline) & self.reinspect[step]
        rank = self.rank[step]
        columns.odd[owner[mine & (rank < 0)]] = True
        prior, running_rank = none.copy(), none.copy()
        for r in range(int(rank.max()) + 1):
            prior[np.bincount(owner[counts & ~runs & (rank == r)], minlength=n) > 0] = r
            running_rank[np.bincount(owner[runs & (rank == r)], minlength=n) > 0] = r
        chosen = np.flatnonzero(runs & (rank == running_rank[owner]))
        first_rows, first = np.unique(owner[chosen], return_index=True)
        running = np.full(n, NO_DAY, np.int64)
        running[first_rows] = deadline[chosen[first]]
        any_ = lambda flags: np.bincount(owner[flags], minlength=n) > 0  # noqa: E731
        was_served, was_overdue = any_(served), any_(overdue)
        refusal = was_served & (was_overdue | columns.refused)
        elements = was_overdue.astype(np.int64) | refusal << 1 | any_(notice) << 2
        return prior, running_rank, elements, running

    def _outcomes(self, table: pa.Table, rows: Rows, reps: Ints) -> list[Outcome]:
        """The outcome of every key, from memory or by deciding its representative row."""
        comps = np.stack([c[reps] for c in rows.components], axis=1).tolist() if len(reps) else []
        mitigating, aggravating = rows.columns.mitigating[1], rows.columns.aggravating[1]
        keys = [(*c[:7], mitigating[c[7]], aggravating[c[8]], *c[9:]) for c in comps]
        found = self.outcomes
        outcomes = [found.get(k) for k in keys]
        missing = [i for i, o in enumerate(outcomes) if o is None]
        if missing:
            learnt = self._learn(table, rows, reps[missing])
            with self.lock:
                if len(found) + len(missing) > _OUTCOMES_LIMIT:
                    found.clear()
                for i, outcome in zip(missing, learnt):
                    found[keys[i]] = outcomes[i] = outcome
        return outcomes  # type: ignore[return-value]

    def _learn(self, table: pa.Table, rows: Rows, reps: Ints) -> Iterator[Outcome]:
        columns = rows.columns
        for rep, case in zip(reps.tolist(), table.take(reps).to_pylist()):
            try:
                decision = self.decide(strip_nulls(case))
            except FireEnforceError:
                yield LEAVE
                continue
            outcome = self._outcome(decision, int(columns.decided[rep]), int(rows.ended[rep]),
                                    int(rows.running[rep]), bool(rows.components[13][rep]))
            if outcome is LEAVE:
                self.misfits += 1
            yield outcome

    @staticmethod
    def _outcome(decision: Decision, decided: int, ended: int, running: int, barred: bool) -> Outcome:
        """How the rep's decision carries over to the other rows of its key; LEAVE if the formulas
        would not give the rep its own decision back."""
        row = decision_row(decision)
        law_day = epoch_days(decision.law_date)
        law = 0 if law_day == ended else 1 if law_day == decided else -1
        deadline = decision.rectification.deadline
        delay = 0
        if decision.reinspection is not None:
            mode = 2 if deadline is not None and epoch_days(deadline) == running else -1
        elif deadline is not None:
            mode, delay = 1, epoch_days(deadline) - decided
        else:
            mode = 0
        if law < 0 or mode < 0 or decision.limitation.barred != barred:
            return LEAVE
        return Outcome(row, mode, delay, law)

    def _singles(self, table: pa.Table, indices: Ints) -> list[Row]:
        """Rows left to ``decide`` one by one: their columns, or their one-line error."""
        out = []
        for case in table.take(indices).to_pylist() if len(indices) else []:
            try:
                out.append(decision_row(self.decide(strip_nulls(case))))
            except FireEnforceError as exc:
                out.append(error_row(str(exc)))
        return out


def _dense(components: list[Ints]) -> Ints:
    """One integer per row that differs exactly where some component differs."""
    key = np.zeros(len(components[0]), dtype=np.int64)
    size = 1
    for component in components:
        radix = int(component.max()) + 1 if len(component) else 1
        if size * radix >= _TRUE_MAX:
            key = encode(pa.array(key))[0]
            size = int(key.max()) + 1
        key = key * radix + component
        size *= radix
    return key


def _assemble(outcomes: list[Outcome], which: Ints, rows: Rows, columns: CaseColumns, singles: list[Row]) -> pa.Table:
    """The output columns: each row takes its key's outcome, or its own single decision."""
    single_rows = np.flatnonzero(which < 0)
    k = len(outcomes)
    which = which.copy()
    which[single_rows] = k + np.arange(len(single_rows))
    records = [o.row for o in outcomes] + singles
    mode = np.array([o.deadline for o in outcomes] + [3] * len(singles), dtype=np.int64)[which]
    delay = np.array([o.delay for o in outcomes] + [0] * len(singles), dtype=np.int64)[which]
    law = np.array([o.law for o in outcomes] + [3] * len(singles), dtype=np.int64)[which]
    fixed_deadline = np.array([0] * k + [_days(r["deadline"]) for r in singles], dtype=np.int64)[which]
    fixed_law = np.array([0] * k + [_days(r["law_date"]) for r in singles], dtype=np.int64)[which]
    decided = columns.decided
    deadline = np.select([mode == 1, mode == 2, mode == 3], [decided + delay, rows.running, fixed_deadline], NO_DAY)
    law_date = np.select([law == 0, law == 1, law == 3], [rows.ended, decided, fixed_law], NO_DAY)
    indices = pa.array(which)
    arrays = []
    for field in OUTPUT_SCHEMA:
        if field.name == "deadline":
            arrays.append(_date_array(deadline))
        elif field.name == "law_date":
            arrays.append(_date_array(law_date))
        else:
            arrays.append(pa.array([r[field.name] for r in records], type=field.type).take(indices))
    return pa.Table.from_arrays(arrays, schema=OUTPUT_SCHEMA)


def _days(day: dt.date | None) -> int:
    return NO_DAY if day is None else epoch_days(day)


def _date_array(days: Ints) -> pa.Array:
    return pa.array(days.astype(np.int32), type=pa.date32(), mask=days == NO_DAY)


"""The batch kernel for one ruleset version: the engine's steps over whole columns.

The steps with the largest inputs are compiled into numpy tables when the kernel is built, from
the engine's own functions: the law by date (each item's resolution for every stretch of
constant law and every combination of conditions, and lex mitior over each pair of them) and the
referrals (by referring facts and office level; by item, conditions and level). The other steps
(excuse, tier table, competence and summary scope, status, step table, penalty citation, fine,
procedure, where a referral goes) have small inputs: each runs once per distinct combination,
through the engine's functions, and is remembered (where every input has a fixed small range, as
the excuse's facts and the law's branch and citation do, in a numpy table over all their
combinations, read with one gather). Answers are spread over the rows with numpy.
Dates enter by the stretch of constant law and policy they fall in (bounded by every date the
ruleset names), by how they compare, and row by row where the answer is a date (deadlines,
limitation, the history's orders). What no step here covers (an error, a missing item, a
subject's age or capacity, a local fact, an odd value) is left to ``decide`` row by row. That the
rows equal ``decide`` is what the tests prove (a Hypothesis property and 100,000 varied rows).
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from typing import Any, Callable, Hashable, Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from pydantic import BaseModel

from fireenforce.batch.columns import KEY_SEPARATOR, NO_DAY, Bools, CaseColumns, Flaws, Ints, factorize
from fireenforce.batch.days import DayTable
from fireenforce.batch.output import EPOCH, OUTPUT_SCHEMA, Row, column, decision_row, epoch_days, error_row
from fireenforce.dates import add_years
from fireenforce.engine import entrusted, law, penalty as pen
from fireenforce.engine.steps import fact_referral, item_referral, penalty_status
from fireenforce.errors import CaseError, FireEnforceError
from fireenforce.model.case import Case, Facts, Office, Subject, case_from_json, parse_case
from fireenforce.model.decision import Decision
from fireenforce.model.fast import construct
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.items import Resolution

STEPS = ("reminder", "warning", "penalty", "referral")  # the codes of columns.History.step
LEVELS = ("street", "town", "township", "brigade")  # the codes of columns.CaseColumns.level
PROCEDURES = ("none", "summary", "general")
ELEMENTS = ("overdue", "refusal", "notice")  # bits of the history's elements
AGENCY_NOTICE = 1 << len(ELEMENTS)  # the next bit: an agency notice was served, unrectified (needs_notice)
CHUNK_ROWS = 65_536  # rows decided at once within a batch
_WRITTEN, _ESCALATING, _REINSPECT, _REMINDER, _RANK = 1, 2, 4, 8, 4  # a step's properties (bits; its rank + 1 from bit 4)
_FAIL = -9  # a step's answer for a combination that decide refuses (its rows go to decide)
_UNKNOWN = -10  # in a _Table: not learnt yet
Decide = Callable[[Case], Decision]


def strip_nulls(value: Any) -> Any:
    """A row of ``to_pylist`` as the case it stands for: a null field is an absent one."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) if isinstance(v, (dict, list)) else v for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def breakpoints(rs: Ruleset) -> list[int]:
    """Every date the ruleset names (its specs, its provisions' versions), as days: between two
    consecutive ones, nothing the engine reads by date changes."""
    found: set[dt.date] = set(rs.provisions.change_dates(list(rs.provisions.all_cites())))
    seen: set[int] = set()
    for spec in (rs.manifest, rs.policy.spec, *(item.spec for item in rs.items.values())):
        _dates_in(spec, found, seen)
    for office in rs.delegations.offices.values():  # a 委托书's term, a switch of form
        found |= office.dates()
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


def _day(days: int) -> dt.date:
    return EPOCH + dt.timedelta(days=days)


class _Registry:
    """Values (engine objects, kept alive here, or strings) as small integers."""

    def __init__(self) -> None:
        self.objects: list[Any] = []
        self._index: dict[Hashable, int] = {}
        self._lock = threading.Lock()

    def code(self, value: Any, key: Hashable = None) -> int:
        """The value's code; ``key`` identifies it (default: the value itself if a string, else its identity)."""
        if value is None:
            return -1
        if key is None:
            key = value if isinstance(value, str) else id(value)
        found = self._index.get(key)
        if found is None:
            with self._lock:
                found = self._index.get(key)
                if found is None:
                    found = len(self.objects)
                    self.objects.append(value)
                    self._index[key] = found
        return found


class _Memo:
    """A step's answers, remembered: each distinct combination of its inputs has a row of a numpy
    table (rows are added, never changed, so a thread may read the table while another adds)."""

    def __init__(self, fn: Callable[..., tuple[int, ...]], width: int) -> None:
        self.fn = fn
        self.width = width
        self.rows: dict[tuple[int, ...], int] = {}
        self.values: list[tuple[int, ...]] = []
        self.table = np.zeros((0, width), dtype=np.int64)
        self.lock = threading.Lock()

    def answers(self, combos: list[tuple[int, ...]]) -> Ints:
        """The answers of ``combos`` (one row each); ``fn`` runs once per new combination, and one
        that fails answers _FAIL (its rows go to ``decide``, which says why)."""
        at = np.fromiter(map(self.rows.get, combos, itertools.repeat(-1)), dtype=np.int64, count=len(combos))
        missing = np.flatnonzero(at < 0)
        if missing.size:
            with self.lock:
                added: dict[tuple[int, ...], int] = {}
                for i in missing.tolist():
                    combo = combos[i]
                    row = self.rows.get(combo, added.get(combo))
                    if row is None:
                        row = added[combo] = len(self.values)
                        self.values.append(self._answer(combo))
                    at[i] = row
                if added:
                    self.table = np.array(self.values, dtype=np.int64).reshape(-1, self.width)
                    self.rows.update(added)  # published once the table has their rows
        return self.table[at]

    def _answer(self, combo: tuple[int, ...]) -> tuple[int, ...]:
        return _answer(self.fn, combo, self.width)


def _answer(fn: Callable[..., tuple[int, ...]], combo: tuple[int, ...], width: int) -> tuple[int, ...]:
    """A step's answer for one combination; _FAIL throughout where ``fn`` fails or says so."""
    try:
        found = tuple(fn(*combo))
    except Exception:  # noqa: BLE001  the combination's rows go to decide, which says why
        found = (_FAIL,)
    return found if found[0] != _FAIL else (_FAIL,) * width


class _Table:
    """A step's answers over a fixed small range of inputs (component ``j`` in 0..``sizes[j]``-1),
    learnt as rows need them into a numpy table over every combination: once learnt, a column of
    answers is one gather, with no Python per combination (``_Memo`` serves inputs of open range)."""

    def __init__(self, fn: Callable[..., tuple[int, ...]], sizes: tuple[int, ...], width: int = 1) -> None:
        self.fn = fn
        self.sizes = sizes
        self.width = width
        self.table = np.full((width, int(np.prod(sizes))), _UNKNOWN, dtype=np.int64)  # row 0 written last
        self.fails = False  # whether some combination learnt fails
        self.lock = threading.Lock()

    def answers(self, components: Sequence[Ints | Bools]) -> tuple[Ints, ...]:
        key = np.array(components[0], dtype=np.int64)  # a copy: the key is built in place
        for size, component in zip(self.sizes[1:], components[1:]):
            key *= size
            key += component
        found = self.table[0][key]
        new = found == _UNKNOWN
        if new.any():
            with self.lock:
                seen = np.zeros(self.table.shape[1], dtype=bool)
                seen[key[new]] = True
                for at in np.flatnonzero(seen & (self.table[0] == _UNKNOWN)).tolist():
                    combo, rest = [], at
                    for size in reversed(self.sizes):
                        rest, value = divmod(rest, size)
                        combo.append(value)
                    answer = _answer(self.fn, tuple(reversed(combo)), self.width)
                    self.fails |= answer[0] == _FAIL
                    for j in range(self.width - 1, -1, -1):  # row 0 last: a row that reads it reads all
                        self.table[j, at] = answer[j]
            found = self.table[0][key]
        return (found, *(self.table[j][key] for j in range(1, self.width)))


class Kernel:
    """The batch path for one ruleset version; safe to share between threads."""

    def __init__(self, rs: Ruleset, decide: Decide) -> None:
        self.rs = rs
        self.decide = decide
        codes = sorted(rs.items)
        self.codes = codes
        items = [rs.items[c] for c in codes]

        def per_item(get: Callable[[Any], Any]) -> Any:
            return np.array([get(i) for i in items] + [get(items[0]) * 0], dtype=np.int64)

        self.completed = per_item(lambda i: i.completed).astype(bool)
        self.orders = per_item(lambda i: i.orders).astype(bool)
        self.operating_only = per_item(lambda i: i.operating_only).astype(bool)
        self.high_rise_only = per_item(lambda i: i.high_rise_only).astype(bool)
        self.own_referrals = per_item(lambda i: bool(i.referrals)).astype(bool)
        self.rectification_days = per_item(lambda i: i.rectification_days)
        self.kinds = np.array([[k in i.subjects for k in ("unit", "individual")] for i in items] + [[False, False]]).reshape(-1)
        self.bounds = np.array(breakpoints(rs), dtype=np.int64)
        policy = rs.policy
        ranks: dict[str, int] = {str(step): rank for step, rank in policy.step_rank.items()}
        self.rank = np.array([ranks.get(s, -1) for s in STEPS], dtype=np.int64)
        props = [(s in policy.written_orders) * _WRITTEN | (s in policy.escalating) * _ESCALATING
                 | (s in policy.reinspect_steps) * _REINSPECT | (s == STEPS[0]) * _REMINDER | (ranks.get(s, -1) + 1) << _RANK
                 for s in STEPS]
        self.step_props = np.array([*props, props[0]], dtype=np.uint8)  # by the history's step code (-1: null)
        self.reminder_days = policy.spec.ladder.reminder_days
        self.trigger_facts = tuple(dict.fromkeys(t.fact for t in policy.spec.referrals))
        self.objects = _Registry()
        self.flaws = Flaws()  # invalid values of one field seen in the batches
        self.flaw_errors: dict[int, str] = {}  # the model's error for a row whose only fault is one of them
        self.office_names = tuple(rs.delegations.offices)
        self.item_vocabulary = pa.array(codes, type=pa.string())
        self.office_vocabulary = pa.array(self.office_names, type=pa.string())
        changes = set().union(*(o.dates() for o in rs.delegations.offices.values()))
        self.office_changes = np.array(sorted(epoch_days(d) for d in changes), dtype=np.int64)
        self.horizon = entrusted.lapse_horizon(rs)
        horizon = self.horizon
        self.latest_decision = DayTable(lambda d: (epoch_days(horizon(_day(d))) if horizon else d,), 1)
        self.day_answers = DayTable(self._on_day, 4)
        self.expiries: dict[int, DayTable] = {}
        given = [LEVELS.index(o.level) if o.level else -1 for o in rs.delegations.offices.values()]
        self.office_levels = np.array([-1, *given], dtype=np.int64)  # by office + 1; -1: any level
        self.names = _Registry()  # strings of the output (statuses, tiers, citations...)
        self.memos: dict[str, _Memo] = {}
        self.fines: list[tuple[int, int, int, int] | None] = [None]
        self.lock = threading.Lock()
        self.resolutions: list[tuple[int, Resolution]] = []  # (item index, law): the law table's values
        self.law_table, self.law_source = self._compile_law()
        self.fact_referrals, self.item_referrals = self._compile_referrals()
        self.excuses = _Table(self._excuse, (2,) * 6)
        self.branches = _Table(self._branch, (len(self.resolutions),))
        self.cites = _Table(self._cite, (len(self.resolutions), 2))
        self.referral_rows = np.concatenate([self.fact_referrals.reshape(-1, 2), self.item_referrals.reshape(-1, 2),
                                             [[-1, -1]]]).T.copy()  # (code, step) by row: each a 1-D gather

    # -- the whole batch ------------------------------------------------------------------------

    def run(self, table: pa.Table) -> pa.Table:
        """The output table for ``table`` (rows in order); bad rows carry their error. A long table
        is decided ``CHUNK_ROWS`` rows at a time: the temporaries of a chunk stay in the caches and
        the memory freed by one chunk serves the next (a first batch touches a chunk's worth of new
        memory, not a table's)."""
        if not table.num_rows:
            return OUTPUT_SCHEMA.empty_table()
        if table.num_rows <= CHUNK_ROWS:
            return self._run(table)
        return pa.concat_tables([self._run(table.slice(start, CHUNK_ROWS))
                                 for start in range(0, table.num_rows, CHUNK_ROWS)])

    def _run(self, table: pa.Table) -> pa.Table:
        columns = CaseColumns(table, self.item_vocabulary, self.office_vocabulary, self.flaws)
        result = self._answers(columns)
        alone = np.flatnonzero(columns.odd)
        return _assemble(self, result, columns.odd, self._singles(table, alone, columns.causes[alone]))

    def _singles(self, table: pa.Table, indices: Ints, causes: Ints) -> list[Row]:
        """Rows left to ``decide`` one by one: their columns, or their one-line error. Each row is
        validated once by the Case model, as ``decide`` validates a dict (``parse_case``), and
        decided as the Case it gives. A row whose only fault is one invalid value of one field (``causes``: its code in
        ``flaws``) has the error that the Case model gave the first row with that value there: the
        model reports every invalid field, each by its value alone, and that one alone is in it."""
        out: list[Row] = [{}] * len(indices)
        known = self.flaw_errors
        pending = []
        for i, cause in enumerate(causes.tolist()):
            message = known.get(cause) if cause >= 0 else None
            if message is None:
                pending.append(i)
            else:
                out[i] = error_row(message)
        cases = table.take(indices[pending]).to_pylist() if pending else []
        for i, data in zip(pending, cases):
            try:
                case = case_from_json(strip_nulls(data))
            except CaseError as exc:  # the model's error: it depends on nothing but the invalid values
                out[i] = error_row(str(exc))
                cause = int(causes[i])
                if cause >= 0 and exc.field == self.flaws.paths[cause]:
                    known[cause] = str(exc)
                continue
            try:  # parse_case on a Case: its dates' order (check_dates), as decide checks a dict's
                out[i] = decision_row(self.decide(parse_case(case)))
            except FireEnforceError as exc:
                out[i] = error_row(str(exc))
        return out

    # -- the engine's steps over columns ------------------------------------------------------------

    def _answers(self, columns: CaseColumns) -> dict[str, Any]:
        rs, policy = self.rs, self.rs.policy
        odd = columns.odd
        item = np.where(columns.item < 0, len(self.codes), columns.item)  # no or an unknown item: odd
        fact = columns.facts
        decided, start, observed, given_end = columns.decided, columns.start, columns.observed, columns.ended
        continuing = given_end == NO_DAY
        completed = self.completed[item]
        ended = np.where(continuing & completed, start, given_end)  # a completed act ends its day
        now_class = np.searchsorted(self.bounds, decided, side="right")
        then_day = np.where(ended == NO_DAY, decided, ended)

        years, cutoff, day_ok = self._by_day(decided, columns.harm)
        odd |= ~day_ok
        odd |= ~self._known_codes(columns.mitigating, policy.mitigating) [columns.mitigating[0]]
        odd |= ~self._known_codes(columns.aggravating, policy.aggravating)[columns.aggravating[0]]
        # the item: its subjects, what it implies about the subject and the place
        kind = np.maximum(columns.kind, 0)
        operating_only, high_rise_only = self.operating_only[item], self.high_rise_only[item]
        odd |= ~self.kinds[item * 2 + kind]  # by item and subject kind
        odd |= operating_only & (columns.operating == 1)
        odd |= high_rise_only & (columns.high_rise == 1)
        odd |= completed & ~continuing & (given_end != start)
        operating = operating_only | (columns.operating == 2)
        high_rise = high_rise_only | (columns.high_rise == 2)
        conditions = (kind | operating << 1 | high_rise << 2 | (columns.crowded == 2) << 3
                      | fact["serious"] << 4 | fact["minor"] << 5 | fact["hinders_evacuation"] << 6)

        then_class = np.searchsorted(self.bounds, then_day, side="right")
        at = _flat(self.law_table, item, then_class, now_class, conditions)
        resolution = self.law_table.reshape(-1)[at]
        law_src = self.law_source.reshape(-1)[at]
        odd |= resolution == _FAIL
        barred = self._barred(ended, observed, years)
        prior, running_rank, elements, running_deadline = self._history(columns, item, ended, cutoff)
        excuse, = self._known(self.excuses, [fact["no_fault"], fact["minor"] | fact["slight"], fact["corrected_in_time"],
                                             fact["rectified_on_spot"], fact["harm"], completed], odd)
        refusal = (elements & 0b11) != 0
        tier, = self._stage("tier", [fact["serious"], self._stable(columns.mitigating),
                                     self._stable(columns.aggravating), refusal], self._tier, odd)
        level = np.maximum(columns.level, 0)
        law_row = np.maximum(resolution, 0)  # a row without a law (_FAIL) is left to decide: any row will do
        branch, = self._known(self.branches, [law_row], odd)
        has_branch = branch >= 0
        competence, summary_only = self._stage("competence", [branch + 1, level], self._competence,
                                               odd, 2)
        scoped = summary_only == 1
        competence, = self._stage("scoped", [competence, scoped * (branch + 1), scoped * (tier + 1),
                                             scoped * (kind + 1), scoped * (now_class + 1), scoped * (level + 1)],
                                  self._scoped, odd)
        office = columns.office + 1  # 0: an office offices.yaml does not name
        odd |= self._changes_before_decision(office > 0, decided)
        known_level = self.office_levels[office]
        odd |= (known_level >= 0) & (known_level != level)  # decide refuses the level on office.level
        competence, = self._stage("entrusted", [competence, (office > 0) * (branch + 1), office, level,
                                                (office > 0) * (now_class + 1)], self._entrusted, odd)
        status, = self._stage("status", [branch, competence, elements, barred, excuse], self._status, odd)
        step, = self._stage("step", [prior, fact["serious"], status, level == 3, completed],
                            self._step, odd)
        trigger, trigger_step = self._referrals(item, conditions, level, fact)
        keep = (running_rank >= 0) & (trigger < 0) & ~(running_rank < self.rank[np.maximum(step, 0)])
        final = np.maximum(np.where(keep, running_rank, np.where(trigger >= 0, trigger_step, step)), 0)
        refused = ((elements & 0b10) != 0) & (status != self.names.code("excused"))
        cite, = self._known(self.cites, [law_row, refused], odd)
        fine, = self._stage("fine", [branch, has_branch * (tier + 1)], self._fine, odd)
        punish = has_branch & (final == STEPS.index("penalty")) & ~keep
        procedure, hearing = self._stage("procedure", [punish * (branch + 1), punish * (tier + 1), punish * (kind + 1),
                                                       punish * (now_class + 1)], self._procedure, odd, 2)
        refer = final == STEPS.index("referral")
        referral, = self._stage("referral_to", [refer * (trigger + 2), refer * (competence + 2)], self._referral_to,
                                odd)
        order = self.orders[item] & (ended == NO_DAY) & (fact["rectified_on_spot"] == 0) & ~keep
        delay = np.where(order, np.where(final == 0, self.reminder_days, self.rectification_days[item]), -1)
        return {
            "step": final, "procedure": procedure, "hearing": hearing, "referral": referral,
            "cite": cite, "fine": fine, "barred": barred.astype(bool),
            "deadline": np.select([keep, delay >= 0], [running_deadline, decided + delay], NO_DAY),
            "law_date": np.where(law_src == 0, then_day, decided),
        }

    def _referrals(self, item: Ints, conditions: Ints, level: Ints, fact: dict[str, Bools]) -> tuple[Ints, Ints]:
        """The referral a fact or the item requires (its code and step; -1: none), as ``decide``
        asks for it: when a referring fact is given or the item has referrals of its own."""
        bits = np.zeros(len(item), dtype=np.int64)
        for bit, name in enumerate(self.trigger_facts):
            bits |= fact[name] << bit
        gate = self.own_referrals[item] | (fact["crime_suspected"] | fact["sealing_needed"]).astype(bool)
        by_fact = _flat(self.fact_referrals, bits, level)
        by_item = _flat(self.item_referrals, item, conditions, level)
        rows = self.referral_rows  # the fact table's rows, the item table's, and "none"
        chosen = np.where(gate, np.where(rows[0][by_fact] != -1, by_fact, self.fact_referrals.size // 2 + by_item), -1)
        return rows[0][chosen], rows[1][chosen]

    # -- compiled when the kernel is built ------------------------------------------------------------

    def _compile_law(self) -> tuple[Ints, Ints]:
        """The law applied, for every item, stretch of the conduct's day, stretch of the decision
        day and combination of conditions: an index into ``resolutions``, or _FAIL where no duty
        provision is in force (``decide`` says so); and 1 where the decision-time law applies.

        Lex mitior (``law.milder_law``) reads of each law only whether it has grounds and its
        penalty branch, and whether the two laws are one: it runs once per distinct such pair."""
        conditions = [self._conditions(c) for c in range(1 << 7)]
        classes, width = len(self.bounds) + 1, len(conditions)
        days = [self._day_of(k) for k in range(classes)]
        periods: dict[int, int] = {}  # a period's first row in ``resolutions``, by the period's identity
        first = np.zeros((len(self.codes), classes), dtype=np.int64)  # by item and stretch
        for i, code in enumerate(self.codes):
            item = self.rs.items[code]
            for k, day in enumerate(days):
                period = item.resolutions_on(day)
                if id(period) not in periods:
                    periods[id(period)] = len(self.resolutions)
                    self.resolutions.extend((i, period[c]) for c in conditions)
                first[i, k] = periods[id(period)]
        # the distinct pairs of periods (conduct's, decision's) over items and both stretches
        pairs, which = np.unique(first[:, :, None] * len(self.resolutions) + first[:, None, :], return_inverse=True)
        then = (pairs // len(self.resolutions))[:, None] + np.arange(width)
        now = (pairs % len(self.resolutions))[:, None] + np.arange(width)
        signatures: dict[tuple[int, bool], int] = {}  # what lex mitior reads of a law: its branch, whether it has grounds
        signature = np.array([signatures.setdefault((id(r.branch), bool(r.grounds)), len(signatures))
                              for _, r in self.resolutions], dtype=np.int64)
        grounds = np.array([key[1] for key in signatures], dtype=bool)[signature]
        codes, _ = factorize(((signature[then] * len(signatures) + signature[now]) * 2 + (then == now)).reshape(-1))
        once = np.zeros(int(codes.max()) + 1, dtype=np.int64)
        once[codes[::-1]] = np.arange(len(codes))[::-1]  # the first place of each distinct pair of laws
        then, now = then.reshape(-1), now.reshape(-1)
        lighter = np.array([law.milder_law(self.rs, self.resolutions[t][1], self.resolutions[n][1])[1]
                            for t, n in zip(then[once].tolist(), now[once].tolist())], dtype=bool)[codes]
        applied = np.where(grounds[then], np.where(lighter, now, then), _FAIL).reshape(-1, width)
        shape = (len(self.codes) + 1, classes, classes, width)
        by_pair = which.reshape(-1)
        law_table = np.full(shape, _FAIL, dtype=np.int64)  # the last item: an unknown one
        law_table[:-1] = applied[by_pair].reshape(len(self.codes), classes, classes, width)
        source = np.zeros(shape, dtype=np.int64)
        source[:-1] = lighter.reshape(-1, width)[by_pair].reshape(len(self.codes), classes, classes, width)
        return law_table, source

    def _compile_referrals(self) -> tuple[Ints, Ints]:
        """The referral (its code and step, -1: none) that the referring facts require of each
        office level, and that each item requires for each combination of conditions and level."""
        def code(found: Any) -> tuple[int, int]:
            # one code per authority: only its authority is read later
            return (self.objects.code(found, ("referral", found.authority)), STEPS.index(found.step)) \
                if found is not None else (-1, -1)

        by_fact = np.array([[code(fact_referral(self.rs, self._facts(**{name: bool(bits >> b & 1) for b, name
                                                                          in enumerate(self.trigger_facts)}), level))
                             for level in LEVELS] for bits in range(1 << len(self.trigger_facts))], dtype=np.int64)
        by_item = np.full((len(self.codes) + 1, 1 << 7, len(LEVELS), 2), -1, dtype=np.int64)
        for i, item in enumerate(self.codes):
            compiled = self.rs.items[item]
            if compiled.referrals:
                done: dict[int, int] = {}  # the conditions answered first, by the item's referral they select
                for c in range(1 << 7):  # item_referral reads the conditions only through referral_for
                    conditions = self._conditions(c)
                    same = done.setdefault(id(compiled.referral_for(conditions)), c)
                    by_item[i, c] = by_item[i, same] if same != c else \
                        [code(item_referral(self.rs, level, compiled, conditions)) for level in LEVELS]
        return by_fact, by_item

    def _stage(self, name: str, components: Sequence[Ints | Bools], fn: Callable[..., tuple[int, ...]],
               odd: Bools, width: int = 1) -> tuple[Ints, ...]:
        """``fn`` once per distinct combination of the components (remembered across batches);
        rows whose combination fails are left to decide."""
        key, digits = _dense(components)
        span = int(key.max()) + 1 if len(key) else 0
        if span > max(4 * len(key), 1 << 16):
            key, _ = factorize(key)
            span, digits = int(key.max()) + 1, None
        if digits is not None:  # the key's distinct values, and the combinations they spell
            seen = np.zeros(span, dtype=bool)
            seen[key] = True
            present = np.flatnonzero(seen)
            combos = list(zip(*_spell(present, digits)))
        else:  # a row of each value of the key, and its combination
            row = np.full(span, -1, dtype=np.int64)
            row[key] = np.arange(len(key))
            present = np.flatnonzero(row >= 0)
            reps = row[present]
            combos = list(zip(*(np.asarray(c[reps], dtype=np.int64).tolist() for c in components)))
        memo = self.memos.get(name)
        if memo is None:
            memo = self.memos.setdefault(name, _Memo(fn, width))
        table = memo.answers(combos)
        lookup = np.full(span, _FAIL, dtype=np.int64)
        out = []
        for j in range(width):
            lookup[present] = table[:, j]
            out.append(lookup[key])
        if (table[:, 0] == _FAIL).any():  # some combination fails: its rows go to decide
            odd |= out[0] == _FAIL
        return tuple(out)

    @staticmethod
    def _known(table: _Table, components: Sequence[Ints | Bools], odd: Bools) -> tuple[Ints, ...]:
        """A step's answers from its table; rows whose combination fails are left to decide."""
        out = table.answers(components)
        if table.fails:
            odd |= out[0] == _FAIL
        return out

    def _by_day(self, decided: Ints, harm: Bools) -> tuple[Ints, Ints, Bools]:
        """Per decision date: the limitation years (by harm), the history's cutoff, and whether
        this version answers for the date and has a limitation period for it."""
        given = decided != NO_DAY  # a row without a date is left to decide (columns mark it)
        if not given.any():
            return np.zeros(len(decided), np.int64), np.full(len(decided), NO_DAY, np.int64), given
        base, extended, cutoff, answers = self.day_answers(np.where(given, decided, decided.max()))
        return np.where(harm, extended, base), cutoff, (answers == 1) & given

    def _on_day(self, days: int) -> tuple[int, int, int, int]:
        """The limitation's base and extended years, the history's cutoff, and 1 where this
        version answers for the day and has a limitation period for it."""
        rs, day = self.rs, _day(days)
        today = rs.policy.on(day)
        limitation = today.limitation
        if limitation is None or not (rs.covers(day) and rs.in_force.covers(day)):
            return 0, 0, epoch_days(today.cutoff), 0
        return limitation.base_years, limitation.extended_years, epoch_days(today.cutoff), 1

    @staticmethod
    def _known_codes(codes: tuple[Ints, list[str]], known: Any) -> Bools:
        return np.array([all(c in known for c in s.split(KEY_SEPARATOR) if c) for s in codes[1]], dtype=bool)

    def _barred(self, ended: Ints, observed: Ints, years: Ints) -> Ints:
        """Not discovered within the limitation period after the conduct ended (penalty-law art. 36)."""
        known = ended != NO_DAY
        if not known.any():
            return np.zeros(len(ended), np.int64)
        day = np.where(known, ended, ended.max())
        distinct = np.flatnonzero(np.bincount(years)).tolist()
        expiry, = self._expiry(distinct[0])(day)
        for y in distinct[1:]:  # as many gathers as periods (two: base and extended)
            expiry = np.where(years == y, self._expiry(y)(day)[0], expiry)
        return (known & (observed > expiry)).astype(np.int64)

    def _expiry(self, years: int) -> DayTable:
        """The day ``years`` years after a day (``dates.add_years``), by day."""
        found = self.expiries.get(years)
        if found is None:
            found = self.expiries.setdefault(years, DayTable(lambda d: (epoch_days(add_years(_day(d), years)),), 1))
        return found

    def _history(self, columns: CaseColumns, item: Ints, ended: Ints, cutoff: Ints) -> tuple[Ints, Ints, Ints, Ints]:
        """The ladder's prior step, the running order (rank and deadline), the elements met: the
        engine's reading of the history (``_history``), for every row at once."""
        n = columns.n
        none = np.full(n, -1, np.int64)
        history = columns.history
        if history is None:
            return none, none, np.zeros(n, np.int64), np.full(n, NO_DAY, np.int64)
        owner = history.owner
        row_item = item[owner]
        mine = history.item == row_item  # -1 (an unknown item) never equals a row's item
        props = self.step_props[history.step]  # a null step (-1, its row left to decide) reads as a reminder
        orders = self.orders[row_item]
        days = np.where(props & _REMINDER, self.reminder_days, self.rectification_days[row_item])
        deadline = np.where(history.deadline != NO_DAY, history.deadline, history.date + days)
        today = columns.decided[owner]
        rectified = history.rectified
        served = mine & orders & ~rectified & (props & _WRITTEN != 0)
        overdue = served & (today > deadline)
        notice = overdue & (history.issued_by == 1)
        counts = mine & (history.date >= cutoff[owner]) & (props & _ESCALATING != 0)
        pending = orders & (ended[owner] == NO_DAY)
        runs = counts & pending & ~rectified & (today <= deadline) & (props & _REINSPECT != 0)
        rank = (props >> _RANK).view(np.int8) - 1  # small integers: the reductions below read bytes
        columns.odd[owner[counts & (rank < 0)]] = True
        rows, starts = history.segments()  # the rows with entries, and where each one's entries start
        prior, running_rank = none.copy(), none.copy()
        prior[rows] = np.maximum.reduceat(np.where(counts & ~runs, rank, -1), starts)
        running_rank[rows] = np.maximum.reduceat(np.where(runs, rank, -1), starts)
        chosen = np.flatnonzero(runs & (rank == running_rank[owner]))
        chosen_rows = owner[chosen]  # ascending: entries come in row order
        first = np.flatnonzero(np.diff(chosen_rows, prepend=-1) != 0)
        running = np.full(n, NO_DAY, np.int64)
        running[chosen_rows[first]] = deadline[chosen[first]]
        agency = served & (history.issued_by == 1)
        met = np.zeros(n, np.uint8)  # bits: served, overdue, notice, agency's order served
        bits = served.view(np.uint8) | overdue.view(np.uint8) << 1 | notice.view(np.uint8) << 2 | agency.view(np.uint8) << 3
        met[rows] = np.bitwise_or.reduceat(bits, starts)
        was_served, was_overdue = (met & 1) != 0, (met & 2) != 0
        refusal = was_served & (was_overdue | columns.refused)
        elements = was_overdue.astype(np.int64) | refusal << 1 | ((met & 4) != 0) << 2 | ((met & 8) != 0) << len(ELEMENTS)
        return prior, running_rank, elements, running

    # -- one combination each: the engine's own functions ---------------------------------------------

    def _changes_before_decision(self, named: Bools, decided: Ints) -> Bools:
        """Rows of a named office whose 委托书 or form changes after the case's day but before its
        penalty decision may be made: ``decide`` looks at that later day too, row by row."""
        near = np.zeros(len(decided), dtype=bool)
        rows = np.flatnonzero(named & (decided != NO_DAY))
        if not rows.size or not self.office_changes.size or self.horizon is None:
            return near
        latest, = self.latest_decision(decided[rows])
        after = np.searchsorted(self.office_changes, decided[rows], side="right")
        change = self.office_changes[np.minimum(after, len(self.office_changes) - 1)]
        near[rows] = (after < len(self.office_changes)) & (change <= latest)
        return near

    def _day_of(self, klass: int) -> dt.date:
        """A day of the stretch ``klass`` of constant law and policy."""
        bounds = self.bounds
        return _day(int(bounds[klass - 1]) if klass > 0 else int(bounds[0]) - 1)

    @staticmethod
    def _conditions(code: int) -> tuple[str, bool, bool, bool, bool, bool, bool]:
        return (("unit", "individual")[code & 1], *(bool(code >> b & 1) for b in range(1, 7)))  # type: ignore[return-value]

    def _case(self, conditions: int, level: int = 0, ended: dt.date | None = None, day: dt.date | None = None,
              facts: dict[str, bool] | None = None) -> Case:
        """A case with just what one step reads (built without pydantic's per-field defaults)."""
        kind, operating, high_rise, crowded, serious, minor, hinders = self._conditions(conditions)
        return _copy(_BLANK_CASE, subject=_copy(_BLANK_CASE.subject, kind=kind, operating=operating),
                     office=_copy(_BLANK_CASE.office, level=LEVELS[level]),
                     ended_on=ended, observed_on=day, decided_on=day,
                     facts=self._facts(serious=serious, minor=minor, hinders_evacuation=hinders, **(facts or {})))

    @staticmethod
    def _facts(**values: bool) -> Facts:
        return _copy(_BLANK_CASE.facts, **values)

    def _excuse(self, no_fault: int, minor: int, corrected: int, on_spot: int, harm: int, completed: int) -> tuple[int]:
        """``minor``: 情节较轻 or 违法行为轻微 (``slight``), which open art. 33(1) alike (``pen.excuse``)."""
        case = self._case(int(minor) << 5, facts={"no_fault": bool(no_fault), "corrected_in_time": bool(corrected),
                                                  "harm": bool(harm), "rectified_on_spot": bool(on_spot)})
        return (self.names.code(pen.excuse(case, None, correctable=not completed)),)

    def _stable(self, codes: tuple[Ints, list[str]]) -> Ints:
        """A batch's codes of joined code lists as codes that mean the same in every batch."""
        return np.array([self.names.code(s) for s in codes[1]], dtype=np.int64)[codes[0]]

    def _tier(self, serious: int, mitigating_code: int, aggravating_code: int, refusal: int) -> tuple[int]:
        rs = self.rs
        mitigating, aggravating = self.names.objects[mitigating_code], self.names.objects[aggravating_code]
        counted = pen.counted_aggravating(rs, tuple(c for c in aggravating.split(KEY_SEPARATOR) if c), bool(refusal))
        mandatory = pen.mandatory(rs, tuple(c for c in mitigating.split(KEY_SEPARATOR) if c))
        return (self.names.code(rs.policy.tier_table.decide(bool(serious), mandatory, bool(counted)).then["tier"]),)

    def _branch(self, resolution: int) -> tuple[int]:
        item, found = self.resolutions[resolution]
        branch = found.branch
        return (self.objects.code((item, branch), (item, id(branch))) if branch is not None else -1,)

    def _competence(self, branch: int, level: int) -> tuple[int, int]:
        """Whether the office's level may impose the branch (before a summary scope applies)."""
        if branch == 0:
            return -1, 0
        item, found = self.objects.objects[branch - 1]
        level_name = LEVELS[level]
        competence = pen.competence(self.rs, self.rs.items[self.codes[item]], found, level_name)
        return self.objects.code(competence), int(competence.summary_only)

    def _scoped(self, competence: int, branch: int, tier: int, kind: int, now: int, level: int) -> tuple[int]:
        """A summary-scope level holds the penalty only when a summary decision can carry it."""
        if branch == 0:
            return (competence,)
        rs = self.rs
        held = self.objects.objects[competence]
        kind_name = ("unit", "individual")[kind - 1]
        plan = pen.plan(rs, self.objects.objects[branch - 1][1], self.names.objects[tier - 1], kind_name,
                        self._day_of(now - 1), True)
        level_name = LEVELS[level - 1]
        return (self.objects.code(pen.scoped(rs, held, plan, level_name, kind_name)),)

    def _entrusted(self, competence: int, branch: int, office: int, level: int, now: int) -> tuple[int]:
        """A named office's form and 委托书 on the day bound what its level holds."""
        if office == 0 or branch == 0 or competence < 0:
            return (competence,)
        item, found = self.objects.objects[branch - 1]
        level_name = LEVELS[level]
        bounded = entrusted.bounded(self.rs, self.objects.objects[competence], self.rs.items[self.codes[item]], found,
                                    self.office_names[office - 1], level_name, self._day_of(now - 1))
        return (self.objects.code(bounded),)

    def _status(self, branch: int, competence: int, elements: int, barred: int, excuse: int) -> tuple[int]:
        met = frozenset(name for bit, name in enumerate(ELEMENTS) if elements >> bit & 1)
        found = penalty_status(self.objects.objects[branch][1] if branch >= 0 else None, met, bool(elements & AGENCY_NOTICE),
                        bool(barred),
                        self.names.objects[excuse] if excuse >= 0 else None,
                        self.objects.objects[competence] if competence >= 0 else None)
        return (self.names.code(found),)

    def _step(self, prior: int, serious: int, status: int, brigade: int, completed: int) -> tuple[int]:
        policy = self.rs.policy
        prior_name = policy.spec.ladder.steps[prior] if prior >= 0 else "none"
        rule = policy.step_table.decide(prior_name, bool(serious), self.names.objects[status],
                                        "brigade" if brigade else "office", bool(completed))
        return (STEPS.index(rule.then["step"]),)

    def _cite(self, resolution: int, refused: int) -> tuple[int]:
        """The penalty provisions among the decision's legal basis."""
        _, found = self.resolutions[resolution]
        branch = found.branch
        basis = [*found.violated, *((*branch.basis, *(branch.compulsory if refused else ())) if branch else ())]
        cites = [b.cite for b in basis if b.role == "penalty"]
        return (self.names.code(";".join(cites)) if cites else -1,)

    def _procedure(self, branch: int, tier: int, kind: int, now: int) -> tuple[int, int]:
        """A penalty's procedure and hearing right (penalty-law art. 51, 63)."""
        if branch == 0:
            return PROCEDURES.index("none"), 0
        rs = self.rs
        found = self.objects.objects[branch - 1][1]
        day = self._day_of(now - 1)
        kind_name = ("unit", "individual")[kind - 1]
        plan = pen.plan(rs, found, self.names.objects[tier - 1], kind_name, day, False)
        procedure, hearing, _ = pen.procedure_of(rs, self._case(kind - 1, day=day), found, plan)
        return PROCEDURES.index(procedure), int(hearing)

    def _referral_to(self, trigger: int, competence: int) -> tuple[int]:
        """Where a referral goes: the referring fact's authority, or who holds the penalty."""
        if trigger == 0:
            return (-1,)
        if trigger >= 2:
            return (self.names.code(self.objects.objects[trigger - 2].authority),)
        held = self.objects.objects[competence - 2] if competence >= 2 else None
        return (self.names.code(held.authority if held is not None and held.authority
                                else self.rs.policy.spec.delegation.default_authority),)

    def _fine(self, branch: int, tier: int) -> tuple[int]:
        """The statutory range and the tier's suggestion (index into ``fines``; 0: none)."""
        if tier == 0:
            return (0,)
        fine = pen.fine_of(self.rs, self.objects.objects[branch][1], self.names.objects[tier - 1])
        if fine is None:
            return (0,)
        return (self.fine_code((fine.min, fine.max, fine.suggested.min, fine.suggested.max)),)

    def fine_code(self, value: tuple[int, int, int, int]) -> int:
        with self.lock:
            if value not in self.fines:
                self.fines.append(value)
            return self.fines.index(value)


_BLANK_CASE = Case.model_construct(
    subject=Subject.model_construct(kind="unit"), office=Office.model_construct(level="street"),
    observed_on=None, facts=Facts.model_construct())  # every field at its default


def _copy(model: Any, **values: Any) -> Any:
    """A copy of a model instance with ``values`` replaced (no validation, no defaults)."""
    return construct(type(model), **{**model.__dict__, **values})


def _dense(components: Sequence[Ints | Bools]) -> tuple[Ints, list[tuple[int, int]] | None]:
    """One integer per row that differs exactly where some component differs, kept within a
    small range so that ``factorize`` can use a direct table; and each component's (lowest value,
    radix) in it, or None where a ``factorize`` on the way made the key unspellable."""
    key = np.zeros(0, dtype=np.int64)
    size, bound = 1, max(4 * len(components[0]), 1 << 16)
    digits: list[tuple[int, int]] | None = []
    for component in components:
        low, high = (int(component.min()), int(component.max())) if len(component) and component.dtype != bool else (0, 1)
        radix = high - low + 1
        if size * radix > bound and size > 1:
            key, unique = factorize(key)
            size, digits = len(unique), None
        if size == 1:  # the key so far is zero on every row
            key = np.subtract(component, low, dtype=np.int64)
        else:
            key *= radix
            key += component
            if low:
                key -= low
        size *= radix
        if digits is not None:
            digits.append((low, radix))
    return key, digits


def _flat(table: npt.NDArray[Any], *indices: Ints) -> Ints:
    """The positions in ``table.reshape(-1)`` of ``table[indices]`` (indices within its shape)."""
    at = np.asarray(indices[0], dtype=np.int64).copy()
    for size, index in zip(table.shape[1:len(indices)], indices[1:]):
        at *= size
        at += index
    return at


def _spell(keys: Ints, digits: list[tuple[int, int]]) -> list[list[int]]:
    """The components' values (one list per component) that ``_dense`` made these keys of."""
    values = []
    rest = keys.copy()
    for low, radix in reversed(digits):
        values.append((rest % radix + low).tolist())
        rest //= radix
    return values[::-1]


def _assemble(kernel: "Kernel", result: dict[str, Any], odd: Bools, singles: list[Row]) -> pa.Table:
    """The output columns: the kernel's answers, with the rows decided one by one in their places."""
    picked = result  # fresh arrays of this batch: the rows decided alone are written into them
    alone = np.flatnonzero(odd)
    errors: list[str] = []
    error = np.full(len(odd), -1, dtype=np.int64)
    if len(alone):
        for at, row in zip(alone.tolist(), singles):
            _place(kernel, picked, at, row)
            if row["error"] is not None:
                error[at] = len(errors)
                errors.append(row["error"])
    valid = error < 0
    names = kernel.names.objects
    fine_table = np.array([f if f is not None else (0, 0, 0, 0) for f in kernel.fines], dtype=np.int64).T.copy()
    fine = picked["fine"]
    columns: dict[str, Any] = {
        "step": _strings(np.where(valid, picked["step"], -1), list(STEPS)),
        "procedure": _strings(np.where(valid, picked["procedure"], -1), list(PROCEDURES)),
        "hearing_right": column(picked["hearing"].astype(bool), ~valid, pa.bool_()),
        "referral_to": _strings(picked["referral"], names),
        "penalty_cite": _strings(picked["cite"], names),
    }
    for j, name in enumerate(("fine_min", "fine_max", "suggested_min", "suggested_max")):
        columns[name] = column(fine_table[j][fine], fine == 0, pa.int64())
    columns["deadline"] = _dates(picked["deadline"])
    columns["law_date"] = _dates(picked["law_date"])
    columns["barred"] = column(picked["barred"].astype(bool), ~valid, pa.bool_())
    columns["error"] = _sparse_strings(alone[error[alone] >= 0], errors, len(odd)) if errors else pa.nulls(len(odd), pa.string())
    return pa.Table.from_pydict(columns, schema=OUTPUT_SCHEMA)


def _place(kernel: "Kernel", result: dict[str, Any], at: int, row: Row) -> None:
    """Write one row decided alone into the answer arrays (codes of the same tables)."""
    if row["error"] is not None:
        result["referral"][at] = result["cite"][at] = -1
        result["fine"][at] = 0
        result["deadline"][at] = result["law_date"][at] = NO_DAY
        return
    result["step"][at] = STEPS.index(row["step"])
    result["procedure"][at] = PROCEDURES.index(row["procedure"])
    result["hearing"][at] = row["hearing_right"]
    result["referral"][at] = kernel.names.code(row["referral_to"])
    result["cite"][at] = kernel.names.code(row["penalty_cite"])
    value = (row["fine_min"], row["fine_max"], row["suggested_min"], row["suggested_max"])
    result["fine"][at] = kernel.fine_code(value) if row["fine_min"] is not None else 0
    result["deadline"][at] = _days(row["deadline"])
    result["law_date"][at] = _days(row["law_date"])
    result["barred"][at] = row["barred"]


def _days(day: dt.date | None) -> int:
    return NO_DAY if day is None else epoch_days(day)


def _strings(codes: Ints, values: list[Any]) -> pa.Array:
    """Codes into ``values`` as a string column (-1 is null)."""
    dictionary = pa.array([v if isinstance(v, str) else "" for v in values] or [""], type=pa.string())
    return dictionary.take(column(codes.astype(np.int32), codes < 0, pa.int32()))  # a null index gives a null


def _sparse_strings(rows: Ints, values: list[str], size: int) -> pa.Array:
    """A string column of ``size`` rows, null but at ``rows`` (ascending), which hold ``values``:
    its buffers built directly (a few values among many nulls)."""
    data = [value.encode() for value in values]
    lengths = np.zeros(size, dtype=np.int32)
    lengths[rows] = [len(value) for value in data]
    offsets = np.zeros(size + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    valid = np.zeros(size, dtype=bool)
    valid[rows] = True
    return pa.Array.from_buffers(pa.string(), size, [pa.py_buffer(np.packbits(valid, bitorder="little")),
                                                     pa.py_buffer(offsets), pa.py_buffer(b"".join(data))],
                                 null_count=size - len(rows))


def _dates(days: Ints) -> pa.Array:
    return column(days.astype(np.int32), days == NO_DAY, pa.date32())


__all__ = ["Hashable", "Kernel"]

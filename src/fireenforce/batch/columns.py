"""A case table (the Case JSON shape as Arrow) read into numpy arrays for the kernel.

Only what the kernel can take exactly is read; a row with anything else (an unknown field, a
wrong type, a text too long, a local fact, a null inside a list, a date that is not a plain
``YYYY-MM-DD``) is marked ``odd`` and decided by ``decide`` alone, which gives its error or its
decision. A null is an absent field: Arrow cannot tell them apart.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from typing import Any, Callable, Mapping

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel

from fireenforce.batch.output import epoch_days
from fireenforce.model.case import (
    DATE_PATTERN, FIRST_DAY, LAST_DAY, MAX_HISTORY, MAX_NAME, MAX_TEXT, Case, Facts, HistoryEntry, Office, Place,
    Subject,
)

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
NO_DAY = -(2**31)  # a null date
_BAD_DAY = NO_DAY + 1  # a date the kernel leaves to ``decide``
_FIRST, _LAST = epoch_days(FIRST_DAY), epoch_days(LAST_DAY)
_DATE = re.compile(DATE_PATTERN)
KEY_SEPARATOR = "\x1f"  # joins a list of codes into one key string


def one_array(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """A column as one contiguous array."""
    if isinstance(column, pa.ChunkedArray):
        return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return column


def encode(array: pa.Array) -> tuple[Ints, list[str]]:
    """Dictionary codes (-1 for null) and the strings they index (an Arrow dictionary's own)."""
    values, codes = split(array.dictionary_encode())
    assert codes is not None
    return codes, values.to_pylist()


def split(array: pa.Array) -> tuple[pa.Array, Ints | None]:
    """A dictionary array as its dictionary and each position's index into it (-1 for null);
    any other array as itself (no indices)."""
    if not pa.types.is_dictionary(array.type):
        return array, None
    indices = pc.fill_null(array.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return array.dictionary, indices


def spread(per_value: Ints, indices: Ints | None, null: int) -> Ints:
    """Values computed once per dictionary entry, at each position (``null`` for a null index)."""
    return per_value if indices is None else np.append(per_value, null)[indices]


def factorize(values: Ints) -> tuple[Ints, Ints]:
    """Codes 0..k-1 and the k distinct values (ascending) of an integer array: a direct table
    when the values span a small range, else a sort."""
    if not len(values):
        return values, values
    low, high = int(values.min()), int(values.max())
    if high - low > max(4 * len(values), 1 << 16):
        unique, codes = np.unique(values, return_inverse=True)
        return codes.reshape(-1), unique
    shifted = values - low
    seen = np.zeros(high - low + 1, dtype=bool)
    seen[shifted] = True
    unique = np.flatnonzero(seen)
    remap = np.zeros(high - low + 1, dtype=np.int64)
    remap[unique] = np.arange(len(unique))
    return remap[shifted], unique + low


def _is_text(kind: pa.DataType) -> bool:
    """A string type, or a dictionary of strings (as Parquet readers give enumerations)."""
    return _is_plain_text(kind.value_type if pa.types.is_dictionary(kind) else kind)


def _is_plain_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _is_list(kind: pa.DataType) -> bool:
    return pa.types.is_list(kind) or pa.types.is_large_list(kind)


def unpack(bitmap: pa.Buffer, offset: int, size: int) -> Bools:
    """Bits ``offset``..``offset + size`` of an Arrow bitmap (least significant bit first) as booleans."""
    raw = np.frombuffer(bitmap, dtype=np.uint8, count=(offset + size + 7) // 8)
    return np.unpackbits(raw, bitorder="little")[offset:offset + size].view(bool)


def _valid(array: pa.Array) -> Bools:
    if not array.null_count:
        return np.ones(len(array), dtype=bool)
    bitmap = array.buffers()[0]
    if bitmap is None:  # a type without a validity bitmap (null, union)
        return np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    return unpack(bitmap, array.offset, len(array))


def _booleans(array: pa.Array) -> Bools:
    """A boolean array's values, null as false (its bitmaps unpacked: no Arrow kernel, no copy per value in Python)."""
    values = unpack(array.buffers()[1], array.offset, len(array))
    return values & _valid(array) if array.null_count else values


def _integers(array: pa.Array, null: int = -1) -> Ints:
    """An integer array (as ``index_in`` gives, or a date32's days) in its own width, ``null`` for
    null (without nulls: a read-only view of the Arrow buffer, no copy)."""
    if not array.null_count:
        return array.to_numpy(zero_copy_only=False)
    return np.where(_valid(array), np.frombuffer(array.buffers()[1], dtype=array.type.to_pandas_dtype(),
                                                 count=array.offset + len(array))[array.offset:], null)


CLEAN, MANY = -1, -2  # a row's flaw: none known, or more than one thing (or one not a flaw) left to decide


class Flaws:
    """Invalid values of one field (``subject.kind`` 'robot', ``observed_on`` '2026-02-30') as
    small integers, shared by a kernel's batches: a row whose only fault is one of them gets the
    error ``decide`` gave the first such row (``kernel.Kernel._singles``)."""

    KEPT = 4_096  # distinct values remembered (with their errors, well under a megabyte)

    def __init__(self) -> None:
        self.known: dict[tuple[str, Any], int] = {}
        self.paths: list[str] = []
        self._lock = threading.Lock()

    def code(self, path: str, value: Any) -> int:
        """The value's code (MANY once ``KEPT`` values are known: its rows go to ``decide``)."""
        found = self.known.get((path, value))
        if found is None:
            with self._lock:
                found = self.known.get((path, value))
                if found is None:
                    if len(self.paths) >= self.KEPT:
                        return MANY
                    found = self.known[(path, value)] = len(self.paths)
                    self.paths.append(path)
        return found


class Frame:
    """Typed fields of a table (or of the entries of a list column) with the rows to leave to ``decide``.

    ``owner`` maps each position to its row of the case table (history entries); ``odd`` is the
    case table's flag array, shared by every frame over it. With ``flaws``, ``causes`` (shared
    too) says of each row left to ``decide`` whether one invalid value of one field is all that is
    wrong with it (its code in ``flaws``), which only a top-level frame records.
    """

    def __init__(self, root: pa.Table | pa.StructArray, odd: Bools, owner: Ints | None = None,
                 flaws: Flaws | None = None, causes: Ints | None = None) -> None:
        self.root = root
        self.size = root.num_rows if isinstance(root, pa.Table) else len(root)
        self.odd = odd
        self.owner = owner
        self.flaws = flaws if owner is None else None
        self.causes = causes

    def mark(self, where: Bools, checked_after_validation: bool = False) -> None:
        """Leave these positions' rows to ``decide``. ``checked_after_validation``: what ``decide``
        refuses only once the case is valid (``check_dates``), so it never changes the error of a
        row with an invalid field."""
        if where.any():
            rows = where if self.owner is None else self.owner[where]
            self.odd[rows] = True
            if self.causes is not None and not checked_after_validation:
                self.causes[rows] = MANY

    def _flaw(self, where: Bools, path: str, array: pa.Array) -> None:
        """Leave these positions' rows to ``decide``, each for its value of the field at ``path``,
        which the Case model refuses."""
        if self.flaws is None or self.causes is None or not where.any():
            self.mark(where)
            return
        rows = np.flatnonzero(where)
        self.odd[rows] = True
        causes, flaws = self.causes, self.flaws
        for row, value in zip(rows.tolist(), array.take(pa.array(rows)).to_pylist()):
            code = flaws.code(path, value)
            causes[row] = code if causes[row] in (CLEAN, code) else MANY

    def _top(self, name: str) -> pa.Array | None:
        if isinstance(self.root, pa.Table):
            return one_array(self.root.column(name)) if name in self.root.column_names else None
        index = self.root.type.get_field_index(name)
        return pc.struct_field(self.root, [index]) if index >= 0 else None

    def get(self, path: str) -> pa.Array | None:
        """The field at a dotted path (parent nulls make it null), or None when it is absent."""
        head, *rest = path.split(".")
        array = self._top(head)
        for name in rest:
            if array is None or pa.types.is_null(array.type):
                return None
            if not pa.types.is_struct(array.type):
                self.mark(_valid(array))
                return None
            index = array.type.get_field_index(name)
            array = pc.struct_field(array, [index]) if index >= 0 else None
        return None if array is None or pa.types.is_null(array.type) else array

    def unknown(self, path: str, model: type[BaseModel]) -> None:
        """Rows that give a field the model does not have (an error, or a local fact): "" is the root."""
        if path:
            array = self._top(path)
            if array is None or not pa.types.is_struct(array.type):
                return
            names = [field.name for field in array.type]
        else:
            names = self.root.column_names if isinstance(self.root, pa.Table) else [f.name for f in self.root.type]
        for name in names:
            if name not in model.model_fields:
                field = self.get(f"{path}.{name}" if path else name)
                if field is not None:
                    self.mark(_valid(field))

    def text(self, path: str, limit: int = MAX_NAME) -> pa.Array | None:
        """A string field; longer than ``limit`` characters is left to ``decide``."""
        array = self.get(path)
        if array is None or not self._text_type(array):
            return None
        values, indices = split(array)
        if (pc.max(pc.binary_length(values)).as_py() or 0) > limit:
            long = _booleans(pc.greater(pc.utf8_length(values), limit))
            self.mark(spread(long.astype(np.int64), indices, 0).astype(bool))
        return array

    def _text_type(self, array: pa.Array) -> bool:
        if _is_text(array.type):
            return True
        self.mark(_valid(array))
        return False

    def codes(self, path: str, values: Mapping[str, int], absent: int, closed: bool = False) -> Ints:
        """A string field as codes of ``values``; ``absent`` for null; another string is left to
        ``decide`` (``closed``: ``values`` are all the model allows, so another string is a flaw)."""
        array = self.get(path)
        if array is None or not self._text_type(array):
            out = np.full(self.size, absent, dtype=np.int64)
            self.mark(out < 0)
            return out
        strings, indices = split(array)
        known = pa.array(list(values), type=strings.type)
        position = _integers(pc.index_in(strings, value_set=known))
        table = np.append(np.array(list(values.values()), dtype=np.int64), -1)[position]  # -1: another string
        valid = _valid(strings) if strings.null_count else None  # a null is absent, not another string
        out = spread(table if valid is None else np.where(valid, table, absent), indices, absent)
        if closed:
            other = table < 0 if valid is None else valid & (table < 0)
            other = other if indices is None else np.append(other, False)[indices]
            self._flaw(other, path, array)
            self.mark((out < 0) & ~other)
        else:
            self.mark(out < 0)
        return out

    def lookup(self, path: str, vocabulary: pa.Array) -> Ints:
        """A string field as its position in ``vocabulary`` (-1: null, absent or another string)."""
        array = self.text(path)
        if array is None:
            return np.full(self.size, -1, dtype=np.int64)
        strings, indices = split(array)
        position = pc.index_in(strings, value_set=vocabulary.cast(strings.type))
        return spread(_integers(position).astype(np.int64), indices, -1)  # codes meet int64 arrays: one cast here

    def flag(self, path: str) -> tuple[Bools, Bools]:
        """A boolean field: (value, given); null is absent (false)."""
        array = self.get(path)
        if array is None:
            no = np.zeros(self.size, dtype=bool)
            return no, no
        if not pa.types.is_boolean(array.type):
            self.mark(_valid(array))
            no = np.zeros(self.size, dtype=bool)
            return no, no
        return _booleans(array), _valid(array)

    def day(self, path: str, required: bool = False) -> Ints:
        """A date field as days since 1970-01-01 (NO_DAY for null); a plain ``YYYY-MM-DD`` string
        or a date32. A text the kernel does not read as a date is a flaw of the row; ``required``:
        a null (an absent date) is left to ``decide`` too."""
        array = self.get(path)
        if array is None:
            out = np.full(self.size, NO_DAY, dtype=np.int64)
            if required:
                self.mark(out == NO_DAY)
            return out
        values, indices = split(array)
        found = self._days(values)
        if found is None:
            self.mark(np.ones(self.size, dtype=bool) if required else _valid(array))
            return np.full(self.size, NO_DAY, dtype=np.int64)
        out = spread(found, indices, NO_DAY)
        bad = out == _BAD_DAY
        if _is_text(values.type):
            self._flaw(bad, path, array)
        else:
            self.mark(bad)
        if required:
            self.mark(out == NO_DAY)
        return np.where(bad, NO_DAY, out) if bad.any() else out

    @staticmethod
    def _days(array: pa.Array) -> Ints | None:
        """Days of a plain array of dates or ``YYYY-MM-DD`` strings (_BAD_DAY for a wrong one);
        None for another type."""
        if _is_text(array.type):
            try:  # Arrow parses plain YYYY-MM-DD strings (and refuses anything else, or an impossible day)
                array = array.cast(pa.date32())
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                codes, strings = encode(array)
                return np.array([_parse_day(s) for s in strings] + [NO_DAY], dtype=np.int64)[codes]
        if not pa.types.is_date32(array.type):
            return None
        out = _integers(array.view(pa.int32()), NO_DAY).astype(np.int64)  # days meet int64 arrays: one cast here
        bad = (out < _FIRST) | (out > _LAST)
        if array.null_count:
            bad &= out != NO_DAY
        return np.where(bad, _BAD_DAY, out) if bad.any() else out

    def entries(self, path: str, accept: Callable[[pa.DataType], bool],
                limit: int) -> tuple[pa.Array, pa.Array, Ints] | None:
        """A list field (its entries of an accepted type, at most ``limit`` per row): the lists,
        their entries and the position each entry comes from; None when there are none."""
        array = self.get(path)
        if array is None:
            return None
        if _is_list(array.type) and pa.types.is_dictionary(array.type.value_type):  # a list of a few codes
            array = array.cast(pa.list_(array.type.value_type.value_type))
        if not _is_list(array.type) or not (accept(array.type.value_type) or pa.types.is_null(array.type.value_type)):
            self.mark(_valid(array))
            return None
        lengths = pc.fill_null(pc.list_value_length(array), 0).to_numpy(zero_copy_only=False)
        self.mark(lengths > limit)
        values = pc.list_flatten(array)
        if len(values) == 0:
            return None
        parents = pc.list_parent_indices(array).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
        if pa.types.is_null(values.type):  # null entries: decide refuses them
            self.mark(np.bincount(parents, minlength=self.size) > 0)
            return None
        return array, values, parents

    def code_list(self, path: str, limit: int) -> tuple[Ints, list[str]]:
        """A list of codes as one key code per row (0: none) and the joined codes each stands for;
        a null, empty or overlong entry, more than ``limit`` entries, or a separator inside a code
        is left to ``decide``."""
        key = np.zeros(self.size, dtype=np.int64)
        found = self.entries(path, _is_plain_text, limit)
        if found is None:
            return key, [""]
        array, values, parents = found
        chars = pc.utf8_length(values)
        bad = pc.or_(pc.is_null(values), pc.or_(pc.equal(chars, 0), pc.greater(chars, MAX_NAME)))
        bad = pc.or_(pc.fill_null(bad, True), pc.match_substring(values, KEY_SEPARATOR))
        wrong = _booleans(bad) | ~_valid(bad)
        self.mark(np.bincount(parents[wrong], minlength=self.size) > 0)
        given = parents[np.flatnonzero(np.diff(parents, prepend=-1))]  # the rows with entries (in order)
        codes, strings = encode(pc.fill_null(pc.binary_join(array.take(pa.array(given)), KEY_SEPARATOR), ""))
        key[given] = codes + 1  # most lists are empty: only the others are joined and hashed
        return key, ["", *strings]


@functools.lru_cache(maxsize=1 << 16)
def _parse_day(text: str) -> int:
    if not _DATE.match(text):
        return _BAD_DAY
    try:
        return epoch_days(dt.date.fromisoformat(text))
    except ValueError:
        return _BAD_DAY


class CaseColumns:
    """Every field of a case table the kernel keys on, read once."""

    def __init__(self, table: pa.Table, items: pa.Array, offices: pa.Array, flaws: Flaws | None = None) -> None:
        """``items``: the catalogue's codes, ``offices``: the offices the ruleset names (a row's
        item and office are read as positions in them); ``flaws``: the kernel's, to say of each
        row left to ``decide`` whether one invalid value is all that is wrong with it (``causes``)."""
        self.n = table.num_rows
        self.odd = np.zeros(self.n, dtype=bool)
        self.causes = np.full(self.n, CLEAN, dtype=np.int64)
        frame = Frame(table, self.odd, flaws=flaws, causes=self.causes)
        self.frame = frame
        frame.unknown("", Case)
        responsible = frame.get("responsible_person")
        if responsible is not None:  # a unit's responsible person (and its checks) stays with decide
            frame.mark(_valid(responsible))
        for path, model in (("subject", Subject), ("place", Place), ("office", Office), ("facts", Facts)):
            frame.unknown(path, model)  # under facts: local facts, which decide checks
        self.item = frame.lookup("item", items)
        frame.mark(self.item < 0)  # no item (found from the description by ``decide``), or an unknown one
        frame.text("description", MAX_TEXT)
        for path in ("subject.name", "subject.id", "subject.address", "place.name", "place.address"):
            frame.text(path)
        self.office = frame.lookup("office.name", offices)  # a named office may hold less than its level
        frame.text("facts.narrative", MAX_TEXT)
        self.kind = frame.codes("subject.kind", {"unit": 0, "individual": 1}, -1, closed=True)
        frame.mark(frame.day("subject.born_on") != NO_DAY)  # penalty-law arts. 30-31 stay with decide
        frame.codes("subject.capacity", {"full": 0}, 0)
        self.level = frame.codes("office.level", {"street": 0, "town": 1, "township": 2, "brigade": 3}, -1, closed=True)
        self.operating = _tristate(frame.flag("subject.operating"))
        self.high_rise = _tristate(frame.flag("place.high_rise"))
        self.crowded = _tristate(frame.flag("place.crowded"))
        given = {name: frame.flag(f"facts.{name}")[0] for name, field in Facts.model_fields.items() if field.default is False}
        self.facts = given  # each fact: given true
        self.harm, self.refused = given["harm"], given["refused"]
        frame.mark(given["serious"] & (given["minor"] | given["slight"]) | given["slight_harm"] & ~self.harm)  # Facts refuses these
        self.mitigating = frame.code_list("facts.mitigating", 50)
        self.aggravating = frame.code_list("facts.aggravating", 50)
        frame.code_list("facts.evidence", 100)
        self.observed = frame.day("observed_on", required=True)
        observed = self.observed
        self.decided = np.where((d := frame.day("decided_on")) == NO_DAY, observed, d)
        self.start = np.where((s := frame.day("occurred_on")) == NO_DAY, observed, s)
        self.ended = frame.day("ended_on")
        ended = self.ended != NO_DAY
        frame.mark((self.start > observed) | (observed > self.decided)
                   | (ended & ((self.ended < self.start) | (self.ended > self.decided))), checked_after_validation=True)
        self.history = History.read(frame, self.decided, items)


def _tristate(flag: tuple[Bools, Bools]) -> Ints:
    """0 absent, 1 false, 2 true."""
    value, given = flag
    return given.astype(np.int64) + (value & given)


class History:
    """The entries of the ``history`` column, flattened, each with the row it belongs to."""

    def __init__(self, owner: Ints, entries: Frame, decided: Ints, items: pa.Array) -> None:
        self.owner = owner
        self.item = entries.lookup("item", items)
        entries.mark(self.item < 0)  # decide names an unknown item
        self.step = entries.codes("step", {"reminder": 0, "warning": 1, "penalty": 2, "referral": 3}, -1)
        self.issued_by = entries.codes("issued_by", {"office": 0, "fire_rescue": 1}, 0)
        self.rectified = entries.flag("rectified")[0]
        self.date = entries.day("date")
        self.deadline = entries.day("deadline")
        self.reinspected = entries.day("reinspected_on")
        today = decided[owner]
        has_deadline, has_reinspection = self.deadline != NO_DAY, self.reinspected != NO_DAY
        entries.mark((self.date == NO_DAY) | (has_deadline & (self.deadline < self.date))
                     | (has_reinspection & (self.reinspected < self.date)))
        entries.mark((self.date > today) | (has_reinspection & (self.reinspected > today)), checked_after_validation=True)

    def segments(self) -> tuple[Ints, Ints]:
        """The rows that have entries, and the position of each one's first entry (entries come
        in row order): the offsets for ``numpy.ufunc.reduceat`` over the entries."""
        counts = np.bincount(self.owner)  # entries per row, up to the last row that has some
        rows = np.flatnonzero(counts)
        ends = np.cumsum(counts)
        return rows, ends[rows] - counts[rows]

    @classmethod
    def read(cls, frame: Frame, decided: Ints, items: pa.Array) -> "History | None":
        found = frame.entries("history", pa.types.is_struct, MAX_HISTORY)
        if found is None:
            return None
        _, values, owner = found
        entries = Frame(values, frame.odd, owner, causes=frame.causes)
        entries.mark(~_valid(values))
        entries.unknown("", HistoryEntry)
        return cls(owner, entries, decided, items)

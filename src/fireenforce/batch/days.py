"""Per-day answers remembered for a kernel's life: a function of a date, evaluated once per
distinct day and read for a whole column by one numpy gather."""

from __future__ import annotations

import threading
from typing import Callable

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]


class DayTable:
    """``fn(day)`` (a tuple of ``width`` integers) for days since 1970-01-01, kept in a numpy table
    over the range of days seen so far (a row per answer: each column of answers is one gather);
    safe to share between threads."""

    def __init__(self, fn: Callable[[int], tuple[int, ...]], width: int) -> None:
        self.fn = fn
        self.width = width
        self.low = 0
        self.values = np.zeros((width, 0), dtype=np.int64)  # by answer, then day
        self.known = np.zeros(0, dtype=bool)
        self.lock = threading.Lock()

    def __call__(self, days: Ints) -> list[Ints]:
        """The answers for ``days``: ``width`` columns, one value per day."""
        if not len(days):
            return [np.zeros(0, dtype=np.int64) for _ in range(self.width)]
        with self.lock:
            self._cover(int(days.min()), int(days.max()))
            at = days - self.low
            missing = ~self.known[at]
            if missing.any():
                new = np.zeros(len(self.known), dtype=bool)  # the distinct days missing (no sort)
                new[at[missing]] = True
                for offset in np.flatnonzero(new).tolist():
                    self.values[:, offset] = self.fn(self.low + offset)
                    self.known[offset] = True
            return [column[at] for column in self.values]

    def _cover(self, low: int, high: int) -> None:
        """Grow the table to hold the days ``low``..``high``."""
        size = len(self.known)
        if size and self.low <= low and high < self.low + size:
            return
        new_low = min(low, self.low) if size else low
        new_high = max(high, self.low + size - 1) if size else high
        values = np.zeros((self.width, new_high - new_low + 1), dtype=np.int64)
        known = np.zeros(new_high - new_low + 1, dtype=bool)
        values[:, self.low - new_low:self.low - new_low + size] = self.values
        known[self.low - new_low:self.low - new_low + size] = self.known
        self.low, self.values, self.known = new_low, values, known

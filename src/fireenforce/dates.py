"""Calendar arithmetic for windows and limitation periods."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Iterable


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` (negative goes back); the 31st clamps to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` in ``years`` years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def chinese_date(day: dt.date) -> str:
    """2026-05-03 → 2026年5月3日 (the form of dates in documents and in reasons)."""
    return f"{day.year}年{day.month}月{day.day}日"


def full_years(born: dt.date, day: dt.date) -> int:
    """Age in full years (周岁) on ``day``: a year of age is complete from the day after the
    birthday, as ages are counted in Chinese law (已满十四周岁 begins the day after the 14th birthday)."""
    years = day.year - born.year
    return years if day > add_years(born, years) else years - 1


class WorkingCalendar:
    """Working days (工作日) as the State Council's yearly holiday notices set them: Monday to
    Friday, less the days off (放假调休), plus the adjusted working Saturdays and Sundays (调休上班).

    Only the ``years`` whose notice is known are counted exactly; a day of another year counts
    Monday to Friday, and callers say so (``uncovered``)."""

    __slots__ = ("years", "_off", "_on")

    def __init__(self, years: Iterable[int] = (), off: Iterable[dt.date] = (), on: Iterable[dt.date] = ()) -> None:
        self.years = frozenset(years)
        self._off = frozenset(off)
        self._on = frozenset(on)

    def is_working(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day."""
        if day in self._on:
            return True
        return day.weekday() < 5 and day not in self._off

    def add(self, day: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``day`` (``day`` itself is not counted); ``day`` for 0."""
        out, rest = day, days
        while rest > 0:
            out += _ONE_DAY
            rest -= self.is_working(out)
        return out

    def uncovered(self, first: dt.date, last: dt.date) -> tuple[int, ...]:
        """The years from ``first`` to ``last`` (inclusive) the calendar does not know."""
        return tuple(year for year in range(first.year, last.year + 1) if year not in self.years)


_ONE_DAY = dt.timedelta(days=1)

"""Calendar arithmetic for windows and limitation periods."""

from __future__ import annotations

import calendar
import datetime as dt


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


def full_years(born: dt.date, day: dt.date) -> int:
    """Age in full years (周岁) on ``day``: a year of age is complete from the day after the
    birthday, as ages are counted in Chinese law (已满十四周岁 begins the day after the 14th birthday)."""
    years = day.year - born.year
    return years if day > add_years(born, years) else years - 1


def add_working_days(day: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``day`` (Monday to Friday; public holidays and adjusted
    working days are not known here, so callers state that doubt)."""
    out, rest = day, days
    while rest > 0:
        out += dt.timedelta(days=1)
        if out.weekday() < 5:
            rest -= 1
    return out

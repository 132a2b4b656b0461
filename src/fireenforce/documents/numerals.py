"""Chinese numerals for documents: amounts in capitals (大写), article numbers and dates."""

from __future__ import annotations

import datetime as dt

import cn2an


def capitals(amount: int) -> str:
    """A yuan amount in financial capitals: 12000 → 壹万贰仟元整 (via cn2an, never by hand)."""
    if amount < 0:
        raise ValueError(f"amount must not be negative: {amount}")
    return cn2an.an2cn(amount, "rmb")


def number(value: int) -> str:
    """A count in ordinary Chinese numerals: 15 → 十五, 28 → 二十八."""
    return cn2an.an2cn(value, "low")


def chinese_date(day: dt.date) -> str:
    """2026-05-03 → 2026年5月3日 (the form used in dated documents)."""
    return f"{day.year}年{day.month}月{day.day}日"

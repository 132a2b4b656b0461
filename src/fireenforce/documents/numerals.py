"""Chinese numerals for documents: amounts in capitals (大写), article numbers and dates."""

from __future__ import annotations

import cn2an

from fireenforce.dates import chinese_date

__all__ = ["capitals", "chinese_date", "number"]


def capitals(amount: int) -> str:
    """A yuan amount in financial capitals: 12000 → 壹万贰仟元整 (via cn2an, never by hand)."""
    if amount < 0:
        raise ValueError(f"amount must not be negative: {amount}")
    return cn2an.an2cn(amount, "rmb")


def number(value: int) -> str:
    """A count in ordinary Chinese numerals: 15 → 十五, 28 → 二十八."""
    return cn2an.an2cn(value, "low")

"""Amounts in Chinese capitals (via cn2an) and Chinese dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cn2an

from fireenforce.documents.numerals import capitals, chinese_date, number


@pytest.mark.parametrize(("amount", "text"), [
    (0, "零元整"), (500, "伍佰元整"), (200, "贰佰元整"), (3000, "叁仟元整"), (12000, "壹万贰仟元整"),
    (50000, "伍万元整"), (1010, "壹仟零壹拾元整"), (100005, "壹拾万零伍元整"),
])
def test_known_amounts(amount: int, text: str) -> None:
    assert capitals(amount) == text


@given(st.integers(min_value=0, max_value=10**12))
def test_capitals_round_trip_through_cn2an(amount: int) -> None:
    text = capitals(amount)
    assert text.endswith("元整")
    assert set(text) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元整")
    assert int(cn2an.cn2an(text, "smart")) == amount, "cn2an's own parser reads it back"


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError):
        capitals(-1)


def test_numbers_and_dates() -> None:
    assert [number(n) for n in (3, 15, 28, 60)] == ["三", "十五", "二十八", "六十"]
    assert chinese_date(dt.date(2026, 5, 3)) == "2026年5月3日"
    assert chinese_date(dt.date(2026, 12, 31)) == "2026年12月31日"

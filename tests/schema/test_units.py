"""Stated quantities -> exact values, canonical units and qualifiers."""

from __future__ import annotations

from fractions import Fraction

import pytest

from dazhou_reforms.schema.units import StatedQuantityError, chinese_numeral, parse_stated, to_standard

CASES = [
    # stated, value, unit, qualifier
    ("1491亿元", 149_100_000_000, "CNY", "exact"),
    ("469万亩", 4_690_000, "mu", "exact"),
    ("4.69万亩", 46_900, "mu", "exact"),
    ("600万千瓦时", 6_000_000, "kWh", "exact"),
    ("11个", 11, "count", "exact"),
    ("21个", 21, "count", "exact"),
    ("5个工作日", 5, "working_day", "exact"),
    ("5类", 5, "count", "exact"),
    ("3级", 3, "count", "exact"),
    ("两级", 2, "count", "exact"),
    ("四个", 4, "count", "exact"),
    ("三大", 3, "count", "exact"),
    ("两大", 2, "count", "exact"),
    ("5年", 5, "year", "exact"),
    ("二十一个", 21, "count", "exact"),
    ("10家", 10, "count", "exact"),
    ("3吨", 3, "tonne", "exact"),
    ("第五", 5, "rank", "exact"),
    ("第一", 1, "rank", "exact"),
    ("第三个", 3, "rank", "exact"),
    ("第20名", 20, "rank", "exact"),
    ("率先", 1, "rank", "exact"),
    ("首推", 1, "rank", "exact"),
    ("首批", 1, "rank", "exact"),
    ("百亿级", 10**10, None, "order_of_magnitude"),
    ("千亿级", 10**11, None, "order_of_magnitude"),
    ("万亿级", 10**12, None, "order_of_magnitude"),
    ("百万吨级", 10**6, "tonne", "order_of_magnitude"),
    ("超过10万元", 100_000, "CNY", "more_than"),
    ("约3万亩", 30_000, "mu", "approximately"),
    ("100多个", 100, "count", "more_than"),
    ("5个以上", 5, "count", "at_least"),
    ("1.5万亿元", 1_500_000_000_000, "CNY", "exact"),
]


@pytest.mark.parametrize(("stated", "value", "unit", "qualifier"), CASES)
def test_parse_stated(stated: str, value: int, unit: str | None, qualifier: str) -> None:
    parsed = parse_stated(stated)
    assert parsed.value == value
    assert parsed.unit == unit
    assert parsed.qualifier == qualifier


def test_arithmetic_is_exact() -> None:
    assert parse_stated("0.1万元").value == Fraction(1000)
    assert parse_stated("1491亿元").decimal.to_integral_value() == 149_100_000_000


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十一", 21),
        ("百", 100),
        ("三百零五", 305),
        ("两千", 2000),
    ],
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert chinese_numeral(numeral) == value


@pytest.mark.parametrize(
    ("stated", "message"),
    [
        ("", "no number found in ''"),
        ("abc", "no number found in 'abc'"),
        ("第", "no number found in '第'"),
        ("12x元", "cannot read 'x' in '12x元'"),
        ("超过5个以上", "more than one qualifier in '超过5个以上'"),
        ("约百亿级", "a qualifier before an order of magnitude in '约百亿级'"),
    ],
)
def test_unreadable(stated: str, message: str) -> None:
    with pytest.raises(StatedQuantityError) as raised:
        parse_stated(stated)
    assert str(raised.value) == message


def test_mu_to_hectare_is_exactly_one_fifteenth() -> None:
    value, unit = to_standard(Fraction(4_690_000), "mu")
    assert unit == "hectare"
    assert value == Fraction(4_690_000, 15)
    assert float(value) == 312666.6666666667


def test_other_units_are_their_own_standard() -> None:
    assert to_standard(Fraction(7), "CNY") == (Fraction(7), "CNY")

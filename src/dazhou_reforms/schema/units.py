"""Turn quantities as Chinese texts state them into exact numbers and canonical unit codes.

``parse_stated("1491亿元")`` gives ``StatedQuantity(Decimal("149100000000"), "CNY", "exact")``.
Arithmetic is exact (:class:`~fractions.Fraction`); convert to ``float`` only when storing.

Grammar of a stated quantity (whole string, no surrounding text)::

    [prefix qualifier] number [magnitude words] [unit word] [级 | suffix qualifier]
    第 number [个|名|位]                         -> a rank
    率先 | 首推 | 首批 | 首个                    -> rank 1 (first to do something)

with numbers in ASCII digits (``1491``, ``4.69``) or Chinese numerals (``四``, ``两``, ``二十一``),
magnitude words 十 百 千 万 亿 (``万亿`` = 1e12), and ``级`` after bare magnitude words meaning
an order of magnitude (``百亿级`` = "of the 10-billion class").
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Final

from dazhou_reforms.schema.vocabularies import Qualifier, Unit

DIGITS: Final = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_MAGNITUDES: Final = {"十": 10, "百": 100, "千": 1000}
LARGE_MAGNITUDES: Final = {"万": 10**4, "亿": 10**8}
MAGNITUDES: Final = {**SMALL_MAGNITUDES, **LARGE_MAGNITUDES}

#: Unit words, longest first, with the canonical unit code they map to.
UNIT_WORDS: Final[tuple[tuple[str, Unit], ...]] = (
    ("个工作日", "working_day"),
    ("工作日", "working_day"),
    ("千瓦时", "kWh"),
    ("立方米", "cubic_metre"),
    ("公顷", "hectare"),
    ("元", "CNY"),
    ("亩", "mu"),
    ("度", "kWh"),
    ("吨", "tonne"),
    ("方", "cubic_metre"),
    ("年", "year"),
    ("个", "count"),
    ("家", "count"),
    ("项", "count"),
    ("类", "count"),
    ("所", "count"),
    ("座", "count"),
    ("条", "count"),
    ("名", "count"),
    ("批", "count"),
    ("大", "count"),
    ("级", "count"),
)

PREFIX_QUALIFIERS: Final[tuple[tuple[str, Qualifier], ...]] = (
    ("超过", "more_than"),
    ("大约", "approximately"),
    ("约", "approximately"),
    ("近", "approximately"),
    ("逾", "more_than"),
    ("超", "more_than"),
)
SUFFIX_QUALIFIERS: Final[tuple[tuple[str, Qualifier], ...]] = (
    ("以上", "at_least"),
    ("多", "more_than"),
    ("余", "more_than"),
)
FIRST_WORDS: Final = ("率先", "首推", "首批", "首个")

#: Exact factor from a unit to its standard unit (the unit users compare across sources).
STANDARD_UNITS: Final[dict[str, tuple[Unit, Fraction]]] = {
    "mu": ("hectare", Fraction(1, 15)),
}

_NUMBER = re.compile(r"(?P<arabic>[0-9]+(?:\.[0-9]+)?)|(?P<chinese>[零〇一二两三四五六七八九十百千]+)")
_LARGE = re.compile(r"[万亿]+")
_SMALL_AFTER_ARABIC = re.compile(r"[十百千]")


#: The largest finite float, exactly.
_LARGEST_FLOAT: Final = Fraction(sys.float_info.max)


class StatedQuantityError(ValueError):
    """The text is not a quantity this module can read; the message says where it stopped."""


@dataclass(frozen=True)
class StatedQuantity:
    """What a stated quantity says: exact value, unit code (None if not stated), qualifier."""

    value: Fraction
    unit: Unit | None
    qualifier: Qualifier

    def __post_init__(self) -> None:
        if abs(self.value) > _LARGEST_FLOAT:  # a record stores a float: this one would not fit
            raise StatedQuantityError("the number is too large to be stored (beyond a float's range)")

    @cached_property
    def as_float(self) -> float:
        """The value as the float a record stores (computed once per stated text)."""
        return float(self.value)

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.value.numerator) / Decimal(self.value.denominator)


def chinese_numeral(text: str) -> int:
    """Value of a Chinese numeral below 10,000 (``二十一`` = 21, ``十`` = 10, ``百`` = 100)."""
    if not text:
        raise StatedQuantityError("empty numeral")
    total = 0
    pending: int | None = None
    for char in text:
        if char in "零〇":  # a placeholder between places, as in 三百零五
            continue
        if char in DIGITS:
            if pending is not None:
                raise StatedQuantityError(f"two digits in a row in {text!r}")
            pending = DIGITS[char]
        elif char in SMALL_MAGNITUDES:
            total += (1 if pending is None else pending) * SMALL_MAGNITUDES[char]
            pending = None
        else:
            raise StatedQuantityError(f"{char!r} is not a Chinese numeral character")
    return total + (pending or 0)


def _take_prefix(text: str, table: tuple[tuple[str, Qualifier], ...]) -> tuple[Qualifier | None, str]:
    for word, qualifier in table:
        if text.startswith(word):
            return qualifier, text[len(word) :]
    return None, text


def _take_suffix(text: str, table: tuple[tuple[str, Qualifier], ...]) -> tuple[Qualifier | None, str]:
    for word, qualifier in table:
        if text.endswith(word) and len(text) > len(word):
            return qualifier, text[: -len(word)]
    return None, text


def _take_unit(text: str) -> tuple[Unit | None, str]:
    for word, unit in UNIT_WORDS:
        if text.endswith(word) and len(text) > len(word):
            return unit, text[: -len(word)]
    return None, text


def _number(text: str, whole: str) -> tuple[Fraction, bool]:
    """Value of ``number [magnitude words]``, and whether it had digits (not bare magnitudes)."""
    match = _NUMBER.match(text)
    if match is None:
        if _LARGE.fullmatch(text):
            value = Fraction(1)
            for char in text:
                value *= LARGE_MAGNITUDES[char]
            return value, False
        raise StatedQuantityError(f"no number found in {whole!r}")
    rest = text[match.end() :]
    if match.group("arabic") is not None:
        value = Fraction(Decimal(match.group("arabic")))
        has_digits = True
        small = _SMALL_AFTER_ARABIC.match(rest)
        if small:
            value *= SMALL_MAGNITUDES[small.group()]
            rest = rest[1:]
    else:
        numeral = match.group("chinese")
        value = Fraction(chinese_numeral(numeral))
        has_digits = any(char in DIGITS for char in numeral)
    if rest and not _LARGE.fullmatch(rest):
        raise StatedQuantityError(f"cannot read {rest!r} in {whole!r}")
    for char in rest:
        value *= LARGE_MAGNITUDES[char]
    return value, has_digits


@lru_cache(maxsize=4096)
def parse_stated(text: str) -> StatedQuantity:
    """Read a stated quantity such as ``1491亿元``, ``第五``, ``百万吨级`` or ``5个工作日``.

    Pure, so cached: the same stated text is read once (results are immutable).
    """
    if text in FIRST_WORDS:
        return StatedQuantity(Fraction(1), "rank", "exact")
    if text.startswith("第"):
        rest = text[1:]
        for classifier in ("个", "名", "位"):
            if rest.endswith(classifier):
                rest = rest[: -len(classifier)]
                break
        value, _ = _number(rest, text)
        return StatedQuantity(value, "rank", "exact")
    prefix, rest = _take_prefix(text, PREFIX_QUALIFIERS)
    if rest.endswith("级") and len(rest) > 1:
        unit, number_text = _take_unit(rest[:-1])
        value, has_digits = _number(number_text, text)
        if not has_digits:  # 百亿级, 万亿级, 百万吨级: a class of magnitude, not "N levels"
            if prefix:
                raise StatedQuantityError(f"a qualifier before an order of magnitude in {text!r}")
            return StatedQuantity(value, unit, "order_of_magnitude")
    at_least, rest = _take_suffix(rest, SUFFIX_QUALIFIERS[:1])
    unit, rest = _take_unit(rest)
    more, rest = _take_suffix(rest, SUFFIX_QUALIFIERS[1:])
    value, _ = _number(rest, text)
    qualifiers = [q for q in (prefix, at_least, more) if q is not None]
    if len(qualifiers) > 1:
        raise StatedQuantityError(f"more than one qualifier in {text!r}")
    return StatedQuantity(value, unit, qualifiers[0] if qualifiers else "exact")


def to_standard(value: Fraction, unit: Unit) -> tuple[Fraction, Unit]:
    """Convert an exact value to its standard unit (mu -> hectare, 1 mu = 1/15 ha exactly)."""
    if unit in STANDARD_UNITS:
        standard, factor = STANDARD_UNITS[unit]
        return value * factor, standard
    return value, unit


def standard_for(value: float, unit: Unit, stated: StatedQuantity | None = None) -> tuple[float, Unit]:
    """A stored value in its standard unit; exact when ``stated`` reads as the same value."""
    if unit not in STANDARD_UNITS:
        return value, unit
    exact = stated.value if stated is not None and stated.as_float == value else Fraction(value)
    standard, standard_unit = to_standard(exact, unit)
    return float(standard), standard_unit

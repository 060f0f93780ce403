"""The selectors of an evidence span: prefix and suffix (W3C TextQuoteSelector), RFC 5147 fragment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dazhou_reforms.schema.models import Evidence
from dazhou_reforms.schema.selectors import CONTEXT, fragment_of, prefix_of, selectors, span_text, suffix_of

TEXT = "零一二三四五六七八九" * 8  # 80 code points


def test_context_is_32_code_points_and_shorter_at_the_edges() -> None:
    assert CONTEXT == 32
    assert prefix_of(TEXT, 40) == TEXT[8:40] and len(prefix_of(TEXT, 40)) == 32
    assert prefix_of(TEXT, 5) == TEXT[:5]
    assert prefix_of(TEXT, 0) == ""
    assert suffix_of(TEXT, 40) == TEXT[40:72]
    assert suffix_of(TEXT, 70) == TEXT[70:]
    assert suffix_of(TEXT, 80) == ""
    assert fragment_of(3, 9) == "char=3,9"
    assert span_text(TEXT, 10, 12, 2) == ("八九", "零一", "二三")
    assert selectors(TEXT, 0, 80) == {"prefix": "", "suffix": "", "fragment": "char=0,80"}


def test_code_points_not_utf16_units() -> None:
    text = "a😀b" + "c" * 40  # U+1F600 is two UTF-16 code units, one code point
    assert prefix_of(text, 3) == "a😀b"
    assert suffix_of(text, 1)[:2] == "😀b"


def evidence(**extra: object) -> Evidence:
    return Evidence.model_validate({"source_id": "s", "start": 3, "end": 5, "quote": "三四", **extra})


def test_the_model_takes_evidence_with_or_without_selectors() -> None:
    assert evidence().prefix is None and evidence().fragment is None
    full = evidence(prefix="零一二", suffix="五六", fragment="char=3,5")
    assert (full.prefix, full.suffix, full.fragment) == ("零一二", "五六", "char=3,5")
    assert list(full.model_dump()) == ["source_id", "start", "end", "quote", "prefix", "suffix", "fragment"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"fragment": "char=3,6"}, "fragment must be 'char=3,5'"),
        ({"fragment": "#char=3,5"}, "should match pattern"),
        ({"fragment": "line=1,2"}, "should match pattern"),
        ({"prefix": "x" * 33}, "at most 32 characters"),
        ({"suffix": 5}, "valid string"),
    ],
)
def test_the_model_refuses_selectors_that_cannot_be_right(extra: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        evidence(**extra)

"""``evidence_text(..., split=True)``: the quote with its W3C prefix and suffix, for any release."""

from __future__ import annotations

import dazhou_reforms
from dazhou_reforms.schema.selectors import SpanText


def test_split_gives_the_32_code_points_either_side_of_the_quote() -> None:
    reform = dazhou_reforms.get_reform("investment-ex-ante-evaluation", version="1.0.0")
    (source,) = dazhou_reforms.load_sources(version="1.0.0")
    span = reform.evidence[0]
    parts = dazhou_reforms.evidence_text(span, version="1.0.0", split=True)
    assert isinstance(parts, SpanText)
    assert parts == (
        source.text[span.start - 32 : span.start],
        span.quote,
        source.text[span.end : span.end + 32],
    )
    assert len(parts.prefix) == len(parts.suffix) == 32
    narrow = dazhou_reforms.evidence_text(span, version="1.0.0", context=5, split=True)
    assert "".join(narrow) == dazhou_reforms.evidence_text(span, version="1.0.0", context=5)


def test_split_stops_at_the_edges_of_the_text() -> None:
    (source,) = dazhou_reforms.load_sources(version="1.0.0")
    title = source.evidence[0]
    assert title.start == 0
    prefix, quote, suffix = dazhou_reforms.evidence_text(title, version="1.0.0", split=True)
    assert (prefix, quote) == ("", title.quote)
    assert suffix == source.text[title.end : title.end + 32]


def test_releases_before_the_selectors_load_with_none() -> None:
    reform = dazhou_reforms.get_reform("investment-ex-ante-evaluation", version="1.0.0")
    assert (reform.evidence[0].prefix, reform.evidence[0].suffix, reform.evidence[0].fragment) == (
        None,
        None,
        None,
    )

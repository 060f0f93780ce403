"""Headings a source text marks itself: the three kinds, their quotes, and what is not a heading."""

from __future__ import annotations

from dazhou_reforms.read.headings import MAX_QUOTE, find_headings

TEXT = (
    "标题\n"
    "\n"
    "一、总则\n"
    "  （一）目标。内容很多\n"
    "\u3000(二)措施\n"
    "1. 第一条；其余\n"
    "2、第二条\n"
    "3．第三条\n"
    "3.5亿元的投资\n"
    "10.\n"
    "二、\n"
    "十一、" + "长" * 70 + "\n"
)


def test_the_three_kinds_of_heading_and_their_quotes() -> None:
    found = [(h.level, h.line, h.quote, TEXT[h.start : h.start + len(h.quote)]) for h in find_headings(TEXT)]
    assert [(level, line, quote) for level, line, quote, _ in found] == [
        (1, 3, "一、总则"),
        (2, 4, "（一）目标"),  # cut before the sentence end
        (2, 5, "(二)措施"),  # after a full-width space
        (3, 6, "1. 第一条"),
        (3, 7, "2、第二条"),
        (3, 8, "3．第三条"),
        (1, 12, "十一、" + "长" * (MAX_QUOTE - 3)),  # at most MAX_QUOTE characters
    ]
    assert all(quote == at for _, _, quote, at in found)  # the start is where the quote is


def test_a_figure_or_a_bare_number_is_no_heading() -> None:
    quotes = [heading.quote for heading in find_headings(TEXT)]
    assert not any(quote.startswith(("3.5", "10.", "二、")) and len(quote) < 4 for quote in quotes)
    assert find_headings("3.5亿元\n10.\n二、\n") == []


def test_occurrences_are_counted_for_quotes_that_repeat() -> None:
    (first, second) = find_headings("一、总则\n正文\n一、总则\n")
    assert (first.occurrences, second.occurrences, second.start) == (2, 2, 8)

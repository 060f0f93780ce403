"""Headings a source text marks itself, found to propose sections (never made sections silently).

Recognized at the start of a line (after any indentation, ASCII or full-width):

- level 1: Chinese numerals and an enumeration comma: ``一、`` ``二、`` … ``十一、``;
- level 2: Chinese numerals in parentheses, full-width or ASCII: ``（一）`` ``(二)``;
- level 3: Arabic numbers with a full stop or enumeration comma: ``1.`` ``2、`` ``3．``.

A heading's quote is its line without the indentation, cut before the first sentence end (``。``
``；`` ``;``) and at :data:`MAX_QUOTE` characters: a heading that runs into its paragraph gives the
heading part. The number of times the quote occurs in the text is kept: a quote that occurs more
than once needs a ``start`` (or a longer quote) as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Longest quote proposed for a heading (code points).
MAX_QUOTE = 60
#: Indentation before a heading: white space, the ideographic space included.
_INDENT = re.compile(r"[ \t\u3000\u00a0]*")
_CHINESE_NUMBER = "[一二三四五六七八九十百]+"
LEVELS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"{_CHINESE_NUMBER}、")),
    (2, re.compile(rf"[（(]{_CHINESE_NUMBER}[）)]")),
    (3, re.compile(r"[0-9]{1,3}[.．、](?![0-9])")),
)
_SENTENCE_END = re.compile(r"[。；;！？!?]")


@dataclass(frozen=True)
class Heading:
    """A heading found: its level (1-3), line number (1-based), start offset and quote."""

    level: int
    line: int
    start: int
    quote: str
    #: How many times the quote occurs in the whole text.
    occurrences: int


def find_headings(text: str) -> list[Heading]:
    """The headings of ``text``, in text order."""
    found = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        indent = _INDENT.match(line)
        begin = indent.end() if indent else 0
        rest = line[begin:]
        for level, pattern in LEVELS:
            marker = pattern.match(rest)
            if marker is None or not rest[marker.end() :].strip():
                continue
            end = _SENTENCE_END.search(rest)
            quote = rest[: end.start() if end else len(rest)].rstrip()[:MAX_QUOTE].rstrip()
            if len(quote) > marker.end():
                found.append(Heading(level, number, offset + begin, quote, text.count(quote)))
            break
        offset += len(line) + 1
    return found

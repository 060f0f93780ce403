"""The selectors of an evidence span, as the W3C Web Annotation model and RFC 5147 name them.

A span ``[start, end)`` of a source text (code points, as everywhere in the data) is given in a
release three more ways, all computed from the text at build time and never written by hand:

- ``prefix`` and ``suffix``: up to :data:`CONTEXT` code points of the text just before and just
  after the quote, as a W3C ``TextQuoteSelector`` holds them (``""`` at either edge of the text);
- ``fragment``: the RFC 5147 fragment identifier ``char=start,end`` (without ``#``) of the span in
  the plain-text source.

Together with ``quote`` (the selector's ``exact``) they let a reader find the span again in another
copy of the text (:mod:`dazhou_reforms.read.anchor`), and let the release be exported as Web
Annotations (:mod:`dazhou_reforms.release.annotations`).
"""

from __future__ import annotations

from typing import NamedTuple

#: Code points of context on each side of a quote (the W3C TextQuoteSelector leaves the length open;
#: 32 is what annotation clients such as Hypothesis store, enough to single out a short quote).
CONTEXT = 32
#: An RFC 5147 character range, as the release writes it.
FRAGMENT_PATTERN = r"^char=[0-9]+,[0-9]+$"


class SpanText(NamedTuple):
    """A span's text with its context: ``prefix + quote + suffix`` is a stretch of the source."""

    prefix: str
    quote: str
    suffix: str


def prefix_of(text: str, start: int, size: int = CONTEXT) -> str:
    """The ``size`` code points before ``start`` (fewer at the start of the text)."""
    return text[max(0, start - size) : start]


def suffix_of(text: str, end: int, size: int = CONTEXT) -> str:
    """The ``size`` code points from ``end`` (fewer at the end of the text)."""
    return text[end : end + size]


def fragment_of(start: int, end: int) -> str:
    """The RFC 5147 fragment of a span: ``char=start,end``."""
    return f"char={start},{end}"


def span_text(text: str, start: int, end: int, size: int = CONTEXT) -> SpanText:
    """The quote at ``[start, end)`` of ``text`` with ``size`` code points of context either side."""
    return SpanText(prefix_of(text, start, size), text[start:end], suffix_of(text, end, size))


def selectors(text: str, start: int, end: int) -> dict[str, str]:
    """The derived selector fields of a span of ``text``: ``prefix``, ``suffix``, ``fragment``."""
    return {
        "prefix": prefix_of(text, start),
        "suffix": suffix_of(text, end),
        "fragment": fragment_of(start, end),
    }

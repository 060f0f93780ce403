"""Foldings of a text that a reprint may differ by, each kept one character at a time so that every
position of the folded text maps back to exactly one position of the original.

- ``width``: full-width ASCII forms (U+FF01-U+FF5E: ``，：；（）！？``, full-width letters and digits)
  read as their ASCII characters, the ideographic space U+3000 as a space;
- ``space``: white space other than line breaks dropped (Chinese text does not separate words, so
  a reprint's added or lost indentation and spaces carry no meaning; this would also join two
  English words, which is why it is declared, not assumed);
- ``linebreak``: line breaks dropped (LF, CR, U+2028, U+2029, NEL, VT, FF): a reprint re-wraps lines
  and joins or splits paragraphs;
- ``t2s``: traditional characters read as simplified, one character for one, by OpenCC's mapping
  when the ``opencc`` package is installed; without it the folding is refused
  (:class:`FoldingUnavailable`), never approximated.

A folding never turns one character into two or two into one, so a match in the folded text is a
span of the original: ``positions[i]`` is the original offset of folded character ``i``.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

#: The foldings, in the order they are applied.
FOLDINGS = ("width", "space", "linebreak", "t2s")
LINE_BREAKS = frozenset("\n\r\u2028\u2029\x85\x0b\x0c")
#: Full-width ASCII forms -> ASCII, the ideographic space -> space.
WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


class FoldingUnavailable(Exception):
    """A folding was asked for whose mapping is not available on this machine."""


class UnknownFolding(ValueError):
    """A name that is not one of :data:`FOLDINGS`."""


@cache
def _t2s() -> Callable[[str], str]:
    try:
        import opencc  # type: ignore[import-not-found]
    except ImportError:
        raise FoldingUnavailable(
            "t2s (traditional to simplified) needs OpenCC's mapping, which is not installed here: "
            "`pip install opencc`, or leave t2s out"
        ) from None
    converter = opencc.OpenCC("t2s")

    @cache
    def one(char: str) -> str:
        converted: str = converter.convert(char)
        return converted if len(converted) == 1 else char

    return one


@dataclass(frozen=True)
class Folding:
    """A set of foldings (an empty one changes nothing)."""

    names: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, names: Iterable[str]) -> Folding:
        """Foldings from names (``width``, ``space``, ``linebreak``, ``t2s``); ``t2s`` is checked to
        be available now, so that a run never starts without it."""
        wanted = frozenset(name.strip() for name in names if name.strip())
        unknown = sorted(wanted - set(FOLDINGS))
        if unknown:
            raise UnknownFolding(f"unknown normalization {', '.join(unknown)}; known: {', '.join(FOLDINGS)}")
        if "t2s" in wanted:
            _t2s()
        return cls(wanted)

    def __str__(self) -> str:
        return ",".join(name for name in FOLDINGS if name in self.names) or "none"

    def char(self, char: str) -> str:
        """``char`` folded: one character, or ``""`` when the folding drops it."""
        names = self.names
        if "width" in names:
            char = chr(WIDTH.get(ord(char), ord(char)))
        if char in LINE_BREAKS:
            return "" if "linebreak" in names else char
        if "space" in names and char.isspace():
            return ""
        if "t2s" in names:
            char = _t2s()(char)
        return char

    def text(self, text: str) -> str:
        """``text`` folded (no positions kept)."""
        if not self.names:
            return text
        if "t2s" not in self.names:
            return text.translate(_table(self))
        return "".join(map(self.char, text))

    def with_positions(self, text: str) -> tuple[str, array[int]]:
        """``text`` folded, and for each folded character its offset in ``text``."""
        if not self.names:
            return text, array("q", range(len(text)))
        if "t2s" not in self.names:  # in C: str.translate, and the runs of characters kept
            folded = text.translate(_table(self))
            if len(folded) == len(text):
                return folded, array("q", range(len(text)))
            positions = array("q")
            for run in _kept(self).finditer(text):
                positions.extend(range(run.start(), run.end()))
            return folded, positions
        chars: list[str] = []
        positions = array("q")
        fold = self.char
        for index, char in enumerate(text):
            folded = fold(char)
            if folded:
                chars.append(folded)
                positions.append(index)
        return "".join(chars), positions


#: Every character a folding without ``t2s`` may change: full-width forms and white space.
_CHANGEABLE = tuple(range(0xFF01, 0xFF5F)) + tuple(code for code in range(0x3001) if chr(code).isspace())


@cache
def _table(folding: Folding) -> dict[int, str | None]:
    """``folding`` (without ``t2s``) as a ``str.translate`` table: exactly what :meth:`Folding.char` does."""
    return {code: folding.char(chr(code)) or None for code in _CHANGEABLE}


@cache
def _kept(folding: Folding) -> re.Pattern[str]:
    """Runs of the characters ``folding`` (without ``t2s``) keeps."""
    dropped = "".join(chr(code) for code, folded in _table(folding).items() if folded is None)
    return re.compile(f"[^{re.escape(dropped)}]+") if dropped else re.compile(r"[\s\S]+")


#: The folding used to compare contexts (prefix and suffix): every one that needs no outside data.
CONTEXT_FOLDING = Folding(frozenset({"width", "space", "linebreak"}))

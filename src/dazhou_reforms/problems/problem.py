"""Problems found in records: a stable code, where it is, what was expected and found, a hint.

Codes are kebab-case and stable across versions (documented in the README), in the manner of
Frictionless error codes; tools may match on them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any

#: Most characters of a record's own text (a value, a key, an id) a report shows, wherever it sits.
MAX_SHOWN = 80
#: Longest message, expected, found or hint a report shows (the values in them are shortened already;
#: this bounds what a record's own text, such as a key name, could add).
MAX_TEXT = 2000
#: Characters a report never prints as they are: control characters (a terminal would act on
#: escape sequences, a newline would split the report or start a fake annotation line), the
#: Unicode line and paragraph separators, the bidirectional controls (embeddings, overrides,
#: isolates and marks), which would reorder how the rest of the line is shown, and lone
#: surrogates (a file name's undecodable bytes), which UTF-8 cannot write.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
#: A name quoted in backticks in a message (``unknown field `x` ``), longer than a report shows.
_LONG_QUOTED = re.compile(f"`([^`]{{{MAX_SHOWN + 1},}})`")


def cut(text: str, limit: int = MAX_SHOWN) -> str:
    """``text``, or its first ``limit - 1`` characters and ``…`` when it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def printable(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` with control characters escaped (``\\x1b``, ``\\n``) and cut at ``limit`` characters."""
    return cut(_UNPRINTABLE.sub(lambda match: repr(match.group())[1:-1], text), limit)


def shorten(value: object, limit: int = MAX_SHOWN) -> str:
    """A short, single-line rendering of a value for a message: never a whole huge value."""
    text = value if isinstance(value, str) else repr(value)
    text = cut(text.replace("\r", "\\r").replace("\n", "\\n"), limit)
    return text if not isinstance(value, str) else f'"{text}"'


def quoted(name: object) -> str:
    """A name a record holds (a key, an id) as a message quotes it: in backticks, at most
    :data:`MAX_SHOWN` characters of it."""
    return f"`{cut(str(name))}`"


def bound_quoted(text: str) -> str:
    """``text`` with every backtick-quoted name in it cut to :data:`MAX_SHOWN` characters: the
    bound holds for the names a message quotes, whichever module wrote it."""
    if len(text) <= MAX_SHOWN:
        return text
    return _LONG_QUOTED.sub(lambda match: quoted(match.group(1)), text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input. ``file`` is relative to where the reader was pointed."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    record_id: str | None = None
    path: str | None = None
    expected: str | None = None
    found: str | None = None
    hint: str | None = None

    def shown(self) -> Problem:
        """This problem as reports print it: bounded single lines, whatever the record held (a
        record id, a key in the field path, a file name may be any string)."""
        limits = {"record_id": MAX_SHOWN, "path": 2 * MAX_SHOWN}
        changed: dict[str, Any] = {}
        for name in ("message", "file", "record_id", "path", "expected", "found", "hint"):
            value = getattr(self, name)
            if not isinstance(value, str):
                continue
            shown = bound_quoted(value) if name in ("message", "expected", "hint") else value
            if (shown := printable(shown, limits.get(name, MAX_TEXT))) != value:
                changed[name] = shown
        return replace(self, **changed) if changed else self

    def location(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def to_text(self) -> str:
        """``file:line: code: message [record id, field path]`` and indented details."""
        shown = self.shown()
        head = f"{shown.location()}: {shown.code}: {shown.message}"
        context = []
        if shown.record_id:
            context.append(f"record {shown.record_id}")
        if shown.path:
            context.append(f"field {shown.path}")
        if context:
            head += f" ({', '.join(context)})"
        lines = [head]
        if shown.expected is not None:
            lines.append(f"  expected: {shown.expected}")
        if shown.found is not None:
            lines.append(f"  found:    {shown.found}")
        if shown.hint is not None:
            lines.append(f"  hint:     {shown.hint}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self.shown())


def sort_key(problem: Problem) -> tuple[str, int, int, str, str]:
    return (
        problem.file or "",
        problem.line or 0,
        problem.column or 0,
        problem.code,
        problem.path or "",
    )

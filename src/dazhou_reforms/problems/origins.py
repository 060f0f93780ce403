"""Where a record came from, so that a problem can name the file, line and column a person should open.

:class:`Origin` is the one location type of the package: the readers make one for every record
(a TOML file with its text, a JSON record with the position of each of its values, a line of a
JSON Lines file), the checks and the validator pass it along, and a problem takes its ``file``,
``line`` and ``column`` from it. It is a small tuple, cheap enough to make for every record of a
streamed file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from itertools import repeat
from typing import NamedTuple

_INDEX = re.compile(r"\[[0-9]+\]")


class Origin(NamedTuple):
    """A record's file, and as much as is known of where in it.

    - ``line``: the line the record starts on (JSON Lines, JSON), None when unknown;
    - ``text``: the text of a TOML file (one record a file): lines of fields are searched in it;
    - ``where``: (line, column) of each value of a JSON record, by field path (``a.b[0].c``;
      ``""`` is the record itself).
    """

    file: str
    line: int | None = None
    text: str | None = None
    where: Mapping[str, tuple[int, int]] | None = None

    def position(self, path: str | None) -> tuple[int, int] | None:
        """(line, column) where ``path`` is written in a JSON record, or the nearest enclosing value."""
        if self.where is None:
            return None
        path = path or ""
        while True:
            if path in self.where:
                return self.where[path]
            if not path:
                return None
            cut = max(path.rfind("."), path.rfind("["))
            path = path[: max(cut, 0)]

    def column_of(self, path: str | None) -> int | None:
        found = self.position(path)
        return found[1] if found else None

    def line_of(self, path: str | None, value: object = None) -> int | None:
        """The 1-based line where ``path`` (``a.b[0].c``) is written, as well as can be told."""
        if self.where is not None:
            found = self.position(path)
            return found[0] if found else self.line
        if self.text is None:
            return self.line
        return toml_line(self.text.split("\n"), path, value)


def at_lines(file: str, lines: Iterable[int]) -> Iterator[Origin]:
    """``Origin(file, line)`` for each of ``lines``, made without a Python call a record (the
    streaming hot path of ``validate`` makes one for every valid line)."""
    return map(tuple.__new__, repeat(Origin), zip(repeat(file), lines, repeat(None), repeat(None)))


def toml_line(lines: list[str], path: str | None, value: object = None) -> int | None:
    """The line of a TOML file (as ``lines``) where ``path`` is written: the line holding the
    value's text under its key, else its key or table header, else its parent's line."""
    names = [part for part in _INDEX.sub("", path or "").split(".") if part]
    name = names[-1] if names else None
    needle = value.strip()[:24] if isinstance(value, str) and value.strip() else None
    if needle is not None:
        with_key = [
            n for n, line in enumerate(lines, 1) if needle in line and name and _writes_key(line, name)
        ]
        anywhere = [n for n, line in enumerate(lines, 1) if needle in line]
        if with_key or anywhere:
            return (with_key or anywhere)[0]
    if name is None:
        return None
    for number, line in enumerate(lines, 1):
        if _writes_key(line, name) or _writes_header(line, name):
            return number
    if len(names) > 1:
        return toml_line(lines, ".".join(names[:-1]))
    return None


#: What may follow a key (``"name" =``), what may come before and after a table header's last name.
_AFTER_KEY = re.compile(r'"?\s*=')
_BEFORE_HEADER = re.compile(r"\s*\[\[?\s*(?:[\w.]*\.)?")
_AFTER_HEADER = re.compile(r"\s*\]")


def _occurrences(line: str, name: str) -> Iterator[int]:
    start = line.find(name)
    while start != -1:
        yield start
        start = line.find(name, start + 1)


def _writes_key(line: str, name: str) -> bool:
    """Whether ``line`` writes ``name =`` (or ``"name" =``, ``{ name =``, ``, name =``). The name is
    looked for as text, never compiled into a pattern: a key may be megabytes long."""
    for start in _occurrences(line, name):
        before = line[: start - 1] if line[:start].endswith('"') else line[:start]
        if (not before or before[-1].isspace() or before[-1] in "{,") and _AFTER_KEY.match(
            line, start + len(name)
        ):
            return True
    return False


def _writes_header(line: str, name: str) -> bool:
    """Whether ``line`` is a table header (``[name]``, ``[[a.name]]``) ending in ``name``."""
    return any(
        _BEFORE_HEADER.fullmatch(line, 0, start) and _AFTER_HEADER.match(line, start + len(name))
        for start in _occurrences(line, name)
    )

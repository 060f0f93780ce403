"""The problems ``validate`` finds, sorted and each once, in bounded memory, section by section.

A report lists problems sorted by file, line, column, code and field path (``problems.sort_key``),
each once; they are found in another order (files are read in table order, the collection checks
of a batch come after later lines were read, duplicates across batches at the very end). So each
section of the report (input, parse, schema, check problems: the JSON report lists them apart) is
an :class:`~dazhou_reforms.validate.external_sort.ExternalSort`, on disk past a bound, and reading
drops repeats (a duplicate id found by a batch and again across batches): repeats share their
sort key, so they are adjacent, and only the keys of one group of equal sort keys are held.

What is kept of a problem: its fields, but a string longer than a report ever prints of it
(``problems.problem.MAX_TEXT``: a message or a field path may hold a whole key of a record) as a
report prints it (``Problem.shown``, which gives the same when applied again); and its keys for sorting and
repeats, in which such a long string is its first ``KEY_CHARS`` characters and a digest of the
whole (only strings equal in their first ``KEY_CHARS`` characters may sort otherwise than by their
whole text).
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import fields
from operator import attrgetter, itemgetter
from typing import Any

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.codes import KINDS, kind_of
from dazhou_reforms.problems.problem import MAX_TEXT, Problem
from dazhou_reforms.validate.external_sort import ExternalSort

#: Characters of a string kept for sorting and for telling repeats apart (the rest: a digest).
KEY_CHARS = 1000
#: Characters of a string field kept as they are: more than any report prints of it.
KEPT_CHARS = MAX_TEXT + 1

#: The fields of a problem, and those that may hold long text.
FIELDS = tuple(field.name for field in fields(Problem))
TEXTS = ("message", "file", "record_id", "path", "expected", "found", "hint")
_fields = attrgetter(*FIELDS)
_texts = attrgetter(*TEXTS)
_key = itemgetter(0)
#: What is held of a problem: its sort key, its fields (long strings cut) and, when it had long
#: strings, the key that tells its repeats (else made from the fields when needed).
Item = tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...] | None]
_DUPLICATE_ID = codes.DUPLICATE_ID.name
#: The section of each registered code (``codes.kind_of``, without a call a problem).
_SECTIONS = {name: code.kind for name, code in codes.CODES.items()}


def _bounded(text: str) -> str:
    """``text``, or if it is long its first ``KEY_CHARS`` characters and a digest of the whole."""
    if len(text) <= KEY_CHARS:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{text[:KEY_CHARS]}\x00{digest}"


_FIRST = ("code", "message", "file", "line", "column", "record_id", "path")
assert FIELDS[: len(_FIRST)] == _FIRST, "_repeat_key takes the fields of a problem in this order"


def _repeat_key(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """What tells a problem (its ``FIELDS``) from another of its sort key (a duplicate id's message
    aside: the same duplicate may be found by a batch and across batches, worded otherwise)."""
    code, message, file, line, column, record_id, path = values[: len(_FIRST)]
    return (file, line, column, record_id, path, message if code != _DUPLICATE_ID else "")


def _restore(values: tuple[Any, ...]) -> Problem:
    """The problem whose ``FIELDS`` are ``values``, restored as pickle restores an object (its
    state set on a new instance): it was made by its code's ``problem()`` before it was stored."""
    problem: Problem = object.__new__(Problem)
    problem.__dict__.update(zip(FIELDS, values, strict=True))
    return problem


def _item(problem: Problem) -> tuple[Item, int]:
    """What is held of ``problem``, and about how many bytes that takes."""
    size = sum(map(len, filter(None, _texts(problem))))
    values = _fields(problem)
    if size <= KEY_CHARS:  # the usual case: no string to cut
        sort = (problem.file or "", problem.line or 0, problem.column or 0, problem.code, problem.path or "")
        return (sort, values, None), 300 + size
    file = _bounded(problem.file) if problem.file is not None else None
    path = _bounded(problem.path) if problem.path is not None else None
    repeat = _repeat_key(values)
    repeat = (file, repeat[1], repeat[2], *(None if s is None else _bounded(s) for s in repeat[3:]))
    sort = (file or "", problem.line or 0, problem.column or 0, problem.code, path or "")
    if any(type(v) is str and len(v) > KEPT_CHARS for v in values):  # as a report prints those
        shown = _fields(problem.shown())  # (shown() of a shown problem gives the same)
        values = tuple(
            s if type(v) is str and len(v) > KEPT_CHARS else v for v, s in zip(values, shown, strict=True)
        )
    return (sort, values, repeat), 300 + min(size, 7 * KEPT_CHARS)


def _unique(items: Iterable[Item]) -> Iterator[Item]:
    """``items`` (sorted) without repeats, which share a sort key: the keys of one group of equal
    sort keys are remembered, until the sort key changes."""
    group: tuple[Any, ...] | None = None
    first: Item | None = None
    seen: set[tuple[Any, ...]] | None = None
    for item in items:
        if item[0] != group:
            group, first, seen = item[0], item, None
            yield item
            continue
        if seen is None:
            assert first is not None
            seen = {first[2] or _repeat_key(first[1])}
        repeat = item[2] or _repeat_key(item[1])
        if repeat not in seen:
            seen.add(repeat)
            yield item


class ProblemStore:
    """Problems added in any order; read back sorted by ``sort_key``, each once, by section or all."""

    def __init__(self, buffer_problems: int | None = None, buffer_bytes: int | None = None) -> None:
        """Each section holds up to ``buffer_problems`` (or ``buffer_bytes``) problems in memory
        (default: those of ``external_sort``)."""
        self.sections: dict[str, ExternalSort[Item]] = {
            kind: ExternalSort(_key, buffer_problems, buffer_bytes) for kind in KINDS
        }

    def __len__(self) -> int:
        """Problems added, repeats included (zero exactly when there is none to report)."""
        return sum(map(len, self.sections.values()))

    def add(self, problems: Iterable[Problem]) -> None:
        sections = self.sections
        for problem in problems:  # ExternalSort.add inlined: this runs for every problem
            item, size = _item(problem)
            section = sections[_SECTIONS.get(problem.code) or kind_of(problem.code)]
            section.buffer.append(item)
            section.count += 1
            section.held_bytes += size
            if len(section.buffer) >= section.buffer_items or section.held_bytes >= section.buffer_bytes:
                section.spill()

    def has(self, kind: str) -> bool:
        return len(self.sections[kind]) > 0

    def section(self, kind: str) -> Iterator[Problem]:
        """The problems of one section (``codes.KINDS``), sorted, each once; may be read again."""
        return (_restore(item[1]) for item in _unique(self.sections[kind]))

    def __iter__(self) -> Iterator[Problem]:
        """Every problem, sorted, each once (the sections merged: a sort key holds the code, and so
        the section, of its problems)."""
        streams = [_unique(self.sections[kind]) for kind in KINDS if self.has(kind)]
        items = streams[0] if len(streams) == 1 else heapq.merge(*streams, key=_key)
        return (_restore(item[1]) for item in items)

    def close(self) -> None:
        for section in self.sections.values():
            section.close()

    def __enter__(self) -> ProblemStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

"""The fast path of ``validate`` over a JSON Lines file: most lines are checked by pydantic alone.

Each line first takes pydantic's ``model_validate_json`` (Rust: parse and validate in one pass). A
line it accepts is valid unless it hides a duplicate key, which pydantic lets the last one win: the
``:`` of the line outside its strings are exactly its keys, and there are as many of them as fields
set in the record only when no key repeats (:func:`keys_unique`). Every other line — invalid, or
one the count cannot vouch for — takes the careful path (:class:`~dazhou_reforms.read.json_file.CarefulPath`).

This loop is the hot path of ``validate`` (``benchmarks/bench_validate.py`` measures it, and
``benchmarks/count_validate_instructions.py`` counts its instructions a record): the line reader is
inlined, valid records are handed over a buffer at a time, and nothing is made for a valid line but
its record. Keep it so; measure before and after a change.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import get_origin

from pydantic import BaseModel, ValidationError

from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.read.json_file import CarefulPath, Collector, FileCounts, Report, StopFile
from dazhou_reforms.read.jsonl_lines import (
    MAX_RECORD_SIZE,
    NEWLINE,
    line_chunk,
    open_lines,
    rest_of_line,
)
from dazhou_reforms.read.model_errors import model_in
from dazhou_reforms.schema.models import TABLES, Model

# -- counting keys --------------------------------------------------------------------------------


@cache
def _fixed_keys(model: type[BaseModel]) -> int | None:
    """The number of keys every valid record of ``model`` has, if it is fixed (all fields required, flat)."""
    fields = model.model_fields.values()
    if all(info.is_required() and model_in(info.annotation) is None for info in fields):
        return len(fields)
    return None


KeyCounter = Callable[[BaseModel], int]


@cache
def key_counter(model: type[BaseModel]) -> KeyCounter:
    """A function counting the distinct keys the JSON of a ``model`` record had (see :func:`count_keys`).

    Made once a model, for the hot path: the fields set in the record, and for each field that
    holds records (or tuples of them) their keys, a fixed number a record where the nested model
    has only required flat fields (evidence: always its 4 keys).
    """
    nested: list[tuple[str, int | None, KeyCounter | None]] = []
    for name, info in model.model_fields.items():
        inner = model_in(info.annotation)
        if inner is not None:
            fixed = _fixed_keys(inner)
            nested.append((name, fixed, None if fixed is not None else key_counter(inner)))
    if len(nested) == 1 and _is_tuple(model, nested[0][0]):
        only, per_item, _ = nested[0]
        if per_item is not None:
            return lambda record: len(record.__pydantic_fields_set__) + per_item * len(getattr(record, only))

    def count(record: BaseModel) -> int:
        total = len(record.__pydantic_fields_set__)
        for name, fixed, counter in nested:
            value = getattr(record, name)
            if type(value) is tuple:
                if fixed is not None:
                    total += fixed * len(value)
                else:
                    for item in value:
                        total += counter(item)  # type: ignore[misc]
            elif value is not None:
                total += fixed if fixed is not None else counter(value)  # type: ignore[misc]
        return total

    return count


def _is_tuple(model: type[BaseModel], name: str) -> bool:
    """Whether field ``name`` of ``model`` always holds a tuple (not None, not a single record)."""
    annotation = model.model_fields[name].annotation
    return get_origin(annotation) is tuple


def count_keys(record: BaseModel) -> int:
    """How many distinct keys the JSON of ``record`` had: the fields set in it and its nested records."""
    return key_counter(type(record))(record)


def colons_in_strings(record: BaseModel) -> int:
    """How many ``:`` the strings of a record and of its nested records hold."""
    count = 0
    for value in record.__dict__.values():
        kind = type(value)
        if kind is str:
            count += value.count(":")
        elif kind is tuple:
            for item in value:
                if type(item) is str:
                    count += item.count(":")
                elif isinstance(item, BaseModel):
                    count += colons_in_strings(item)
        elif isinstance(value, BaseModel):
            count += colons_in_strings(value)
    return count


def keys_unique(line: bytes, record: BaseModel, keys: int | None = None) -> bool:
    """True when ``line``, which validated as ``record``, certainly has no key twice.

    Pydantic keeps the last of repeated keys, so a repeat shows as the line having more keys than
    the record has distinct ones (``count_keys``). Each key of the line is followed by one ``:``
    (after optional white space), so, cheapest first:

    1. ``line.count(":")`` is at least the number of keys (other colons are in strings): if it
       equals the distinct keys, no key repeats;
    2. with no white space before any colon, every key ends in ``":`` (other ``":`` start or sit in
       strings): if ``line.count('":')`` equals the distinct keys, no key repeats;
    3. colons outside strings are ``line.count(":")`` minus the colons of the record's strings (a
       dropped repeat's strings only add to those of the line): they must equal the distinct keys.
       An escaped colon (``\\u003a``) is no ``:`` byte: such lines go to the careful path.

    ``keys``: the record's distinct keys, if the caller counted them already.
    """
    if keys is None:
        keys = count_keys(record)
    if line.count(b":") == keys:
        return True
    if b" :" not in line and b"\t" not in line and b"\r" not in line and line.count(b'":') == keys:
        return True
    if b"\\u003" in line:
        return False
    return line.count(b":") - colons_in_strings(record) == keys


# -- the loop --------------------------------------------------------------------------------------


def validate_jsonl(
    path: Path,
    display: str,
    table: str,
    pool: Collector,
    report: Report,
    max_size: int = MAX_RECORD_SIZE,
) -> FileCounts:
    """Validate every line of a JSON Lines file of ``table``; valid records go to ``pool``."""
    model = TABLES[table]
    # model_validate_json without its Python wrapper (the validator it calls, built on first use)
    fast = model.__pydantic_validator__.validate_json
    count = key_counter(model)
    counts = FileCounts()
    careful = CarefulPath(model, table, display, pool, report, counts, max_size)
    # valid records wait in a buffer and go to the pool a buffer at a time, and always before a
    # line of the careful path (which adds to the pool itself), so the pool sees the file's order
    records: list[Model] = []
    numbers: list[int] = []
    keep, note = records.append, numbers.append
    with_ids = "id" in model.model_fields

    def hand_over() -> int:
        """Give the buffer to the pool; return how many records the next buffer may hold."""
        if records:
            given, lines = records[:], numbers[:]
            records.clear()  # first: what the pool does next may raise (--max-errors reached)
            numbers.clear()
            counts.records += len(given)
            counts.valid += len(given)
            if with_ids:
                pool.add_lines(table, given, display, lines)
            else:
                for record, number in zip(given, lines, strict=True):
                    pool.add(table, record, Origin(display, number))
        return pool.room(table)

    room = pool.room(table)
    chunk = line_chunk(max_size)
    try:
        with open_lines(path) as stream:
            readline = stream.readline
            number = 0
            # read_lines inlined: the line keeps its LF (white space to JSON) until the careful path
            while data := readline(chunk):
                number += 1
                if data[-1] == NEWLINE:
                    try:
                        record = fast(data)
                    except ValidationError:
                        pass
                    else:
                        keys = count(record)
                        if data.count(b":") == keys or keys_unique(data, record, keys):
                            keep(record)
                            note(number)
                            if len(records) >= room:
                                room = hand_over()
                            continue
                    room = hand_over()
                    careful.line(number, data[:-1], True)
                elif len(data) < chunk:
                    room = hand_over()
                    careful.line(number, data, False)  # the last line, without LF
                else:  # a line longer than a chunk: rare, and never fast
                    room = hand_over()
                    careful.line(number, *rest_of_line(stream, data, max_size, chunk))
    except StopFile:
        pass
    finally:  # the valid records read so far reach the pool, even if reading stops midway
        hand_over()
    careful.finish()
    return counts

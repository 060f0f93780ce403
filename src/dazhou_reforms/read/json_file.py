"""Validate the records of a JSON Lines or JSON file, one record at a time.

JSON Lines is streamed (:func:`dazhou_reforms.read.jsonl_lines.read_lines`): memory holds one line, and
the pool holds at most a batch of records. Each line first takes the fast path, pydantic's
``model_validate_json`` (Rust: parse and validate in one pass). A line it accepts is valid unless
it hides a duplicate key, which pydantic lets the last one win: the ``:`` of the line outside its
strings are exactly its keys, and there are as many of them as fields set in the record only when no
key repeats (:func:`keys_unique`). Every other line —
invalid, or one the count cannot vouch for — takes the careful path: strict UTF-8, strict JSON
(:mod:`dazhou_reforms.read.strict_json`) with the position of every value, and
:func:`~dazhou_reforms.read.model_errors.validate_record` for actionable problems.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, get_origin

from pydantic import BaseModel, ValidationError

from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem
from dazhou_reforms.read import strict_json
from dazhou_reforms.read.jsonl_lines import (
    MAX_RECORD_SIZE,
    NEWLINE,
    LineTooLong,
    line_chunk,
    open_lines,
    read_lines,
    rest_of_line,
)
from dazhou_reforms.read.model_errors import _model_in, validate_record
from dazhou_reforms.read.toml_tree import decode_utf8, wide_encoding
from dazhou_reforms.schema.models import TABLES, Model
from dazhou_reforms.validate.pool import RecordPool

BOM = b"\xef\xbb\xbf"
Report = Callable[[list[Problem]], None]


@dataclass(frozen=True)
class JsonOrigin(Origin):
    """A record in a JSON or JSON Lines file: the (line, column) where each of its values starts."""

    where: Mapping[str, tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)

    def position(self, path: str | None) -> tuple[int, int] | None:
        """Where ``path`` is written, or the nearest enclosing value that is."""
        path = path or ""
        while True:
            if path in self.where:
                return self.where[path]
            if not path:
                return None
            cut = max(path.rfind("."), path.rfind("["))
            path = path[: max(cut, 0)]

    def line_of(self, path: str | None, value: object = None) -> int | None:
        found = self.position(path)
        return found[0] if found else self.line

    def column_of(self, path: str | None) -> int | None:
        found = self.position(path)
        return found[1] if found else None


@dataclass
class FileCounts:
    records: int = 0
    valid: int = 0


class StopFile(Exception):
    """The rest of the file cannot be read meaningfully (e.g. it is UTF-16)."""


# -- counting keys --------------------------------------------------------------------------------


@cache
def _fixed_keys(model: type[BaseModel]) -> int | None:
    """The number of keys every valid record of ``model`` has, if it is fixed (all fields required, flat)."""
    fields = model.model_fields.values()
    if all(info.is_required() and _model_in(info.annotation) is None for info in fields):
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
        inner = _model_in(info.annotation)
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


# -- JSON Lines -----------------------------------------------------------------------------------


def validate_jsonl(
    path: Path,
    display: str,
    table: str,
    pool: RecordPool,
    report: Report,
    max_size: int = MAX_RECORD_SIZE,
) -> FileCounts:
    """Validate every line of a JSON Lines file of ``table``; valid records go to ``pool``."""
    model = TABLES[table]
    # model_validate_json without its Python wrapper (the validator it calls, built on first use)
    fast = model.__pydantic_validator__.validate_json
    count = key_counter(model)
    counts = FileCounts()
    careful = _Careful(model, table, display, pool, report, counts, max_size)
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
                    pool.add(table, record, (display, number))
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


def _space_before(text: str, offset: int) -> str:
    """The white space that ends just before ``offset`` in ``text``."""
    before = text[:offset]
    return before[len(before.rstrip(" \t\r\n")) :]


class _Careful:
    """The careful path for the lines the fast path did not accept."""

    def __init__(
        self,
        model: type[Model],
        table: str,
        file: str,
        pool: RecordPool,
        report: Report,
        counts: FileCounts,
        max_size: int = MAX_RECORD_SIZE,
    ) -> None:
        self.max_size = max_size
        self.model = model
        self.table = table
        self.file = file
        self.pool = pool
        self.report = report
        self.counts = counts
        self.blank: list[int] = []
        self.not_utf8: list[int] = []

    def problem(self, code: str, message: str, line: int, **details: Any) -> None:
        self.report([Problem(code, message, self.file, line, **details)])

    def line(self, number: int, data: bytes | LineTooLong, terminated: bool) -> None:
        if isinstance(data, LineTooLong):
            self.counts.records += 1
            self.problem(
                "record-too-large",
                f"the line has {data.size:,} bytes, more than the maximum record size",
                number,
                expected=f"at most {self.max_size:,} bytes (--max-record-size)",
                found=f"{data.size:,} bytes (not read into memory)",
                hint="one record per line: is a newline missing, or is the file not JSON Lines?",
            )
            return
        if number == 1 and data.startswith(BOM):
            _, bom = decode_utf8(data, self.file, normalize_newlines=False)
            if bom is not None:
                self.report([bom])
            data = data[len(BOM) :]
        text, problem = decode_utf8(data, self.file, normalize_newlines=False)
        if problem is not None:
            self.counts.records += 1
            if wide_encoding(data):
                self.report([replace(problem, line=number)])
                raise StopFile
            self.not_utf8.append(number)
            if len(self.not_utf8) == 1:
                self.report([replace(problem, line=number, column=_bad_byte_column(data))])
            return
        assert text is not None
        if not text.strip(" \t\r"):
            self.blank.append(number)
            return
        self.counts.records += 1
        self.record(text, number, terminated)

    def record(self, text: str, number: int, terminated: bool) -> None:
        try:
            parsed = strict_json.parse(text)
        except strict_json.JsonError as error:
            code, message, hint = error.code, error.message, error.hint
            if code == "json-syntax" and not terminated and error.offset >= len(text.rstrip()):
                code = "truncated-line"
                message = "the last line ends in the middle of a record"
                hint = "the file seems cut off: complete the record and end the file with a newline"
            elif (
                code == "json-syntax"
                and "\r" in _space_before(text, error.offset)
                and text[error.offset :].strip()  # a record follows the CR (not a CRLF line cut short)
            ):
                message = "a carriage return (CR) without a line feed ends a record; another follows"
                hint = (
                    "JSON Lines ends each record with LF (or CRLF); re-save the file with LF line "
                    "endings (lines are counted by LF)"
                )
            self.problem(
                code,
                message,
                number,
                column=error.offset + 1,
                path=error.path,
                found=_snippet(text, error.offset),
                hint=hint,
            )
            return
        where = {path: (number, offset + 1) for path, offset in parsed.positions.items()}
        self.validate(parsed.value, JsonOrigin(self.file, line=number, where=where), number, text)

    def validate(self, value: Any, origin: JsonOrigin, line: int | None, text: str = "") -> None:
        if not isinstance(value, dict):
            position = origin.position("")
            start = text.find(text.lstrip()[:1]) if text else 0
            self.report(
                [
                    Problem(
                        "not-an-object",
                        f"a record must be a JSON object, not {_json_type(value)}",
                        self.file,
                        line,
                        position[1] if position else None,
                        expected="{...}: one object per record",
                        found=_snippet(text, start) if text else _json_type(value),
                    )
                ]
            )
            return
        record, problems = validate_record(self.model, value, origin)
        self.report(
            [replace(p, column=p.column or origin.column_of(p.path)) if p.path else p for p in problems]
        )
        if record is not None:
            self.counts.valid += 1
            self.pool.add(self.table, record, origin)
        elif isinstance(value.get("id"), str):
            self.pool.add_invalid(self.table, value["id"])

    def finish(self) -> None:
        if self.counts.records == 0:
            self.report(
                [
                    Problem(
                        "empty-file",
                        "the file holds no records" if not self.blank else "the file holds only blank lines",
                        self.file,
                        1,
                        expected="one JSON object per line",
                    )
                ]
            )
            return
        if self.blank:
            shown = ", ".join(map(str, self.blank[:5])) + (", …" if len(self.blank) > 5 else "")
            self.report(
                [
                    Problem(
                        "blank-line",
                        "an empty line between records"
                        if len(self.blank) == 1
                        else f"{len(self.blank)} empty lines",
                        self.file,
                        self.blank[0],
                        found=f"empty line(s) at {shown}",
                        hint="remove the empty lines: every line of a JSON Lines file is one record",
                    )
                ]
            )
        if len(self.not_utf8) > 1:
            self.problem(
                "not-utf8",
                f"{len(self.not_utf8) - 1} more line(s) are not valid UTF-8",
                self.not_utf8[1],
                hint="re-save the whole file as UTF-8",
            )


def _bad_byte_column(data: bytes) -> int | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return len(data[: error.start].decode("utf-8", errors="replace")) + 1
    return None


def _snippet(text: str, offset: int) -> str:
    """What stands at ``offset``: a few characters in backticks, never the whole line."""
    if offset >= len(text.rstrip()):
        return "the end of the line" if text else "nothing"
    part = text[offset : offset + 30].replace("\r", "\\r").replace("\n", "\\n")
    return f"`{part}`" + ("…" if len(text) > offset + 30 else "")


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


# -- JSON ------------------------------------------------------------------------------------------


def validate_json(
    path: Path,
    display: str,
    table: str,
    pool: RecordPool,
    report: Report,
    max_size: int = MAX_RECORD_SIZE,
) -> FileCounts:
    """Validate a ``.json`` file: one record (an object) or an array of records, read whole."""
    counts = FileCounts()
    careful = _Careful(TABLES[table], table, display, pool, report, counts, max_size)
    size = path.stat().st_size
    if size > max_size:
        report(
            [
                Problem(
                    "file-too-large",
                    f"a .json file is read whole; this one has {size:,} bytes",
                    display,
                    expected=f"at most {max_size:,} bytes",
                    found=f"{size:,} bytes",
                    hint="write large sets of records as JSON Lines (.jsonl): one record per line, streamed",
                )
            ]
        )
        return counts
    data = path.read_bytes()
    if data.startswith(BOM):
        _, bom = decode_utf8(data, display, normalize_newlines=False)
        report([bom] if bom else [])
        data = data[len(BOM) :]
    text, problem = decode_utf8(data, display, normalize_newlines=False)
    if problem is not None:
        report([replace(problem, column=_bad_byte_column(data))])
        return counts
    assert text is not None
    if not text.strip(" \t\r\n"):
        careful.finish()
        return counts
    starts = _line_starts(text)
    try:
        parsed = strict_json.parse(text)
    except strict_json.JsonError as error:
        line, column = _line_column(starts, error.offset)
        code = error.code
        if code == "json-syntax" and error.offset >= len(text.rstrip()):
            code = "truncated-line" if not text.endswith("\n") else code
        report(
            [
                Problem(
                    code,
                    error.message if code != "truncated-line" else "the file ends in the middle of a record",
                    display,
                    line,
                    column,
                    path=error.path,
                    found=_snippet(text, error.offset),
                    hint=error.hint,
                )
            ]
        )
        return counts
    records = parsed.value if isinstance(parsed.value, list) else [parsed.value]
    prefixes = [f"[{index}]" for index in range(len(records))] if isinstance(parsed.value, list) else [""]
    for prefix, value in zip(prefixes, records, strict=True):
        counts.records += 1
        where = dict(_positions_under(parsed.positions, prefix, starts))
        first = where[""][0] if "" in where else None
        careful.validate(value, JsonOrigin(display, line=first, where=where), first)
    if counts.records == 0:
        careful.finish()
    return counts


def _line_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def _line_column(starts: list[int], offset: int) -> tuple[int, int]:
    from bisect import bisect_right

    line = bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def _positions_under(
    positions: dict[str, int], prefix: str, starts: list[int]
) -> Iterator[tuple[str, tuple[int, int]]]:
    for path, offset in positions.items():
        if not prefix:
            yield path, _line_column(starts, offset)
        elif path == prefix:
            yield "", _line_column(starts, offset)
        elif path.startswith(prefix + ".") or path.startswith(prefix + "["):
            yield path[len(prefix) :].lstrip("."), _line_column(starts, offset)


def stream_ids(path: Path, fmt: str, max_size: int = MAX_RECORD_SIZE) -> Iterator[tuple[str, int | None]]:
    """(id, line) of every record of a JSON Lines or JSON file that has a string id; nothing else."""
    from pydantic_core import from_json

    if fmt == "json":
        if os.path.getsize(path) > max_size:
            return
        try:
            text = path.read_bytes().removeprefix(BOM).decode("utf-8")
            parsed = strict_json.parse(text)
        except (ValueError, UnicodeDecodeError):
            return
        starts = _line_starts(text)
        records = parsed.value if isinstance(parsed.value, list) else [parsed.value]
        prefixes = [f"[{i}]" for i in range(len(records))] if isinstance(parsed.value, list) else [""]
        for prefix, value in zip(prefixes, records, strict=True):
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                yield value["id"], _line_column(starts, parsed.positions.get(prefix, 0))[0]
        return
    with open_lines(path) as stream:
        for number, data, _ in read_lines(stream, max_size):
            if not isinstance(data, bytes):
                continue
            try:
                value = from_json(data.removeprefix(BOM) if number == 1 else data)
            except ValueError:
                continue
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                yield value["id"], number

"""Records of JSON and JSON Lines files, read with care: strict UTF-8, strict JSON, exact positions.

The careful path (:class:`CarefulPath`) reads a line (or a ``.json`` file) with the strict JSON
parser (:mod:`~dazhou_reforms.read.strict_json`), which gives the position of every value, and
validates it with :func:`~dazhou_reforms.read.model_errors.validate_record` for actionable
problems. JSON Lines files take the fast path first (:mod:`~dazhou_reforms.read.jsonl_fast`); a
``.json`` file (one record or an array of them) is read whole, within the maximum record size.

Valid records go to a :class:`Collector` (the validator's record pool), problems to a ``report``.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem
from dazhou_reforms.read import strict_json
from dazhou_reforms.read.files import FileTooLarge, read_bounded
from dazhou_reforms.read.jsonl_lines import MAX_RECORD_SIZE, LineTooLong, open_lines, read_lines
from dazhou_reforms.read.model_errors import validate_record
from dazhou_reforms.read.text import BOM, decode_utf8, wide_encoding
from dazhou_reforms.schema.models import TABLES, Model

Report = Callable[[list[Problem]], None]


class Collector(Protocol):
    """Where valid records go (the validator's record pool)."""

    def add(self, table: str, record: Model, origin: Origin) -> None: ...

    def add_lines(self, table: str, records: list[Model], file: str, lines: list[int]) -> None: ...

    def add_invalid(self, table: str, record_id: str) -> None: ...

    def room(self, table: str) -> int: ...


@dataclass
class FileCounts:
    records: int = 0
    valid: int = 0


class StopFile(Exception):
    """The rest of the file cannot be read meaningfully (e.g. it is UTF-16)."""


def _space_before(text: str, offset: int) -> str:
    """The white space that ends just before ``offset`` in ``text``."""
    before = text[:offset]
    return before[len(before.rstrip(" \t\r\n")) :]


class CarefulPath:
    """The careful path for the lines the fast path did not accept."""

    def __init__(
        self,
        model: type[Model],
        table: str,
        file: str,
        pool: Collector,
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

    def line(self, number: int, data: bytes | LineTooLong, terminated: bool) -> None:
        if isinstance(data, LineTooLong):
            self.counts.records += 1
            too_large = codes.RECORD_TOO_LARGE.problem(
                f"the line has {data.size:,} bytes, more than the maximum record size",
                self.file,
                number,
                expected=f"at most {self.max_size:,} bytes (--max-record-size)",
                found=f"{data.size:,} bytes (not read into memory)",
            )
            self.report([too_large])
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
            if code is codes.JSON_SYNTAX and not terminated and error.offset >= len(text.rstrip()):
                code = codes.TRUNCATED_LINE
                message = "the last line ends in the middle of a record"
                hint = "the file seems cut off: complete the record and end the file with a newline"
            elif (
                code is codes.JSON_SYNTAX
                and "\r" in _space_before(text, error.offset)
                and text[error.offset :].strip()  # a record follows the CR (not a CRLF line cut short)
            ):
                message = "a carriage return (CR) without a line feed ends a record; another follows"
                hint = (
                    "JSON Lines ends each record with LF (or CRLF); re-save the file with LF line "
                    "endings (lines are counted by LF)"
                )
            problem = code.problem(
                message,
                self.file,
                number,
                error.offset + 1,
                path=error.path,
                found=snippet(text, error.offset),
                hint=hint,
            )
            self.report([problem])
            return
        where = {path: (number, offset + 1) for path, offset in parsed.positions.items()}
        self.validate(parsed.value, Origin(self.file, number, where=where), number, text)

    def validate(self, value: Any, origin: Origin, line: int | None, text: str = "") -> None:
        if not isinstance(value, dict):
            position = origin.position("")
            start = text.find(text.lstrip()[:1]) if text else 0
            self.report(
                [
                    codes.NOT_AN_OBJECT.problem(
                        f"a record must be a JSON object, not {_json_type(value)}",
                        self.file,
                        line,
                        position[1] if position else None,
                        expected="{...}: one object per record",
                        found=snippet(text, start) if text else _json_type(value),
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
                    codes.EMPTY_FILE.problem(
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
                    codes.BLANK_LINE.problem(
                        "an empty line between records"
                        if len(self.blank) == 1
                        else f"{len(self.blank)} empty lines",
                        self.file,
                        self.blank[0],
                        found=f"empty line(s) at {shown}",
                    )
                ]
            )
        if len(self.not_utf8) > 1:
            problem = codes.NOT_UTF8.problem(
                f"{len(self.not_utf8) - 1} more line(s) are not valid UTF-8",
                self.file,
                self.not_utf8[1],
                hint="re-save the whole file as UTF-8",
            )
            self.report([problem])


def _bad_byte_column(data: bytes) -> int | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return len(data[: error.start].decode("utf-8", errors="replace")) + 1
    return None


def snippet(text: str, offset: int) -> str:
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
    pool: Collector,
    report: Report,
    max_size: int = MAX_RECORD_SIZE,
) -> FileCounts:
    """Validate a ``.json`` file: one record (an object) or an array of records, read whole."""
    counts = FileCounts()
    careful = CarefulPath(TABLES[table], table, display, pool, report, counts, max_size)
    try:
        data = read_bounded(path, max_size)  # a regular file only; at most max_size + 1 bytes read
    except FileTooLarge:
        report([_too_large(path, display, max_size)])
        return counts
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
        if code is codes.JSON_SYNTAX and error.offset >= len(text.rstrip()) and not text.endswith("\n"):
            code = codes.TRUNCATED_LINE
        report(
            [
                code.problem(
                    error.message
                    if code is not codes.TRUNCATED_LINE
                    else "the file ends in the middle of a record",
                    display,
                    line,
                    column,
                    path=error.path,
                    found=snippet(text, error.offset),
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
        careful.validate(value, Origin(display, first, where=where), first)
    if counts.records == 0:
        careful.finish()
    return counts


def _too_large(path: Path, display: str, max_size: int) -> Problem:
    """A .json file found larger than ``max_size`` by reading it: its size if the file says one
    (a device or a growing file does not)."""
    size = os.stat(path).st_size
    said = f"{size:,} bytes" if size > max_size else f"more than {max_size:,} bytes"
    return codes.FILE_TOO_LARGE.problem(
        f"a .json file is read whole; this one has {said}",
        display,
        expected=f"at most {max_size:,} bytes",
        found=said,
    )


def _line_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def _line_column(starts: list[int], offset: int) -> tuple[int, int]:
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
        try:
            text = read_bounded(path, max_size).removeprefix(BOM).decode("utf-8")
            parsed = strict_json.parse(text)
        except (OSError, FileTooLarge, ValueError):  # reported when the file was validated
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

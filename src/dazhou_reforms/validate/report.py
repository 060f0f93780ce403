"""The report of ``validate``: readable text, a JSON document, or GitHub Actions annotations.

Each format is written as it is read, a problem at a time, to a ``write`` function (the command's
output): a report never holds its problems, however many (the problems come sorted and each once
from :class:`~dazhou_reforms.validate.engine.Findings`, on disk past a bound). The JSON document
gives its summary first: its problems are counted in a first pass, written in a second. The
``render_*`` functions return the whole text of an :class:`~dazhou_reforms.validate.engine.Outcome`.

No problem ever echoes a whole input line or a huge value: messages carry shortened values only
(see ``problems.shorten``), and every field is printed as ``Problem.shown`` bounds it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import fields
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any, Protocol

from dazhou_reforms.problems.codes import KINDS, NOT_ERRORS, kind_of
from dazhou_reforms.problems.problem import Problem

Style = Callable[..., str]
Write = Callable[[str], object]

#: Sections of the JSON report, by the kind of code (problems.codes.CODES).
SECTIONS = {
    "input": "input_errors",
    "parse": "parse_errors",
    "schema": "schema_errors",
    "check": "check_errors",
    "info": "information",
    "warning": "warnings",
}
JSON_REPORT_VERSION = 1


class Found(Protocol):
    """What a report is made of (an ``Outcome`` or ``Findings`` of the engine)."""

    files: int
    records: int
    valid_records: int
    truncated: bool

    @property
    def exit_code(self) -> int: ...

    def sorted_problems(self) -> Iterable[Problem]: ...

    def section(self, kind: str) -> Iterable[Problem]: ...


def _plain(text: str, **_: Any) -> str:
    return text


def summary(found: Found, counts: dict[str, int]) -> str:
    """The last line of a report; ``counts``: problems by kind, in the order the report gave them."""
    read = f"{found.records:,} record(s) in {found.files:,} file(s)"
    information = counts.get("info", 0)
    also = f" ({information:,} information)" if information else ""
    total = sum(counts.values()) - information
    warnings = counts.get("warning", 0)
    if total == warnings:
        return f"ok: {read}, all valid{also}" + (f"; {warnings:,} warning(s)" if warnings else "")
    kinds = ", ".join(f"{count} {kind}" for kind, count in counts.items() if kind != "info")
    more = " (stopped at --max-errors; there may be more)" if found.truncated else ""
    return f"{total:,} problem(s) ({kinds}) in {read}{also}{more}"


def _count(problem: Problem, counts: dict[str, int]) -> None:
    kind = kind_of(problem.code)
    counts[kind] = counts.get(kind, 0) + 1


def text_block(problem: Problem, style: Style = _plain) -> str:
    """``file:line:col: code: message`` and indented details, with a newline."""
    lines = problem.to_text().split("\n")
    location, _, rest = lines[0].partition(f": {problem.code}: ")
    colour = "yellow" if kind_of(problem.code) in NOT_ERRORS else "red"
    head = f"{style(location, bold=True)}: {style(problem.code, fg=colour, bold=True)}: {rest}"
    details = [style(line, fg="cyan") if line.lstrip().startswith("hint:") else line for line in lines[1:]]
    return "\n".join([head, *details]) + "\n"


def write_text(found: Found, write: Write, style: Style = _plain) -> None:
    """One block per problem (``file:line:col: code: message`` and indented details), then a summary."""
    counts: dict[str, int] = {}
    for problem in found.sorted_problems():
        _count(problem, counts)
        write(text_block(problem, style))
    last = summary(found, counts)
    write(style(last, fg="red" if found.exit_code else "green", bold=True) + "\n")


def render_text(found: Found, style: Style = _plain) -> str:
    parts: list[str] = []
    write_text(found, parts.append, style)
    return "".join(parts)


#: The keys of a problem in JSON (``Problem.to_dict``), as JSON strings.
_KEYS = [json.dumps(field.name) for field in fields(Problem)]
_values = attrgetter(*(field.name for field in fields(Problem)))


def _json_value(value: object) -> str:
    if type(value) is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    return json.dumps(value)


def _json_item(problem: Problem) -> str:
    """``problem.to_dict()`` as ``json.dumps(..., ensure_ascii=False, indent=2)`` writes it at depth 2
    (an item of an array of the document), made with the C string encoder that ``indent`` forgoes."""
    values = map(_json_value, _values(problem.shown()))
    return "{\n      " + ",\n      ".join(map("{}: {}".format, _KEYS, values)) + "\n    }"


def write_json(found: Found, write: Write) -> None:
    """A JSON document: summary, then problems by kind (parse errors apart from schema errors).

    Exactly ``json.dumps(document, ensure_ascii=False, indent=2)`` of the whole document, written a
    problem at a time: the problems are counted first (the summary leads), then written.
    """
    errors = sum(sum(1 for _ in found.section(kind)) for kind in KINDS if kind not in NOT_ERRORS)
    head = {
        "report_version": JSON_REPORT_VERSION,
        "valid": errors == 0,
        "exit_code": found.exit_code,
        "summary": {
            "files": found.files,
            "records": found.records,
            "valid_records": found.valid_records,
            "problems": errors,  # errors only: warnings and information are listed, not counted
            "truncated": found.truncated,
        },
    }
    write(json.dumps(head, ensure_ascii=False, indent=2)[: -len("\n}")])
    for kind in KINDS:
        write(f",\n  {json.dumps(SECTIONS[kind])}: [")
        separator = "\n    "
        for problem in found.section(kind):
            write(separator + _json_item(problem))
            separator = ",\n    "
        write("]" if separator == "\n    " else "\n  ]")
    write("\n}\n")


def render_json(found: Found) -> str:
    parts: list[str] = []
    write_json(found, parts.append)
    return "".join(parts)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(problem: Problem) -> str:
    """``::error file=…,line=…,col=…,title=…::message`` (details on further lines of the message);
    ``::warning`` for a warning, ``::notice`` for information."""
    problem = problem.shown()
    properties = []
    if problem.file:
        properties.append(f"file={_escape_property(problem.file)}")
        if problem.line is not None:
            properties.append(f"line={problem.line}")
            if problem.column is not None:
                properties.append(f"col={problem.column}")
    properties.append(f"title={_escape_property(problem.code)}")
    message = problem.message
    context = [
        f"record {problem.record_id}" if problem.record_id else "",
        f"field {problem.path}" if problem.path else "",
    ]
    if any(context):
        message += f" ({', '.join(part for part in context if part)})"
    for label, value in (("expected", problem.expected), ("found", problem.found), ("hint", problem.hint)):
        if value is not None:
            message += f"\n{label}: {value}"
    level = {"warning": "warning", "info": "notice"}.get(kind_of(problem.code), "error")
    return f"::{level} {','.join(properties)}::{_escape_data(message)}"


def write_github(found: Found, write: Write) -> None:
    counts: dict[str, int] = {}
    for problem in found.sorted_problems():
        _count(problem, counts)
        write(github_line(problem) + "\n")
    write(summary(found, counts) + "\n")


def render_github(found: Found) -> str:
    parts: list[str] = []
    write_github(found, parts.append)
    return "".join(parts)

"""The report of ``validate``: readable text, a JSON document, or GitHub Actions annotations.

Pure functions from an :class:`~dazhou_reforms.validate.engine.Outcome` to text. No problem ever echoes
a whole input line or a huge value: messages carry shortened values only (see ``problems.shorten``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from dazhou_reforms.problems.codes import kind_of
from dazhou_reforms.problems.problem import Problem
from dazhou_reforms.validate.engine import Outcome

Style = Callable[..., str]

#: Sections of the JSON report, by the kind of code (problems.codes.CODES).
SECTIONS = {
    "input": "input_errors",
    "parse": "parse_errors",
    "schema": "schema_errors",
    "check": "check_errors",
}
JSON_REPORT_VERSION = 1


def _plain(text: str, **_: Any) -> str:
    return text


def summary(outcome: Outcome) -> str:
    read = f"{outcome.records:,} record(s) in {outcome.files:,} file(s)"
    if not outcome.problems:
        return f"ok: {read}, all valid"
    counts: dict[str, int] = {}
    for problem in outcome.problems:
        kind = kind_of(problem.code)
        counts[kind] = counts.get(kind, 0) + 1
    kinds = ", ".join(f"{count} {kind}" for kind, count in counts.items())
    more = " (stopped at --max-errors; there may be more)" if outcome.truncated else ""
    return f"{len(outcome.problems):,} problem(s) ({kinds}) in {read}{more}"


def render_text(outcome: Outcome, style: Style = _plain) -> str:
    """One block per problem (``file:line:col: code: message`` and indented details), then a summary."""
    blocks = []
    for problem in outcome.problems:
        lines = problem.to_text().split("\n")
        location, _, rest = lines[0].partition(f": {problem.code}: ")
        head = f"{style(location, bold=True)}: {style(problem.code, fg='red', bold=True)}: {rest}"
        details = [
            style(line, fg="cyan") if line.lstrip().startswith("hint:") else line for line in lines[1:]
        ]
        blocks.append("\n".join([head, *details]))
    last = summary(outcome)
    blocks.append(style(last, fg="green" if not outcome.problems else "red", bold=True))
    return "\n".join(blocks) + "\n"


def render_json(outcome: Outcome) -> str:
    """A JSON document: summary, then problems by kind (parse errors apart from schema errors)."""
    document: dict[str, Any] = {
        "report_version": JSON_REPORT_VERSION,
        "valid": not outcome.problems,
        "exit_code": outcome.exit_code,
        "summary": {
            "files": outcome.files,
            "records": outcome.records,
            "valid_records": outcome.valid_records,
            "problems": len(outcome.problems),
            "truncated": outcome.truncated,
        },
        **{section: [] for section in SECTIONS.values()},
    }
    for problem in outcome.problems:
        document[SECTIONS[kind_of(problem.code)]].append(problem.to_dict())
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(problem: Problem) -> str:
    """``::error file=…,line=…,col=…,title=…::message`` (details on further lines of the message)."""
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
    return f"::error {','.join(properties)}::{_escape_data(message)}"


def render_github(outcome: Outcome) -> str:
    lines = [github_line(problem) for problem in outcome.problems]
    lines.append(summary(outcome))
    return "\n".join(lines) + "\n"

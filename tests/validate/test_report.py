"""The three report formats: readable text (colour on a terminal only), JSON, GitHub annotations."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dazhou_reforms.cli.validate import validate
from dazhou_reforms.problems.problem import Problem
from dazhou_reforms.validate.engine import Outcome
from dazhou_reforms.validate.report import github_line, render_github, render_json, render_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "problems"

PARSE = Problem("duplicate-key", "the key `a` appears twice", "x.jsonl", 3, 7, path="a", hint="remove one")
SCHEMA = Problem(
    "unknown-field",
    "unknown field `nme`",
    "x.jsonl",
    4,
    2,
    record_id="r-1",
    path="nme",
    found='"a: b, c"',
    hint="did you mean `name_en`?",
)
OUTCOME = Outcome([PARSE, SCHEMA], files=1, records=5, valid_records=3)


def test_text_report() -> None:
    assert render_text(OUTCOME) == (
        "x.jsonl:3:7: duplicate-key: the key `a` appears twice (field a)\n"
        "  hint:     remove one\n"
        "x.jsonl:4:2: unknown-field: unknown field `nme` (record r-1, field nme)\n"
        '  found:    "a: b, c"\n'
        "  hint:     did you mean `name_en`?\n"
        "2 problem(s) (1 parse, 1 schema) in 5 record(s) in 1 file(s)\n"
    )
    assert render_text(Outcome(files=2, records=10)) == "ok: 10 record(s) in 2 file(s), all valid\n"


def test_text_is_coloured_only_when_asked() -> None:
    coloured = render_text(OUTCOME, click.style)
    assert "\x1b[" in coloured
    assert click.unstyle(coloured) == render_text(OUTCOME)


def test_the_command_writes_no_colour_when_not_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "duplicate-key")
    result = CliRunner().invoke(validate, ["metrics.jsonl", "--release", "../_release"], color=False)
    assert "\x1b[" not in result.output
    assert result.exit_code == 1


def test_json_report_lists_parse_errors_apart_from_schema_errors() -> None:
    document = json.loads(render_json(OUTCOME))
    assert document["valid"] is False
    assert document["exit_code"] == 1
    assert document["summary"] == {
        "files": 1,
        "records": 5,
        "valid_records": 3,
        "problems": 2,
        "truncated": False,
    }
    assert [p["code"] for p in document["parse_errors"]] == ["duplicate-key"]
    assert [p["code"] for p in document["schema_errors"]] == ["unknown-field"]
    assert document["input_errors"] == document["check_errors"] == []
    assert document["schema_errors"][0] == {
        "code": "unknown-field",
        "message": "unknown field `nme`",
        "file": "x.jsonl",
        "line": 4,
        "column": 2,
        "record_id": "r-1",
        "path": "nme",
        "expected": None,
        "found": '"a: b, c"',
        "hint": "did you mean `name_en`?",
    }


def test_github_annotations_escape_what_the_syntax_needs() -> None:
    assert github_line(SCHEMA) == (
        "::error file=x.jsonl,line=4,col=2,title=unknown-field::unknown field `nme` (record r-1, field nme)"
        '%0Afound: "a: b, c"%0Ahint: did you mean `name_en`?'
    )
    odd = Problem("not-utf8", "100% wrong", "dir,with:odd.jsonl", hint="one\ntwo")
    assert github_line(odd) == (
        "::error file=dir%2Cwith%3Aodd.jsonl,title=not-utf8::100%25 wrong%0Ahint: one\\ntwo"
    )
    assert (
        render_github(OUTCOME).splitlines()[-1]
        == "2 problem(s) (1 parse, 1 schema) in 5 record(s) in 1 file(s)"
    )


def test_every_format_of_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "unknown-field-crlf-line-numbers")
    runner = CliRunner()
    args = ["metrics.jsonl", "--release", "../_release", "--format"]
    github = runner.invoke(validate, [*args, "github"]).output
    assert github.startswith("::error file=metrics.jsonl,line=3,col=559,title=unknown-field::")
    document = json.loads(runner.invoke(validate, [*args, "json"]).output)
    assert [p["line"] for p in document["schema_errors"]] == [3]


def test_reports_print_what_a_record_holds_as_bounded_printable_lines(tmp_path: Path) -> None:
    """An id or a key may be any string: a report never prints control characters (a terminal would
    run an escape sequence, a newline would fake a line or an annotation) nor a huge value."""
    hostile = "x\x1b[2J\n::error::fake\u2028"
    lines = [
        json.dumps({"id": hostile, "k" * 100_000: 1}),
        json.dumps({"id": "a" * 200_000, "evidence": []}),
    ]
    path = tmp_path / "metrics.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    for form in ("text", "github", "json"):
        result = runner.invoke(validate, [str(path), "--no-release", "--format", form])
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert len(result.output) < 40_000, (form, len(result.output))
        assert "\x1b" not in result.output and "\u2028" not in result.output
        assert not any(line.startswith("::error::fake") for line in result.output.splitlines())
        if form != "json":  # JSON escapes them itself
            assert "x\\x1b[2J\\n::error::fake\\u2028" in result.output
    shown = Problem("unknown-field", "m", record_id="a" * 200, path="b" * 500, found="c" * 9000).shown()
    assert (len(shown.record_id or ""), len(shown.path or ""), len(shown.found or "")) == (80, 160, 2000)
    assert Problem("x", "plain").shown() == Problem("x", "plain")

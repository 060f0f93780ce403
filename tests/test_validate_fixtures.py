"""Every kind of bad input fails ``validate`` with the exact report of its fixture, and no traceback.

A fixture is ``tests/fixtures/validate/<failure>/``: the input file(s), ``case.toml`` (the command's
arguments, its exit status, the error code and the line it must report) and ``expected.txt``, the
exact text report. Fixtures run from their own folder, against ``_release/`` (real sources,
sections, organizations and reforms) for references and the source text.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dazhou_reforms.cli.validate import validate
from dazhou_reforms.problems.codes import CODES

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_"))


def load_case(name: str) -> dict[str, Any]:
    return tomllib.loads((FIXTURES / name / "case.toml").read_text(encoding="utf-8"))


def run(name: str, monkeypatch: pytest.MonkeyPatch, *extra: str) -> Any:
    monkeypatch.chdir(FIXTURES / name)
    return CliRunner().invoke(validate, [*load_case(name)["args"], *extra])


def params() -> list[Any]:
    marked = []
    for name in CASES:
        reason = load_case(name).get("xfail")
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        marked.append(pytest.param(name, marks=marks, id=name))
    return marked


@pytest.mark.parametrize("name", params())
def test_fixture_fails_with_its_code_line_and_exit_status(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    case = load_case(name)
    result = run(name, monkeypatch, "--format", "json")
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == case["exit"]
    report = json.loads(result.output)
    problems = [p for section in report.values() if isinstance(section, list) for p in section]
    found = [(p["code"], p["line"]) for p in problems]
    assert (case["code"], case.get("line")) in found, found


@pytest.mark.parametrize("name", [n for n in CASES if (FIXTURES / n / "expected.txt").is_file()])
def test_fixture_report_is_exactly_the_expected_text(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(name, monkeypatch)
    expected = (FIXTURES / name / "expected.txt").read_text(encoding="utf-8")
    assert result.output == expected
    assert "Traceback" not in result.output


def test_every_fixture_is_named_after_the_failure_it_provokes() -> None:
    for name in CASES:
        code = load_case(name)["code"]
        assert code in CODES, (name, code)
        assert name.startswith(code) or code in {
            "not-utf8",
            "wrong-type",
            "invalid-code",
            "invalid-value",
            "invalid-format",
            "unknown-field",
            "missing-field",
        }, (name, code)


def test_the_fixtures_cover_every_bad_input_of_the_issue() -> None:
    wanted = {
        "missing-path",
        "no-records",
        "empty-file",
        "not-utf8",
        "gbk-bytes",
        "utf8-bom",
        "utf-16",
        "crlf-line-numbers",
        "lone-cr-line-numbers",
        "u2028-line-numbers",
        "json-syntax",
        "truncated-line",
        "duplicate-key",
        "duplicate-key-nested",
        "non-finite-number",
        "nan-as-string",
        "infinity-as-string",
        "number-overflow",
        "number-too-long",
        "too-deep",
        "unknown-field",
        "missing-field",
        "null-required-field",
        "wrong-type-quoted-number",
        "wrong-type-boolean",
        "number-as-text-separators",
        "number-as-text-wan",
        "full-width-digits",
        "blank-string",
        "zero-width-string",
        "impossible-date",
        "cap-code-11",
        "cap-code-22",
        "quote-mismatch",
        "quote-not-found",
        "record-too-large",
    }  # the large-file and default-size cases are in test_validate_memory.py
    assert wanted <= set(CASES), wanted - set(CASES)


def test_no_problem_echoes_a_whole_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long lines (10,000 digits, 10,000 brackets) come back as a few characters at most."""
    for name in ("number-too-long", "too-deep", "record-too-large", "not-an-object"):
        result = run(name, monkeypatch)
        assert max(len(line) for line in result.output.splitlines()) < 250, name

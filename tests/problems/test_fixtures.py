"""Every failure fixture provokes its problem code with the exact report of its ``expected.txt``.

A fixture is ``tests/fixtures/problems/<code>[-case]/``, named after the code it provokes (``-case``
tells the cases of one code apart). Its ``case.toml`` says how it runs:

- ``run = "check"``: its files are laid over a small valid raw/ tree (the real sources, sections
  and vocabularies plus ``_base/``), which is read and checked; ``expected.txt`` is the report of
  every problem found, one ``Problem.to_text()`` after another, in ``sort_key`` order;
- ``run = "validate"``: ``dazhou-reforms validate`` runs from the fixture's folder with ``args``
  (against ``../_release``: real sources, sections, organizations and reforms, for references and
  the source text); ``expected.txt`` is its exact text output, ``exit`` its exit status.

Both give ``code`` and, where the problem has one, the ``line`` it must be reported at.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from dazhou_reforms.check.dataset import read_and_check
from dazhou_reforms.cli.validate import validate
from dazhou_reforms.problems.codes import CODES
from dazhou_reforms.problems.problem import Problem, sort_key

FIXTURES = Path(__file__).parents[1] / "fixtures" / "problems"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_"))
RUNS = {"check", "validate"}


def load_case(name: str) -> dict[str, Any]:
    return tomllib.loads((FIXTURES / name / "case.toml").read_text(encoding="utf-8"))


def expected_report(name: str) -> str:
    return (FIXTURES / name / "expected.txt").read_text(encoding="utf-8")


def checked(name: str, make_tree: Callable[..., Path]) -> list[Problem]:
    """The problems of the small valid tree with the fixture laid over it, sorted as reported."""
    return sorted(read_and_check(make_tree(FIXTURES / name)).problems, key=sort_key)


def run_validate(name: str, monkeypatch: pytest.MonkeyPatch, *extra: str) -> Result:
    monkeypatch.chdir(FIXTURES / name)
    return CliRunner().invoke(validate, [*load_case(name)["args"], *extra])


def params(run: str | None = None) -> list[Any]:
    marked = []
    for name in CASES:
        case = load_case(name)
        if run is not None and case["run"] != run:
            continue
        reason = case.get("xfail")
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        marked.append(pytest.param(name, marks=marks, id=name))
    return marked


def test_base_tree_is_valid(make_tree: Callable[..., Path]) -> None:
    assert read_and_check(make_tree()).problems == []


@pytest.mark.parametrize("name", params())
def test_fixture_report_is_exactly_the_expected_text(
    name: str, make_tree: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = load_case(name)
    if case["run"] == "check":
        report = "\n".join(problem.to_text() for problem in checked(name, make_tree))
        assert report == expected_report(name).rstrip("\n")
    else:
        result = run_validate(name, monkeypatch)
        assert result.output == expected_report(name)
        assert result.exit_code == case["exit"]
        assert "Traceback" not in result.output


@pytest.mark.parametrize("name", params())
def test_fixture_fails_with_its_code_line_and_exit_status(
    name: str, make_tree: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = load_case(name)
    if case["run"] == "check":
        found = [(p.code, p.line) for p in checked(name, make_tree)]
    else:
        result = run_validate(name, monkeypatch, "--format", "json")
        assert "Traceback" not in result.output
        assert isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code == case["exit"]
        report = json.loads(result.output)
        problems = [p for section in report.values() if isinstance(section, list) for p in section]
        found = [(p["code"], p["line"]) for p in problems]
    assert (case["code"], case.get("line")) in found, found


def test_every_fixture_is_named_after_the_registered_code_it_provokes() -> None:
    assert CASES
    for name in CASES:
        case = load_case(name)
        assert case["run"] in RUNS, (name, case["run"])
        assert case["code"] in CODES, (name, case["code"])
        assert name == case["code"] or name.startswith(case["code"] + "-"), (name, case["code"])
        assert (FIXTURES / name / "expected.txt").is_file(), name
        if case["run"] == "validate":
            assert isinstance(case["args"], list) and isinstance(case["exit"], int), name


#: Registered codes no fixture provokes yet, and why.
WITHOUT_FIXTURE = {
    "internal-error": "needs a bug of the validator",
    "missing-file": "a source TOML without its .txt also reports the text fields missing",
}


def test_every_registered_code_has_a_fixture_but_the_listed_ones() -> None:
    provoked = {load_case(name)["code"] for name in CASES}
    assert set(CODES) - provoked == set(WITHOUT_FIXTURE)


def test_the_fixtures_cover_every_bad_input_of_the_issue() -> None:
    wanted = {
        "missing-path",
        "no-records",
        "empty-file",
        "not-utf8-jsonl",
        "not-utf8-gbk-bytes",
        "utf8-bom",
        "not-utf8-utf-16",
        "unknown-field-crlf-line-numbers",
        "missing-field-lone-cr-line-numbers",
        "wrong-type-u2028-line-numbers",
        "json-syntax",
        "truncated-line",
        "duplicate-key",
        "duplicate-key-nested",
        "non-finite-number",
        "wrong-type-nan-as-string",
        "wrong-type-infinity-as-string",
        "number-overflow",
        "number-too-long",
        "too-deep",
        "unknown-field-jsonl",
        "missing-field-jsonl",
        "wrong-type-null-required-field",
        "wrong-type-quoted-number",
        "wrong-type-boolean",
        "wrong-type-number-as-text-separators",
        "wrong-type-number-as-text-wan",
        "invalid-format-full-width-digits",
        "invalid-value-blank-string-jsonl",
        "invalid-value-zero-width-string",
        "invalid-value-impossible-date",
        "invalid-code-cap-code-11",
        "invalid-code-cap-code-22",
        "quote-mismatch-jsonl",
        "quote-not-found-toml",
        "record-too-large",
    }  # the large-file and default-size cases are in tests/validate/test_memory.py
    validated = {name for name in CASES if load_case(name)["run"] == "validate"}
    assert wanted <= validated, wanted - validated


def test_no_problem_echoes_a_whole_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long lines (10,000 digits, 10,000 brackets) come back as a few characters at most."""
    for name in ("number-too-long", "too-deep", "record-too-large", "not-an-object"):
        result = run_validate(name, monkeypatch)
        assert max(len(line) for line in result.output.splitlines()) < 250, name

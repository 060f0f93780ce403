"""Offsets a contributor writes in raw TOML evidence are checked, never dropped and recomputed.

Each evidence entry of the base tree's reform (its own, a recognition's) and of a real section is
given a ``start`` or ``end`` of every TOML type that is not an integer: each is one ``wrong-type``
problem of that field, at its line, and the only problem of the tree. Integers that disagree with
the quote are a ``quote-mismatch``; the right integers pass.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from dazhou_reforms.check.dataset import read_and_check
from dazhou_reforms.problems.problem import Problem, sort_key
from dazhou_reforms.read.evidence import shown_value

ROOT = Path(__file__).resolve().parents[2]
BASE_REFORM = (
    ROOT / "tests" / "fixtures" / "problems" / "_base" / "reforms" / "one-industry-one-license-one-code.toml"
)
REFORM = "reforms/one-industry-one-license-one-code.toml"
SECTION = "sections/part-2.toml"

#: Every TOML value that is not an integer, by type, as written in TOML.
NOT_INTEGERS = {
    "string": '"2526"',
    "empty-string": '""',
    "float": "2526.0",
    "float-exponent": "2.526e3",
    "negative-zero": "-0.0",
    "nan": "nan",
    "negative-nan": "-nan",
    "inf": "inf",
    "positive-inf": "+inf",
    "negative-inf": "-inf",
    "true": "true",
    "false": "false",
    "array": "[2526]",
    "empty-array": "[]",
    "inline-table": "{ a = 1 }",
    "empty-inline-table": "{}",
    "offset-date-time": "1979-05-27T07:32:00Z",
    "local-date-time": "1979-05-27T07:32:00",
    "local-date": "1979-05-27",
    "local-time": "07:32:00",
}

SOURCE = 'source_id = "dazhou-reform-article-2024-04-10", '
#: Where an evidence entry is written: (file, the entry as the base writes it, field path, line).
PLACES = {
    "evidence": (REFORM, "{ " + SOURCE + 'quote = "推行行业综合许可“一业一证一码”改革" }', "evidence[0]", 10),
    "recognition": (
        REFORM,
        "{ " + SOURCE + 'quote = "2022年度全面深化改革典型案例" }',
        "recognitions[0].evidence[0]",
        18,
    ),
    "section": (
        SECTION,
        '{ source_id = "dazhou-reform-article-2024-04-10", '
        'quote = "二、坚持问题导向和破题指向,推动改革与发展深度融合高效联动" }',
        "evidence[0]",
        7,
    ),
}
#: Where each of those quotes occurs in the source text.
STARTS = {"evidence": 2526, "recognition": 2016, "section": 1020}


def _quote_length(entry: str) -> int:
    """The length in code points of the quote of an evidence entry written as an inline table."""
    return len(tomllib.loads(f"x = {entry}")["x"]["quote"])


def _problems(make_tree: Callable[..., Path], tmp_path: Path, place: str, written: str) -> list[Problem]:
    """The problems of the small valid tree with ``written`` (``start = nan``) added to the entry."""
    file, entry, _, _ = PLACES[place]
    original = BASE_REFORM if file == REFORM else ROOT / "raw" / file
    text = original.read_text(encoding="utf-8")
    assert text.count(entry) == 1
    overlay = tmp_path / "overlay"
    (overlay / file).parent.mkdir(parents=True)
    if written.startswith("source_id") and "source_id" in entry:
        written_entry = re.sub(r'source_id = "[^"]*"', written, entry)
    else:
        written_entry = entry.replace('" }', f'", {written} }}')
    (overlay / file).write_text(text.replace(entry, written_entry), "utf-8")
    return sorted(read_and_check(make_tree(overlay)).problems, key=sort_key)


@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("kind", list(NOT_INTEGERS))
def test_an_offset_that_is_not_an_integer_is_a_wrong_type_of_that_field(
    kind: str, place: str, field: str, make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    written = NOT_INTEGERS[kind]
    value = tomllib.loads(f"x = {written}")["x"]
    problems = _problems(make_tree, tmp_path, place, f"{field} = {written}")
    _, _, entry, line = PLACES[place]
    assert [(p.code, p.path, p.line) for p in problems] == [("wrong-type", f"{entry}.{field}", line)]
    problem = problems[0]
    assert problem.expected == "int"
    assert problem.found == shown_value(value)
    assert problem.record_id == ("part-2" if place == "section" else "one-industry-one-license-one-code")
    where = STARTS[place] + (0 if field == "start" else _quote_length(PLACES[place][1]))
    assert f"`{field} = {where}`" in (problem.hint or "")


@pytest.mark.parametrize("place", list(PLACES))
def test_offsets_that_agree_with_the_quote_pass(
    place: str, make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    start = STARTS[place]
    end = start + _quote_length(PLACES[place][1])
    assert _problems(make_tree, tmp_path, place, f"start = {start}, end = {end}") == []


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("start = 5", "the source text at `start` is not the quote"),
        ("start = -1", "the source text at `start` is not the quote"),
        ("start = 9223372036854775807", "the source text at `start` is not the quote"),
        ("end = 2545", "`end` does not equal start + len(quote)"),
        ("start = 2526, end = 2526", "`end` does not equal start + len(quote)"),
    ],
)
def test_integer_offsets_that_disagree_with_the_quote_are_a_quote_mismatch(
    written: str, message: str, make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    problems = _problems(make_tree, tmp_path, "evidence", written)
    assert [(p.code, p.path, p.line, p.message) for p in problems] == [
        ("quote-mismatch", "evidence[0].quote", 10, message)
    ]


def test_a_wrong_start_and_a_wrong_end_are_two_problems(
    make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    problems = _problems(make_tree, tmp_path, "section", 'start = "1020", end = 1.0')
    assert [(p.code, p.path) for p in problems] == [
        ("wrong-type", "evidence[0].end"),
        ("wrong-type", "evidence[0].start"),
    ]


@pytest.mark.parametrize(
    "written", ["source_id = { x = 1 }", "source_id = [1]", "source_id = 5", "source_id = true"]
)
def test_a_source_id_that_is_not_a_string_is_a_wrong_type_not_a_crash(
    written: str, make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    problems = _problems(make_tree, tmp_path, "recognition", written)
    assert [(p.code, p.path, p.line) for p in problems] == [
        ("wrong-type", "recognitions[0].evidence[0].source_id", 18)
    ]


def test_a_quote_that_occurs_many_times_lists_a_few_of_its_offsets(
    make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    """The quote "，" occurs hundreds of times: the report names five offsets and the count."""
    file, entry, _, _ = PLACES["evidence"]
    text = BASE_REFORM.read_text(encoding="utf-8").replace(entry, "{ " + SOURCE + 'quote = "的" }')
    overlay = tmp_path / "overlay"
    (overlay / file).parent.mkdir(parents=True)
    (overlay / file).write_text(text, "utf-8")
    problems = read_and_check(make_tree(overlay)).problems
    (ambiguous,) = [p for p in problems if p.code == "quote-ambiguous"]
    assert ambiguous.found is not None and ambiguous.hint is not None
    assert ambiguous.found.endswith(" in all)") and len(ambiguous.found) < 80
    assert len(ambiguous.hint) < 160


@pytest.mark.parametrize("written", ["start = 1.5", 'source_id = ["x"]'])
def test_a_section_whose_first_evidence_is_unresolved_reports_that_entry_only(
    written: str, make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    """A section's source_id and start come from its first evidence entry: when that entry cannot
    be resolved, its problem is reported, not a null source_id or start of the section."""
    problems = _problems(make_tree, tmp_path, "section", written)
    assert [(p.code, p.path) for p in problems] == [("wrong-type", f"evidence[0].{written.split(' ')[0]}")]


def test_a_section_whose_first_quote_is_not_found_reports_the_quote_only(
    make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    file, entry, _, _ = PLACES["section"]
    overlay = tmp_path / "overlay"
    (overlay / file).parent.mkdir(parents=True)
    text = (ROOT / "raw" / file).read_text(encoding="utf-8")
    (overlay / file).write_text(text.replace(entry, entry.replace("联动", "联动X")), "utf-8")
    problems = read_and_check(make_tree(overlay)).problems
    assert [(p.code, p.path) for p in problems] == [("quote-not-found", "evidence[0].quote")]


def test_evidence_without_source_id_is_missing_field_naming_every_source(
    make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    """Whatever the number of sources: a second source never gives an old entry another meaning."""
    file, entry, _, _ = PLACES["evidence"]
    overlay = tmp_path / "overlay"
    (overlay / file).parent.mkdir(parents=True)
    (overlay / file).write_text(
        BASE_REFORM.read_text(encoding="utf-8").replace(entry, entry.replace(SOURCE, ""))
    )
    (overlay / "sources").mkdir()
    for suffix in (".toml", ".txt"):
        original = ROOT / "raw" / "sources" / f"dazhou-reform-article-2024-04-10{suffix}"
        text = original.read_text(encoding="utf-8").replace("dazhou-reform-article-2024-04-10", "a-copy")
        (overlay / "sources" / f"a-copy{suffix}").write_text(text, encoding="utf-8")
    problems = read_and_check(make_tree(overlay)).problems
    assert [(p.code, p.path, p.line, p.expected, p.hint) for p in problems] == [
        (
            "missing-field",
            "evidence[0].source_id",
            10,
            "one of a-copy, dazhou-reform-article-2024-04-10",
            'add source_id = "<id>" naming the source whose text it quotes: '
            "a-copy, dazhou-reform-article-2024-04-10",
        )
    ]


@pytest.mark.parametrize("source_id", ['""', '"no-such-source"'])
def test_an_unknown_source_id_is_a_problem_of_that_field(
    source_id: str, make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    problems = _problems(make_tree, tmp_path, "evidence", f"source_id = {source_id}")
    assert [(p.code, p.path, p.line) for p in problems] == [
        ("unresolved-reference", "evidence[0].source_id", 10)
    ]
    assert "dazhou-reforms new source" in (problems[0].hint or "")

"""A section's span is computed from its evidence; a start, end or source written by hand must agree."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dazhou_reforms.check.dataset import read_and_check
from dazhou_reforms.problems.problem import sort_key

PART_1 = """id = "part-1"
ordinal = 2
heading_zh = "一、站位全局谋改革,做实保障推改革"
heading_en = "Part 1"
{written}
evidence = [{{ source_id = "dazhou-reform-article-2024-04-10", quote = "一、站位全局谋改革,做实保障推改革" }}]
"""


def report(make_tree: Callable[..., Path], tmp_path: Path, written: str) -> list[str]:
    overlay = tmp_path / "overlay" / "sections"
    overlay.mkdir(parents=True)
    (overlay / "part-1.toml").write_text(PART_1.format(written=written), encoding="utf-8")
    problems = sorted(read_and_check(make_tree(overlay.parent)).problems, key=sort_key)
    return [problem.to_text() for problem in problems]


@pytest.mark.parametrize(
    "written",
    ["", "start = 264", "end = 1020", 'source_id = "dazhou-reform-article-2024-04-10"'],
)
def test_fields_written_as_they_are_computed_pass(
    written: str, make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    assert report(make_tree, tmp_path, written) == []


def test_a_written_start_elsewhere_is_an_invalid_span(make_tree: Callable[..., Path], tmp_path: Path) -> None:
    assert report(make_tree, tmp_path, "start = 300") == [
        "raw/sections/part-1.toml:5: invalid-span: the section's `start` is not that of its first evidence "
        "(record part-1, field start)\n"
        "  expected: 264\n"
        "  found:    300\n"
        "  hint:     leave `start` out: a section starts where its first evidence does"
    ]


def test_a_written_end_elsewhere_is_an_invalid_span_not_overwritten(
    make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    assert report(make_tree, tmp_path, "end = 999") == [
        "raw/sections/part-1.toml:5: invalid-span: the section's `end` is not where the next section "
        "(or its source) begins (record part-1, field end)\n"
        "  expected: 1020\n"
        "  found:    999\n"
        "  hint:     leave `end` out: a section ends where the next one starts"
    ]


def test_a_written_source_that_is_not_its_evidences_is_reported(
    make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    problems = report(make_tree, tmp_path, 'source_id = "another-source"')
    expected = "raw/sections/part-1.toml:5: invalid-span: the section's `source_id` is not that of its first"
    assert [problem for problem in problems if problem.startswith(expected)] != []

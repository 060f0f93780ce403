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


NOTICE = Path(__file__).parents[1] / "fixtures" / "sources" / "fictional-county-notice.txt"
NOTICE_TOML = """id = "fictional-notice"
title_zh = "（虚构测试文本，仅供测试）某县深化改革工作通报"
title_en = "A fictional notice"
published_at = "2025-03-01T09:00:00+08:00"
authors_zh = ["虚构课题组"]
authors_en = ["A fictional research group"]
language = "zh-Hans"
place_code = "511700"
evidence = [{ source_id = "fictional-notice", quote = "（虚构测试文本，仅供测试）某县深化改革工作通报" }]
"""


def notice_tree(make_tree: Callable[..., Path], tmp_path: Path, sections: dict[str, str]) -> list[str]:
    """The small tree with a second (fictional) source and the ``sections`` (id -> its TOML)."""
    overlay = tmp_path / "overlay"
    (overlay / "sources").mkdir(parents=True)
    (overlay / "sections").mkdir()
    (overlay / "sources" / "fictional-notice.toml").write_text(NOTICE_TOML, encoding="utf-8")
    (overlay / "sources" / "fictional-notice.txt").write_bytes(NOTICE.read_bytes())
    for section_id, text in sections.items():
        (overlay / "sections" / f"{section_id}.toml").write_text(text, encoding="utf-8")
    dataset = read_and_check(make_tree(overlay))
    found = {section.id: (section.start, section.end) for section in dataset.tables["sections"]}
    return [p.to_text() for p in sorted(dataset.problems, key=sort_key)] + [
        f"{k} {v}" for k, v in found.items()
    ]


def section(section_id: str, *quotes: tuple[str, str]) -> str:
    evidence = ", ".join(f'{{ source_id = "{source}", quote = "{quote}" }}' for source, quote in quotes)
    return f'id = "{section_id}"\nordinal = 1\nheading_en = "A part"\nevidence = [{evidence}]\n'


def test_sections_of_another_source_leave_the_article_s_sections_as_they_were(
    make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    text = NOTICE.read_text(encoding="utf-8")
    found = notice_tree(
        make_tree, tmp_path, {"notice-part-2": section("notice-part-2", ("fictional-notice", "二、"))}
    )
    assert f"notice-part-2 ({text.index('二、')}, {len(text)})" in found
    # the article's part-1 still ends where its part-2 starts, its last section at its own end
    assert "part-1 (264, 1020)" in found and "byline (4056, 4079)" in found
    assert not [line for line in found if ": " in line]  # no problem


def test_a_section_quoting_two_sources_is_an_invalid_span(
    make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    mixed = section(
        "notice-part-2", ("fictional-notice", "二、"), ("dazhou-reform-article-2024-04-10", "三、")
    )
    found = notice_tree(make_tree, tmp_path, {"notice-part-2": mixed})
    assert found[0] == (
        "raw/sections/notice-part-2.toml:4: invalid-span: a section is part of one source: "
        "all of its evidence must quote that source (record notice-part-2, field evidence[1].source_id)\n"
        '  expected: "fictional-notice"\n'
        '  found:    "dazhou-reform-article-2024-04-10"\n'
        "  hint:     a part of another source is a section of its own (with an id of its own)"
    )

"""Article coverage: sentence splitting, what counts as cited, figures per section, uncited sentences."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dazhou_reforms.release.coverage import compute_coverage, merged_spans, paragraphs, sentences
from dazhou_reforms.release.coverage_text import coverage_lines, coverage_markdown, percent


def split(text: str) -> list[str]:
    return [text[start:end] for start, end in sentences(text, 0, len(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第一句。第二句。", ["第一句。", "第二句。"]),
        ("甲;乙;丙", ["甲;", "乙;", "丙"]),
        ("甲；乙！丙？丁", ["甲；", "乙！", "丙？", "丁"]),
        ("Yes! Really? No.", ["Yes!", "Really?", "No."]),
        ("没有终止符的句子", ["没有终止符的句子"]),
        ("  前后空白。  ", ["前后空白。"]),
        ("他说“好。”然后走了。", ["他说“好。”然后走了。"]),
        ("问题“许可事项多;许可部门多”等。下一句。", ["问题“许可事项多;许可部门多”等。", "下一句。"]),
        ("嵌套“外‘内;内’外;外”完。", ["嵌套“外‘内;内’外;外”完。"]),
        ("括号(甲;乙)后。", ["括号(甲;", "乙)后。"]),
        ("结束。)接着", ["结束。)", "接着"]),
        ("未闭合“引号;一直到段末", ["未闭合“引号;一直到段末"]),
        ("。", ["。"]),
        ("", []),
    ],
)
def test_sentences_end_at_terminators_outside_quotation_marks(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_paragraphs_are_non_blank_lines_without_surrounding_space() -> None:
    text = "标题\n\n  第一段。\n   \n\u3000第二段\n"
    assert [text[a:b] for a, b in paragraphs(text, 0, len(text))] == ["标题", "第一段。", "第二段"]


def test_paragraphs_and_sentences_stay_inside_the_given_range() -> None:
    text = "甲。乙。\n丙。丁。"
    assert [text[a:b] for a, b in paragraphs(text, 2, 7)] == ["乙。", "丙。"]
    assert split("甲。乙。")[1:] == ["乙。"]
    assert [text[a:b] for a, b in sentences(text, 2, 4)] == ["乙。"]


def test_merged_spans_is_the_union() -> None:
    assert merged_spans([(5, 8), (0, 2), (1, 3), (8, 9), (4, 4)]) == [(0, 3), (5, 9)]


def test_sample_article_figures_per_section(sample_tables: Callable[[], dict[str, list[Any]]]) -> None:
    coverage = compute_coverage(sample_tables())
    assert coverage_lines(coverage) == [
        "71.4% of body sentences cited (5/7), 71.7% of characters (81/113)",
        "  title   sentences      — (0/0)  characters     — (0/0)",
        "  lead    sentences  50.0% (1/2)  characters 45.8% (11/24)",
        "  part-1  sentences 100.0% (3/3)  characters 82.7% (43/52)",
        "  part-2  sentences  50.0% (1/2)  characters 73.0% (27/37)",
        "  byline  sentences      — (0/0)  characters     — (0/0)",
    ]
    tally = coverage.tally
    assert (tally.sentences, tally.cited_sentences, tally.characters, tally.covered_characters) == (
        7,
        5,
        113,
        81,
    )
    assert tally.sentence_share == pytest.approx(5 / 7)


def test_headings_title_publication_line_and_byline_are_not_body(
    sample_tables: Callable[[], dict[str, list[Any]]],
) -> None:
    coverage = compute_coverage(sample_tables())
    kinds = [(s.kind, s.text) for s in coverage.sentences if s.kind != "body"]
    assert kinds == [
        ("metadata", "样例文章标题"),
        ("metadata", "发稿时间:2024-04-10 09:19:13"),
        ("heading", "一、第一部分标题"),
        ("heading", "二、第二部分标题"),
        ("metadata", "(样例课题组)"),
    ]


def test_uncited_sentences_are_listed_with_offsets_into_the_text(
    sample_tables: Callable[[], dict[str, list[Any]]], sample_text: str
) -> None:
    uncited = compute_coverage(sample_tables()).uncited
    assert [(s.section_id, s.text) for s in uncited] == [
        ("lead", "导语第二句没有记录引用。"),
        ("part-2", "这一句也没有引用?"),
    ]
    for sentence in uncited:
        assert sample_text[sentence.start : sentence.end] == sentence.text
    assert compute_coverage(sample_tables()).to_dict()["uncited"][0] == {
        "source_id": "sample-article",
        "section_id": "lead",
        "start": sample_text.index("导语第二句"),
        "end": sample_text.index("导语第二句") + len("导语第二句没有记录引用。"),
        "text": "导语第二句没有记录引用。",
        "characters": 12,
        "covered_characters": 0,
    }


def test_section_and_source_evidence_does_not_cite(sample_tables: Callable[[], dict[str, list[Any]]]) -> None:
    """The lead section is anchored at "导语说明": without the strategy, its first sentence is uncited."""
    tables = sample_tables()
    tables["reforms"] = [r for r in tables["reforms"] if getattr(r, "id") != "overall-strategy"]  # noqa: B009
    lead = next(s for s in compute_coverage(tables).sections if s.section_id == "lead")
    assert (lead.tally.sentences, lead.tally.cited_sentences, lead.tally.covered_characters) == (2, 0, 0)


def test_recognition_evidence_cites(
    sample_tables: Callable[[], dict[str, list[Any]]], evidence: Callable[[str], Any]
) -> None:
    """Only the recognition quotes "全域通用" in the first sentence once the reform's own span is moved."""
    tables = sample_tables()
    reform = next(r for r in tables["reforms"] if getattr(r, "id") == "one-license")  # noqa: B009
    moved = reform.model_copy(update={"evidence": (evidence("总投资达1491亿元"),)})
    tables["reforms"] = [moved if r is reform else r for r in tables["reforms"]]
    tables["glossary"] = []
    first = next(s for s in compute_coverage(tables).sentences if s.text.startswith("推行"))
    assert (first.cited, first.covered_characters) == (True, 4)


def test_a_partly_overlapping_span_cites_the_sentence_and_counts_only_its_characters(
    sample_tables: Callable[[], dict[str, list[Any]]], evidence: Callable[[str], Any]
) -> None:
    tables = sample_tables()
    tables["metrics"] = []
    tables["glossary"] = []
    tables["reforms"] = []
    tables["organizations"] = []
    assert compute_coverage(tables).tally.cited_sentences == 0
    # one span across a sentence boundary: "服务。" ends one sentence, "这一" starts the next
    glossary = next(iter(sample_tables()["glossary"]))
    tables["glossary"] = [glossary.model_copy(update={"evidence": (evidence("服务。这一"),)})]
    cited = [(s.text, s.covered_characters) for s in compute_coverage(tables).sentences if s.cited]
    assert cited == [("市民政局推出“银发食堂”微改革,每天为老人提供就餐服务。", 3), ("这一句也没有引用?", 2)]


def test_percent() -> None:
    assert (percent(None), percent(1.0), percent(0.98268)) == ("—", "100.0%", "98.3%")


def test_markdown_for_the_dataset_card(sample_tables: Callable[[], dict[str, list[Any]]]) -> None:
    text = coverage_markdown(compute_coverage(sample_tables()))
    assert text.startswith("## Article coverage\n\n71.4% of the article's body sentences (5 of 7) and 71.7% ")
    assert "| Part 1: the first part | 3 / 3 | 100.0% | 43 / 52 | 82.7% |" in text
    assert "| **all** | 5 / 7 | 71.4% | 81 / 113 | 71.7% |" in text
    assert "- `lead` 48–60: 导语第二句没有记录引用。" in text
    assert text.endswith("- `part-2` 172–181: 这一句也没有引用?\n")


def test_real_record_set_sentences_match_the_text() -> None:
    """The real article: every sentence is its slice of the text, inside its section; shares are sane."""
    from dazhou_reforms.check.dataset import read_and_check

    dataset = read_and_check(Path(__file__).resolve().parents[2] / "raw")
    coverage = compute_coverage(dataset.tables)
    (source,) = dataset.tables["sources"]
    text = getattr(source, "text")  # noqa: B009
    for section in coverage.sections:
        for sentence in section.sentences:
            assert text[sentence.start : sentence.end] == sentence.text
            assert section.start <= sentence.start < sentence.end <= section.end
    assert [s.section_id for s in coverage.sections] == [
        "title", "lead", "part-1", "part-2", "part-3", "conclusion", "byline"
    ]  # fmt: skip
    share = coverage.tally.sentence_share
    assert share is not None and 0.5 < share <= 1.0


SECOND = "（虚构测试文本）第二份材料\n\n  虚构的第一句。虚构的第二句有引用。\n"


def two_sources(sample_tables: Callable[[], dict[str, list[Any]]]) -> dict[str, list[Any]]:
    """The sample tables with a second, fictional source without sections; a metric quotes it."""
    import hashlib

    from dazhou_reforms.schema.models import Evidence, Source

    tables = sample_tables()
    title = "（虚构测试文本）第二份材料"
    quote = "虚构的第二句有引用"

    def span(text: str) -> Evidence:
        start = SECOND.index(text)
        return Evidence(source_id="second-fictional", start=start, end=start + len(text), quote=text)

    source = tables["sources"][0].model_copy(
        update={
            "id": "second-fictional",
            "title_en": "A second fictional text",
            "text": SECOND,
            "text_sha256": hashlib.sha256(SECOND.encode()).hexdigest(),
            "evidence": (span(title),),
        }
    )
    assert isinstance(source, Source)
    tables["sources"].append(source)
    metric = tables["metrics"][0]
    tables["metrics"][0] = metric.model_copy(update={"evidence": (*metric.evidence, span(quote))})
    return tables


def test_a_source_without_sections_is_one_body(sample_tables: Callable[[], dict[str, list[Any]]]) -> None:
    coverage = compute_coverage(two_sources(sample_tables))
    (whole,) = coverage.of_source("second-fictional")
    assert (whole.section_id, whole.start, whole.end, whole.heading_en) == (
        "second-fictional",
        0,
        len(SECOND),
        "A second fictional text",
    )
    # the title line is the source's own metadata; two body sentences, the second cited
    assert [(s.kind, s.text, s.cited) for s in whole.sentences] == [
        ("metadata", "（虚构测试文本）第二份材料", False),
        ("body", "虚构的第一句。", False),
        ("body", "虚构的第二句有引用。", True),
    ]
    assert coverage.source_ids == ("sample-article", "second-fictional")
    tally = coverage.source_tally("second-fictional")
    assert (tally.sentences, tally.cited_sentences, tally.characters, tally.covered_characters) == (
        2,
        1,
        17,
        9,
    )
    assert coverage.tally.sentences == 7 + 2  # the sample article's and these
    assert coverage.to_dict()["sources"][1] == {"source_id": "second-fictional", **tally.to_dict()}


def test_lines_and_markdown_per_source(sample_tables: Callable[[], dict[str, list[Any]]]) -> None:
    coverage = compute_coverage(two_sources(sample_tables))
    lines = coverage_lines(coverage)
    assert lines[0] == "66.7% of body sentences cited (6/9), 69.2% of characters (90/130)"
    assert lines[1] == "  sample-article: 71.4% of body sentences cited (5/7), 71.7% of characters (81/113)"
    assert lines[-2:] == [
        "  second-fictional: 50.0% of body sentences cited (1/2), 52.9% of characters (9/17)",
        "    second-fictional  sentences  50.0% (1/2)  characters 52.9% (9/17)",
    ]
    markdown = coverage_markdown(coverage)
    assert markdown.startswith("## Coverage of the sources\n")
    assert "### `second-fictional`\n" in markdown
    assert "| A second fictional text | 1 / 2 | 50.0% | 9 / 17 | 52.9% |\n| **all** | 1 / 2 |" in markdown
    assert "- `second-fictional` `second-fictional` 17–24: 虚构的第一句。\n" in markdown


def test_covered_characters_equal_a_character_by_character_count(
    sample_tables: Callable[[], dict[str, list[Any]]],
) -> None:
    """Many overlapping, nested and touching spans: each sentence's covered characters are exactly
    those a character-by-character count finds (the sentences visit only the spans that can overlap)."""
    import random

    from dazhou_reforms.schema.models import Evidence

    tables = sample_tables()
    (source,) = tables["sources"]
    text = source.text
    rng = random.Random(5)
    spans = []
    for _ in range(300):
        start = rng.randrange(len(text))
        end = min(len(text), start + rng.choice((1, 2, 5, 20, 80)))
        spans.append(Evidence(source_id=source.id, start=start, end=end, quote=text[start:end]))
    glossary = next(iter(tables["glossary"]))
    tables["glossary"] = [glossary.model_copy(update={"evidence": tuple(spans)})]
    covered = {index for span in spans for index in range(span.start, span.end)}
    body = [sentence for sentence in compute_coverage(tables).sentences if sentence.kind == "body"]
    assert len(body) > 5
    for sentence in body:
        expected = sum(
            1 for i in range(sentence.start, sentence.end) if i in covered and not text[i].isspace()
        )
        assert sentence.covered_characters == expected, sentence.text


def test_withdrawn_records_cite_nothing(sample_tables: Callable[[], dict[str, list[Any]]]) -> None:
    """Coverage counts the evidence of live records only: withdrawn, a record no longer stands for
    the text it quotes (the explorer and the counts leave it out too)."""
    from datetime import date

    from dazhou_reforms.release.source_counts import QUOTING_TABLES

    tables = sample_tables()
    live = compute_coverage(tables).tally
    for table in QUOTING_TABLES:
        tables[table] = [
            record.model_copy(update={"withdrawn": date(2026, 11, 30), "withdrawn_reason": "A test."})
            for record in tables.get(table, [])
        ]
    gone = compute_coverage(tables).tally
    assert live.cited_sentences > 0 and live.covered_characters > 0
    assert (gone.cited_sentences, gone.covered_characters) == (0, 0)
    assert gone.sentences == live.sentences

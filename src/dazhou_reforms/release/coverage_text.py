"""Coverage as text: the lines of ``dazhou-reforms info`` and the dataset card's Markdown section,
per source and section (one source: the article's tables as before)."""

from __future__ import annotations

from collections.abc import Iterable

from dazhou_reforms.release.coverage import Coverage, SectionCoverage, Tally
from dazhou_reforms.release.metadata import markdown_text

# --- presentation --------------------------------------------------------------------------------


def percent(share: float | None) -> str:
    """``0.8421`` -> ``"84.2%"``; ``None`` -> ``"—"``."""
    return "—" if share is None else f"{share * 100:.1f}%"


def _share_text(tally: Tally) -> str:
    return (
        f"{percent(tally.sentence_share)} of body sentences cited "
        f"({tally.cited_sentences}/{tally.sentences}), "
        f"{percent(tally.character_share)} of characters "
        f"({tally.covered_characters}/{tally.characters})"
    )


def coverage_lines(coverage: Coverage) -> list[str]:
    """Plain-text lines: the overall figures, then one line per section (with several sources,
    each source's figures, then its sections)."""
    sources = coverage.source_ids
    several = len(sources) > 1
    lines = [_share_text(coverage.tally)]
    rows = [
        (
            section.section_id,
            percent(section.tally.sentence_share),
            f"({section.tally.cited_sentences}/{section.tally.sentences})",
            percent(section.tally.character_share),
            f"({section.tally.covered_characters}/{section.tally.characters})",
        )
        for section in coverage.sections
    ]
    widths = [max((len(row[column]) for row in rows), default=0) for column in range(5)]
    indent = "    " if several else "  "
    for index, (name, sentence_share, sentence_counts, character_share, character_counts) in enumerate(rows):
        source = coverage.sections[index].source_id
        if several and (index == 0 or coverage.sections[index - 1].source_id != source):
            lines.append(f"  {source}: {_share_text(coverage.source_tally(source))}")
        lines.append(
            f"{indent}{name:<{widths[0]}}  sentences {sentence_share:>{widths[1]}} "
            f"{sentence_counts:<{widths[2]}}  characters {character_share:>{widths[3]}} {character_counts}"
        )
    return lines


def _section_rows(sections: Iterable[SectionCoverage]) -> list[str]:
    return [_tally_row(section.tally, markdown_text(section.heading_en)) for section in sections]


def _tally_row(tally: Tally, label: str = "**all**") -> str:
    """A row of a coverage table: ``label`` (Markdown), then the tally's counts and shares."""
    return (
        f"| {label} | {tally.cited_sentences} / {tally.sentences} | {percent(tally.sentence_share)} | "
        f"{tally.covered_characters} / {tally.characters} | {percent(tally.character_share)} |"
    )


TABLE_HEAD = [
    "| section | sentences cited | share | characters covered | share |",
    "|---|---:|---:|---:|---:|",
]


def coverage_markdown(coverage: Coverage) -> str:
    """A Markdown section for the dataset card: a table per section and the uncited sentences
    (with several sources, a table per source)."""
    total = coverage.tally
    sources = coverage.source_ids
    if len(sources) > 1:
        lines = [
            "## Coverage of the sources",
            "",
            f"{percent(total.sentence_share)} of the sources' body sentences "
            f"({total.cited_sentences} of {total.sentences}) and {percent(total.character_share)} of their "
            f"characters ({total.covered_characters} of {total.characters}) are supported by at least one "
            "evidence span of a reform, recognition, metric, organization or glossary term. Headings and "
            "each source's own metadata (title, publication line, byline) are not counted; a source "
            "without sections counts as one body; sentences end at 。;!? (outside quotation marks) and "
            "at line breaks.",
        ]
        for source_id in sources:
            lines += ["", f"### `{source_id}`", "", *TABLE_HEAD]
            lines += _section_rows(coverage.of_source(source_id))
            lines.append(_tally_row(coverage.source_tally(source_id)))
        lines += ["", "All sources together:", "", *TABLE_HEAD[:2], _tally_row(total)]
    else:
        lines = [
            "## Article coverage",
            "",
            f"{percent(total.sentence_share)} of the article's body sentences "
            f"({total.cited_sentences} of {total.sentences}) and {percent(total.character_share)} of its "
            f"characters ({total.covered_characters} of {total.characters}) are supported by at least one "
            "evidence span of a reform, recognition, metric, organization or glossary term. Headings, the "
            "title, the publication line and the byline are not counted; sentences end at 。;!? (outside "
            "quotation marks) and at line breaks.",
            "",
            *TABLE_HEAD,
            *_section_rows(coverage.sections),
            _tally_row(total),
        ]
    uncited = coverage.uncited
    lines.append("")
    if uncited:
        texts = "each source's text" if len(sources) > 1 else "the article text"
        lines.append(f"Sentences no record cites ({len(uncited)}; offsets are code points of {texts}):")
        lines.append("")
        for sentence in uncited:
            where = f"`{sentence.source_id}` " if len(sources) > 1 else ""
            span = f"{sentence.start}–{sentence.end}"
            lines.append(f"- {where}`{sentence.section_id}` {span}: {markdown_text(sentence.text)}")
    else:
        lines.append("Every body sentence is cited by at least one record.")
    return "\n".join(lines) + "\n"

"""Coverage of the sources: how much of each source's body at least one record cites, per source
and per section.

Pure functions over the released tables (table name -> records). What counts:

- **Citing records** are the live records of the content tables (the tables of
  :data:`~dazhou_reforms.release.source_counts.QUOTING_TABLES`) — reforms (with the evidence of
  their recognitions), metrics, organizations and the glossary. The evidence of ``sources`` (title,
  publication line, authors) and ``sections`` (a heading or opening words that anchor the section)
  only locates parts of the text; it supports no statement, so it does not count as citing.
- **The body** is the text of every section (``sections`` gives each section's ``start``/``end``)
  without its heading and without the source's own metadata; a source without sections is one
  body, its whole text (a section named by the source's id, :func:`whole_text`). The text is cut
  into paragraphs at line breaks; a paragraph equal to its section's ``heading_zh`` is a
  *heading*, a paragraph that overlaps an evidence span of its source record (title, publication
  line, byline) is *metadata*; every other paragraph is body and is cut into sentences.
- **Sentences** end after ``。`` ``；`` ``;`` ``！`` ``!`` ``？`` ``?`` (full or half width), together
  with any closing quotation marks or brackets right after it, and at the end of a paragraph.
  A terminator inside quotation marks (“…”, ‘…’, 「…」, 『…』) does not end a sentence: a quoted
  list such as “许可事项多、不知办什么;许可部门多、…” stays within its sentence. Leading and trailing
  white space is not part of a sentence.
- A sentence is **cited** when at least one evidence span of a citing record overlaps it by at
  least one character. **Characters** are the non-white-space characters of body sentences; a
  character is covered when it lies inside at least one such span.

Offsets are code points into the source text, like evidence offsets (``text[start:end]``). How the
figures are shown (``info``, the dataset card): :mod:`dazhou_reforms.release.coverage_text`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from dazhou_reforms.release.source_counts import QUOTING_TABLES
from dazhou_reforms.schema.models import Evidence, Section, Source, is_live

#: Characters that end a sentence.
TERMINATORS = frozenset("。；;！!？?")
#: Characters that close a quotation or bracket; right after a terminator they stay in its sentence.
CLOSERS = frozenset("”’」』）)】》〉")
#: Quotation marks: opening -> closing. Terminators between them do not end a sentence.
QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』"}

SentenceKind = Literal["body", "heading", "metadata"]


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a heading or metadata paragraph) of a source text."""

    source_id: str
    section_id: str
    kind: SentenceKind
    start: int
    end: int
    text: str
    #: Non-white-space characters of the sentence.
    characters: int
    #: Of those, the ones inside at least one citing evidence span.
    covered_characters: int

    @property
    def cited(self) -> bool:
        return self.covered_characters > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "section_id": self.section_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "characters": self.characters,
            "covered_characters": self.covered_characters,
        }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Tally:
    """Counts of body sentences and characters, and how many of them are cited."""

    sentences: int
    cited_sentences: int
    characters: int
    covered_characters: int

    @property
    def sentence_share(self) -> float | None:
        """Cited sentences / sentences, or ``None`` when there is no body sentence."""
        return _share(self.cited_sentences, self.sentences)

    @property
    def character_share(self) -> float | None:
        """Covered characters / characters, or ``None`` when there is no body text."""
        return _share(self.covered_characters, self.characters)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentences": self.sentences,
            "cited_sentences": self.cited_sentences,
            "sentence_share": _rounded(self.sentence_share),
            "characters": self.characters,
            "covered_characters": self.covered_characters,
            "character_share": _rounded(self.character_share),
        }


def _rounded(share: float | None) -> float | None:
    return None if share is None else round(share, 4)


def _tally(sentences: Iterable[Sentence]) -> Tally:
    body = [sentence for sentence in sentences if sentence.kind == "body"]
    return Tally(
        sentences=len(body),
        cited_sentences=sum(1 for sentence in body if sentence.cited),
        characters=sum(sentence.characters for sentence in body),
        covered_characters=sum(sentence.covered_characters for sentence in body),
    )


@dataclass(frozen=True)
class SectionCoverage:
    """Coverage of one section of the article."""

    section_id: str
    source_id: str
    ordinal: int
    heading_zh: str | None
    heading_en: str
    start: int
    end: int
    sentences: tuple[Sentence, ...]

    @property
    def tally(self) -> Tally:
        return _tally(self.sentences)

    def to_dict(self) -> dict[str, Any]:
        return {
            "section_id": self.section_id,
            "source_id": self.source_id,
            "ordinal": self.ordinal,
            "heading_zh": self.heading_zh,
            "heading_en": self.heading_en,
            "start": self.start,
            "end": self.end,
            **self.tally.to_dict(),
        }


@dataclass(frozen=True)
class Coverage:
    """Coverage of the article(s): per section, overall, and the sentences no record cites."""

    sections: tuple[SectionCoverage, ...]

    @property
    def tally(self) -> Tally:
        return _tally(sentence for section in self.sections for sentence in section.sentences)

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        """Every sentence, heading and metadata paragraph, in text order."""
        return tuple(sentence for section in self.sections for sentence in section.sentences)

    @property
    def source_ids(self) -> tuple[str, ...]:
        """The sources covered, in the order of their sections (sorted by id)."""
        return tuple(dict.fromkeys(section.source_id for section in self.sections))

    def of_source(self, source_id: str) -> tuple[SectionCoverage, ...]:
        """The sections of one source (its whole text as one, when it has none)."""
        return tuple(section for section in self.sections if section.source_id == source_id)

    def source_tally(self, source_id: str) -> Tally:
        return _tally(sentence for section in self.of_source(source_id) for sentence in section.sentences)

    @property
    def uncited(self) -> tuple[Sentence, ...]:
        """Body sentences that no citing record's evidence overlaps, in text order."""
        return tuple(s for s in self.sentences if s.kind == "body" and not s.cited)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible summary (shares rounded to 4 places), the uncited sentences included."""
        return {
            "citing_tables": list(QUOTING_TABLES),
            **self.tally.to_dict(),
            "sources": [
                {"source_id": source_id, **self.source_tally(source_id).to_dict()}
                for source_id in self.source_ids
            ],
            "sections": [section.to_dict() for section in self.sections],
            "uncited": [sentence.to_dict() for sentence in self.uncited],
        }


# --- splitting ---------------------------------------------------------------------------------


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each non-blank line of ``text[start:end]``, without surrounding white space."""
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        stop = end if newline == -1 else newline
        line = _trimmed(text, position, stop)
        if line[0] < line[1]:
            yield line
        position = stop + 1


def sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each sentence of the paragraph ``text[start:end]`` (see the module doc)."""
    expected: list[str] = []  # closing quotation marks still open, innermost last
    sentence_start = start
    position = start
    while position < end:
        char = text[position]
        position += 1
        if expected and char == expected[-1]:
            expected.pop()
        elif char in QUOTES:
            expected.append(QUOTES[char])
        elif char in TERMINATORS and not expected:
            while position < end and text[position] in CLOSERS:
                position += 1
            span = _trimmed(text, sentence_start, position)
            if span[0] < span[1]:
                yield span
            sentence_start = position
    span = _trimmed(text, sentence_start, end)
    if span[0] < span[1]:
        yield span


# --- evidence ------------------------------------------------------------------------------------


def evidence_spans(record: object) -> Iterator[tuple[str, int, int]]:
    """``(source_id, start, end)`` of every evidence span of a record (a model), nested ones
    (recognitions) included."""

    def visit(value: object) -> Iterator[tuple[str, int, int]]:
        if isinstance(value, Evidence):
            yield (value.source_id, value.start, value.end)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                yield from visit(getattr(value, name))
        elif isinstance(value, tuple | list):
            for item in value:
                yield from visit(item)

    yield from visit(record)


def merged_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of half-open spans as sorted, disjoint spans."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(span for span in spans if span[0] < span[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _covered(text: str, start: int, end: int, union: Sequence[tuple[int, int]], ends: Sequence[int]) -> int:
    """Non-white-space characters of ``text[start:end]`` inside ``union`` (sorted, disjoint spans;
    ``ends``: their ends). Only the spans that can overlap are visited (found by bisection), so
    that a source's sentences cost O((sentences + spans) log spans), not sentences x spans."""
    count = 0
    index = bisect_right(ends, start)  # the first span that ends after start
    while index < len(union) and union[index][0] < end:
        span_start, span_end = union[index]
        low, high = max(start, span_start), min(end, span_end)
        if low < high:
            count += sum(1 for char in text[low:high] if not char.isspace())
        index += 1
    return count


def _visible(text: str) -> int:
    return sum(1 for char in text if not char.isspace())


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(span_start < end and start < span_end for span_start, span_end in spans)


# --- coverage ------------------------------------------------------------------------------------


def compute_coverage(tables: Mapping[str, Sequence[BaseModel]]) -> Coverage:
    """Coverage of every source's sections by the evidence of the live records of the quoting tables."""
    sources = [source for source in tables.get("sources", ()) if isinstance(source, Source)]
    texts = {source.id: source.text for source in sources}
    metadata: dict[str, list[tuple[int, int]]] = {source_id: [] for source_id in texts}
    for source in sources:
        for source_id, start, end in evidence_spans(source):
            metadata.setdefault(source_id, []).append((start, end))
    citing: dict[str, list[tuple[int, int]]] = {source_id: [] for source_id in texts}
    for table in QUOTING_TABLES:
        for record in tables.get(table, ()):
            if not is_live(record):
                continue  # a withdrawn record no longer stands for what it quotes
            for source_id, start, end in evidence_spans(record):
                citing.setdefault(source_id, []).append((start, end))
    sections = [
        section
        for section in tables.get("sections", ())
        if isinstance(section, Section) and section.source_id in texts
    ]
    with_sections = {section.source_id for section in sections}
    sections += [whole_text(source) for source in sources if source.id not in with_sections]
    sections.sort(key=lambda section: (section.source_id, section.ordinal, section.start))
    unions = {source_id: merged_spans(spans) for source_id, spans in citing.items()}
    return Coverage(
        tuple(
            _section_coverage(
                section, texts[section.source_id], metadata[section.source_id], unions[section.source_id]
            )
            for section in sections
        )
    )


def whole_text(source: Source) -> Section:
    """A source without sections is one body: a section of its whole text, named by the source's
    id (ids are unique across tables: no section has it) and English title."""
    return Section.model_construct(
        id=source.id,
        source_id=source.id,
        ordinal=0,
        heading_zh=None,
        heading_en=source.title_en,
        start=0,
        end=len(source.text),
        evidence=(),
    )


def _section_coverage(
    section: Section, text: str, metadata: Sequence[tuple[int, int]], union: Sequence[tuple[int, int]]
) -> SectionCoverage:
    start, end = max(0, section.start), min(len(text), section.end)
    ends = [span_end for _, span_end in union]
    found: list[Sentence] = []

    def add(kind: SentenceKind, low: int, high: int) -> None:
        found.append(
            Sentence(
                source_id=section.source_id,
                section_id=section.id,
                kind=kind,
                start=low,
                end=high,
                text=text[low:high],
                characters=_visible(text[low:high]),
                covered_characters=_covered(text, low, high, union, ends),
            )
        )

    for low, high in paragraphs(text, start, end):
        if section.heading_zh is not None and text[low:high] == section.heading_zh:
            add("heading", low, high)
        elif _overlaps(low, high, metadata):
            add("metadata", low, high)
        else:
            for sentence_start, sentence_end in sentences(text, low, high):
                add("body", sentence_start, sentence_end)
    return SectionCoverage(
        section_id=section.id,
        source_id=section.source_id,
        ordinal=section.ordinal,
        heading_zh=section.heading_zh,
        heading_en=section.heading_en,
        start=start,
        end=end,
        sentences=tuple(found),
    )

"""What every metadata file of a release says about the dataset: names, licences, credit, counts.

The dataset card, ``datapackage.json`` and ``croissant.json`` all take their wording from here,
so the licensing and the credit to the article's authors read the same everywhere.

Record text (the article's title and authors, section headings, sentences) is data, never markup:
wherever it lands in Markdown (the card, and the ``description`` fields of ``datapackage.json``,
which the Frictionless spec defines as Markdown, and of ``croissant.json``, which viewers render
the same way) it goes through :func:`markdown_text`. Plain-text JSON values (a title, a name) keep
the text exactly; JSON escaping is the serializer's, and showing them as text is the viewer's job.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dazhou_reforms.schema.field_types import ListOf, Struct, table_struct

NAME = "dazhou-reforms"
PRETTY_NAME = "Dazhou reforms: the reforms and figures of a 2024 article on reform in Dazhou, Sichuan"
DESCRIPTION = (
    "A hand-curated, machine-verifiable, bilingual (Chinese and English) dataset of every reform, "
    "mechanism, pilot, micro-reform, organization, recognition and figure reported in its sources on "
    "reform in Dazhou (达州市), Sichuan, China, the first of them a 2024 article. Every record points at "
    "the exact characters of its source that support it; every figure keeps the text as stated beside "
    "its normalized value and unit."
)
KEYWORDS = (
    "China",
    "Sichuan",
    "Dazhou",
    "reform",
    "public policy",
    "local government",
    "provenance",
    "bilingual",
    "Comparative Agendas Project",
)
CREATOR = "dazhou-reforms maintainers"
ATTRIBUTION = "dazhou-reforms maintainers, dazhou-reforms dataset"

RECORDS_LICENSE = {
    "spdx": "CC-BY-4.0",
    "hf": "cc-by-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
CODE_LICENSE = {
    "spdx": "MIT",
    "title": "MIT License",
    "url": "https://opensource.org/license/mit",
}

#: The table a consumer most likely wants first (the default Hugging Face config).
DEFAULT_TABLE = "reforms"

TABLE_SUMMARIES = {
    "sources": "The source documents (the 2024 article first), each with its full text and SHA-256.",
    "sections": "The parts of each source (the article's title, lead, parts 1–3, conclusion, byline) "
    "and their spans.",
    "organizations": "The bodies the sources name: party committees, departments, zones, companies.",
    "reforms": "Strategies, goals, mechanisms, reforms, pilots, micro-reforms and institutions, "
    "with their recognitions.",
    "metrics": "Figures, ranks, counts and durations, as stated and normalized, linked to their reform.",
    "glossary": "Coined terms and slogans of the sources, rendered and explained in English.",
    "vocabularies": "The codes of every controlled vocabulary with Chinese and English labels.",
}

#: What ``annotations.jsonld`` holds (datapackage.json, croissant.json and the card say it alike).
ANNOTATIONS_SUMMARY = (
    "Every evidence span of every record as a W3C Web Annotation (JSON-LD, context "
    "http://www.w3.org/ns/anno.jsonld): the record as the body, the source text as the target with a "
    "TextPositionSelector, a TextQuoteSelector (exact, prefix, suffix) and an RFC 5147 FragmentSelector."
)


#: Characters of record text that Markdown (CommonMark with GitHub's and Hugging Face's extensions:
#: tables, strikethrough, math) would read as markup inside a line, escaped with a backslash.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|~$])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def markdown_text(text: str) -> str:
    """``text`` as literal text inside one line of Markdown, a table cell included: ``&``, ``<`` and
    ``>`` as HTML entities (no tag, comment or entity of the text is ever HTML), Markdown
    punctuation (``\\ ` * _ [ ] | ~ $``) backslash-escaped, line breaks and other control characters
    as spaces (a line break would end the table row or the list item)."""
    text = _LINE_BREAKS.sub(" ", text)
    if any(unicodedata.category(char) == "Cc" for char in text):
        text = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    return "".join(_HTML.get(char, char) for char in text)


@dataclass(frozen=True)
class ReleaseInfo:
    """The release being built: its version and, when the CHANGELOG gives it, its date."""

    version: str
    date: str | None = None

    def label(self) -> str:
        return f"Version {self.version}" + (f", released {self.date}" if self.date else "")


@dataclass(frozen=True)
class SourceCredit:
    """The cited article: whose it is and when it was published."""

    id: str
    title_zh: str
    title_en: str
    published_at: str
    authors_zh: tuple[str, ...]
    authors_en: tuple[str, ...]
    publisher: str | None = None
    url: str | None = None

    @property
    def date(self) -> str:
        return self.published_at[:10]

    def credit_line(self, markdown: bool = True) -> str:
        """Title, authors and date in one line: Markdown (record text escaped) or, with
        ``markdown=False``, plain text for a plain-text field."""
        text = markdown_text if markdown else str
        authors = " and ".join(
            f"{text(zh)} ({text(en)})" for zh, en in zip(self.authors_zh, self.authors_en, strict=True)
        )
        return f"“{text(self.title_zh)}” (“{text(self.title_en)}”), by {authors}, published {text(self.date)}"


def source_credits(rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[SourceCredit]:
    return [
        SourceCredit(
            id=row["id"],
            title_zh=row["title_zh"],
            title_en=row["title_en"],
            published_at=row["published_at"],
            authors_zh=tuple(row["authors_zh"]),
            authors_en=tuple(row["authors_en"]),
            publisher=row.get("publisher"),
            url=row.get("url"),
        )
        for row in rows.get("sources", ())
    ]


def text_rights_statement(credits: Sequence[SourceCredit]) -> str:
    """Who owns the article text, and why it is included."""
    articles = "; ".join(credit.credit_line() for credit in credits) or "the source article"
    return (
        f"The article text (the `text` column of `sources` and the `quote` of every evidence span) is "
        f"{articles}. It is included, credited to its authors, as the cited source so that every "
        f"quote can be verified; its rights remain with its authors and publisher, and the CC BY 4.0 "
        f"licence of the records does not extend to it."
    )


def licence_statement() -> str:
    return (
        f"Curated records: {RECORDS_LICENSE['title']} ({RECORDS_LICENSE['spdx']}), attribute as "
        f"“{ATTRIBUTION}”. Code of the dazhou-reforms package: {CODE_LICENSE['title']}."
    )


def evidence_count(table: str, rows: Sequence[Mapping[str, Any]]) -> int:
    """Evidence spans in ``rows``, nested ones (recognitions) included."""
    return sum(_count_evidence(table_struct(table), row) for row in rows)


def row_evidence(row: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The evidence spans of a released row: its own, then its nested records' (recognitions')."""
    spans = list(row.get("evidence") or ())
    for value in row.values():
        if isinstance(value, list | tuple):
            spans += [
                span for item in value if isinstance(item, Mapping) for span in item.get("evidence") or ()
            ]
    return spans


def covered_characters(spans: Iterable[tuple[str, int, int]]) -> int:
    """How many characters of the source texts at least one ``(source_id, start, end)`` span covers,
    each counted once: the length of the union of the spans of each source."""
    from dazhou_reforms.release.coverage import merged_spans  # pydantic: only when a card is made

    by_source: dict[str, list[tuple[int, int]]] = {}
    for source_id, start, end in spans:
        by_source.setdefault(source_id, []).append((start, end))
    return sum(end - start for spans_of in by_source.values() for start, end in merged_spans(spans_of))


def _count_evidence(struct: Struct, row: Mapping[str, Any]) -> int:
    total = 0
    for column in struct.columns:
        inner = column.type.item if isinstance(column.type, ListOf) else None
        if column.name == "evidence":
            total += len(row[column.name])
        elif isinstance(inner, Struct):
            total += sum(_count_evidence(inner, item) for item in row[column.name])
    return total


def count_by(rows: Sequence[Mapping[str, Any]], key: str) -> list[tuple[str, int]]:
    """How many rows have each value of ``key`` (list values count once per item), most first."""
    counter: Counter[str] = Counter()
    for row in rows:
        value = row.get(key)
        for item in value if isinstance(value, list) else [value]:
            counter["(none)" if item is None else str(item)] += 1
    return sorted(counter.items(), key=lambda pair: (-pair[1], pair[0]))


def size_category(total_rows: int) -> str:
    """The Hugging Face ``size_categories`` bucket of the largest table."""
    for limit, label in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
    ):
        if total_rows < limit:
            return label
    return "n>1M"

"""Per source: its sections and the records that quote it, counted from a release's rows.

A record quotes a source when any of its evidence spans (its recognitions' included) names the
source; a record quoting two sources counts for both. Used by the dataset card's table of sources
and by ``dazhou-reforms info``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dazhou_reforms.release.metadata import row_evidence

#: The tables whose records quote sources (sections and sources locate parts of a text).
QUOTING_TABLES = ("reforms", "metrics", "organizations", "glossary")

Rows = Mapping[str, Sequence[Mapping[str, Any]]]


def row_sources(row: Mapping[str, Any]) -> list[str]:
    """The ids of the sources a released row's evidence names, its recognitions' included; sorted,
    each once."""
    return sorted({span["source_id"] for span in row_evidence(row)})


@dataclass(frozen=True)
class SourceCount:
    """One source: what it is, how many sections it has, which records quote it."""

    source_id: str
    title_en: str
    published_at: str
    characters: int
    sections: int
    records: dict[str, int] = field(default_factory=dict)

    @property
    def quoting(self) -> int:
        return sum(self.records.values())


def source_counts(rows: Rows) -> list[SourceCount]:
    """A :class:`SourceCount` per source, in id order."""
    sections: dict[str, int] = {}
    for section in rows.get("sections", ()):
        sections[section["source_id"]] = sections.get(section["source_id"], 0) + 1
    quoting: dict[str, dict[str, int]] = {}
    for table in QUOTING_TABLES:
        for row in rows.get(table, ()):
            for source_id in row_sources(row):
                counts = quoting.setdefault(source_id, {})
                counts[table] = counts.get(table, 0) + 1
    return [
        SourceCount(
            source_id=source["id"],
            title_en=source["title_en"],
            published_at=source["published_at"],
            characters=len(source["text"]),
            sections=sections.get(source["id"], 0),
            records={table: quoting.get(source["id"], {}).get(table, 0) for table in QUOTING_TABLES},
        )
        for source in sorted(rows.get("sources", ()), key=lambda source: str(source["id"]))
    ]


def several_sources(rows: Rows) -> int:
    """How many records (of :data:`QUOTING_TABLES`) quote more than one source."""
    return sum(1 for table in QUOTING_TABLES for row in rows.get(table, ()) if len(row_sources(row)) > 1)


def source_table(rows: Rows, escape: Any = str) -> list[str]:
    """The Markdown table of sources: id, title, date, characters, sections, records quoting it."""
    heads = " | ".join(QUOTING_TABLES)
    lines = [
        f"| source | title | published | characters | sections | {heads} |",
        "|---|---|---|---:|---:|" + "---:|" * len(QUOTING_TABLES),
    ]
    for count in source_counts(rows):
        records = " | ".join(str(count.records[table]) for table in QUOTING_TABLES)
        lines.append(
            f"| `{count.source_id}` | {escape(count.title_en)} | {count.published_at[:10]} | "
            f"{count.characters} | {count.sections} | {records} |"
        )
    return lines

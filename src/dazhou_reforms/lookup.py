"""Records by id, and search by name in Chinese or English over every table.

``get_metric("forest-money-bank-area")`` returns one typed record (a ``KeyError`` naming close ids
when there is none); ``search("森林")`` returns the records whose id or name matches, best first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from dazhou_reforms import loaders

if TYPE_CHECKING:
    from dazhou_reforms.schema.models import GlossaryTerm, Metric, Organization, Record, Section, Source

#: table -> its name fields, Chinese and English, searched by :func:`search`.
NAME_FIELDS: dict[str, tuple[str, ...]] = {
    "sources": ("title_zh", "title_en"),
    "sections": ("heading_zh", "heading_en"),
    "organizations": ("name_zh", "name_en", "full_name_zh"),
    "reforms": ("name_zh", "name_en"),
    "metrics": ("indicator_zh", "indicator_en"),
    "glossary": ("term_zh", "term_en"),
}
#: How a record matched, best first (the first key of the search order).
EXACT_ID, EXACT_NAME, IN_NAME = 0, 1, 2


def records_of(table: str, version: str | None, include_withdrawn: bool) -> Sequence[Any]:
    """The records of ``table``; withdrawn ones (in releases that have them) only if asked for."""
    return loaders.LOADERS[table](version, include_withdrawn=include_withdrawn)


def get_metric(metric_id: str, version: str | None = None) -> Metric:
    """One metric by id (withdrawn or not); ``KeyError`` naming close ids when there is none."""
    record: Metric = loaders.get_record("metrics", metric_id, version)
    return record


def get_organization(organization_id: str, version: str | None = None) -> Organization:
    """One organization by id (withdrawn or not); ``KeyError`` naming close ids when there is none."""
    record: Organization = loaders.get_record("organizations", organization_id, version)
    return record


def get_source(source_id: str, version: str | None = None) -> Source:
    """One source (with its full text) by id (withdrawn or not); ``KeyError`` naming close ids
    when there is none."""
    record: Source = loaders.get_record("sources", source_id, version)
    return record


def get_section(section_id: str, version: str | None = None) -> Section:
    """One section of a source by id (withdrawn or not); ``KeyError`` naming close ids when there is none."""
    record: Section = loaders.get_record("sections", section_id, version)
    return record


def get_term(term_id: str, version: str | None = None) -> GlossaryTerm:
    """One glossary term by id (withdrawn or not); ``KeyError`` naming close ids when there is none."""
    record: GlossaryTerm = loaders.get_record("glossary", term_id, version)
    return record


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def search(
    text: str,
    version: str | None = None,
    tables: Sequence[str] | None = None,
    include_withdrawn: bool = False,
) -> list[Record]:
    """Records whose id or name (Chinese or English: names, titles, headings, indicators, terms)
    matches ``text``: first an exact id, then an exact name, then names containing ``text``; within
    each, in table order (sources, sections, organizations, reforms, metrics, glossary), then by id.
    Case and runs of white space do not matter. ``tables`` limits the search to some tables;
    withdrawn records are left out unless ``include_withdrawn``."""
    wanted = _fold(text)
    if not wanted:
        raise ValueError("search needs some text (an id, or part of a name in Chinese or English)")
    chosen = list(NAME_FIELDS) if tables is None else list(tables)
    unknown = [table for table in chosen if table not in NAME_FIELDS]
    if unknown:
        raise KeyError(f"no searchable table {unknown[0]!r}; tables: {', '.join(NAME_FIELDS)}")
    found: list[tuple[int, int, str, Record]] = []
    for position, table in enumerate(NAME_FIELDS):
        if table not in chosen:
            continue
        for record in records_of(table, version, include_withdrawn):
            names = [_fold(value) for field in NAME_FIELDS[table] if (value := getattr(record, field))]
            if record.id == wanted:
                rank = EXACT_ID
            elif wanted in names:
                rank = EXACT_NAME
            elif any(wanted in name for name in names):
                rank = IN_NAME
            else:
                continue
            found.append((rank, position, record.id, record))
    return [record for *_, record in sorted(found, key=lambda item: item[:3])]

"""Sections: parts of one source, their spans computed from their evidence.

A section belongs to one source: the ``source_id`` of its evidence, all of which must quote that
source (an entry quoting another is an ``invalid-span``). It starts where its first evidence does
and ends where the next section *of the same source* starts (the last one at the end of its
source's text), so that adding a source, or sections of another source, never moves an existing
section. A source may have no sections at all: its whole text is then one body. Section ids are
record ids: unique across the whole dataset.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem, shorten
from dazhou_reforms.schema.models import Section

if TYPE_CHECKING:
    from dazhou_reforms.read.toml_tree import RawDataset


def _first_entry(data: dict[str, Any]) -> dict[str, Any] | None:
    evidence = data.get("evidence")
    if isinstance(evidence, list) and evidence and isinstance(evidence[0], dict):
        return evidence[0]
    return None


def first_source(data: dict[str, Any]) -> str | None:
    """A section's source: its first evidence's (None when that is not a string: it is reported)."""
    entry = _first_entry(data)
    found = entry.get("source_id") if entry is not None else None
    return found if isinstance(found, str) else None


def first_start(data: dict[str, Any]) -> int | None:
    """A section's start: its first evidence's (None when that is not an integer: it is reported)."""
    entry = _first_entry(data)
    if entry is None:
        return 0
    found = entry.get("start", 0)
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def section_problems(
    data: dict[str, Any], derived: Mapping[str, Any], origin: Origin, record_id: str | None
) -> list[Problem]:
    """A section's ``start`` or ``source_id`` written by hand must be what its first evidence gives;
    every evidence entry must quote the section's one source."""
    problems = []
    for name in ("start", "source_id"):
        have, want = data.get(name), derived[name]
        if name in data and want is not None and type(have) is type(want) and have != want:
            problems.append(
                codes.INVALID_SPAN.problem(
                    f"the section's `{name}` is not that of its first evidence",
                    origin.file,
                    origin.line_of(name),
                    record_id=record_id,
                    path=name,
                    expected=shorten(want),
                    found=shorten(have),
                    hint=f"leave `{name}` out: a section starts where its first evidence does",
                )
            )
    source = derived["source_id"]
    evidence = data.get("evidence")
    if source is None or not isinstance(evidence, list):
        return problems
    for index, entry in enumerate(evidence[1:], start=1):
        other = entry.get("source_id") if isinstance(entry, dict) else None
        if isinstance(other, str) and other != source:
            path = f"evidence[{index}].source_id"
            problems.append(
                codes.INVALID_SPAN.problem(
                    "a section is part of one source: all of its evidence must quote that source",
                    origin.file,
                    origin.line_of(path, other),
                    record_id=record_id,
                    path=path,
                    expected=shorten(source),
                    found=shorten(other),
                    hint="a part of another source is a section of its own (with an id of its own)",
                )
            )
    return problems


def section_ends(sections: list[Section], texts: Mapping[str, str]) -> dict[str, int]:
    """Section id -> its end: where the next section of its source (by start) begins, the last
    one's at the end of its source's text (0 when the text is unknown: reported elsewhere)."""
    by_source: dict[str, list[Section]] = {}
    for section in sections:
        by_source.setdefault(section.source_id, []).append(section)
    ends: dict[str, int] = {}
    for source_id, parts in by_source.items():
        parts.sort(key=lambda s: (s.start, s.id))
        length = len(texts.get(source_id, ""))
        for index, section in enumerate(parts):
            ends[section.id] = parts[index + 1].start if index + 1 < len(parts) else length
    return ends


def finish_sections(dataset: RawDataset, texts: Mapping[str, str] | None = None) -> None:
    """Set every section's end (:func:`section_ends`); an end written by hand that says otherwise
    is an ``invalid-span`` problem."""
    texts = {**(texts or {}), **dataset.source_texts()}
    sections = [s for s in dataset.tables["sections"] if isinstance(s, Section)]
    ends = section_ends(sections, texts)
    finished = []
    for section in sorted(sections, key=lambda s: s.start):
        end = ends[section.id]
        written = dataset.written_ends.get(section.id)
        if written is not None and written != end:
            origin = dataset.origins.get(("sections", section.id))
            dataset.problems.append(
                codes.INVALID_SPAN.problem(
                    "the section's `end` is not where the next section (or its source) begins",
                    origin.file if origin else None,
                    origin.line_of("end") if origin else None,
                    record_id=section.id,
                    path="end",
                    expected=str(end),
                    found=str(written),
                    hint="leave `end` out: a section ends where the next one starts",
                )
            )
        finished.append(section.model_copy(update={"end": end}))
    dataset.tables["sections"] = list(finished)

"""Checks across records: every problem collected, none fatal until the caller decides.

Each check has a stable code (see README "Error codes"). The functions are pure: they take
validated records and where they came from, and return problems.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache

from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem, shorten
from dazhou_reforms.schema.models import (
    Evidence,
    Metric,
    Model,
    Record,
    Reform,
    Section,
    Source,
    VocabularyEntry,
)
from dazhou_reforms.schema.units import StatedQuantityError, parse_stated, standard_for
from dazhou_reforms.schema.vocabularies import VOCABULARIES, Qualifier, Unit

Tables = Mapping[str, Sequence[Model]]
Origins = Mapping[tuple[str, str], Origin]
#: ``resolve(table, id)``: is ``id`` a record of ``table`` held outside the records checked (an
#: index of records checked earlier, say)? Asked only for ids the records and known ids lack.
Resolve = Callable[[str, str], bool]


class _Reporter:
    """Builds problems that name the record's file and line."""

    def __init__(self, origins: Origins) -> None:
        self.origins = origins
        self.problems: list[Problem] = []

    def add(
        self,
        table: str,
        record_id: str | None,
        code: str,
        message: str,
        path: str | None = None,
        value: object = None,
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
    ) -> None:
        origin = self.origins.get((table, record_id or ""))
        self.problems.append(
            Problem(
                code=code,
                message=message,
                file=origin.file if origin else None,
                line=origin.line_of(path, value) if origin else None,
                record_id=record_id,
                path=path,
                expected=expected,
                found=found,
                hint=hint,
            )
        )


def _ids(records: Iterable[Model]) -> set[str]:
    return {record.id for record in records if isinstance(record, Record)}


def check_unique_ids(tables: Tables, report: _Reporter) -> None:
    seen: dict[str, str] = {}
    for table, records in tables.items():
        if table == "vocabularies":
            continue
        ids = [record.id for record in records if isinstance(record, Record)]
        distinct = set(ids)
        if len(distinct) == len(ids) and seen.keys().isdisjoint(distinct):
            seen.update(dict.fromkeys(ids, table))  # the usual case, without a count an id
            continue
        counts = Counter(ids)
        for record_id, count in counts.items():
            if count > 1:
                report.add(
                    table,
                    record_id,
                    "duplicate-id",
                    f"id `{record_id}` is used by {count} {table} records",
                    path="id",
                    expected="an id used once",
                    found=f"{count} records",
                    hint="ids are unique across all tables: pick a new, never-used id",
                )
            if record_id in seen and seen[record_id] != table:
                report.add(
                    table,
                    record_id,
                    "duplicate-id",
                    f"id `{record_id}` is also used in table `{seen[record_id]}`",
                    path="id",
                    expected="an id used once across all tables",
                    found=f"also in {seen[record_id]}",
                    hint="ids are unique across all tables: pick a new, never-used id",
                )
            seen.setdefault(record_id, table)


def check_records(
    tables: Tables,
    report: _Reporter,
    known_ids: Mapping[str, AbstractSet[str]],
    resolve: Resolve | None = None,
) -> None:
    """Every record on its own, in one pass (it runs on every record ``validate`` streams):

    - ``unresolved-reference``: each reference names a record of the tables, an id of ``known_ids``
      (ids of records that failed the schema count as present: no cascades) or, failing both, one
      that ``resolve`` knows;
    - ``quote-mismatch``: each evidence quote is the source text at its span;
    - a metric's figures agree with its stated text (:func:`check_metric`).

    The hot path is a set lookup a reference and a slice a quote; field paths and messages are
    only made for a problem.
    """
    texts = {s.id: s.text for s in tables.get("sources", ()) if isinstance(s, Source)}

    def known(table: str) -> AbstractSet[str]:
        given = known_ids.get(table, frozenset())
        return _ids(records) | given if (records := tables.get(table)) else given

    sources, sections, reforms, organizations = (
        known(table) for table in ("sources", "sections", "reforms", "organizations")
    )

    def need(table: str, record_id: str, path: str, value: str, target: str) -> None:
        """A reference the sets lack: resolved elsewhere, or reported."""
        if resolve is not None and resolve(target, value):
            return
        report.add(
            table,
            record_id,
            "unresolved-reference",
            f"`{path}` names a record in `{target}` that does not exist",
            path=path,
            value=value,
            expected=f"an id in table `{target}`",
            found=shorten(value),
            hint=f"add raw/{target}/{value}.toml or correct the id",
        )

    def mismatch(table: str, record_id: str | None, path: str, span: Evidence, text: str) -> None:
        found = text[span.start : span.end]
        where = text.find(span.quote)
        report.add(
            table,
            record_id,
            "quote-mismatch",
            f"source text [{span.start}:{span.end}] is not the quote",
            path=f"{path}.quote",
            value=span.quote,
            expected=shorten(span.quote),
            found=shorten(found),
            hint=f"the quote occurs at start = {where}"
            if where >= 0
            else "the quote does not occur in the source: copy it exactly",
        )

    def spans(table: str, record_id: str | None, prefix: str, evidence: Sequence[Evidence]) -> None:
        for index, span in enumerate(evidence):
            text = texts.get(span.source_id)
            if text is not None:
                if text[span.start : span.end] != span.quote:
                    mismatch(table, record_id, f"{prefix}evidence[{index}]", span, text)
            elif record_id is not None and span.source_id not in sources:
                need(table, record_id, f"{prefix}evidence[{index}].source_id", span.source_id, "sources")

    for table, records in tables.items():
        for record in records:
            record_id = getattr(record, "id", None)
            evidence = getattr(record, "evidence", None)
            if evidence:
                # the loop of spans() inlined for the usual single span whose text is known
                if len(evidence) == 1 and (text := texts.get((span := evidence[0]).source_id)) is not None:
                    if text[span.start : span.end] != span.quote:
                        mismatch(table, record_id, "evidence[0]", span, text)
                else:
                    spans(table, record_id, "", evidence)
            if record_id is None:
                continue
            if isinstance(record, Metric):
                reform = record.reform_id
                if reform is not None and reform not in reforms:
                    need(table, record_id, "reform_id", reform, "reforms")
                check_metric(record, report)
            elif isinstance(record, Reform):
                recognitions = record.recognitions
                for index, recognition in enumerate(recognitions):
                    spans(table, record_id, f"recognitions[{index}].", recognition.evidence)
                if record.section not in sections:
                    need(table, record_id, "section", record.section, "sections")
                parent = record.parent_id
                if parent is not None and parent not in reforms:
                    need(table, record_id, "parent_id", parent, "reforms")
                if not all(map(organizations.__contains__, record.organization_ids)):  # in C when all known
                    for index, org in enumerate(record.organization_ids):
                        if org not in organizations:
                            need(table, record_id, f"organization_ids[{index}]", org, "organizations")
                for index, recognition in enumerate(recognitions):
                    awarding = recognition.awarding_organization_id
                    if awarding is not None and awarding not in organizations:
                        path = f"recognitions[{index}].awarding_organization_id"
                        need(table, record_id, path, awarding, "organizations")
            elif isinstance(record, Section) and record.source_id not in sources:
                need(table, record_id, "source_id", record.source_id, "sources")


def check_parent_cycles(tables: Tables, report: _Reporter) -> None:
    parents = {r.id: r.parent_id for r in tables.get("reforms", ()) if isinstance(r, Reform)}
    # only a reform whose parent is among them can start a cycle (most have none, or one elsewhere)
    for start in sorted(start for start, parent in parents.items() if parent in parents):
        seen = [start]
        current = parents[start]
        while current is not None and current in parents:
            if current == start:
                report.add(
                    "reforms",
                    start,
                    "parent-cycle",
                    "parent_id leads back to the record itself",
                    path="parent_id",
                    expected="a chain of parents that ends",
                    found=" -> ".join([*seen, start]),
                    hint="one of these records must not name the other as parent",
                )
                break
            if current in seen:
                break
            seen.append(current)
            current = parents[current]


def check_sections(tables: Tables, report: _Reporter) -> None:
    texts = {s.id: s.text for s in tables.get("sources", ()) if isinstance(s, Source)}
    for section in tables.get("sections", ()):
        if not isinstance(section, Section):
            continue
        limit = len(texts.get(section.source_id, ""))
        if not section.start <= section.end <= limit:
            report.add(
                "sections",
                section.id,
                "invalid-span",
                "the section span is not within its source",
                path="start",
                expected=f"0 <= start <= end <= {limit}",
                found=f"start = {section.start}, end = {section.end}",
            )


@lru_cache(maxsize=16)
def _sha256(text: str) -> str:
    """SHA-256 of a text's UTF-8 (cached: ``validate`` checks the same source with every batch)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_sources(tables: Tables, report: _Reporter) -> None:
    for source in tables.get("sources", ()):
        if not isinstance(source, Source):
            continue
        digest = _sha256(source.text)
        if digest != source.text_sha256:
            report.add(
                "sources",
                source.id,
                "checksum-mismatch",
                "text_sha256 is not the SHA-256 of text",
                path="text_sha256",
                expected=digest,
                found=source.text_sha256,
                hint="the text changed: update text_sha256 and check every evidence offset",
            )


#: A problem of a metric's figures: code, message, path, value, expected, found, hint.
FigureProblem = tuple[str, str, str, object, str | None, str | None, str | None]


@lru_cache(maxsize=4096)
def _figure_problems(
    value_as_stated: str,
    value: float,
    unit: Unit,
    qualifier: Qualifier,
    value_standard: float,
    unit_standard: Unit,
    has_note: bool,
) -> tuple[FigureProblem, ...]:
    """What is wrong with a metric's figures (empty: they agree); pure, so cached: the same stated
    text with the same figures is checked once (a large file repeats them)."""
    try:
        stated = parse_stated(value_as_stated)
    except StatedQuantityError as error:
        return (
            (
                "stated-unreadable",
                f"cannot read value_as_stated: {error}",
                "value_as_stated",
                value_as_stated,
                None,
                shorten(value_as_stated),
                "write the figure as the article states it, e.g. 1491亿元, 第五, 5个工作日, 百亿级",
            ),
        )
    standard_value, standard_unit = standard_for(value, unit, stated)
    problems: list[FigureProblem] = []
    if value != stated.as_float:
        problems.append(
            (
                "value-mismatch",
                "value disagrees with value_as_stated",
                "value",
                None,
                f"{float(stated.value)!r} (from {value_as_stated})",
                repr(value),
                "multiply out 万 (1e4) and 亿 (1e8); keep the unit of the stated text",
            )
        )
    if stated.unit is not None and stated.unit != unit:
        problems.append(
            (
                "unit-mismatch",
                "unit disagrees with value_as_stated",
                "unit",
                None,
                f'"{stated.unit}" (from {value_as_stated})',
                f'"{unit}"',
                "the unit is the one the article states; explain doubts in `note`, do not convert",
            )
        )
    if stated.unit is None and not has_note:
        problems.append(
            (
                "unit-not-stated",
                "the stated text has no unit, and no note says where the unit comes from",
                "note",
                value_as_stated,
                "a note explaining the unit",
                "no note",
                f'add note = "…" explaining why the unit is {unit}',
            )
        )
    if stated.qualifier != qualifier:
        problems.append(
            (
                "qualifier-mismatch",
                "qualifier disagrees with value_as_stated",
                "qualifier",
                None,
                f'"{stated.qualifier}" (from {value_as_stated})',
                f'"{qualifier}"',
                None,
            )
        )
    if unit_standard != standard_unit or value_standard != standard_value:
        problems.append(
            (
                "value-mismatch",
                "value_standard/unit_standard do not follow from value and unit",
                "value_standard",
                None,
                f"{standard_value!r} {standard_unit}",
                f"{value_standard!r} {unit_standard}",
                None,
            )
        )
    return tuple(problems)


def check_metric(metric: Metric, report: _Reporter) -> None:
    """The stated text determines value, unit and qualifier; the standard value follows from them."""
    add = report.add
    for span in metric.evidence:
        if metric.value_as_stated in span.quote:
            break
    else:
        add(
            "metrics",
            metric.id,
            "stated-not-in-evidence",
            "value_as_stated does not occur in any evidence quote",
            path="value_as_stated",
            value=metric.value_as_stated,
            expected="a verbatim part of an evidence quote",
            found=shorten(metric.value_as_stated),
            hint="copy value_as_stated from the quoted text",
        )
    if (
        metric.period_start is not None
        and metric.period_end is not None
        and metric.period_start > metric.period_end
    ):
        add(
            "metrics",
            metric.id,
            "period-order",
            "period_start is after period_end",
            path="period_start",
            expected=f"<= {metric.period_end}",
            found=str(metric.period_start),
        )
    figures = (
        metric.value_as_stated,
        metric.value,
        metric.unit,
        metric.qualifier,
        metric.value_standard,
        metric.unit_standard,
        metric.note is not None,
    )
    # the cache answers "do they agree?"; a problem is worded afresh (0.0 and -0.0 share a key)
    problems = _figure_problems(*figures) and _figure_problems.__wrapped__(*figures)
    for code, message, path, value, expected, found, hint in problems:
        add("metrics", metric.id, code, message, path, value, expected, found, hint)


def check_vocabularies(tables: Tables, report: _Reporter, files: Mapping[str, Origin]) -> None:
    entries = [e for e in tables.get("vocabularies", ()) if isinstance(e, VocabularyEntry)]
    for name, codes in VOCABULARIES.items():
        have = [e.code for e in entries if e.vocabulary == name]
        want = [str(code) for code in codes]
        origin = files.get(name)
        file = origin.file if origin else f"raw/vocabularies/{name}.toml"
        missing = [code for code in want if code not in have]
        extra = [code for code in have if code not in want]
        duplicated = sorted(code for code, count in Counter(have).items() if count > 1)
        if missing or extra or duplicated:
            report.problems.append(
                Problem(
                    "vocabulary-drift",
                    f"vocabulary `{name}` does not list exactly the codes the schema allows",
                    expected=", ".join(want),
                    found=", ".join(have) or "no entries",
                    hint="; ".join(
                        filter(
                            None,
                            [
                                f"add entries for {missing}" if missing else "",
                                f"remove {extra} or add them to vocabularies.py" if extra else "",
                                f"remove duplicate entries for {duplicated}" if duplicated else "",
                            ],
                        )
                    ),
                    file=file,
                )
            )
    for name in sorted({e.vocabulary for e in entries} - set(VOCABULARIES)):
        origin = files.get(name)
        report.problems.append(
            Problem(
                "vocabulary-drift",
                f"unknown vocabulary `{name}`",
                origin.file if origin else None,
                expected="one of " + ", ".join(VOCABULARIES),
                found=name,
                hint="vocabularies are declared in src/dazhou_reforms/vocabularies.py",
            )
        )


def check_dataset(
    tables: Tables,
    origins: Origins | None = None,
    vocabulary_files: Mapping[str, Origin] | None = None,
    known_ids: Mapping[str, AbstractSet[str]] | None = None,
    resolve: Resolve | None = None,
) -> list[Problem]:
    """Run every collection check; return all problems (empty when the records are consistent).

    ``known_ids`` and ``resolve``: ids references may name beyond ``tables`` (see
    :func:`check_records`).
    """
    report = _Reporter(origins or {})
    check_unique_ids(tables, report)
    check_records(tables, report, known_ids or {}, resolve)
    check_parent_cycles(tables, report)
    check_sections(tables, report)
    check_sources(tables, report)
    if "vocabularies" in tables and vocabulary_files is not None:
        check_vocabularies(tables, report, vocabulary_files)
    return report.problems

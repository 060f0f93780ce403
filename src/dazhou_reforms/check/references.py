"""Every record on its own, in one pass: its references resolve, its quotes are the source text at
their spans, a metric's figures agree with its stated text; and no parent_id chain is a cycle."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet

from dazhou_reforms.check.evidence import quote_mismatch, selector_mismatches
from dazhou_reforms.check.figures import check_metric
from dazhou_reforms.check.reporter import Reporter, Resolve, Tables
from dazhou_reforms.problems import codes
from dazhou_reforms.problems.problem import shorten
from dazhou_reforms.read.model_errors import closest
from dazhou_reforms.schema.models import Evidence, Metric, Model, Record, Reform, Section, Source

#: A "did you mean" is looked for among at most this many ids, for at most this many problems of
#: one check (a broken file of many bad references stays fast to report).
NEAREST_AMONG = 20_000
NEAREST_PROBLEMS = 200


def _ids(records: Iterable[Model]) -> set[str]:
    return {record.id for record in records if isinstance(record, Record)}


def nearest_id(value: str, ids: AbstractSet[str]) -> str | None:
    """The existing id ``value`` (a mistyped reference) is closest to, if one is close enough."""
    return None if len(ids) > NEAREST_AMONG else closest(value, ids, 64)


def reference_hint(value: str, target: str, nearest: str | None, toml: bool) -> str:
    """The hint of an unresolved reference, in the syntax of the record (TOML in raw/, else JSON)."""
    if nearest is not None:
        return f"did you mean {nearest}?"
    if toml:
        return f"add raw/{target}/{value}.toml or correct the id"
    return f"correct the id, or add a record with id {value} to table `{target}`"


def check_records(
    tables: Tables,
    report: Reporter,
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
    candidates = {
        "sources": sources,
        "sections": sections,
        "reforms": reforms,
        "organizations": organizations,
    }
    suggested = 0

    def need(table: str, record_id: str, path: str, value: str, target: str) -> None:
        """A reference the sets lack: resolved elsewhere, or reported."""
        nonlocal suggested
        if resolve is not None and resolve(target, value):
            return
        nearest = None
        if suggested < NEAREST_PROBLEMS:
            suggested += 1
            nearest = nearest_id(value, candidates[target])
        toml = report.is_toml(table, record_id)
        report.add(
            table,
            record_id,
            codes.UNRESOLVED_REFERENCE,
            f"`{path}` names a record in `{target}` that does not exist",
            path=path,
            value=value,
            expected=f"an id in table `{target}`",
            found=shorten(value),
            hint=reference_hint(value, target, nearest, toml),
        )

    def mismatch(table: str, record_id: str | None, path: str, span: Evidence, text: str) -> None:
        quote_mismatch(report, table, record_id, path, span, text)

    def spans(table: str, record_id: str | None, prefix: str, evidence: Sequence[Evidence]) -> None:
        for index, span in enumerate(evidence):
            text = texts.get(span.source_id)
            if text is not None:
                if text[span.start : span.end] != span.quote:
                    mismatch(table, record_id, f"{prefix}evidence[{index}]", span, text)
                elif span.prefix is not None or span.suffix is not None:
                    selector_mismatches(report, table, record_id, f"{prefix}evidence[{index}]", span, text)
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
                    elif span.prefix is not None or span.suffix is not None:
                        selector_mismatches(report, table, record_id, "evidence[0]", span, text)
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


def check_parent_cycles(tables: Tables, report: Reporter) -> None:
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
                    codes.PARENT_CYCLE,
                    "parent_id leads back to the record itself",
                    path="parent_id",
                    expected="a chain of parents that ends",
                    found=" -> ".join([*seen, start]),
                )
                break
            if current in seen:
                break
            seen.append(current)
            current = parents[current]

"""``withdrawn-reference`` (a warning): a live record refers to a withdrawn one.

A withdrawn record stays (its id is never reused, references to it still resolve) and is checked
like any other; a record that is not withdrawn should not rely on one, though: it should name the
record that replaces it, or be withdrawn too. References from withdrawn records are not reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from operator import attrgetter

from dazhou_reforms.check.reporter import Reporter, Tables
from dazhou_reforms.problems import codes
from dazhou_reforms.problems.problem import shorten
from dazhou_reforms.schema.models import Metric, Model, Record, Reform, Section


def references(record: Model) -> Iterator[tuple[str, str, str]]:
    """``(field path, id, table)`` of each reference ``record`` makes to another record."""
    for index, span in enumerate(getattr(record, "evidence", ())):
        yield f"evidence[{index}].source_id", span.source_id, "sources"
    if isinstance(record, Metric) and record.reform_id is not None:
        yield "reform_id", record.reform_id, "reforms"
    elif isinstance(record, Section):
        yield "source_id", record.source_id, "sources"
    elif isinstance(record, Reform):
        yield "section", record.section, "sections"
        if record.parent_id is not None:
            yield "parent_id", record.parent_id, "reforms"
        for index, organization in enumerate(record.organization_ids):
            yield f"organization_ids[{index}]", organization, "organizations"
        for index, recognition in enumerate(record.recognitions):
            if recognition.awarding_organization_id is not None:
                path = f"recognitions[{index}].awarding_organization_id"
                yield path, recognition.awarding_organization_id, "organizations"
            for number, span in enumerate(recognition.evidence):
                yield f"recognitions[{index}].evidence[{number}].source_id", span.source_id, "sources"


_WITHDRAWN = attrgetter("withdrawn")


def withdrawn_ids(tables: Tables) -> dict[str, dict[str, str]]:
    """table -> id -> withdrawal date (ISO) of the withdrawn records of ``tables``."""
    found: dict[str, dict[str, str]] = {}
    for table, records in tables.items():
        if table == "vocabularies" or not any(map(_WITHDRAWN, records)):  # in C: the usual case
            continue
        for record in records:
            if isinstance(record, Record) and record.withdrawn is not None:
                found.setdefault(table, {})[record.id] = record.withdrawn.isoformat()
    return found


def check_withdrawn_references(
    tables: Tables, report: Reporter, elsewhere: Mapping[str, AbstractSet[str]] | None = None
) -> None:
    """Every reference of a live record of ``tables`` to a withdrawn record, of ``tables`` or one of
    ``elsewhere`` (ids of withdrawn records by table, in a release the records are checked against)."""
    dates = withdrawn_ids(tables)
    withdrawn: dict[str, AbstractSet[str]] = {
        table: dates.get(table, {}).keys() | (elsewhere or {}).get(table, set())
        for table in {*dates, *(elsewhere or {})}
    }
    if not any(withdrawn.values()):
        return  # the usual case: nothing is withdrawn
    for table, records in tables.items():
        for record in records:
            if not isinstance(record, Record) or record.withdrawn is not None:
                continue
            for path, value, target in references(record):
                if value not in withdrawn.get(target, ()):
                    continue
                when = dates.get(target, {}).get(value)
                report.add(
                    table,
                    record.id,
                    codes.WITHDRAWN_REFERENCE,
                    f"`{path}` names a record of `{target}` that is withdrawn"
                    + (f" (since {when})" if when else ""),
                    path=path,
                    value=value,
                    expected="a record that is not withdrawn",
                    found=shorten(value),
                )

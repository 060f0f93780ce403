"""``duplicate-id``: ids are unique across all tables, and never reused; ``placeholder-id``: an id
is not left as the placeholder ``new`` gives.

Each situation a duplicate is found in has one wording, here, whichever part of the package
finds it: two records of one table, records of two tables, a record and a released one of
another table, and a repeat confirmed across the batches of a streamed file.
"""

from __future__ import annotations

from collections import Counter

from dazhou_reforms.check.reporter import Reporter, Tables
from dazhou_reforms.problems import codes
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem, shorten
from dazhou_reforms.schema.models import Record
from dazhou_reforms.schema.templates import PLACEHOLDER_ID


def check_unique_ids(tables: Tables, report: Reporter) -> None:
    """Every id once in its table and in no other table; no id left a placeholder (a warning)."""
    seen: dict[str, str] = {}
    for table, records in tables.items():
        if table == "vocabularies":
            continue
        ids = [record.id for record in records if isinstance(record, Record)]
        placeholder_ids(table, ids, report)
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
                    codes.DUPLICATE_ID,
                    f"id `{record_id}` is used by {count} {table} records",
                    path="id",
                    expected="an id used once",
                    found=f"{count} records",
                )
            if record_id in seen and seen[record_id] != table:
                report.add(
                    table,
                    record_id,
                    codes.DUPLICATE_ID,
                    f"id `{record_id}` is also used in table `{seen[record_id]}`",
                    path="id",
                    expected="an id used once across all tables",
                    found=f"also in {seen[record_id]}",
                )
            seen.setdefault(record_id, table)


def used_by_released(record_id: str, other_table: str, label: str, origin: Origin) -> Problem:
    """A record whose id a record of another table of the release (``label``) has."""
    return codes.DUPLICATE_ID.problem(
        f"id `{record_id}` is used by a record of table `{other_table}` in the {label}",
        origin.file,
        origin.line_of("id", record_id),
        record_id=record_id,
        path="id",
        expected="an id no other table uses",
        found=f"a released {other_table} record",
        hint="ids are unique across all tables and never reused: pick a new id",
    )


#: Where a record with a given id was read: its table and origin.
Occurrence = tuple[str, Origin]


def repeated(found: dict[str, list[Occurrence]]) -> list[Problem]:
    """Duplicate ids among every occurrence of some ids (in reading order): one problem for each
    occurrence after the first; an id read once (a fingerprint twin of another) is none."""
    problems = []
    for record_id, where in sorted(found.items()):
        if len(where) < 2:
            continue
        first_table, first_origin = where[0]
        first_line = first_origin.line_of("id", record_id)
        first = f"{first_origin.file}:{first_line}" if first_line is not None else first_origin.file
        for table, origin in where[1:]:
            problems.append(
                codes.DUPLICATE_ID.problem(
                    f"id `{record_id}` is used by {len(where)} records",
                    origin.file,
                    origin.line_of("id", record_id),
                    record_id=record_id,
                    path="id",
                    expected="an id used once across all tables",
                    found=f"also at {shorten(first, 60)[1:-1]} ({first_table})"
                    if table == first_table
                    else f"also in table {first_table} at {first}",
                )
            )
    return problems


def placeholder_ids(table: str, ids: list[str], report: Reporter) -> None:
    """``placeholder-id`` (a warning): an id still the ``<kind>-<n>`` that ``new`` gives by default."""
    for record_id in filter(PLACEHOLDER_ID.match, ids):  # the ids matched in C
        report.add(
            table,
            record_id,
            codes.PLACEHOLDER_ID,
            f"id `{record_id}` is still the placeholder that `dazhou-reforms new` gave the record",
            path="id",
            value=record_id,
            expected="an id that says what the record is (e.g. silver-hair-canteens)",
            found=shorten(record_id),
        )

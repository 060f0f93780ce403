"""What changed between two releases: records added, removed and changed, value by value.

Records are matched by id (vocabulary entries by ``<vocabulary>/<code>``); the values compared are
the released JSON rows, so the diff speaks the release format, whatever the models are now. Both
releases are verified against their ``SHA256SUMS`` and must keep the release invariants (see
:mod:`dazhou_reforms.release.folder`): a duplicated row or a row without its key is an error naming
its file and line, never a difference or "no differences".

A record withdrawn between the two releases (``withdrawn`` null or absent before, set after) is its
own kind of change, listed with its date and reason (and any other value changed with it). A field
a table gained (or lost) is named once for the table (a nested one as ``evidence[].prefix``). A
row's value of a new top-level field is listed where it is not empty (null or ``[]``: a new, empty
field says nothing about the record); the values of a new nested field (context added to every evidence span,
say) are not listed row by row: they describe the existing values, which did not change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from dazhou_reforms.release.folder import Release, ReleaseError, read_tables
from dazhou_reforms.schema.models import TABLES

#: Shown beside records in the text diff, the first field present.
LABEL_FIELDS = ("name_en", "indicator_en", "term_en", "heading_en", "title_en", "label_en")
MAX_SHOWN = 80

_ABSENT: Any = object()
#: Keys a newer release derives from values both releases have (an evidence entry's selectors,
#: computed from its source text and span since 1.1.0): their first appearance is no change of the
#: record and is not listed; a change of their value later is.
DERIVED_KEYS = frozenset({"prefix", "suffix", "fragment"})


@dataclass(frozen=True)
class Change:
    """One changed value: its path in the record (``name_en``, ``evidence[0].start``), old and new."""

    path: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path}
        if self.old is not _ABSENT:
            out["old"] = self.old
        if self.new is not _ABSENT:
            out["new"] = self.new
        return out


Keyed = tuple[tuple[str, dict[str, Any]], ...]
Changed = tuple[tuple[str, tuple[Change, ...]], ...]
#: The fields of a withdrawal (see ``schema.models.Record``).
WITHDRAWN_FIELDS = ("withdrawn", "withdrawn_reason")
#: The kinds of record change counted, in the order they are reported.
KINDS = ("added", "removed", "changed", "withdrawn")


def is_withdrawn(row: Mapping[str, Any]) -> bool:
    """A released row of a withdrawn record (releases before 1.1.0 have no such field: none is)."""
    return row.get("withdrawn") is not None


@dataclass(frozen=True)
class TableDiff:
    """One table's differences; added and removed rows with their keys, in key order."""

    table: str
    added: Keyed = ()
    removed: Keyed = ()
    changed: Changed = ()
    #: Records withdrawn in the newer release: key, new row, the other values changed with it.
    withdrawn: tuple[tuple[str, dict[str, Any], tuple[Change, ...]], ...] = ()
    fields_added: tuple[str, ...] = ()
    fields_removed: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.changed
            or self.withdrawn
            or self.fields_added
            or self.fields_removed
        )

    def counts(self) -> dict[str, int]:
        """How many records were added, removed, changed and withdrawn."""
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "withdrawn": len(self.withdrawn),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "fields_added": list(self.fields_added),
            "fields_removed": list(self.fields_removed),
            "added": [row for _, row in self.added],
            "removed": [row for _, row in self.removed],
            "withdrawn": [
                {
                    "key": key,
                    **{name: row.get(name) for name in WITHDRAWN_FIELDS},
                    "changes": [change.to_dict() for change in changes],
                }
                for key, row, changes in self.withdrawn
            ],
            "changed": [
                {"key": key, "changes": [change.to_dict() for change in changes]}
                for key, changes in self.changed
            ],
        }


@dataclass(frozen=True)
class ReleaseDiff:
    old: Release
    new: Release
    tables: tuple[TableDiff, ...] = field(default_factory=tuple)

    def counts(self) -> dict[str, int]:
        total = dict.fromkeys(KINDS, 0)
        for table in self.tables:
            for kind, count in table.counts().items():
                total[kind] += count
        return total

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {"release": self.old.name, "location": self.old.location},
            "new": {"release": self.new.name, "location": self.new.location},
            "summary": self.counts(),
            "tables": {t.table: t.to_dict() for t in self.tables},
        }


def _same(old: Any, new: Any) -> bool:
    return type(old) is type(new) and old == new


def value_changes(old: Any, new: Any, path: str = "") -> Iterator[Change]:
    """The leaf values that differ between two JSON values; lists of different lengths as a whole."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(key for key in new if key not in old and key not in DERIVED_KEYS)]:
            sub = f"{path}.{key}" if path else str(key)
            yield from value_changes(old.get(key, _ABSENT), new.get(key, _ABSENT), sub)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from value_changes(a, b, f"{path}[{index}]")
    elif not _same(old, new):
        yield Change(path, old, new)


def _field_paths(value: Any, prefix: str, found: dict[str, None]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            found[path] = None
            _field_paths(inner, path, found)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                found[f"{prefix}[]"] = None  # a list of objects: the parent of their fields
            _field_paths(item, f"{prefix}[]", found)


def _fields(rows: Mapping[str, dict[str, Any]]) -> dict[str, None]:
    """The field paths of a table's rows (``name_en``, ``evidence[].quote``), in first-seen order."""
    found: dict[str, None] = {"": None}
    for row in rows.values():
        _field_paths(row, "", found)
    return found


def _parent(path: str) -> str:
    """``evidence[].prefix`` -> ``evidence[]``; a top-level field's parent is ``""``, always present."""
    return path.rsplit(".", 1)[0] if "." in path else ""


_INDEX = re.compile(r"\[[0-9]+\]")


def _unlisted(change: Change, fields_added: tuple[str, ...], fields_removed: tuple[str, ...]) -> bool:
    """A value of a field the table gained (or lost) that is not a change of the record (see the
    module docstring): null or an empty list in a new (or gone) top-level field, anything in a new
    (or gone) nested one. So a diff read backwards lists what the forward one lists."""
    if change.old is _ABSENT:
        fields, value = fields_added, change.new
    elif change.new is _ABSENT:
        fields, value = fields_removed, change.old
    else:
        return False
    field = _INDEX.sub("[]", change.path)
    if field not in fields:
        return False
    return value is None or value == [] or "." in field or "[" in field


def _fields_only_in(fields: Mapping[str, None], others: Mapping[str, None]) -> tuple[str, ...]:
    """The fields of ``fields`` that ``others`` lacks where their parent is in both: not the fields
    of a list that was empty there."""
    return tuple(
        name for name in fields if name not in others and _parent(name) in others and not name.endswith("[]")
    )


def diff_rows(
    table: str, before: Mapping[str, dict[str, Any]], after: Mapping[str, dict[str, Any]]
) -> TableDiff:
    """Rows added, removed, withdrawn and changed between two tables of rows by key, in key order,
    and the fields the table gained or lost (when both releases have rows to tell)."""
    old_fields, new_fields = _fields(before), _fields(after)
    fields_added = _fields_only_in(new_fields, old_fields) if before else ()
    fields_removed = _fields_only_in(old_fields, new_fields) if after else ()
    changed = []
    withdrawn = []
    for key in sorted(before.keys() & after.keys()):
        changes = tuple(
            change
            for change in value_changes(before[key], after[key])
            if not _unlisted(change, fields_added, fields_removed)
        )
        if is_withdrawn(after[key]) and not is_withdrawn(before[key]):
            others = tuple(change for change in changes if change.path not in WITHDRAWN_FIELDS)
            withdrawn.append((key, after[key], others))
        elif changes:
            changed.append((key, changes))
    return TableDiff(
        table=table,
        added=tuple((key, after[key]) for key in sorted(after.keys() - before.keys())),
        removed=tuple((key, before[key]) for key in sorted(before.keys() - after.keys())),
        changed=tuple(changed),
        withdrawn=tuple(withdrawn),
        fields_added=fields_added,
        fields_removed=fields_removed,
    )


def diff_releases(old: Release, new: Release) -> ReleaseDiff:
    """Compare every table either release lists; both releases' files are verified first, and their
    rows checked (:class:`ReleaseError` at the first row that breaks an invariant)."""
    for release in (old, new):
        status = release.check_sums()
        if not status.intact:
            raise ReleaseError(f"{release.location}: checksums {status.summary()}")
    before = read_tables(old, old.tables(tuple(TABLES)))
    after = read_tables(new, new.tables(tuple(TABLES)))
    tables = [*before, *(table for table in after if table not in before)]
    out = []
    for table in tables:
        old_rows = before[table].rows if table in before else {}
        new_rows = after[table].rows if table in after else {}
        out.append(diff_rows(table, old_rows, new_rows))
    return ReleaseDiff(old, new, tuple(out))


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": ")).replace("\n", "\\n")


def _cut(text: str, start: int = 0) -> str:
    """``text`` from ``start`` (``…`` in front when that is not its beginning), cut to
    :data:`MAX_SHOWN` characters."""
    piece = "…" + text[start:] if start else text
    return piece if len(piece) <= MAX_SHOWN else piece[: MAX_SHOWN - 1] + "…"


def show(value: Any) -> str:
    """A value for one line of the text diff: JSON, cut to :data:`MAX_SHOWN` characters."""
    if value is _ABSENT:
        return "(absent)"
    return _cut(_json_text(value))


#: Characters of what two changed values share shown before the place where they differ.
LEAD = 16


def show_change(old: Any, new: Any) -> tuple[str, str]:
    """The two sides of a changed value for one line of the text diff, each cut to
    :data:`MAX_SHOWN` characters around where they first differ: a change near the end of a long
    text is seen, not cut off in both."""
    if old is _ABSENT or new is _ABSENT:
        return show(old), show(new)
    before, after = _json_text(old), _json_text(new)
    pairs = enumerate(zip(before, after, strict=False))
    same = next((i for i, (a, b) in pairs if a != b), min(len(before), len(after)))
    start = same - LEAD if same - LEAD > LEAD else 0
    return _cut(before, start), _cut(after, start)


def shown_key(key: str) -> str:
    """A key for the text diff: as it is when short and printable, else quoted and cut like a value."""
    return key if len(key) <= MAX_SHOWN and key.isprintable() and key.strip() == key else show(key)


def _label(row: Mapping[str, Any]) -> str:
    for name in LABEL_FIELDS:
        if isinstance(row.get(name), str):
            return f"  {show(row[name])}"
    return ""


def diff_text(diff: ReleaseDiff) -> str:
    """The text report: per table, the fields it gained or lost, ``+`` added, ``-`` removed, ``x``
    withdrawn (date and reason), ``~`` changed with ``path: old → new``."""
    lines = [f"diff {diff.old.name} ({diff.old.location}) → {diff.new.name} ({diff.new.location})", ""]
    for table in diff.tables:
        if table.unchanged:
            lines.append(f"{table.table}: unchanged")
            continue
        lines.append(f"{table.table}: {_counts_text(table.counts())}")
        if table.fields_added:
            lines.append(f"  fields added: {', '.join(map(shown_key, table.fields_added))}")
        if table.fields_removed:
            lines.append(f"  fields removed: {', '.join(map(shown_key, table.fields_removed))}")
        lines += [f"  + {shown_key(key)}{_label(row)}" for key, row in table.added]
        lines += [f"  - {shown_key(key)}{_label(row)}" for key, row in table.removed]
        for key, row, changes in table.withdrawn:
            lines.append(f"  x {shown_key(key)}{_label(row)}")
            lines.append(f"      withdrawn {show(row.get('withdrawn'))}: {show(row.get('withdrawn_reason'))}")
            lines += map(_change_line, changes)
        for key, changes in table.changed:
            lines.append(f"  ~ {shown_key(key)}")
            lines += map(_change_line, changes)
    lines.append("")
    if not all(table.unchanged for table in diff.tables):  # a record counted is a table changed
        lines.append(f"total: {_counts_text(diff.counts())}")
    else:
        lines.append("no differences")
    return "\n".join(lines) + "\n"


def _change_line(change: Change) -> str:
    return f"      {change.path}: {' → '.join(show_change(change.old, change.new))}"


def _counts_text(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{counts[kind]} {kind}" for kind in KINDS)

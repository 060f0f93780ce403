"""What changed between two releases: records added, removed and changed, value by value.

Records are matched by id (vocabulary entries by ``<vocabulary>/<code>``); the values compared are
the released JSON rows, so the diff speaks the release format, whatever the models are now. Both
releases are verified against their ``SHA256SUMS`` and must keep the release invariants (see
:mod:`dazhou_reforms.release.folder`): a duplicated row or a row without its key is an error naming
its file and line, never a difference or "no differences".
"""

from __future__ import annotations

import json
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


@dataclass(frozen=True)
class TableDiff:
    """One table's differences; added and removed rows with their keys, in key order."""

    table: str
    added: Keyed = ()
    removed: Keyed = ()
    changed: tuple[tuple[str, tuple[Change, ...]], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": [row for _, row in self.added],
            "removed": [row for _, row in self.removed],
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
        return {
            "added": sum(len(t.added) for t in self.tables),
            "removed": sum(len(t.removed) for t in self.tables),
            "changed": sum(len(t.changed) for t in self.tables),
        }

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


def diff_rows(
    table: str, before: Mapping[str, dict[str, Any]], after: Mapping[str, dict[str, Any]]
) -> TableDiff:
    """Rows added, removed and changed between two tables of rows by key, each in key order."""
    changed = []
    for key in sorted(before.keys() & after.keys()):
        changes = tuple(value_changes(before[key], after[key]))
        if changes:
            changed.append((key, changes))
    return TableDiff(
        table=table,
        added=tuple((key, after[key]) for key in sorted(after.keys() - before.keys())),
        removed=tuple((key, before[key]) for key in sorted(before.keys() - after.keys())),
        changed=tuple(changed),
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


def show(value: Any) -> str:
    """A value for one line of the text diff: JSON, cut to :data:`MAX_SHOWN` characters."""
    if value is _ABSENT:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    text = text.replace("\n", "\\n")
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def shown_key(key: str) -> str:
    """A key for the text diff: as it is when short and printable, else quoted and cut like a value."""
    return key if len(key) <= MAX_SHOWN and key.isprintable() and key.strip() == key else show(key)


def _label(row: Mapping[str, Any]) -> str:
    for name in LABEL_FIELDS:
        if isinstance(row.get(name), str):
            return f"  {show(row[name])}"
    return ""


def diff_text(diff: ReleaseDiff) -> str:
    """The text report: per table, ``+`` added, ``-`` removed, ``~`` changed with ``path: old → new``."""
    lines = [f"diff {diff.old.name} ({diff.old.location}) → {diff.new.name} ({diff.new.location})", ""]
    for table in diff.tables:
        if not (table.added or table.removed or table.changed):
            lines.append(f"{table.table}: unchanged")
            continue
        summary = f"{len(table.added)} added, {len(table.removed)} removed, {len(table.changed)} changed"
        lines.append(f"{table.table}: {summary}")
        lines += [f"  + {shown_key(key)}{_label(row)}" for key, row in table.added]
        lines += [f"  - {shown_key(key)}{_label(row)}" for key, row in table.removed]
        for key, changes in table.changed:
            lines.append(f"  ~ {shown_key(key)}")
            lines += [f"      {change.path}: {show(change.old)} → {show(change.new)}" for change in changes]
    counts = diff.counts()
    lines.append("")
    if any(counts.values()):
        lines.append(
            f"total: {counts['added']} added, {counts['removed']} removed, {counts['changed']} changed"
        )
    else:
        lines.append("no differences")
    return "\n".join(lines) + "\n"

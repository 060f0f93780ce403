"""``validate --source ID``: which problems are reported when only some sources are asked for."""

from __future__ import annotations

from dazhou_reforms.problems.problem import Problem


class SourceFilter:
    """``--source ID``: which problems to report. A problem is reported unless it is known to be
    of a record that quotes none of the sources asked for: a raw record file whose evidence names
    other sources only, or the line of a JSON Lines or JSON file that holds only valid records
    quoting other sources. So a problem of a file or line that could not be read as a valid
    record, of a record whose evidence does not name its source, of a source text, or of no file is
    always reported. Lines are remembered a bit each (memory stays flat in the records)."""

    def __init__(self, ids: tuple[str, ...]) -> None:
        self.ids = frozenset(ids)
        #: record file -> the sources its evidence names (None: cannot tell)
        self.files: dict[str, frozenset[str] | None] = {}
        #: file -> a bit a line: a valid record there quotes another source only / an asked one
        self.other: dict[str, bytearray] = {}
        self.asked: dict[str, bytearray] = {}

    def notice(self, file: str, line: int | None, record: object) -> None:
        """A valid record read at ``line`` of ``file`` (JSON Lines, JSON)."""
        if line is None or file in self.files:
            return
        from dazhou_reforms.release.coverage import evidence_spans

        quotes = {source_id for source_id, _, _ in evidence_spans(record)}
        marks = self.other if self.ids.isdisjoint(quotes) else self.asked
        bits = marks.setdefault(file, bytearray())
        if len(bits) <= line >> 3:
            bits.extend(bytes((line >> 3) + 1 - len(bits)))
        bits[line >> 3] |= 1 << (line & 7)

    def keeps(self, problem: Problem) -> bool:
        file = problem.file or ""
        if file in self.files:
            quoted = self.files[file]
            return quoted is None or not quoted.isdisjoint(self.ids)
        line = problem.line
        other = self.other.get(file)
        if line is None or other is None or len(other) <= line >> 3 or not other[line >> 3] >> (line & 7) & 1:
            return True
        asked = self.asked.get(file)
        return asked is not None and len(asked) > line >> 3 and bool(asked[line >> 3] >> (line & 7) & 1)

"""Validated records on their way to the collection checks, in memory that does not grow with them.

The collection checks are :func:`dazhou_reforms.check.dataset.check_dataset`, unchanged. For the inputs
contributors write (hundreds of records) the pool keeps every record and runs it once over all of
them, exactly as ``build`` does. A table that grows past ``batch_size`` records is checked batch by
batch instead (the first of ``batch_size`` records, the next of ``STREAM_BATCH_SIZE``), and of a
checked batch only the ids are kept, as fingerprints in an :class:`~dazhou_reforms.validate.id_index.IdIndex`
(about 8 bytes a record). A streamed file hands its valid records over a buffer at a time
(:meth:`RecordPool.add_lines`).

- every per-record check (quotes against the source text, metric figures, spans) runs on each batch;
- references resolve against kept records, earlier batches, the context and ids of invalid records;
  a reform whose parent comes in a later batch is kept back and checked at the end;
- duplicate ids within a batch are found by ``check_dataset``; across batches an id fingerprint hit
  is confirmed by re-reading the inputs (:meth:`RecordPool.finish` is given a way to) before it is
  reported;
- what the batches cannot see: a parent_id cycle whose reforms are in different batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import repeat

from dazhou_reforms.check.dataset import Resolve, check_dataset
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem, shorten
from dazhou_reforms.schema.models import TABLES, Model
from dazhou_reforms.validate.context import ID_TABLES, Context
from dazhou_reforms.validate.id_index import IdIndex

#: Records of one table checked together, all at once, before the table is checked in batches.
BATCH_SIZE = 1000
#: The size of the batches after the first: small enough that a batch (some 3 KB of objects a
#: record) stays in a core's cache between being read and being checked (batches of 1000 made the
#: whole run ~6% slower; below ~100 the work a batch starts to show).
STREAM_BATCH_SIZE = 256
#: Tables never checked in batches: every check needs all of them (texts, vocabulary drift).
WHOLE_TABLES = ("sources", "vocabularies")
#: References from a table to itself: these may point forward, past the current batch.
SELF_REFERENCES = {"reforms": "parent_id"}

Place = Origin | tuple[str, int]
#: The tag of each table's ids in the index.
TAGS = {table: tag for tag, table in enumerate(ID_TABLES)}
#: id -> every (table, file, line) where it occurs, for ids whose fingerprint was seen twice.
Locate = Callable[[set[str]], dict[str, list[tuple[str, str, int | None]]]]


class Places(Mapping[tuple[str, str], Origin]):
    """(table, id) -> Origin, over table -> id -> place; Origins are made only when a problem needs
    one (most records have none)."""

    def __init__(self, places: Mapping[str, Mapping[str, Place]]) -> None:
        self._places = places

    def __getitem__(self, key: tuple[str, str]) -> Origin:
        place = self._places[key[0]][key[1]]
        return place if isinstance(place, Origin) else Origin(place[0], line=place[1])

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((table, record_id) for table, ids in self._places.items() for record_id in ids)

    def __len__(self) -> int:
        return sum(map(len, self._places.values()))


def _file_of(place: Place) -> str | None:
    return place.file if isinstance(place, Origin) else place[0]


@dataclass
class RecordPool:
    """Collects valid records (and the ids of invalid ones) and runs the collection checks."""

    context: Context
    report: Callable[[list[Problem]], None]
    #: False for problems that concern files the user did not ask about.
    wanted: Callable[[Problem], bool] = lambda problem: True
    batch_size: int = BATCH_SIZE
    #: Tables a raw/ tree in the input gives completely: the context does not add to them.
    covered: set[str] = field(default_factory=set)
    vocabulary_files: dict[str, Origin] | None = None
    kept: dict[str, list[Model]] = field(default_factory=lambda: {table: [] for table in TABLES})
    #: table -> id -> where the kept record of that id was read.
    places: dict[str, dict[str, Place]] = field(default_factory=lambda: {table: {} for table in TABLES})
    invalid: dict[str, set[str]] = field(default_factory=dict)
    #: Ids of the checked batches of every table, each tagged with its table.
    index: IdIndex | None = None
    deferred: list[tuple[str, Model, Place]] = field(default_factory=list)
    suspects: set[str] = field(default_factory=set)
    #: Records the inputs are estimated to hold (sizes the index when the first batch is checked).
    expected: int = 0
    #: Tables checked in batches already.
    flushed: set[str] = field(default_factory=set)
    _released: dict[str, str] | None = None

    # -- collecting ---------------------------------------------------------------------------

    def add(self, table: str, record: Model, place: Place) -> None:
        records = self.kept[table]
        records.append(record)
        record_id = getattr(record, "id", None)
        if record_id is not None:
            self.places[table][record_id] = place
        elif table == "vocabularies":  # check_vocabularies names a vocabulary's first file and line
            origin = place if isinstance(place, Origin) else Origin(place[0], line=place[1])
            self.vocabulary_files = self.vocabulary_files or {}
            self.vocabulary_files.setdefault(str(getattr(record, "vocabulary", "")), origin)
        self._flush_if_full(table)

    def room(self, table: str) -> int:
        """Records ``table`` takes before its batch is checked (``add_lines`` callers buffer this many)."""
        if table in WHOLE_TABLES:
            return self.batch_size
        return max(1, self._limit(table) - len(self.kept[table]))

    def _limit(self, table: str) -> int:
        """Records of ``table`` that make a batch: ``batch_size`` the first, fewer the others."""
        return min(self.batch_size, STREAM_BATCH_SIZE) if table in self.flushed else self.batch_size

    def add_lines(self, table: str, records: list[Model], file: str, lines: list[int]) -> None:
        """Valid records of ``table`` (which has ids) read from ``lines`` of ``file``, in order.

        The streaming fast path: one call a buffer of records rather than one a record.
        """
        self.kept[table] += records
        ids = [getattr(record, "id", "") for record in records]
        self.places[table].update(zip(ids, zip(repeat(file), lines), strict=True))
        self._flush_if_full(table)

    def _flush_if_full(self, table: str) -> None:
        if len(self.kept[table]) >= self._limit(table) and table not in WHOLE_TABLES:
            self.flush(table)

    def expect(self, records: int) -> None:
        """About ``records`` more records will be added (an estimate, to size the index)."""
        self.expected += records
        if self.index is not None and records > self.index.room:
            self.index.reserve(records)

    def add_invalid(self, table: str, record_id: str) -> None:
        self.invalid.setdefault(table, set()).add(record_id)

    # -- checking -------------------------------------------------------------------------------

    def sources(self) -> list[Model]:
        given = self.kept["sources"]
        ids = {getattr(record, "id", None) for record in given}
        return [*given, *(source for source in self.context.sources if source.id not in ids)]

    def known(self, deferring: str | None = None) -> dict[str, set[str]]:
        """For each table, the ids a reference may name beyond the records being checked.

        The ids of kept records (but of ``deferring``, whose kept records are the batch), of invalid
        records and of the context; the ids of checked batches are asked of the index
        (:meth:`resolver`).
        """
        known: dict[str, set[str]] = {}
        for table in ID_TABLES:
            ids = self.context.ids.get(table, set()) if table not in self.covered else set()
            invalid = self.invalid.get(table)
            kept = self.kept[table] if table != deferring else ()
            if invalid or kept:  # else the context's own set, not a copy (this runs every batch)
                ids = ids | (invalid or set())
                ids.update(str(getattr(record, "id", "")) for record in kept)
            known[table] = ids
        return known

    def resolver(self, deferring: str | None = None, pending: set[str] | None = None) -> Resolve:
        """Ids of checked batches; with ``pending``, self-references of ``deferring`` wait for the end."""
        index = self.index
        defer = deferring if deferring in SELF_REFERENCES and pending is not None else None

        def resolve(table: str, value: str) -> bool:
            if index is not None and index.has(value, TAGS[table]):
                return True
            if table == defer and pending is not None:
                pending.add(value)  # may come in a later batch: checked again at the end
                return True
            return False

        return resolve

    def flush(self, table: str) -> None:
        """Check the kept records of ``table`` as one batch, then keep only their ids."""
        batch, places = self.kept[table], self.places[table]
        self.kept[table], self.places[table] = [], {}
        self.flushed.add(table)
        pending: set[str] = set()
        tables: dict[str, list[Model]] = {"sources": self.sources(), table: batch}
        problems = check_dataset(
            tables, Places({table: places}), None, self.known(table), self.resolver(table, pending)
        )
        if problems:
            files = set(map(_file_of, places.values()))
            self.report([p for p in problems if p.file in files and self.wanted(p)])
        self._against_others(table, batch, places, add=True)
        if pending:
            field_name = SELF_REFERENCES[table]
            for record in batch:
                if getattr(record, field_name, None) in pending:
                    self.deferred.append((table, record, places[getattr(record, "id", "")]))

    def _against_others(
        self, table: str, records: list[Model], places: Mapping[str, Place], add: bool = False
    ) -> None:
        """Ids already used by checked batches (to confirm) or by another table of the context.

        With ``add``, the ids then join the index (a batch's own repeats are found by
        check_dataset; if one also counts as a hit here, the confirmation reports it once).
        """
        index = self.index
        if add and index is None:
            # sized for what is still to come (1.1: estimates are rough), or grown as it comes
            index = self.index = IdIndex(max(int(1.1 * self.expected), 2 * len(records)))
        ids = [record_id for record in records if (record_id := getattr(record, "id", None)) is not None]
        if index is not None:
            if add:
                self.suspects.update(index.add_many(ids, TAGS.get(table, 0)))
            else:
                self.suspects.update(record_id for record_id in ids if record_id in index)
        released = self._released_tables()
        problems = []
        clashes = released.keys() & ids if released else set()
        for record_id in [record_id for record_id in ids if record_id in clashes] if clashes else ():
            other = released[record_id]
            if other != table:
                origin = Places({table: places})[(table, record_id)]
                problems.append(
                    Problem(
                        "duplicate-id",
                        f"id `{record_id}` is used by a record of table `{other}` "
                        f"in the {self.context.label}",
                        origin.file,
                        origin.line_of("id", record_id),
                        record_id=record_id,
                        path="id",
                        expected="an id no other table uses",
                        found=f"a released {other} record",
                        hint="ids are unique across all tables and never reused: pick a new id",
                    )
                )
        if problems:
            self.report([p for p in problems if self.wanted(p)])

    def _released_tables(self) -> dict[str, str]:
        """id -> its table in the context (computed once)."""
        if self._released is None:
            self._released = {
                record_id: table for table, ids in self.context.ids.items() for record_id in ids
            }
        return self._released

    def finish(self, locate: Locate) -> None:
        """Check everything still kept, then what the batches left open."""
        tables = {table: list(records) for table, records in self.kept.items()}
        tables["sources"] = self.sources()
        known, resolve = self.known(), self.resolver()
        problems = check_dataset(tables, Places(self.places), self.vocabulary_files, known, resolve)
        self.report([p for p in problems if (p.file is not None and self.wanted(p)) or _about_input(p, self)])
        for table in ID_TABLES:
            self._against_others(table, self.kept[table], self.places[table])
        if self.deferred:
            places: dict[str, dict[str, Place]] = {}
            by_table: dict[str, list[Model]] = {}
            for table, record, place in self.deferred:
                by_table.setdefault(table, []).append(record)
                places.setdefault(table, {})[getattr(record, "id", "")] = place
            again = check_dataset(by_table, Places(places), None, known, resolve)
            paths = set(SELF_REFERENCES.values())
            self.report(
                [p for p in again if p.code == "unresolved-reference" and p.path in paths and self.wanted(p)]
            )
        if self.suspects:
            self.report([p for p in _confirmed(locate(self.suspects)) if self.wanted(p)])


def _about_input(problem: Problem, pool: RecordPool) -> bool:
    """A problem without a file is about the input unless it concerns a context source."""
    if problem.file is not None:
        return False
    context_ids = {source.id for source in pool.context.sources}
    return problem.record_id not in context_ids and pool.wanted(problem)


def _confirmed(found: dict[str, list[tuple[str, str, int | None]]]) -> list[Problem]:
    """Duplicate ids among the occurrences re-read from the inputs; fingerprint twins drop out."""
    problems = []
    for record_id, where in sorted(found.items()):
        if len(where) < 2:
            continue
        first_table, first_file, first_line = where[0]
        first = f"{first_file}:{first_line}" if first_line is not None else first_file
        for table, file, line in where[1:]:
            problems.append(
                Problem(
                    "duplicate-id",
                    f"id `{record_id}` is used by {len(where)} records",
                    file,
                    line,
                    record_id=record_id,
                    path="id",
                    expected="an id used once across all tables",
                    found=f"also at {shorten(first, 60)[1:-1]} ({first_table})"
                    if table == first_table
                    else f"also in table {first_table} at {first}",
                    hint="ids are unique across all tables: pick a new, never-used id",
                )
            )
    return problems

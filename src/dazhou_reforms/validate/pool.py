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
  is a suspect: :meth:`RecordPool.finish` returns the suspects, and the validator confirms them by
  re-reading its inputs before it reports them;
- what the batches cannot see: a parent_id cycle whose reforms are in different batches.

Memory stays flat in the number of problems too: the ids of invalid records and the suspects are
:class:`Ids` (a set while few, fingerprints past that), and of a reform whose parent may come later
only its would-be problem is kept, on disk past a bound, until the end tells whether it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from dazhou_reforms.check.dataset import check_dataset
from dazhou_reforms.check.ids import used_by_released
from dazhou_reforms.check.reporter import Resolve
from dazhou_reforms.problems import codes
from dazhou_reforms.problems.origins import Origin, at_lines
from dazhou_reforms.problems.problem import Problem
from dazhou_reforms.schema.models import ID_TABLES, TABLES, Model
from dazhou_reforms.validate.context import Context
from dazhou_reforms.validate.external_sort import ExternalSort
from dazhou_reforms.validate.id_index import MAX_TAG, IdIndex

#: Records of one table checked together, all at once, before the table is checked in batches.
BATCH_SIZE = 1000
#: The size of the batches after the first: small enough that a batch (some 3 KB of objects a
#: record) stays in a core's cache between being read and being checked (batches of 1000 made the
#: whole run ~6% slower; below ~100 the work a batch starts to show).
STREAM_BATCH_SIZE = 256
#: Tables never checked in batches: every check needs all of them (texts, vocabulary drift, the
#: glossary each batch's translations are checked against: terms read so far).
WHOLE_TABLES = ("sources", "vocabularies", "glossary")
#: References from a table to itself: these may point forward, past the current batch.
SELF_REFERENCES = {"reforms": "parent_id"}

#: The tag of each table's ids in the index.
TAGS = {table: tag for tag, table in enumerate(ID_TABLES)}


def _in_order(_: object) -> int:
    """The sort key that keeps items in the order they came."""
    return 0


#: Ids an :class:`Ids` holds exactly (in a set) before it turns to fingerprints.
EXACT_IDS = 10_000


class Ids:
    """Ids, each with the tag of its table: a set while there are up to ``limit`` of them (exact),
    an :class:`IdIndex` past that (about 8 bytes an id; a hit there means "probably")."""

    def __init__(self, limit: int = EXACT_IDS) -> None:
        self.limit = limit
        self.exact: dict[str, int] | None = {}  # id -> bit mask of its tags
        self.index: IdIndex | None = None
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def add(self, item: str, tag: int = 0) -> None:
        self.count += 1
        if self.exact is None:
            assert self.index is not None
            self.index.add(item, tag)
            return
        self.exact[item] = self.exact.get(item, 0) | 1 << tag
        if len(self.exact) > self.limit:
            self.index = IdIndex(4 * self.limit)
            for known, mask in self.exact.items():
                for each in range(MAX_TAG + 1):
                    if mask >> each & 1:
                        self.index.add(known, each)
            self.exact = None

    def has(self, item: str, tag: int | None = None) -> bool:
        """Whether ``item`` was added with ``tag`` (None: with any tag)."""
        if self.exact is not None:
            mask = self.exact.get(item, 0)
            return bool(mask if tag is None else mask >> tag & 1)
        assert self.index is not None
        return self.index.has(item, tag)

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and self.has(item)


class Places(Mapping[tuple[str, str], Origin]):
    """(table, id) -> Origin, as the checks take them, over the pool's table -> id -> Origin."""

    def __init__(self, places: Mapping[str, Mapping[str, Origin]]) -> None:
        self.places = places

    def __getitem__(self, key: tuple[str, str]) -> Origin:
        return self.places[key[0]][key[1]]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((table, record_id) for table, ids in self.places.items() for record_id in ids)

    def __len__(self) -> int:
        return sum(map(len, self.places.values()))


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
    places: dict[str, dict[str, Origin]] = field(default_factory=lambda: {table: {} for table in TABLES})
    #: Ids of records that failed the schema, tagged with their table: references to them resolve.
    invalid: Ids = field(default_factory=Ids)
    #: Ids of the checked batches of every table, each tagged with its table.
    index: IdIndex | None = None
    #: (table, id named, problem) of each self-reference that may name a record of a later batch:
    #: the problem holds unless that id is known at the end.
    deferred: ExternalSort[tuple[str, str, Problem]] = field(default_factory=lambda: ExternalSort(_in_order))
    suspects: Ids = field(default_factory=Ids)
    #: Records the inputs are estimated to hold (sizes the index when the first batch is checked).
    expected: int = 0
    #: Tables checked in batches already.
    flushed: set[str] = field(default_factory=set)
    _released: dict[str, str] | None = None
    #: Told of every valid record and where it was read (``validate --source``), when set.
    noticed: Callable[[str, int | None, Model], None] | None = None

    # -- collecting ---------------------------------------------------------------------------

    def add(self, table: str, record: Model, origin: Origin) -> None:
        if self.noticed is not None:
            self.noticed(origin.file or "", origin.line, record)
        records = self.kept[table]
        records.append(record)
        record_id = getattr(record, "id", None)
        if record_id is not None:
            self.places[table][record_id] = origin
        elif table == "vocabularies":  # check_vocabularies names a vocabulary's first file and line
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
        if self.noticed is not None:
            for record, line in zip(records, lines, strict=True):
                self.noticed(file, line, record)
        self.kept[table] += records
        ids = [getattr(record, "id", "") for record in records]
        self.places[table].update(zip(ids, at_lines(file, lines), strict=True))
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
        if table in TAGS:
            self.invalid.add(record_id, TAGS[table])

    # -- checking -------------------------------------------------------------------------------

    def sources(self) -> list[Model]:
        given = self.kept["sources"]
        ids = {getattr(record, "id", None) for record in given}
        return [*given, *(source for source in self.context.sources if source.id not in ids)]

    def known(self, deferring: str | None = None) -> dict[str, set[str]]:
        """For each table, the ids a reference may name beyond the records being checked.

        The ids of kept records (but of ``deferring``, whose kept records are the batch) and of the
        context; those of checked batches and of invalid records are asked of the index and of
        ``invalid`` (:meth:`resolver`).
        """
        known: dict[str, set[str]] = {}
        for table in ID_TABLES:
            ids = self.context.ids.get(table, set()) if table not in self.covered else set()
            kept = self.kept[table] if table != deferring else ()
            if kept:  # else the context's own set, not a copy (this runs every batch)
                ids = ids.union(str(getattr(record, "id", "")) for record in kept)
            known[table] = ids
        return known

    def resolver(self, deferring: str | None = None, pending: set[str] | None = None) -> Resolve:
        """Ids of checked batches; with ``pending``, self-references of ``deferring`` wait for the end."""
        index, invalid = self.index, self.invalid
        defer = deferring if deferring in SELF_REFERENCES and pending is not None else None

        def resolve(table: str, value: str) -> bool:
            if index is not None and index.has(value, TAGS[table]):
                return True
            if invalid.count and invalid.has(value, TAGS[table]):
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
            tables,
            Places({table: places}),
            None,
            self.known(table),
            self.resolver(table, pending),
            self.context.withdrawn,
            self.kept["glossary"],
        )
        if problems:
            files = {origin.file for origin in places.values()}
            self.report([p for p in problems if p.file in files and self.wanted(p)])
        self._against_others(table, batch, places, add=True)
        if pending:
            field_name = SELF_REFERENCES[table]
            self._defer(
                table, [record for record in batch if getattr(record, field_name, None) in pending], places
            )

    def _defer(self, table: str, records: list[Model], places: Mapping[str, Origin]) -> None:
        """Keep the problems ``records`` have if the ids their self-references name never come."""
        field_name = SELF_REFERENCES[table]
        named = {getattr(record, "id", ""): getattr(record, field_name, "") for record in records}
        origins = {record_id: places[record_id] for record_id in named}
        problems = check_dataset(
            {table: records}, Places({table: origins}), None, self.known(table), lambda *_: False
        )
        for problem in problems:
            if problem.code == codes.UNRESOLVED_REFERENCE.name and problem.path == field_name:
                self.deferred.add((table, named[problem.record_id or ""], problem), len(problem.message))

    def _against_others(
        self, table: str, records: list[Model], places: Mapping[str, Origin], add: bool = False
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
            seen = index.add_many(ids, TAGS.get(table, 0)) if add else [i for i in ids if i in index]
            for record_id in seen:
                self.suspects.add(record_id)
        released = self._released_tables()
        problems = []
        clashes = released.keys() & ids if released else set()
        for record_id in [record_id for record_id in ids if record_id in clashes] if clashes else ():
            other = released[record_id]
            if other != table:
                problems.append(used_by_released(record_id, other, self.context.label, places[record_id]))
        if problems:
            self.report([p for p in problems if self.wanted(p)])

    def _released_tables(self) -> dict[str, str]:
        """id -> its table in the context (computed once)."""
        if self._released is None:
            self._released = {
                record_id: table for table, ids in self.context.ids.items() for record_id in ids
            }
        return self._released

    def finish(self) -> Ids:
        """Check everything still kept, then what the batches left open. Returns the suspects: ids
        whose fingerprint was seen twice across batches, duplicates unless fingerprints collide
        (the caller re-reads its inputs to tell, see :func:`~dazhou_reforms.check.ids.repeated`)."""
        tables = {table: list(records) for table, records in self.kept.items()}
        tables["sources"] = self.sources()
        known, resolve = self.known(), self.resolver()
        problems = check_dataset(
            tables, Places(self.places), self.vocabulary_files, known, resolve, self.context.withdrawn
        )
        self.report([p for p in problems if (p.file is not None and self.wanted(p)) or self.about_input(p)])
        for table in ID_TABLES:
            self._against_others(table, self.kept[table], self.places[table])
        holding: list[Problem] = []
        for table, value, problem in self.deferred:
            if value not in known[table] and not resolve(table, value) and self.wanted(problem):
                holding.append(problem)
                if len(holding) >= STREAM_BATCH_SIZE:
                    self.report(holding)
                    holding = []
        self.report(holding)
        return self.suspects

    def close(self) -> None:
        """Remove what the pool keeps on disk."""
        self.deferred.close()

    def about_input(self, problem: Problem) -> bool:
        """A problem without a file is about the input unless it concerns a context source."""
        if problem.file is not None:
            return False
        context_ids = {source.id for source in self.context.sources}
        return problem.record_id not in context_ids and self.wanted(problem)

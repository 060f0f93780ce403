"""``validate``: every problem of the given records, or a clean pass. Reads only; writes nothing.

The steps, each in its own module:

1. :mod:`~dazhou_reforms.validate.inputs` sorts the paths into raw/ trees and record files;
2. :mod:`~dazhou_reforms.validate.context` loads what records may refer to (a release, sources);
3. raw/ trees and TOML files are read by :mod:`~dazhou_reforms.read.toml_tree`, exactly as
   ``build`` reads them; JSON Lines by :mod:`~dazhou_reforms.read.jsonl_fast`, streamed, and JSON
   by :mod:`~dazhou_reforms.read.json_file`;
4. :mod:`~dazhou_reforms.validate.pool` runs the collection checks of :mod:`~dazhou_reforms.check`;
   the duplicate ids it suspects across batches are confirmed here, by re-reading the inputs.

Problems are collected, not raised, into a :class:`~dazhou_reforms.validate.problem_store.ProblemStore`
(sorted and each once, on disk past a bound: memory does not grow with them). The first
``max_errors`` of them are kept and reading stops there: a JSON Lines file at the line it reached,
any other step once it is done; the counts say what was read until then. Any failure of the
validator itself becomes an ``internal-error`` problem, never a traceback.

:func:`validation` gives what was found to read from (the command streams its report from it);
:func:`validate_paths` gives it as an :class:`Outcome`, every problem in a list.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path

from dazhou_reforms.check.ids import Occurrence, repeated
from dazhou_reforms.problems import codes
from dazhou_reforms.problems.codes import KINDS, NOT_ERRORS, is_error, kind_of
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem, shorten
from dazhou_reforms.read.files import open_regular
from dazhou_reforms.read.json_file import StopFile
from dazhou_reforms.read.jsonl_lines import MAX_RECORD_SIZE, estimate_lines
from dazhou_reforms.schema.models import TABLES, Model
from dazhou_reforms.validate.context import Context, release_folder, shipped_release, source_files
from dazhou_reforms.validate.external_sort import ExternalSort, SortError
from dazhou_reforms.validate.inputs import Inputs, RawTree, RecordFile, find_inputs, tree_display
from dazhou_reforms.validate.pool import BATCH_SIZE, Ids, RecordPool
from dazhou_reforms.validate.problem_store import ProblemStore
from dazhou_reforms.validate.source_filter import SourceFilter

#: Default of --max-errors: enough to see every problem of a real file, bounded for a broken one.
MAX_ERRORS = 1000
#: Tables read before the others, in this order: every batch of another table is checked against
#: them (the source texts its quotes must be in, the glossary its translations must follow).
READ_FIRST = {"sources": 0, "glossary": 1}


@dataclass(frozen=True)
class Options:
    table: str | None = None
    #: Stop after this many problems; 0: no limit.
    max_errors: int = MAX_ERRORS
    max_record_size: int = MAX_RECORD_SIZE
    #: A release folder to check against; None: the newest release shipped with the package.
    release: Path | None = None
    use_release: bool = True
    sources: tuple[Path, ...] = ()
    batch_size: int = BATCH_SIZE
    #: ``--source ID``: report only the problems of records that quote one of these sources (and
    #: those that cannot be told apart: see :class:`SourceFilter`).
    only_sources: tuple[str, ...] = ()


@dataclass
class Outcome:
    """What ``validate`` found: problems sorted by file and line, and what was read."""

    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    records: int = 0
    valid_records: int = 0
    #: True when reading stopped at --max-errors.
    truncated: bool = False

    @property
    def exit_code(self) -> int:
        if any(kind_of(problem.code) == "input" for problem in self.problems):
            return 2
        return 1 if any(map(is_error, self.problems)) else 0

    def sorted_problems(self) -> Iterable[Problem]:
        return self.problems

    def section(self, kind: str) -> Iterable[Problem]:
        """The problems of one kind (``codes.KINDS``), in order."""
        return (problem for problem in self.problems if kind_of(problem.code) == kind)


@dataclass
class Findings:
    """What ``validate`` found, its problems in a store to read (sorted, each once) while it is open."""

    store: ProblemStore
    files: int = 0
    records: int = 0
    valid_records: int = 0
    #: True when reading stopped at --max-errors.
    truncated: bool = False
    #: ``--source`` ids that name no source of the inputs or the release, and the sources known.
    unknown_sources: tuple[str, ...] = ()
    known_sources: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        if self.store.has("input"):
            return 2
        return 1 if any(self.store.has(kind) for kind in KINDS if kind not in NOT_ERRORS) else 0

    def sorted_problems(self) -> Iterable[Problem]:
        return self.store

    def section(self, kind: str) -> Iterable[Problem]:
        return self.store.section(kind)


class _Enough(StopFile):
    """--max-errors problems are collected. A StopFile: a JSON Lines reader stops at that line and
    still says what it read."""


class _Sink:
    """Where problems go: the first ``limit`` of them (0: all) into the store, the others nowhere.

    Reaching the limit stops a JSON Lines file being read (``interrupt``); any other step goes on
    to its end (it reads what is in memory already, or one bounded file) and the run stops after it.
    """

    def __init__(self, limit: int, store: ProblemStore, only: SourceFilter | None = None) -> None:
        self.limit = limit
        self.store = store
        self.count = 0
        self.full = False
        self.interrupt = False
        self.only = only

    def __call__(self, problems: list[Problem]) -> None:
        if self.only is not None and problems:
            problems = [problem for problem in problems if self.only.keeps(problem)]
        if self.full or not problems:
            return
        if self.limit and self.count + len(problems) >= self.limit:
            problems = problems[: self.limit - self.count]
            self.full = True
        self.count += len(problems)
        self.store.add(problems)
        if self.full and self.interrupt:
            raise _Enough

    @contextmanager
    def interrupting(self) -> Iterator[None]:
        self.interrupt = True
        try:
            yield
        finally:
            self.interrupt = False

    def stop_if_full(self) -> None:
        if self.full:
            raise _Enough


@contextmanager
def validation(paths: Sequence[Path], options: Options = Options()) -> Iterator[Findings]:
    """Validate the records under ``paths`` (see the module docstring); what was found can be read
    until the context ends (then the temporary files of the store are gone).

    Raises :class:`~dazhou_reforms.validate.external_sort.SortError` when temporary files cannot be
    written (a full disk): the problems found could not all be kept.
    """
    with ProblemStore() as store:
        found = Findings(store)
        only = SourceFilter(options.only_sources) if options.only_sources else None
        sink = _Sink(options.max_errors, store, only)
        try:
            with rare_collections():
                _run(paths, options, sink, found)
        except _Enough:
            pass
        found.truncated = sink.full
        yield found


def validate_paths(paths: Sequence[Path], options: Options = Options()) -> Outcome:
    """Validate the records under ``paths``: every problem (sorted, each once) in a list.

    For a program's own use of a few files; the command streams its report from :func:`validation`.
    """
    with validation(paths, options) as found:
        problems = list(found.sorted_problems())
        return Outcome(problems, found.files, found.records, found.valid_records, found.truncated)


#: Allocations between two collections of the youngest generation while validating (default 700).
GC_THRESHOLD = 50_000


@contextmanager
def rare_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while records stream through.

    Validation makes and drops millions of small objects (records, their tuples and dicts) that
    form no reference cycles; at the default threshold the collector runs every few records and
    costs about a tenth of the run. Cycles are still collected, only later: memory stays bounded.
    """
    before = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _context(options: Options, sink: _Sink) -> Context:
    if options.release is not None:
        context, problems = release_folder(options.release)
    elif options.use_release:
        context, problems = shipped_release()
    else:
        context, problems = Context(), []
    sink(problems)
    sink(source_files(list(options.sources), context))
    return context


class _Run:
    """One validation run: the inputs, the pool and what is needed to re-read them."""

    def __init__(self, options: Options, sink: _Sink, outcome: Findings, context: Context) -> None:
        self.options = options
        self.sink = sink
        self.outcome = outcome
        self.hidden: set[str] = set()  # files of raw/ trees read for context, not asked about
        self.asked_ids: set[str] = set()  # ids of the records in the files asked about
        #: table, id and where the id is written (file and line, not the text) of the TOML records
        self.tree_places: list[tuple[str, str, Origin]] = []
        self.files: list[RecordFile] = []
        self.pool = RecordPool(context, sink, self.wanted, options.batch_size)
        if sink.only is not None:
            self.pool.noticed = sink.only.notice

    def wanted(self, problem: Problem) -> bool:
        if problem.file not in self.hidden:
            return True
        return problem.code == codes.DUPLICATE_ID.name and problem.record_id in self.asked_ids

    def texts(self) -> dict[str, str]:
        return {getattr(s, "id", ""): getattr(s, "text", "") for s in self.pool.sources()}

    def tree(self, tree: RawTree) -> None:
        """A raw/ tree, read as build reads it; with ``only``, problems of other files are hidden."""
        from dazhou_reforms.read.toml_tree import read_raw

        dataset = read_raw(tree.root, self.texts())
        if self.sink.only is not None:
            self.sink.only.files.update(dataset.quoted)
        if tree.only is not None:
            files = [p for p in tree.root.glob("*/*") if p.suffix in (".toml", ".txt")]
            every = {tree_display(p, tree.root) for p in files}
            self.hidden |= every - tree.only
        asked = {o.file for o in dataset.origins.values()} if tree.only is None else tree.only
        self.outcome.files += len(asked)
        self.outcome.records += sum(1 for o in dataset.origins.values() if o.file in asked)
        self._places(dataset.origins)
        for (_, record_id), origin in dataset.origins.items():
            if origin.file in asked:
                self.asked_ids.add(record_id)
        self.sink([p for p in dataset.problems if self.wanted(p)])
        pool = self.pool
        pool.covered |= {table for table in TABLES if (tree.root / table).is_dir()}
        if dataset.vocabulary_files:
            pool.vocabulary_files = {**(pool.vocabulary_files or {}), **dataset.vocabulary_files}
        for table, ids in dataset.invalid_ids.items():
            for record_id in ids:
                pool.add_invalid(table, record_id)
        for table, records in _first_read_first(dataset.tables):
            for record in records:
                place = dataset.origins.get((table, str(getattr(record, "id", ""))))
                pool.add(table, record, place or Origin(tree.root.name))
                if place is not None and place.file in asked:
                    self.outcome.valid_records += 1

    def toml_files(self, files: list[RecordFile]) -> None:
        from dazhou_reforms.read.toml_tree import RawReader

        reader = RawReader(self.texts())
        for file in files:
            self.outcome.files += 1
            self.outcome.records += 1
            reader.record_file(file.table, file.path, file.path.parent, file.display)
        dataset = reader.finish()
        if self.sink.only is not None:
            self.sink.only.files.update(dataset.quoted)
        self.sink(dataset.problems)
        for table, ids in dataset.invalid_ids.items():
            for record_id in ids:
                self.pool.add_invalid(table, record_id)
        self._places(dataset.origins)
        for table, records in _first_read_first(dataset.tables):
            for record in records:
                origin = dataset.origins[(table, getattr(record, "id", ""))]
                self.outcome.valid_records += 1
                self.pool.add(table, record, origin)

    def json_file(self, file: RecordFile) -> None:
        from dazhou_reforms.read.json_file import validate_json
        from dazhou_reforms.read.jsonl_fast import validate_jsonl

        self.outcome.files += 1
        self.files.append(file)
        args = (file.path, file.display, file.table, self.pool, self.sink, self.options.max_record_size)
        if file.format == "jsonl":
            with self.sink.interrupting():  # at --max-errors the reader stops, and counts what it read
                counts = validate_jsonl(*args)
        else:
            counts = validate_json(*args)
        self.outcome.records += counts.records
        self.outcome.valid_records += counts.valid

    def _places(self, origins: Mapping[tuple[str, str], Origin]) -> None:
        """Keep where each TOML record's id is written, to confirm duplicates (not the file's text)."""
        for (table, record_id), origin in origins.items():
            self.tree_places.append((table, record_id, Origin(origin.file, origin.line_of("id", record_id))))

    def locate(self, suspects: Ids) -> ExternalSort[tuple[str, int, Occurrence]]:
        """Every occurrence of the ``suspects`` in the inputs, sorted by id, each id's in reading order."""
        from dazhou_reforms.read.json_file import stream_ids

        found: ExternalSort[tuple[str, int, Occurrence]] = ExternalSort(itemgetter(0, 1))
        order = 0
        for table, record_id, origin in self.tree_places:
            if record_id in suspects:
                found.add((record_id, order, (table, origin)), len(record_id))
                order += 1
        for record_file in self.files:
            max_size = self.options.max_record_size
            for record_id, line in stream_ids(record_file.path, record_file.format, max_size):
                if record_id in suspects:
                    found.add(
                        (record_id, order, (record_file.table, Origin(record_file.display, line))),
                        len(record_id),
                    )
                    order += 1
        return found

    def finish(self) -> None:
        """The collection checks of what is left, and the duplicates suspected across batches."""
        suspects = self.pool.finish()
        if len(suspects):
            with self.locate(suspects) as found:
                self.confirm(found)

    def confirm(self, found: Iterable[tuple[str, int, Occurrence]]) -> None:
        """The duplicates among the occurrences ``found`` (sorted by id), reported a window of
        occurrences at a time: one id's occurrences are counted first, never all held."""
        by_id = itemgetter(0)
        counting = groupby(found, key=by_id)
        for (record_id, occurrences), (_, again) in zip(groupby(found, key=by_id), counting, strict=True):
            total = sum(1 for _ in again)
            if total < 2:
                continue
            rest = (occurrence for _, _, occurrence in occurrences)
            first = next(rest)
            while window := list(islice(rest, DUPLICATES_WINDOW)):
                where = _Occurrences([first, *window], total)
                self.sink([p for p in repeated({record_id: where}) if self.wanted(p)])


#: Occurrences of one id made into problems at a time.
DUPLICATES_WINDOW = 1024


class _Occurrences(list[Occurrence]):
    """The first occurrence of an id and a window of later ones: as ``check.ids.repeated`` takes
    them (it reports each one after the first), but as long as all of them (it names their number)."""

    def __init__(self, items: list[Occurrence], total: int) -> None:
        super().__init__(items)
        self.total = total

    def __len__(self) -> int:
        return self.total


def _first_read_first(tables: Mapping[str, list[Model]]) -> list[tuple[str, list[Model]]]:
    """The tables of a raw/ tree or TOML files, those of :data:`READ_FIRST` first."""
    return sorted(tables.items(), key=lambda item: READ_FIRST.get(item[0], len(READ_FIRST)))


def _estimated_records(file: RecordFile) -> int:
    """About how many records a JSON Lines file holds (0 for JSON, or when it cannot be read)."""
    if file.format != "jsonl":
        return 0
    try:
        with open_regular(file.path) as stream:  # never a FIFO or a device: it would block, or not end
            return estimate_lines(stream, os.fstat(stream.fileno()).st_size)
    except OSError:
        return 0  # reported when the file is read


def _guarded(run: _Run, display: str, step: object, *args: object) -> None:
    """Run one input's step; a failure of the validator is reported, not raised."""
    try:
        step(*args)  # type: ignore[operator]
    except (_Enough, SortError):
        raise
    except OSError as error:
        problem = codes.UNREADABLE.problem(
            f"{display} cannot be read: {error.strerror or error}",
            display,
            hint="check that the file exists and is readable",
        )
        run.sink([problem])
    except Exception as error:  # the last line of defence: no traceback, ever
        problem = codes.INTERNAL_ERROR.problem(
            f"the validator failed: {type(error).__name__}: {shorten(str(error), 120)}", display
        )
        run.sink([problem])
    run.sink.stop_if_full()


def _run(paths: Sequence[Path], options: Options, sink: _Sink, outcome: Findings) -> None:
    inputs = find_inputs(paths, options.table)
    sink(inputs.problems)
    sink.stop_if_full()
    context = _context(options, sink)
    sink.stop_if_full()
    run = _Run(options, sink, outcome, context)
    try:
        _read_all(inputs, run)
    finally:
        run.pool.close()
    if options.only_sources:
        known = sorted(str(getattr(source, "id", "")) for source in run.pool.sources())
        outcome.known_sources = tuple(known)
        outcome.unknown_sources = tuple(i for i in options.only_sources if i not in known)


def _read_all(inputs: Inputs, run: _Run) -> None:
    """Every input in its turn (sources and glossary first, then trees, TOML and the other tables'
    files), then the collection checks."""
    order = {table: index for index, table in enumerate(TABLES)}
    json_files = sorted(
        (f for f in inputs.files if f.format != "toml"),
        key=lambda f: (READ_FIRST.get(f.table, len(READ_FIRST)), order[f.table]),
    )
    run.pool.expect(sum(map(_estimated_records, json_files)))
    for file in [f for f in json_files if f.table in READ_FIRST]:
        _guarded(run, file.display, run.json_file, file)
    for tree in inputs.trees:
        _guarded(run, tree.root.as_posix(), run.tree, tree)
    toml = [f for f in inputs.files if f.format == "toml"]
    if toml:
        _guarded(run, toml[0].display, run.toml_files, sorted(toml, key=lambda f: order[f.table]))
    for file in [f for f in json_files if f.table not in READ_FIRST]:
        _guarded(run, file.display, run.json_file, file)
    _guarded(run, "collection checks", run.finish)

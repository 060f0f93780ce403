"""``validate``: every problem of the given records, or a clean pass. Reads only; writes nothing.

The steps, each in its own module:

1. :mod:`~dazhou_reforms.validate.inputs` sorts the paths into raw/ trees and record files;
2. :mod:`~dazhou_reforms.validate.context` loads what records may refer to (a release, sources);
3. raw/ trees and TOML files are read by :mod:`~dazhou_reforms.read.toml_tree`, exactly as
   ``build`` reads them; JSON Lines by :mod:`~dazhou_reforms.read.jsonl_fast`, streamed, and JSON
   by :mod:`~dazhou_reforms.read.json_file`;
4. :mod:`~dazhou_reforms.validate.pool` runs the collection checks of :mod:`~dazhou_reforms.check`;
   the duplicate ids it suspects across batches are confirmed here, by re-reading the inputs.

Problems are collected, not raised: the first ``max_errors`` of them are kept and reading stops
there. Any failure of the validator itself becomes an ``internal-error`` problem, never a traceback.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dazhou_reforms.check.ids import Occurrence, repeated
from dazhou_reforms.problems import codes
from dazhou_reforms.problems.codes import kind_of
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem, shorten, sort_key
from dazhou_reforms.read.jsonl_lines import MAX_RECORD_SIZE, estimate_lines
from dazhou_reforms.schema.models import TABLES
from dazhou_reforms.validate.context import Context, release_folder, shipped_release, source_files
from dazhou_reforms.validate.inputs import RawTree, RecordFile, find_inputs, tree_display
from dazhou_reforms.validate.pool import BATCH_SIZE, RecordPool

#: Default of --max-errors: enough to see every problem of a real file, bounded for a broken one.
MAX_ERRORS = 1000


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
        return 1 if self.problems else 0


class _Enough(Exception):
    """--max-errors problems are collected."""


class _Sink:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.problems: list[Problem] = []

    def __call__(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)
        if self.limit and len(self.problems) >= self.limit:
            del self.problems[self.limit :]
            raise _Enough


def validate_paths(paths: Sequence[Path], options: Options = Options()) -> Outcome:
    """Validate the records under ``paths``; see the module docstring."""
    sink = _Sink(options.max_errors)
    outcome = Outcome()
    try:
        with rare_collections():
            _run(paths, options, sink, outcome)
    except _Enough:
        outcome.truncated = True
    outcome.problems = _unique(sorted(sink.problems, key=sort_key))
    return outcome


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


def _unique(problems: list[Problem]) -> list[Problem]:
    """Drop repeats (a duplicate id may be found by a batch and again across batches)."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for problem in problems:
        key: tuple[object, ...] = (problem.code, problem.file, problem.line, problem.column)
        key += (problem.record_id, problem.path, problem.message if problem.code != "duplicate-id" else "")
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out


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

    def __init__(self, options: Options, sink: _Sink, outcome: Outcome, context: Context) -> None:
        self.options = options
        self.sink = sink
        self.outcome = outcome
        self.hidden: set[str] = set()  # files of raw/ trees read for context, not asked about
        self.asked_ids: set[str] = set()  # ids of the records in the files asked about
        self.tree_places: list[tuple[str, str, Origin]] = []  # table, id, origin of the TOML records
        self.files: list[RecordFile] = []
        self.pool = RecordPool(context, sink, self.wanted, options.batch_size)

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
        if tree.only is not None:
            files = [p for p in tree.root.glob("*/*") if p.suffix in (".toml", ".txt")]
            every = {tree_display(p, tree.root) for p in files}
            self.hidden |= every - tree.only
        asked = {o.file for o in dataset.origins.values()} if tree.only is None else tree.only
        for (table, record_id), origin in dataset.origins.items():
            self.tree_places.append((table, record_id, origin))
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
        for table, records in dataset.tables.items():
            for record in records:
                place = dataset.origins.get((table, str(getattr(record, "id", ""))))
                pool.add(table, record, place or Origin(tree.root.name))
                if place is not None and place.file in asked:
                    self.outcome.valid_records += 1
        self.outcome.files += len(asked)
        self.outcome.records += sum(1 for o in dataset.origins.values() if o.file in asked)

    def toml_files(self, files: list[RecordFile]) -> None:
        from dazhou_reforms.read.toml_tree import RawReader

        reader = RawReader(self.texts())
        for file in files:
            self.outcome.files += 1
            self.outcome.records += 1
            reader.record_file(file.table, file.path, file.path.parent, file.display)
        dataset = reader.finish()
        self.sink(dataset.problems)
        for table, ids in dataset.invalid_ids.items():
            for record_id in ids:
                self.pool.add_invalid(table, record_id)
        for (table, record_id), origin in dataset.origins.items():
            self.tree_places.append((table, record_id, origin))
        for table, records in dataset.tables.items():
            for record in records:
                origin = dataset.origins[(table, getattr(record, "id", ""))]
                self.outcome.valid_records += 1
                self.pool.add(table, record, origin)

    def json_file(self, file: RecordFile) -> None:
        from dazhou_reforms.read.json_file import validate_json
        from dazhou_reforms.read.jsonl_fast import validate_jsonl

        self.outcome.files += 1
        self.files.append(file)
        read = validate_jsonl if file.format == "jsonl" else validate_json
        counts = read(file.path, file.display, file.table, self.pool, self.sink, self.options.max_record_size)
        self.outcome.records += counts.records
        self.outcome.valid_records += counts.valid

    def locate(self, ids: set[str]) -> dict[str, list[Occurrence]]:
        """Every occurrence of ``ids`` in the inputs, in reading order (to confirm duplicates)."""
        from dazhou_reforms.read.json_file import stream_ids

        found: dict[str, list[Occurrence]] = {}
        for table, record_id, origin in self.tree_places:
            if record_id in ids:
                found.setdefault(record_id, []).append((table, origin))
        for record_file in self.files:
            for record_id, line in stream_ids(
                record_file.path, record_file.format, self.options.max_record_size
            ):
                if record_id in ids:
                    found.setdefault(record_id, []).append(
                        (record_file.table, Origin(record_file.display, line))
                    )
        return found

    def finish(self) -> None:
        """The collection checks of what is left, and the duplicates suspected across batches."""
        suspects = self.pool.finish()
        if suspects:
            self.sink([p for p in repeated(self.locate(suspects)) if self.wanted(p)])


def _estimated_records(file: RecordFile) -> int:
    """About how many records a JSON Lines file holds (0 for JSON, or when it cannot be read)."""
    if file.format != "jsonl":
        return 0
    try:
        with file.path.open("rb") as stream:
            return estimate_lines(stream, os.fstat(stream.fileno()).st_size)
    except OSError:
        return 0  # reported when the file is read


def _guarded(run: _Run, display: str, step: object, *args: object) -> None:
    """Run one input's step; a failure of the validator is reported, not raised."""
    try:
        step(*args)  # type: ignore[operator]
    except _Enough:
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


def _run(paths: Sequence[Path], options: Options, sink: _Sink, outcome: Outcome) -> None:
    inputs = find_inputs(paths, options.table)
    sink(inputs.problems)
    context = _context(options, sink)
    run = _Run(options, sink, outcome, context)
    order = {table: index for index, table in enumerate(TABLES)}
    json_files = sorted(
        (f for f in inputs.files if f.format != "toml"), key=lambda f: (f.table != "sources", order[f.table])
    )
    run.pool.expect(sum(map(_estimated_records, json_files)))
    for file in [f for f in json_files if f.table == "sources"]:
        _guarded(run, file.display, run.json_file, file)
    for tree in inputs.trees:
        _guarded(run, tree.root.as_posix(), run.tree, tree)
    toml = [f for f in inputs.files if f.format == "toml"]
    if toml:
        _guarded(run, toml[0].display, run.toml_files, sorted(toml, key=lambda f: order[f.table]))
    for file in [f for f in json_files if f.table != "sources"]:
        _guarded(run, file.display, run.json_file, file)
    _guarded(run, "collection checks", run.finish)

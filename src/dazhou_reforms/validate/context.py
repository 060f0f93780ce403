"""What validated records may refer to beyond themselves: a release's ids and the source texts.

A contributor's file of new metrics refers to reforms that are already released, and its evidence
quotes a source it does not contain. The context is the newest release shipped with the package
(or a release folder given with ``--release``) and any ``--source`` files. Its ids resolve
references (except for tables a raw/ tree in the input gives completely: the tree is the truth)
and must not be reused by a record of another table.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.problem import Problem
from dazhou_reforms.read.files import why_unreadable
from dazhou_reforms.read.jsonl_lines import LineTooLong, open_lines, read_lines
from dazhou_reforms.read.raw_files import MAX_SOURCE_TEXT_SIZE
from dazhou_reforms.release.folder import (
    SUMS_NAME,
    Release,
    ReleaseError,
    packaged_release,
    packaged_root,
    versions_in,
)
from dazhou_reforms.schema.models import ID_TABLES, Model, Source, is_live
from dazhou_reforms.validate.inputs import is_directory, path_problem


@dataclass
class Context:
    """Ids by table and source texts the input may rely on; ``label`` names them in messages."""

    label: str = ""
    ids: dict[str, set[str]] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    #: Ids of the withdrawn records among ``ids``, by table.
    withdrawn: dict[str, set[str]] = field(default_factory=dict)

    def texts(self) -> dict[str, str]:
        return {source.id: source.text for source in self.sources}

    def add(self, table: str, records: list[Model]) -> None:
        ids = self.ids.setdefault(table, set())
        for record in records:
            record_id = getattr(record, "id", None)
            if isinstance(record_id, str):
                ids.add(record_id)
                if not is_live(record):
                    self.withdrawn.setdefault(table, set()).add(record_id)
            if isinstance(record, Source):
                self.sources = [s for s in self.sources if s.id != record.id] + [record]


class TableUnreadable(Exception):
    """A table of a release cannot be read (``error`` says why)."""

    def __init__(self, table: str, error: Exception) -> None:
        super().__init__(str(error))
        self.table = table
        self.error = error


def shipped_release() -> tuple[Context, list[Problem]]:
    """The newest release shipped with the package (an empty context when there is none)."""
    try:
        root = packaged_root()
        versions = versions_in(root)
        if not versions:
            return Context(), []
        version = versions[-1]
        context = Context(f"release {version}")
        read(packaged_release(version, root), context, verify=True)
    except (TableUnreadable, ReleaseError, OSError) as error:
        return Context(), [
            codes.UNREADABLE.problem(
                f"the release shipped with the package cannot be read: {error}",
                hint="reinstall dazhou-reforms, or pass --no-release",
            )
        ]
    return context, []


def read(release: Release, context: Context, verify: bool) -> bool:
    """Add the records of ``release`` to ``context``: its sources whole (their texts are checked
    against), of the other tables only the ids (the build validated the records). False when the
    release holds no table; :class:`TableUnreadable` when a table cannot be read (with ``verify``,
    also one its SHA256SUMS lists that is missing)."""
    found = False
    listed = set(release.tables(ID_TABLES)) if verify else set()  # a listed table must be there
    for table in ID_TABLES:
        if not release.has(f"{table}.jsonl") and table not in listed:
            continue
        found = True
        try:
            read_table(release, table, context, verify)
        except (ReleaseError, OSError, ValueError) as error:
            raise TableUnreadable(table, error) from None
    return found


def read_table(release: Release, table: str, context: Context, verify: bool) -> None:
    from pydantic_core import from_json

    if table == "sources":
        lines = release.lines(table, verify)
        context.add(table, [Source.model_validate_json(line) for _, line in lines])
        return
    ids = context.ids.setdefault(table, set())
    for number, line in release.lines(table, verify):
        record = from_json(line)
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise ValueError(f"line {number} is not a record with an id")
        ids.add(record["id"])
        if record.get("withdrawn") is not None:
            context.withdrawn.setdefault(table, set()).add(record["id"])


def release_folder(folder: Path) -> tuple[Context, list[Problem]]:
    """A release folder (``build/<version>/``): the records of its ``<table>.jsonl`` files, once the
    folder is verified against its ``SHA256SUMS`` (every file listed there present and matching; a
    listed FIFO or device is unreadable, never read)."""
    display = folder.as_posix()
    try:
        if not is_directory(folder):
            raise NotADirectoryError(errno.ENOTDIR, "it is a regular file, not a directory", display)
    except OSError as error:
        missing = f"the release folder {display} does not exist"
        hint = "point --release at a folder built by `dazhou-reforms build`, or pass --no-release"
        return Context(), [path_problem(display, folder, error, missing, hint)]
    context = Context(f"release in {folder.as_posix()}")
    release = Release(folder.name, folder, folder.as_posix())
    sums = (folder / SUMS_NAME).as_posix()
    hint = "point --release at a folder built by `dazhou-reforms build`, or pass --no-release"
    if not release.has(SUMS_NAME) and not any(release.has(f"{table}.jsonl") for table in ID_TABLES):
        return Context(), [
            codes.NO_RECORDS.problem(
                f"{folder.as_posix()} holds no <table>.jsonl files of a release",
                folder.as_posix(),
                hint="point --release at a folder built by `dazhou-reforms build`, e.g. build/1.0.0",
            )
        ]
    try:
        status = release.check_sums()
    except ReleaseError as error:
        why = str(error).removeprefix(f"{sums}: ")
        return Context(), [
            codes.UNREADABLE.problem(f"{why}; the release cannot be verified", sums, hint=hint)
        ]
    if not status.intact:
        return Context(), [
            codes.UNREADABLE.problem(
                f"{folder.as_posix()} does not match its {SUMS_NAME}: {status.summary()}",
                sums,
                hint="rebuild the release or restore its files, point --release at another release "
                "folder, or pass --no-release",
            )
        ]
    try:
        found = read(release, context, verify=True)
    except TableUnreadable as unreadable:
        path = (folder / f"{unreadable.table}.jsonl").as_posix()
        return Context(), [
            codes.UNREADABLE.problem(
                f"{path} is not a valid release table: {str(unreadable.error).splitlines()[0]}",
                path,
                hint=hint,
            )
        ]
    if not found:
        return Context(), [
            codes.NO_RECORDS.problem(
                f"{folder.as_posix()} holds no <table>.jsonl files of a release",
                folder.as_posix(),
                hint="point --release at a folder built by `dazhou-reforms build`, e.g. build/1.0.0",
            )
        ]
    return context, []


#: The longest line of a ``--source`` sources.jsonl, in bytes: a source text of the largest size a
#: raw tree allows (:data:`~dazhou_reforms.read.raw_files.MAX_SOURCE_TEXT_SIZE`), escaped as JSON
#: may write it, and its fields.
MAX_SOURCE_LINE = 2 * MAX_SOURCE_TEXT_SIZE + 64 * 1024


def source_files(paths: list[Path], context: Context) -> list[Problem]:
    """Add the sources of ``--source`` files (raw ``<id>.toml`` with ``<id>.txt``, or sources.jsonl).

    Only regular files are read (a FIFO, a device, a folder is ``unreadable``), each within its
    bound: a TOML file as a raw tree's, a sources.jsonl line by line, every line at most
    :data:`MAX_SOURCE_LINE` bytes.
    """
    from dazhou_reforms.read.toml_tree import RawReader

    problems: list[Problem] = []
    for path in paths:
        display = path.as_posix()
        try:
            if is_directory(path):
                raise IsADirectoryError(errno.EISDIR, "Is a directory", display)
        except OSError as error:
            missing = f"the source file {display} does not exist"
            problems.append(path_problem(display, path, error, missing, hint=_SOURCE_HINT))
            continue
        if path.suffix == ".toml":
            reader = RawReader()
            reader.record_file("sources", path, path.parent, display)
            problems.extend(reader.dataset.problems)
            context.add("sources", reader.dataset.tables["sources"])
            continue
        try:
            records = _source_lines(path)
        except (OSError, ValueError) as error:
            problems.append(
                codes.UNREADABLE.problem(
                    f"{display} is not a sources table: {_reason(path, error)}",
                    display,
                    hint=_SOURCE_HINT,
                )
            )
            continue
        context.add("sources", records)
    return problems


_SOURCE_HINT = "give a raw source TOML (with its .txt) or a released sources.jsonl"


def _source_lines(path: Path) -> list[Model]:
    """The sources of a sources.jsonl, read a line at a time; ValueError at the first bad line."""
    records: list[Model] = []
    with open_lines(path) as stream:
        for number, line, _ in read_lines(stream, MAX_SOURCE_LINE):
            if isinstance(line, LineTooLong):
                raise ValueError(f"line {number} has {line.size:,} bytes, more than {MAX_SOURCE_LINE:,}")
            if line.strip():
                records.append(Source.model_validate_json(line))
    return records


def _reason(path: Path, error: Exception) -> str:
    if isinstance(error, OSError):
        return why_unreadable(path, error)
    return (str(error).splitlines() or [type(error).__name__])[0]

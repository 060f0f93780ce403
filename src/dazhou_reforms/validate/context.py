"""What validated records may refer to beyond themselves: a release's ids and the source texts.

A contributor's file of new metrics refers to reforms that are already released, and its evidence
quotes a source it does not contain. The context is the newest release shipped with the package
(or a release folder given with ``--release``) and any ``--source`` files. Its ids resolve
references (except for tables a raw/ tree in the input gives completely: the tree is the truth)
and must not be reused by a record of another table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.problem import Problem
from dazhou_reforms.release.folder import (
    SUMS_NAME,
    Release,
    ReleaseError,
    packaged_release,
    packaged_root,
    versions_in,
)
from dazhou_reforms.schema.models import ID_TABLES, Model, Source


@dataclass
class Context:
    """Ids by table and source texts the input may rely on; ``label`` names them in messages."""

    label: str = ""
    ids: dict[str, set[str]] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)

    def texts(self) -> dict[str, str]:
        return {source.id: source.text for source in self.sources}

    def add(self, table: str, records: list[Model]) -> None:
        ids = self.ids.setdefault(table, set())
        for record in records:
            record_id = getattr(record, "id", None)
            if isinstance(record_id, str):
                ids.add(record_id)
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
    release holds no table; :class:`TableUnreadable` when a table cannot be read."""
    found = False
    for table in ID_TABLES:
        if not release.has(f"{table}.jsonl"):
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


def release_folder(folder: Path) -> tuple[Context, list[Problem]]:
    """A release folder (``build/<version>/``): the records of its ``<table>.jsonl`` files, once the
    folder is verified against its ``SHA256SUMS`` (every file listed there present and matching; a
    listed FIFO or device is unreadable, never read)."""
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


def source_files(paths: list[Path], context: Context) -> list[Problem]:
    """Add the sources of ``--source`` files (raw ``<id>.toml`` with ``<id>.txt``, or sources.jsonl)."""
    from dazhou_reforms.read.toml_tree import RawReader

    problems: list[Problem] = []
    for path in paths:
        display = path.as_posix()
        if not path.is_file():
            problems.append(
                codes.MISSING_PATH.problem(f"the source file {display} does not exist", display, hint=None)
            )
            continue
        if path.suffix == ".toml":
            reader = RawReader()
            reader.record_file("sources", path, path.parent, display)
            problems.extend(reader.dataset.problems)
            context.add("sources", reader.dataset.tables["sources"])
            continue
        try:
            with path.open("rb") as stream:
                records: list[Model] = [Source.model_validate_json(line) for line in stream if line.strip()]
        except (OSError, ValueError) as error:
            problems.append(
                codes.UNREADABLE.problem(
                    f"{display} is not a sources table: {str(error).splitlines()[0]}",
                    display,
                    hint="give a raw source TOML (with its .txt) or a released sources.jsonl",
                )
            )
            continue
        context.add("sources", records)
    return problems

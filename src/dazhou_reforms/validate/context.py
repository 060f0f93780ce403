"""What validated records may refer to beyond themselves: a release's ids and the source texts.

A contributor's file of new metrics refers to reforms that are already released, and its evidence
quotes a source it does not contain. The context is the newest release shipped with the package
(or a release folder given with ``--release``) and any ``--source`` files. Its ids resolve
references (except for tables a raw/ tree in the input gives completely: the tree is the truth)
and must not be reused by a record of another table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dazhou_reforms.problems.problem import Problem
from dazhou_reforms.schema.models import TABLES, Model, Source

#: Tables whose records have ids (vocabulary entries have none).
ID_TABLES = tuple(table for table in TABLES if table != "vocabularies")


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


def shipped_release() -> tuple[Context, list[Problem]]:
    """The newest release shipped with the package (an empty context when there is none)."""
    from dazhou_reforms import loaders

    try:
        versions = loaders.available_versions()
        if not versions:
            return Context(), []
        version = versions[-1]
        context = Context(f"release {version}")
        readers: dict[str, Callable[[str | None], Sequence[Model]]] = {
            "sources": loaders.load_sources,
            "sections": loaders.load_sections,
            "organizations": loaders.load_organizations,
            "reforms": loaders.load_reforms,
            "metrics": loaders.load_metrics,
            "glossary": loaders.load_glossary,
        }
        for table, read in readers.items():
            context.add(table, list(read(version)))
    except (loaders.DataError, OSError, ValueError) as error:
        return Context(), [
            Problem(
                "unreadable",
                f"the release shipped with the package cannot be read: {error}",
                hint="reinstall dazhou-reforms, or pass --no-release",
            )
        ]
    return context, []


def release_folder(folder: Path) -> tuple[Context, list[Problem]]:
    """A release folder (``build/<version>/``): the records of its ``<table>.jsonl`` files."""
    context = Context(f"release in {folder.as_posix()}")
    found = False
    for table in ID_TABLES:
        path = folder / f"{table}.jsonl"
        if not path.is_file():
            continue
        found = True
        try:
            if table == "sources":  # their texts are checked against: read them whole
                with path.open("rb") as stream:
                    context.add(table, [Source.model_validate_json(line) for line in stream if line.strip()])
            else:  # of the others only the ids count (the build validated the records)
                context.ids.setdefault(table, set()).update(_ids_of(path))
        except (OSError, ValueError) as error:
            return Context(), [
                Problem(
                    "unreadable",
                    f"{path.as_posix()} is not a valid release table: {str(error).splitlines()[0]}",
                    path.as_posix(),
                    hint="point --release at a folder built by `dazhou-reforms build`, or pass --no-release",
                )
            ]
    if not found:
        return Context(), [
            Problem(
                "no-records",
                f"{folder.as_posix()} holds no <table>.jsonl files of a release",
                folder.as_posix(),
                hint="point --release at a folder built by `dazhou-reforms build`, e.g. build/1.0.0",
            )
        ]
    return context, []


def _ids_of(path: Path) -> list[str]:
    """The ids of a release table's records; ValueError where a line is not a record with an id."""
    from pydantic_core import from_json

    ids = []
    with path.open("rb") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            record = from_json(line)
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                raise ValueError(f"line {number} is not a record with an id")
            ids.append(record["id"])
    return ids


def source_files(paths: list[Path], context: Context) -> list[Problem]:
    """Add the sources of ``--source`` files (raw ``<id>.toml`` with ``<id>.txt``, or sources.jsonl)."""
    from dazhou_reforms.read.toml_tree import RawDataset, read_record_file

    problems: list[Problem] = []
    for path in paths:
        display = path.as_posix()
        if not path.is_file():
            problems.append(Problem("missing-path", f"the source file {display} does not exist", display))
            continue
        if path.suffix == ".toml":
            dataset = RawDataset()
            read_record_file("sources", path, path.parent, {}, dataset, display)
            problems.extend(dataset.problems)
            context.add("sources", dataset.tables["sources"])
            continue
        try:
            with path.open("rb") as stream:
                records: list[Model] = [Source.model_validate_json(line) for line in stream if line.strip()]
        except (OSError, ValueError) as error:
            problems.append(
                Problem(
                    "unreadable",
                    f"{display} is not a sources table: {str(error).splitlines()[0]}",
                    display,
                    hint="give a raw source TOML (with its .txt) or a released sources.jsonl",
                )
            )
            continue
        context.add("sources", records)
    return problems

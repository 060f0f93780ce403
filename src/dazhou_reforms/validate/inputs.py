"""What the paths given to ``validate`` are: raw/ trees, TOML, JSON Lines and JSON files of a table.

- a directory with any of ``sources/ sections/ organizations/ reforms/ metrics/ glossary/
  vocabularies/`` is a raw/ tree, read whole;
- a TOML file in ``<tree>/<table>/`` (or such a table directory) is read with its whole tree, for
  references and source texts, and only its own problems are reported;
- other files are told apart by extension (``.toml``, ``.jsonl``/``.ndjson``, ``.json``) and their
  table by ``--table``, else by the file name (``metrics.jsonl``, ``metrics.new.json``), else by the
  directory they are in (``reforms/x.toml``);
- any other directory is searched (not recursively) for such files whose table is known (so a
  release folder gives its ``<table>.jsonl`` files; ``*.schema.json`` files are never records).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.problem import Problem
from dazhou_reforms.read.files import NotARegularFile, check_regular
from dazhou_reforms.read.raw_files import tree_name, unreadable
from dazhou_reforms.schema.models import TABLES

FORMATS: dict[str, Literal["toml", "jsonl", "json"]] = {
    ".toml": "toml",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}


@dataclass(frozen=True)
class RecordFile:
    """One file of records of ``table``; ``display`` is how problems name it."""

    path: Path
    display: str
    format: Literal["toml", "jsonl", "json"]
    table: str


@dataclass
class RawTree:
    """A raw/ tree; ``only`` holds the files (as problems name them) to report on, None for all."""

    root: Path
    only: set[str] | None = None


@dataclass
class Inputs:
    trees: list[RawTree] = field(default_factory=list)
    files: list[RecordFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def is_raw_tree(directory: Path) -> bool:
    return any((directory / name).is_dir() for name in TABLES)


def resolved(path: Path) -> Path:
    """``path`` with symbolic links resolved, as far as they resolve (a loop stays as it is)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
        return path.absolute()


def tree_display(path: Path, root: Path) -> str:
    """How read.toml_tree names a file of the tree at ``root``: relative to the tree's parent.

    Only the folder of ``path`` is resolved, not ``path`` itself: the entry is named as it is
    listed, whatever it is (a link, a loop, a FIFO)."""
    full = resolved(path.parent) / path.name
    return tree_name(full, root) if root.parent in full.parents else path.as_posix()


def is_directory(path: Path) -> bool:
    """Whether ``path`` is a directory (True) or a regular file (False), symlinks followed;
    OSError otherwise: it does not exist, it is a symlink loop, or it is a FIFO, a socket or a
    device (:class:`~dazhou_reforms.read.files.NotARegularFile`): found by stat, nothing opened."""
    try:
        check_regular(path)
    except NotARegularFile:
        if os.path.isdir(path):
            return True
        raise
    return False


def path_problem(display: str, path: Path, error: OSError, missing: str, hint: str | None = None) -> Problem:
    """The problem of a path given on the command line that cannot be used: ``missing-path`` if
    there is nothing at all (the message says ``missing``), else ``unreadable``, saying what it is."""
    if isinstance(error, FileNotFoundError) and not os.path.islink(path):
        return codes.MISSING_PATH.problem(
            missing, display, hint=hint or "check the path; give files or directories of records"
        )
    return unreadable(display, error, path, hint or PATH_HINT)


def find_inputs(paths: Sequence[Path], table: str | None = None) -> Inputs:
    """Sort ``paths`` into trees and files; what cannot be used becomes an input problem."""
    inputs = Inputs()
    trees: dict[Path, RawTree] = {}
    for path in paths:
        display = path.as_posix()
        try:
            directory = is_directory(path)
        except OSError as error:
            inputs.problems.append(path_problem(display, path, error, f"{display} does not exist"))
            continue
        try:
            if directory:
                _directory(path, table, inputs, trees)
            else:
                _file(path, table, inputs, trees)
        except OSError as error:
            inputs.problems.append(unreadable(display, error, path, PATH_HINT))
    inputs.trees = list(trees.values())
    return inputs


#: The hint of a path given to validate that is neither a regular file nor a directory.
PATH_HINT = "only regular files and directories are read: check the path"


def _tree(root: Path, trees: dict[Path, RawTree], file: Path | None) -> None:
    root = root.resolve()
    tree = trees.setdefault(root, RawTree(root, set() if file is not None else None))
    if file is None:
        tree.only = None
    elif tree.only is not None:
        tree.only.add(tree_display(file, root))


def _directory(path: Path, table: str | None, inputs: Inputs, trees: dict[Path, RawTree]) -> None:
    if is_raw_tree(path):
        _tree(path, trees, None)
        return
    folder = resolved(path)
    if folder.name in TABLES and is_raw_tree(folder.parent):
        files = sorted(path.glob("*.toml"))
        for file in files:
            _tree(folder.parent, trees, file)
        if files:
            return
    files, refused = [], 0
    for entry in sorted(path.iterdir()):  # a record file by its name, whatever it turns out to be
        if entry.suffix not in FORMATS or entry.name.endswith(".schema.json"):
            continue
        if not (table or _table_of(entry)):
            continue
        try:
            if is_directory(entry):
                raise IsADirectoryError(errno.EISDIR, "Is a directory", str(entry))
        except OSError as error:
            inputs.problems.append(unreadable(entry.as_posix(), error, entry, PATH_HINT))
            refused += 1
            continue
        files.append(entry)
    if refused and not files:
        return  # its record files are there, each reported
    if not files:
        inputs.problems.append(
            codes.NO_RECORDS.problem(
                f"{path.as_posix()} holds no record files",
                path.as_posix(),
                expected="a raw/ tree, or .toml, .jsonl or .json files of records",
                hint="give the raw/ folder, a table folder such as raw/reforms, or record files",
            )
        )
    for file in files:
        _file(file, table, inputs, trees)


def _file(path: Path, table: str | None, inputs: Inputs, trees: dict[Path, RawTree]) -> None:
    display = path.as_posix()
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        inputs.problems.append(
            codes.UNKNOWN_FORMAT.problem(
                f"{display} is not a record file",
                display,
                expected="a name ending in .toml, .jsonl, .ndjson or .json",
                found=path.suffix or "no extension",
            )
        )
        return
    parent = resolved(path.parent)
    if (
        kind == "toml"
        and parent.name in TABLES
        and table in (None, parent.name)
        and is_raw_tree(parent.parent)
    ):
        _tree(parent.parent, trees, path)
        return
    found = table or _table_of(path)
    if found is None:
        inputs.problems.append(
            codes.UNKNOWN_TABLE.problem(
                f"cannot tell which table {display} holds",
                display,
                expected="a file named after its table (e.g. metrics.jsonl) or in a table folder",
                found=path.name,
                hint=f"pass --table, one of: {', '.join(TABLES)}",
            )
        )
        return
    inputs.files.append(RecordFile(path, display, kind, found))


def _table_of(path: Path) -> str | None:
    name = path.name.split(".")[0]
    if name in TABLES:
        return name
    parent = resolved(path.parent).name
    return parent if parent in TABLES else None

"""The files of a raw/ tree, read safely: only regular files, each within a cap on its size.

A tree comes from a contributor's pull request, and any of its entries may be something other
than the file it claims to be: a dangling symbolic link, a symlink loop, a FIFO, a socket, a
device (``zero.toml`` -> ``/dev/zero``), a folder named ``x.toml``, or a file of gigabytes. Each
is a problem of that entry (``unreadable``, ``file-too-large``), found before anything is read
(:mod:`~dazhou_reforms.read.files`), and the other entries are still read.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import tomllib
from pathlib import Path
from typing import Any

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem, shorten
from dazhou_reforms.read.files import FileTooLarge, kind_of, read_bounded, why_unreadable
from dazhou_reforms.read.strict_json import MAX_DEPTH, MAX_NUMBER_LENGTH
from dazhou_reforms.read.text import decode_utf8

#: The most a raw TOML record file may hold, in bytes (the longest record of raw/ has some 4 KB;
#: an article's text goes in its ``.txt``). A larger file is a ``file-too-large`` problem, unread.
MAX_TOML_SIZE = 1024 * 1024
#: The most a source's ``.txt`` (the article text) may hold, in bytes (the article of raw/: 11 KB).
MAX_SOURCE_TEXT_SIZE = 16 * 1024 * 1024


def tree_name(path: Path, root: Path) -> str:
    """How problems name ``path`` of the tree at ``root``: from ``root``'s parent (``raw/reforms/x.toml``)."""
    if path == root or root.parent in path.parents:
        return path.relative_to(root.parent).as_posix()
    return path.as_posix()


def unreadable(file: str, error: OSError, path: Path, hint: str | None = None) -> Problem:
    """The ``unreadable`` problem of ``path`` (named ``file``), which the system refused with ``error``."""
    return codes.UNREADABLE.problem(
        f"{file} cannot be read: {why_unreadable(path, error)}",
        file,
        hint=hint or "only regular files are read: put the record file itself here, or remove the entry",
    )


def too_large(file: str, limit: int, what: str, hint: str) -> Problem:
    return codes.FILE_TOO_LARGE.problem(
        f"{what} is read whole; this one has more than {limit:,} bytes",
        file,
        expected=f"at most {limit:,} bytes",
        found=f"more than {limit:,} bytes (the rest was not read)",
        hint=hint,
    )


#: What a source text that is too large is told.
SOURCE_TEXT_HINT = "an article's text is at most 16 MiB: is this the right file?"


def read_source_text(
    path: Path, shown: str, normalize_newlines: bool = True
) -> tuple[str | None, Problem | None]:
    """The text of the source text file ``path`` (named ``shown`` in its problem): a regular file
    of at most :data:`MAX_SOURCE_TEXT_SIZE` bytes, strict UTF-8 without BOM, its line endings made
    LF unless ``normalize_newlines`` is false; else None and the problem (``unreadable``,
    ``file-too-large``, ``not-utf8``, ``utf8-bom``)."""
    try:
        data = read_bounded(path, MAX_SOURCE_TEXT_SIZE)
    except OSError as error:
        return None, unreadable(shown, error, path)
    except FileTooLarge:
        return None, too_large(shown, MAX_SOURCE_TEXT_SIZE, "a source text", SOURCE_TEXT_HINT)
    return decode_utf8(data, shown, normalize_newlines)


def read_toml(
    path: Path, root: Path, display: str | None = None
) -> tuple[dict[str, Any] | None, Origin, list[Problem]]:
    """Read one TOML file; problems name it ``display``, or its path from ``root``'s parent.

    Only a regular file of at most :data:`MAX_TOML_SIZE` bytes is read; anything else is a problem
    of the file (``unreadable``, ``file-too-large``), never an exception.
    """
    file = display if display is not None else tree_name(path, root)
    try:
        data = read_bounded(path, MAX_TOML_SIZE)
    except OSError as error:
        return None, Origin(file, text=""), [unreadable(file, error, path)]
    except FileTooLarge:
        hint = "a record file holds one record: keep long text (an article) in the source's .txt"
        return None, Origin(file, text=""), [too_large(file, MAX_TOML_SIZE, "a TOML record file", hint)]
    text, problem = decode_utf8(data, file)
    origin = Origin(file, text=text or "")
    if problem is not None:
        return None, origin, [problem]
    assert text is not None
    try:
        return tomllib.loads(text), origin, []
    except RecursionError:  # tomllib's parser recurses once per level of nesting
        line, column = _line_and_column(text, _DEEP)
        problem = codes.TOO_DEEP.problem(
            "arrays or tables are nested too deeply to read",
            file,
            line,
            column,
            hint="records are at most a few levels deep: check the brackets",
        )
        return None, origin, [problem]
    except tomllib.TOMLDecodeError as error:
        position = re.search(r"\(at line ([0-9]+), column ([0-9]+)\)", str(error))
        line = int(position.group(1)) if position else None
        column = int(position.group(2)) if position else None
        message = str(error).split(" (at ")[0]
        return (
            None,
            origin,
            [codes.TOML_SYNTAX.problem(f"TOML syntax error: {message}", file, line, column)],
        )
    except ValueError:  # an integer too long for int() (Python refuses more than 4,300 digits)
        line, column = _line_and_column(text, _LONG_NUMBER)
        problem = codes.NUMBER_TOO_LONG.problem(
            f"an integer too long to read (more than {sys.get_int_max_str_digits():,} digits)",
            file,
            line,
            column,
            hint="write the figure as an ordinary number",
        )
        return None, origin, [problem]


#: More openings of arrays or inline tables in a row than records ever need.
_DEEP = re.compile(rf"(?:[\[{{][ \t\r\n]*){{{MAX_DEPTH + 1}}}")
_LONG_NUMBER = re.compile(rf"[+-]?[0-9][0-9_]{{{MAX_NUMBER_LENGTH},}}")


def _line_and_column(text: str, pattern: re.Pattern[str]) -> tuple[int | None, int | None]:
    """Line and column (from 1) of the first match of ``pattern`` in ``text``, if any."""
    found = pattern.search(text)
    if found is None:
        return None, None
    start = found.start()
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


def internal_error(file: str, error: Exception) -> Problem:
    """The ``internal-error`` of one file the reader failed on (a bug: the others are still read)."""
    return codes.INTERNAL_ERROR.problem(
        f"the reader failed on this file: {type(error).__name__}: {shorten(str(error), 120)}", file
    )


def toml_entries(directory: Path, root: Path, problems: list[Problem]) -> list[Path]:
    """The ``*.toml`` entries of ``directory`` by name, whatever they are (each is read or reported
    as the file it claims to be); a directory that cannot be listed is a problem of its own."""
    try:
        with os.scandir(directory) as entries:
            names = sorted(entry.name for entry in entries if entry.name.endswith(".toml"))
    except OSError as error:
        problems.append(unreadable(tree_name(directory, root), error, directory, LIST_HINT))
        return []
    return [directory / name for name in names]


LIST_HINT = "a table folder of raw/ holds one <id>.toml file a record"


def not_a_folder(path: Path, name: str, hint: str, absent_ok: bool = False) -> Problem | None:
    """The problem of a path that should be a folder of the tree, if it is not one."""
    try:
        status = os.stat(path)
    except FileNotFoundError as error:
        if absent_ok and not os.path.islink(path):
            return None
        if os.path.islink(path):
            return unreadable(name, error, path, hint)
        return codes.MISSING_PATH.problem(f"{name} does not exist", name, hint=hint)
    except OSError as error:
        return unreadable(name, error, path, hint)
    if stat.S_ISDIR(status.st_mode):
        return None
    kind = "a regular file" if stat.S_ISREG(status.st_mode) else kind_of(status.st_mode)
    refused = NotADirectoryError(errno.ENOTDIR, f"it is {kind}, not a directory")
    return unreadable(name, refused, path, hint)

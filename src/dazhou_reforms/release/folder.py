"""The one reader of release folders: versions, ``SHA256SUMS`` verification, table rows.

A release folder (``build/<version>/``, or ``dazhou_reforms/releases/<version>/`` inside the
installed package) holds the files of one release and their ``SHA256SUMS``. The loaders,
``info``, ``diff`` and ``validate --release`` all read releases through :class:`Release`, so a
release is found, verified and read one way.

A folder given on the command line may hold anything: only regular files are read (a FIFO, a
device or a directory in a file's place is reported, never opened for reading), every read is
bounded (:data:`MAX_SUMS_BYTES`, :data:`MAX_FILE_BYTES`, counted in bytes actually read), and a
name in ``SHA256SUMS`` is a plain file name of the folder, never a path leading out of it.

A release keeps invariants the build guarantees; :meth:`Release.table` and :func:`read_tables`
check them and name the file and line of the first row that breaks one: every line is a JSON
object (strict: no duplicate member names, no ``NaN``), every row has its key (``id``;
vocabulary entries ``vocabulary`` and ``code``) as a non-empty string, keys are unique within a
table, and ids are unique across the tables.

Only the standard library is imported here: the loaders use this module on ``import``-time paths.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from dazhou_reforms.read.files import check_regular, open_regular, read_at_most

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

SUMS_NAME = "SHA256SUMS"
VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")
_SUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S.*)$")

#: Largest ``SHA256SUMS`` read: a release lists a few dozen files (about 3 kB).
MAX_SUMS_BYTES = 1 << 20
#: Largest file of a release read or hashed: the tables of this dataset are under 100 kB each.
MAX_FILE_BYTES = 64 << 20
#: Longest line of a release table read: a record of this dataset is a few kB.
MAX_LINE_BYTES = 16 << 20
#: The fields that identify a row: vocabulary entries by vocabulary and code, all others by id.
KEY_FIELDS: dict[str, tuple[str, ...]] = {"vocabularies": ("vocabulary", "code")}
ID_FIELDS = ("id",)


class ReleaseError(Exception):
    """A release folder cannot be read: missing or malformed files, checksum mismatches, rows that
    break the release's invariants."""


def version_key(version: str) -> tuple[int, ...]:
    """``"1.10.0"`` -> ``(1, 10, 0)``: versions sort as numbers."""
    return tuple(int(part) for part in version.split("."))


def is_release(folder: Traversable) -> bool:
    """A folder with a ``SHA256SUMS``."""
    return folder.is_dir() and (folder / SUMS_NAME).is_file()


def versions_in(root: Traversable) -> list[str]:
    """The release folders of ``root`` named by a version, oldest first."""
    if not root.is_dir():
        return []
    found = [entry.name for entry in root.iterdir() if VERSION.match(entry.name) and is_release(entry)]
    return sorted(found, key=version_key)


def packaged_root() -> Traversable:
    """``dazhou_reforms/releases`` as importlib.resources sees it; in a source checkout, ``build/``."""
    package = Path(__file__).parents[1]
    if (package / "releases").is_dir():
        return package / "releases"  # what importlib.resources.files() gives for a package on disk
    if not package.is_dir():  # e.g. imported from a zip archive
        from importlib import resources

        return resources.files("dazhou_reforms") / "releases"
    return package.parents[1] / "build"


def key_fields(table: str) -> tuple[str, ...]:
    """The fields whose values identify a row of ``table``."""
    return KEY_FIELDS.get(table, ID_FIELDS)


def row_key(table: str, row: dict[str, Any]) -> str | None:
    """A row's identity: its ``id``; vocabulary entries ``<vocabulary>/<code>``. None when a key
    field is absent, empty or not a string."""
    values = [row.get(name) for name in key_fields(table)]
    if not all(isinstance(value, str) and value for value in values):
        return None
    return "/".join(values)  # type: ignore[arg-type]


def is_plain_name(name: str) -> bool:
    """A file name of the folder itself: no path separator, not ``.`` or ``..``, no NUL."""
    return name not in (".", "..") and not any(char in name for char in "/\\\0")


@dataclass(frozen=True)
class ChecksumStatus:
    """How the files of a release folder compare with its ``SHA256SUMS``."""

    verified: tuple[str, ...] = ()
    mismatched: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    unlisted: tuple[str, ...] = ()
    malformed: tuple[int, ...] = ()  # line numbers of SHA256SUMS that are not `<sha256>  <name>`
    unreadable: tuple[tuple[str, str], ...] = ()  # (name, why): listed, present, but not readable

    @property
    def ok(self) -> bool:
        return not (self.mismatched or self.missing or self.unlisted or self.malformed or self.unreadable)

    @property
    def intact(self) -> bool:
        """Every listed file is there and matches (files not listed are allowed)."""
        return not (self.mismatched or self.missing or self.malformed or self.unreadable)

    def summary(self) -> str:
        if self.ok:
            # the files of the folder, as `build` counts them: SHA256SUMS and every file it lists
            listed = len(self.verified)
            return f"ok, {listed + 1} files ({SUMS_NAME} and the {listed} it lists, all matching)"
        parts = []
        for label, names in (
            ("do not match", self.mismatched),
            ("listed but missing", self.missing),
            ("not listed", self.unlisted),
        ):
            if names:
                parts.append(f"{len(names)} {label} ({', '.join(names)})")
        if self.unreadable:
            reasons = "; ".join(f"{name}: {why}" for name, why in self.unreadable)
            parts.append(f"{len(self.unreadable)} cannot be read ({reasons})")
        if self.malformed:
            parts.append(f"malformed {SUMS_NAME} line(s) {', '.join(map(str, self.malformed))}")
        return f"FAILED: {'; '.join(parts)}"


@dataclass(frozen=True)
class Table:
    """The rows of one ``<table>.jsonl`` of a release, by key, and the line each key is on."""

    name: str
    path: str
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate member name {key!r} in an object")
            seen.add(key)
    return out


def strict_row(line: bytes) -> Any:
    """One line of a release table as JSON: strict UTF-8, no duplicate member names, no NaN."""
    return json.loads(line.decode("utf-8"), object_pairs_hook=_object, parse_constant=_no_constant)


@dataclass(frozen=True)
class Release:
    """A release folder: its name (version or folder name), the folder, and how messages name it."""

    name: str
    folder: Traversable
    location: str

    def path_of(self, name: str) -> str:
        """How messages name a file of the release: its path."""
        return f"{self.folder}/{name}"

    def _open(self, name: str) -> IO[bytes]:
        """One file of the release opened for reading, if it is a regular file (OSError otherwise)."""
        if not is_plain_name(name):
            raise OSError(f"{name!r} is not a file name of the folder")
        entry = self.folder / name
        if isinstance(entry, os.PathLike):
            return open_regular(entry, buffering=0)
        try:  # inside an archive: a member is a file or a folder, nothing else
            if not entry.is_file():
                raise OSError("not a file")
            return entry.open("rb")
        except KeyError:
            raise FileNotFoundError("No such file or directory") from None

    def _read(self, name: str, limit: int) -> bytes:
        try:
            with self._open(name) as stream:
                data = read_at_most(stream, limit + 1)  # type: ignore[arg-type]
        except OSError as error:
            raise ReleaseError(f"{self.path_of(name)}: cannot read: {_reason(error)}") from None
        if len(data) > limit:
            raise ReleaseError(f"{self.path_of(name)}: cannot read: more than {limit:,} bytes")
        return data

    def _digest(self, name: str) -> str:
        """The SHA-256 of one file, read in pieces (at most :data:`MAX_FILE_BYTES`)."""
        digest = hashlib.sha256()
        total = 0
        try:
            with self._open(name) as stream:
                while piece := stream.read(1 << 20):
                    total += len(piece)
                    if total > MAX_FILE_BYTES:
                        raise ReleaseError(f"more than {MAX_FILE_BYTES:,} bytes")
                    digest.update(piece)
        except OSError as error:
            raise ReleaseError(_reason(error)) from None
        return digest.hexdigest()

    def _entries(self) -> dict[str, str | None]:
        """Name -> None for each regular file of the folder, or why it is none (not followed further)."""
        entries: dict[str, str | None] = {}
        folder = self.folder
        if isinstance(folder, os.PathLike):
            with os.scandir(os.fsdecode(folder)) as listing:
                for entry in listing:
                    try:
                        check_regular(entry.path)
                        entries[entry.name] = None
                    except OSError as error:
                        entries[entry.name] = _reason(error)
        else:
            for child in folder.iterdir():
                entries[child.name] = None if child.is_file() else "it is a directory, not a regular file"
        return entries

    def sums(self) -> tuple[dict[str, str], tuple[int, ...]]:
        """``SHA256SUMS`` as name -> digest, and the numbers of lines that are not ``<sha256>  <name>``
        (a name that is not a plain file name of the folder makes its line malformed)."""
        data = self._read(SUMS_NAME, MAX_SUMS_BYTES)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            where = f"byte {error.object[error.start]:#04x} at offset {error.start}"
            raise ReleaseError(f"{self.path_of(SUMS_NAME)}: cannot read: not UTF-8 text ({where})") from None
        sums: dict[str, str] = {}
        malformed = []
        for number, line in enumerate(text.splitlines(), start=1):
            match = _SUM_LINE.match(line)
            if match is None or not is_plain_name(match.group(2)):
                malformed.append(number)
            else:
                sums[match.group(2)] = match.group(1)
        return sums, tuple(malformed)

    def check_sums(self) -> ChecksumStatus:
        """Compare every file of the folder with ``SHA256SUMS``; a listed entry that is not a regular
        file (a FIFO, a device, a folder, a dangling symlink) is unreadable, and never read."""
        sums, malformed = self.sums()
        try:
            entries = self._entries()
        except OSError as error:
            raise ReleaseError(f"{self.location}: cannot list the folder: {_reason(error)}") from None
        entries.pop(SUMS_NAME, None)
        verified: list[str] = []
        mismatched: list[str] = []
        unreadable: list[tuple[str, str]] = []
        for name in sorted(set(sums) & set(entries)):
            why = entries[name]
            if why is None:
                try:
                    matches = self._digest(name) == sums[name]
                except ReleaseError as error:
                    why = str(error)
                else:
                    (verified if matches else mismatched).append(name)
            if why is not None:
                unreadable.append((name, why))
        present = {name for name, why in entries.items() if why is None}
        return ChecksumStatus(
            verified=tuple(verified),
            mismatched=tuple(mismatched),
            missing=tuple(sorted(set(sums) - set(entries))),
            unlisted=tuple(sorted(name for name in present - set(sums) if not name.startswith("."))),
            malformed=malformed,
            unreadable=tuple(unreadable),
        )

    def tables(self, known: tuple[str, ...] = ()) -> list[str]:
        """The tables the release lists (``<table>.jsonl`` in SHA256SUMS): those of ``known`` in its
        order, then any others by name."""
        listed = {name.removesuffix(".jsonl") for name in self.sums()[0] if name.endswith(".jsonl")}
        return [table for table in known if table in listed] + sorted(listed - set(known))

    def has(self, name: str) -> bool:
        """Whether the folder has an entry ``name`` (of any kind: reading it says if it is a file)."""
        entry = self.folder / name
        if isinstance(entry, os.PathLike):
            return os.path.lexists(entry)
        return entry.is_file() or entry.is_dir()

    def read_file(self, name: str, verify: bool = True) -> bytes:
        """The bytes of one file; with ``verify``, refused unless they match their SHA256SUMS entry."""
        sums = self.sums()[0] if verify else {}
        if verify and name not in sums:
            raise ReleaseError(f"{self.path_of(name)}: not listed in {SUMS_NAME}")
        data = self._read(name, MAX_FILE_BYTES)
        if verify and hashlib.sha256(data).hexdigest() != sums[name]:
            raise ReleaseError(
                f"{self.path_of(name)}: does not match its SHA-256 in {SUMS_NAME}; the release "
                "was changed after it was built: rebuild it or restore the file"
            )
        return data

    def verify(self, name: str) -> None:
        """ReleaseError unless the file ``name`` matches its SHA256SUMS entry (read in pieces)."""
        sums = self.sums()[0]
        if name not in sums:
            raise ReleaseError(f"{self.path_of(name)}: not listed in {SUMS_NAME}")
        try:
            digest = self._digest(name)
        except ReleaseError as error:
            raise ReleaseError(f"{self.path_of(name)}: cannot read: {error}") from None
        if digest != sums[name]:
            raise ReleaseError(
                f"{self.path_of(name)}: does not match its SHA-256 in {SUMS_NAME}; the release "
                "was changed after it was built: rebuild it or restore the file"
            )

    def lines(self, table: str, verify: bool = True) -> Iterator[tuple[int, bytes]]:
        """(line number, bytes without the LF) of every non-blank line of ``<table>.jsonl``, streamed:
        memory holds one line (at most :data:`MAX_LINE_BYTES`); with ``verify`` the file is checked
        against SHA256SUMS first."""
        name = f"{table}.jsonl"
        path = self.path_of(name)
        if verify:
            self.verify(name)
        total = 0
        try:
            with self._open(name) as raw:
                stream: IO[bytes] = raw
                if isinstance(raw, io.RawIOBase):  # unbuffered: readline would read a byte at a time
                    stream = io.BufferedReader(raw, 1 << 20)
                number = 0
                while line := stream.readline(MAX_LINE_BYTES + 1):
                    number += 1
                    total += len(line)
                    if total > MAX_FILE_BYTES:
                        raise ReleaseError(f"{path}: cannot read: more than {MAX_FILE_BYTES:,} bytes")
                    if len(line) > MAX_LINE_BYTES:
                        raise ReleaseError(f"{path}:{number}: a line of more than {MAX_LINE_BYTES:,} bytes")
                    body = line[:-1] if line.endswith(b"\n") else line
                    if body.strip():
                        yield number, body
        except OSError as error:
            raise ReleaseError(f"{path}: cannot read: {_reason(error)}") from None

    def rows(self, table: str, verify: bool = True) -> list[dict[str, Any]]:
        """The rows of ``<table>.jsonl``, as JSON objects, in file order (invariants checked)."""
        return list(self.table(table, verify).rows.values())

    def table(self, table: str, verify: bool = True) -> Table:
        """The rows of ``<table>.jsonl`` by key; :class:`ReleaseError` naming ``file:line`` at the first
        line that is not a JSON object, a row without its key, or a key already used in the table."""
        path = self.path_of(f"{table}.jsonl")
        found = Table(table, path)
        label = "/".join(key_fields(table))
        for number, line in self.lines(table, verify):
            try:
                row = strict_row(line)
            except UnicodeDecodeError as error:
                raise ReleaseError(f"{path}:{number}: not UTF-8 (byte offset {error.start})") from None
            except json.JSONDecodeError as error:
                raise ReleaseError(f"{path}:{number}: invalid JSON: {error.msg}") from None
            except (ValueError, RecursionError) as error:
                raise ReleaseError(f"{path}:{number}: invalid JSON: {error}") from None
            if not isinstance(row, dict):
                raise ReleaseError(f"{path}:{number}: expected a JSON object per line")
            key = row_key(table, row)
            if key is None:
                raise ReleaseError(f"{path}:{number}: the row has no {label} (non-empty text) to identify it")
            if key in found.rows:
                raise ReleaseError(
                    f"{path}:{number}: duplicate {label} {key!r}, also on line {found.lines[key]}"
                )
            found.rows[key] = row
            found.lines[key] = number
        return found


def ids_across(tables: Sequence[Table]) -> None:
    """:class:`ReleaseError` at the first id that a row of another table has too (ids are unique
    across the tables keyed by id)."""
    owner: dict[str, Table] = {}
    for table in tables:
        if key_fields(table.name) != ID_FIELDS:
            continue
        for key, number in table.lines.items():
            first = owner.setdefault(key, table)
            if first is not table:
                raise ReleaseError(
                    f"{table.path}:{number}: duplicate id {key!r}, also in table {first.name} "
                    f"({first.path}:{first.lines[key]}); ids are unique across the tables"
                )


def read_tables(release: Release, tables: Sequence[str], verify: bool = True) -> dict[str, Table]:
    """Every table of ``tables`` read and checked, ids checked across them (ReleaseError otherwise)."""
    found = {table: release.table(table, verify) for table in tables}
    ids_across(list(found.values()))
    return found


def packaged_release(version: str, root: Traversable | None = None) -> Release:
    """The release ``version`` shipped in the package (or in ``root``)."""
    folder = (root if root is not None else packaged_root()) / version
    return Release(version, folder, f"{folder} (installed package)")


def available_releases(build_dir: Path = Path("build"), root: Traversable | None = None) -> list[Release]:
    """Releases in ``build_dir`` and in the installed package (``root``), oldest first, no duplicates."""
    found: dict[str, Release] = {}
    seen: set[str] = set()
    if build_dir.is_dir():
        for entry in sorted(build_dir.iterdir()):
            if VERSION.match(entry.name) and is_release(entry):
                found[entry.name] = Release(entry.name, entry, entry.as_posix())
                seen.add(str(entry.resolve()))
    if root is not None and root.is_dir():
        for version in versions_in(root):
            release = packaged_release(version, root)
            if version not in found and str(Path(str(release.folder)).resolve()) not in seen:
                found[version] = release
    return [found[version] for version in sorted(found, key=version_key)]

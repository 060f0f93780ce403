"""The one reader of release folders: versions, ``SHA256SUMS`` verification, table rows.

A release folder (``build/<version>/``, or ``dazhou_reforms/releases/<version>/`` inside the
installed package) holds the files of one release and their ``SHA256SUMS``. The loaders,
``info``, ``diff`` and ``validate --release`` all read releases through :class:`Release`, so a
release is found, verified and read one way.

Only the standard library is imported here: the loaders use this module on ``import``-time paths.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

SUMS_NAME = "SHA256SUMS"
VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")
_SUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S.*)$")


class ReleaseError(Exception):
    """A release folder cannot be read: missing or malformed files, checksum mismatches."""


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


@dataclass(frozen=True)
class ChecksumStatus:
    """How the files of a release folder compare with its ``SHA256SUMS``."""

    verified: tuple[str, ...] = ()
    mismatched: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    unlisted: tuple[str, ...] = ()
    malformed: tuple[int, ...] = ()  # line numbers of SHA256SUMS that are not `<sha256>  <name>`

    @property
    def ok(self) -> bool:
        return not (self.mismatched or self.missing or self.unlisted or self.malformed)

    def summary(self) -> str:
        if self.ok:
            return f"ok, {len(self.verified)} files match {SUMS_NAME}"
        parts = []
        for label, names in (
            ("do not match", self.mismatched),
            ("listed but missing", self.missing),
            ("not listed", self.unlisted),
        ):
            if names:
                parts.append(f"{len(names)} {label} ({', '.join(names)})")
        if self.malformed:
            parts.append(f"malformed {SUMS_NAME} line(s) {', '.join(map(str, self.malformed))}")
        return f"FAILED: {'; '.join(parts)}"


@dataclass(frozen=True)
class Release:
    """A release folder: its name (version or folder name), the folder, and how messages name it."""

    name: str
    folder: Traversable
    location: str

    def sums(self) -> tuple[dict[str, str], tuple[int, ...]]:
        """``SHA256SUMS`` as name -> digest, and the numbers of lines that are not ``<sha256>  <name>``."""
        try:
            text = (self.folder / SUMS_NAME).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ReleaseError(f"cannot read {SUMS_NAME}: {error}") from None
        sums: dict[str, str] = {}
        malformed = []
        for number, line in enumerate(text.splitlines(), start=1):
            match = _SUM_LINE.match(line)
            if match is None:
                malformed.append(number)
            else:
                sums[match.group(2)] = match.group(1)
        return sums, tuple(malformed)

    def check_sums(self) -> ChecksumStatus:
        """Compare every file of the folder with ``SHA256SUMS``."""
        sums, malformed = self.sums()
        present = {entry.name for entry in self.folder.iterdir() if entry.is_file()} - {SUMS_NAME}
        verified: list[str] = []
        mismatched: list[str] = []
        for name in sorted(set(sums) & present):
            digest = hashlib.sha256((self.folder / name).read_bytes()).hexdigest()
            (verified if digest == sums[name] else mismatched).append(name)
        return ChecksumStatus(
            verified=tuple(verified),
            mismatched=tuple(mismatched),
            missing=tuple(sorted(set(sums) - present)),
            unlisted=tuple(sorted(name for name in present - set(sums) if not name.startswith("."))),
            malformed=malformed,
        )

    def tables(self, known: tuple[str, ...] = ()) -> list[str]:
        """The tables the release lists (``<table>.jsonl`` in SHA256SUMS): those of ``known`` in its
        order, then any others by name."""
        listed = {name.removesuffix(".jsonl") for name in self.sums()[0] if name.endswith(".jsonl")}
        return [table for table in known if table in listed] + sorted(listed - set(known))

    def path_of(self, name: str) -> str:
        """How messages name a file of the release: its path."""
        return f"{self.folder}/{name}"

    def has(self, name: str) -> bool:
        return (self.folder / name).is_file()

    def read_file(self, name: str, verify: bool = True) -> bytes:
        """The bytes of one file; with ``verify``, refused unless they match their SHA256SUMS entry."""
        try:
            data = (self.folder / name).read_bytes()
        except OSError as error:
            raise ReleaseError(f"{self.path_of(name)}: cannot read: {error.strerror or error}") from None
        if verify:
            sums, _ = self.sums()
            if name not in sums:
                raise ReleaseError(f"{self.path_of(name)}: not listed in {SUMS_NAME}")
            if hashlib.sha256(data).hexdigest() != sums[name]:
                raise ReleaseError(
                    f"{self.path_of(name)}: does not match its SHA-256 in {SUMS_NAME}; the release "
                    "was changed after it was built: rebuild it or restore the file"
                )
        return data

    def lines(self, table: str, verify: bool = True) -> Iterator[tuple[int, bytes]]:
        """(line number, bytes) of every non-blank line of ``<table>.jsonl``."""
        data = self.read_file(f"{table}.jsonl", verify)
        for number, line in enumerate(data.split(b"\n"), start=1):
            if line.strip():
                yield number, line

    def rows(self, table: str, verify: bool = True) -> list[dict[str, Any]]:
        """The rows of ``<table>.jsonl``, as JSON objects."""
        name = f"{table}.jsonl"
        rows = []
        text = self.read_file(name, verify).decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise ReleaseError(f"{self.path_of(name)}:{number}: invalid JSON: {error.msg}") from None
            if not isinstance(row, dict):
                raise ReleaseError(f"{self.path_of(name)}:{number}: expected a JSON object per line")
            rows.append(row)
        return rows


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


def folder_release(path: Path) -> Release:
    """A release folder given by its path; ReleaseError when it is none."""
    if not path.is_dir():
        raise ReleaseError(f"{path.as_posix()} is not a folder")
    return Release(path.name, path, path.as_posix())

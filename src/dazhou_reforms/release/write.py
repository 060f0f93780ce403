"""Build a release: checked records -> every file of ``<out>/<version>/``, written atomically.

:func:`render_release` is pure: the same records give the same bytes (no timestamps, no paths, no
dict-order or float-format drift; Parquet bytes also depend on the pyarrow version, see
:mod:`dazhou_reforms.release.tables`). :func:`write_release` writes the files into a staging
folder beside the target (``.<version>.partial-<8 random characters>``) and renames it into place,
so an interrupted build leaves no partial release. A release is immutable: building the same
content again is a no-op, and building different content into an existing version folder is refused,
unless the caller found it a draft (never published: see :mod:`dazhou_reforms.release.published`)
and asked to replace it (``replace=True``): the new folder is staged in full, then swapped in.

Interrupted builds: SIGINT, SIGTERM and SIGHUP during :func:`write_release` raise (``KeyboardInterrupt``,
:class:`Terminated`) and the staging folder is removed on the way out. Only SIGKILL (or a power
cut) can leave one behind; the next build removes it. A staging folder is ours by its name
(:data:`STAGING_NAME`) and stale when no process holds the lock on it: the building process holds
an exclusive ``flock`` on the staging folder itself from creating it until it is renamed into
place, and the kernel drops that lock when the process dies, however it dies. A lock rather than an
age or a process id: an age would remove the folder of a slow build still running (or keep a stale
one for hours), and a process id can be reused or belong to another machine sharing the folder.
Where ``flock`` is missing (Windows) only staging folders older than :data:`STALE_AFTER` seconds are
removed; where it fails (some network file systems) none is.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from pydantic import BaseModel

from dazhou_reforms.release.folder import SUMS_NAME
from dazhou_reforms.release.json_schema import render_json, table_json_schema
from dazhou_reforms.release.metadata import ReleaseInfo
from dazhou_reforms.release.published import Publication

#: A staging folder of :func:`write_release` (``tempfile.mkdtemp`` adds 8 of ``[a-z0-9_]``).
STAGING_NAME = re.compile(r"^\.[0-9]+\.[0-9]+\.[0-9]+\.partial-[a-z0-9_]{8}$")
#: Without ``flock``: age (seconds since the last change) past which a staging folder is stale.
STALE_AFTER = 24 * 3600
#: Signals that interrupt a write like Ctrl-C does (SIGINT raises KeyboardInterrupt already).
TERMINATING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: like ``KeyboardInterrupt``, not an ``Exception``, so that only
    ``finally`` clauses (the clean-up) run on its way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"terminated by {signal.Signals(signum).name}")
        self.signum = signum


@contextlib.contextmanager
def terminating_raises() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Terminated` (once; repeated signals are
    ignored while the clean-up runs). Only in the main thread, where Python delivers signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal raised
        if not raised:
            raised = True
            raise Terminated(signum)

    previous = {signum: signal.signal(signum, handler) for signum in TERMINATING}
    try:
        yield
    finally:
        for signum, action in previous.items():
            signal.signal(signum, action)


class ReleaseConflict(Exception):
    """The version folder exists and holds different content."""

    def __init__(
        self,
        folder: Path,
        differing: list[str],
        hint: str | None = None,
        publication: Publication | None = None,
    ) -> None:
        self.folder = folder
        self.differing = differing
        self.hint = hint
        self.publication = publication
        super().__init__(self.report())

    def report(self) -> str:
        shown = ", ".join(self.differing[:12]) + (", …" if len(self.differing) > 12 else "")
        lines = [f"{self.folder.as_posix()} already exists with different content ({shown})."]
        status = self.publication.status if self.publication else None
        if self.publication is not None:
            lines.append(self.publication.explain(self.folder))
        if status == "draft":
            lines.append(
                "Replace the draft with `dazhou-reforms build --replace-draft`; or, to keep it, bump the "
                "version in src/dazhou_reforms/_version.py and add a CHANGELOG.md entry for it."
            )
        else:
            lines.append(
                "A release is never rewritten: bump the version in src/dazhou_reforms/_version.py and add "
                "a CHANGELOG.md entry for it, then build again."
            )
        if status == "unknown":
            lines.append("If you are sure it was never published, delete the folder and build again.")
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)


@dataclass(frozen=True)
class Outcome:
    folder: Path
    status: Literal["written", "unchanged", "replaced"]
    files: Mapping[str, bytes]
    #: Staging folders of interrupted builds removed before this one.
    cleaned: tuple[Path, ...] = ()


def release_rows(tables: Mapping[str, Sequence[BaseModel]]) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows in release order, as JSON-compatible dicts."""
    from dazhou_reforms.release.tables import sorted_rows

    return {table: sorted_rows(table, records) for table, records in tables.items()}


def render_release(tables: Mapping[str, Sequence[BaseModel]], release: ReleaseInfo) -> dict[str, bytes]:
    """File name -> bytes of every file of the release, ``SHA256SUMS`` included."""
    from dazhou_reforms.release.annotations import ANNOTATIONS_NAME, annotations_bytes
    from dazhou_reforms.release.card import render_card
    from dazhou_reforms.release.coverage import compute_coverage
    from dazhou_reforms.release.coverage_text import coverage_markdown
    from dazhou_reforms.release.croissant import render_croissant
    from dazhou_reforms.release.evidence import with_selectors
    from dazhou_reforms.release.explorer import render_explorer
    from dazhou_reforms.release.frictionless import render_datapackage
    from dazhou_reforms.release.tables import arrow_size, arrow_table, jsonl_bytes, parquet_bytes

    tables = with_selectors(tables)
    rows = release_rows(tables)
    files: dict[str, bytes] = {}
    arrow_sizes: dict[str, int] = {}
    for table, table_rows in rows.items():
        files[f"{table}.jsonl"] = jsonl_bytes(table_rows)
        files[f"{table}.parquet"] = parquet_bytes(arrow_table(table, files[f"{table}.jsonl"]))
        arrow_sizes[table] = arrow_size(files[f"{table}.parquet"])
        files[f"{table}.schema.json"] = render_json(table_json_schema(table))
    files[ANNOTATIONS_NAME] = annotations_bytes(rows, release.version)
    files["datapackage.json"] = render_json(render_datapackage(rows, files, release))
    files["croissant.json"] = render_json(render_croissant(rows, files, release))
    coverage = compute_coverage(tables)
    files["README.md"] = render_card(rows, files, arrow_sizes, release, coverage_markdown(coverage))
    del rows  # the explorer reads the records: their row dicts would only raise the peak memory
    files["explorer.html"] = render_explorer(tables, coverage, version=release.version).encode("utf-8")
    files[SUMS_NAME] = checksums(files)
    return dict(sorted(files.items()))


def checksums(files: Mapping[str, bytes]) -> bytes:
    """``<sha256>  <name>`` for every file but ``SHA256SUMS``, sorted by name (``sha256sum -c`` reads it)."""
    lines = [
        f"{hashlib.sha256(data).hexdigest()}  {name}\n"
        for name, data in sorted(files.items())
        if name != SUMS_NAME
    ]
    return "".join(lines).encode("utf-8")


def differing_files(folder: Path, files: Mapping[str, bytes]) -> list[str]:
    """Names whose bytes in ``folder`` differ from ``files``, missing and extra ones included."""
    present = {entry.name for entry in folder.iterdir()}
    differing = sorted(present ^ set(files))
    for name in sorted(present & set(files)):
        if not _holds(folder / name, files[name]):
            differing.append(name)
    return sorted(differing)


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file of exactly ``data`` (at most ``len(data) + 1`` bytes read)."""
    from dazhou_reforms.read.files import open_regular, read_at_most

    try:
        with open_regular(path, buffering=0) as stream:
            return read_at_most(stream, len(data) + 1) == data
    except OSError:
        return False


def parquet_writer_hint(folder: Path, differing: list[str]) -> str | None:
    """Name the cause when the Parquet files differ only because another pyarrow wrote them."""
    from dazhou_reforms.release.tables import parquet_writer

    parquet = [name for name in differing if name.endswith(".parquet")]
    derived = {"croissant.json", SUMS_NAME}
    if not parquet or set(differing) - set(parquet) - derived:
        return None
    import pyarrow.parquet as pq

    writers = {
        pq.ParquetFile(folder / name).metadata.created_by for name in parquet if (folder / name).is_file()
    }
    ours = parquet_writer()
    if writers and ours not in writers:
        return (
            f"Only the Parquet files (and the checksums of them) differ: they were written by "
            f"{', '.join(sorted(writers))}, this build uses {ours}. Rebuild with that pyarrow version."
        )
    return None


def write_release(files: Mapping[str, bytes], folder: Path, replace: bool = False) -> Outcome:
    """Write ``files`` as ``folder`` atomically; a no-op when ``folder`` already holds exactly them.

    Stale staging folders of interrupted builds beside ``folder`` are removed first (see the module
    docstring). Raises :class:`ReleaseConflict` when ``folder`` exists with other content (nothing is
    written), :class:`Terminated` on SIGTERM or SIGHUP (the staging folder removed). With
    ``replace`` (the caller established that ``folder`` is a draft), a differing ``folder`` is
    replaced instead: see :func:`replace_folder`.
    """
    with terminating_raises():
        cleaned = tuple(remove_stale_staging(folder.parent))
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # an empty folder is no release: build into its place
        if folder.exists() and replace and folder.is_dir() and not folder.is_symlink():
            if not differing_files(folder, files):
                return Outcome(folder, "unchanged", files, cleaned)
            replace_folder(files, folder)
            return Outcome(folder, "replaced", files, cleaned)
        if folder.exists():
            return _same_or_conflict(folder, files, cleaned)
        folder.parent.mkdir(parents=True, exist_ok=True)
        with staging_folder(folder) as staging:
            for name, data in files.items():
                (staging / name).write_bytes(data)
            os.chmod(staging, 0o755)
            try:
                os.rename(staging, folder)  # atomic; fails if another build created the folder meanwhile
            except OSError:
                if folder.exists():
                    return _same_or_conflict(folder, files, cleaned)
                raise
        return Outcome(folder, "written", files, cleaned)


def replace_folder(files: Mapping[str, bytes], folder: Path) -> None:
    """Replace the folder ``folder`` by one of ``files``: the new one is written in full in a staging
    folder, the old one renamed aside (to a staging name, so that an interrupted replacement leaves
    nothing the next build does not remove), the new one renamed into place, the old one removed.
    At every moment ``folder`` is either the whole old release or the whole new one (or, if the
    process dies between the two renames, absent: the next build writes it)."""
    with staging_folder(folder) as staging:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        os.chmod(staging, 0o755)
        aside = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
        os.rmdir(aside)  # its name only: a fresh name of ours that no build holds a lock on
        os.rename(folder, aside)
        try:
            os.rename(staging, folder)
        except BaseException:
            os.rename(aside, folder)  # put the old one back
            raise
        shutil.rmtree(aside, ignore_errors=True)


@contextlib.contextmanager
def staging_folder(folder: Path) -> Iterator[Path]:
    """A new staging folder for ``folder``, locked by this process until the block ends, then removed
    if it is still there (it is not once renamed into place)."""
    for _ in range(8):
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
        lock = None
        try:
            lock = _lock(staging)
        except LockUnsupported:
            break  # no lock here: the folder is removed on the way out, a stale one never
        if lock is not None:
            break
        # removed by the clean-up of a build running beside this one before it could be locked
    else:
        raise OSError(f"cannot create a staging folder in {folder.parent.as_posix()}")
    try:
        yield staging
    finally:
        try:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        finally:
            if lock is not None:
                os.close(lock)


class LockUnsupported(Exception):
    """``flock`` is missing or does not work on this file system."""


def _lock(directory: Path) -> int | None:
    """A descriptor of ``directory`` holding an exclusive lock on it, or None when another process
    holds the lock or the folder is gone (removed while it was being locked) or is a symlink;
    :class:`LockUnsupported` when locks cannot be taken here."""
    if fcntl is None:
        raise LockUnsupported
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
    try:
        descriptor = os.open(directory, flags)
    except OSError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    except OSError:
        os.close(descriptor)
        raise LockUnsupported from None
    try:
        same = os.path.samestat(os.fstat(descriptor), os.lstat(directory))
    except OSError:
        same = False
    if not same:
        os.close(descriptor)
        return None
    return descriptor


def remove_stale_staging(parent: Path) -> list[Path]:
    """Remove the staging folders interrupted builds left in ``parent``: only folders named like
    ours (:data:`STAGING_NAME`, not symlinks), and only those no live process holds the lock on."""
    try:
        entries = sorted(os.scandir(parent), key=lambda entry: entry.name)
    except OSError:
        return []
    removed = []
    for entry in entries:
        if not STAGING_NAME.match(entry.name) or not entry.is_dir(follow_symlinks=False):
            continue
        path = Path(entry.path)
        if fcntl is None:
            if time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
            continue
        try:
            lock = _lock(path)
        except LockUnsupported:
            continue  # cannot tell whether a build is writing it: leave it
        if lock is None:
            continue  # a build is writing it: leave it
        try:
            shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(lock)
        if not os.path.lexists(path):
            removed.append(path)
    return removed


def _same_or_conflict(folder: Path, files: Mapping[str, bytes], cleaned: tuple[Path, ...] = ()) -> Outcome:
    if not folder.is_dir():
        raise ReleaseConflict(folder, ["(not a folder)"])
    differing = differing_files(folder, files)
    if differing:
        raise ReleaseConflict(folder, differing, parquet_writer_hint(folder, differing))
    return Outcome(folder, "unchanged", files, cleaned)

"""Build a release: checked records -> every file of ``<out>/<version>/``, written atomically.

:func:`render_release` is pure: the same records give the same bytes (no timestamps, no paths, no
dict-order or float-format drift; Parquet bytes also depend on the pyarrow version, see
:mod:`dazhou_reforms.release.tables`). :func:`write_release` writes the files into a temporary
folder beside the target and renames it into place, so an interrupted build leaves no partial
release. A release is immutable: building the same content again is a no-op, and building
different content into an existing version folder is refused.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from dazhou_reforms.release.json_schema import render_json, table_json_schema
from dazhou_reforms.release.metadata import ReleaseInfo

SUMS_NAME = "SHA256SUMS"


class ReleaseConflict(Exception):
    """The version folder exists and holds different content."""

    def __init__(self, folder: Path, differing: list[str], hint: str | None = None) -> None:
        self.folder = folder
        self.differing = differing
        self.hint = hint
        super().__init__(self.report())

    def report(self) -> str:
        shown = ", ".join(self.differing[:12]) + (", …" if len(self.differing) > 12 else "")
        lines = [
            f"{self.folder.as_posix()} already exists with different content ({shown}).",
            "A release is never rewritten: bump the version in src/dazhou_reforms/_version.py and add a "
            "CHANGELOG.md entry for it, then build again.",
        ]
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)


@dataclass(frozen=True)
class Outcome:
    folder: Path
    status: Literal["written", "unchanged"]
    files: Mapping[str, bytes]


def release_rows(tables: Mapping[str, Sequence[BaseModel]]) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows in release order, as JSON-compatible dicts."""
    from dazhou_reforms.release.tables import sorted_rows

    return {table: sorted_rows(table, records) for table, records in tables.items()}


def render_release(tables: Mapping[str, Sequence[BaseModel]], release: ReleaseInfo) -> dict[str, bytes]:
    """File name -> bytes of every file of the release, ``SHA256SUMS`` included."""
    from dazhou_reforms.release.card import render_card
    from dazhou_reforms.release.coverage import compute_coverage, coverage_markdown
    from dazhou_reforms.release.croissant import render_croissant
    from dazhou_reforms.release.explorer import render_explorer
    from dazhou_reforms.release.frictionless import render_datapackage
    from dazhou_reforms.release.tables import arrow_size, arrow_table, jsonl_bytes, parquet_bytes

    rows = release_rows(tables)
    files: dict[str, bytes] = {}
    arrow_sizes: dict[str, int] = {}
    for table, table_rows in rows.items():
        files[f"{table}.jsonl"] = jsonl_bytes(table_rows)
        files[f"{table}.parquet"] = parquet_bytes(arrow_table(table, files[f"{table}.jsonl"]))
        arrow_sizes[table] = arrow_size(files[f"{table}.parquet"])
        files[f"{table}.schema.json"] = render_json(table_json_schema(table))
    files["datapackage.json"] = render_json(render_datapackage(rows, files, release))
    files["croissant.json"] = render_json(render_croissant(rows, files, release))
    coverage = compute_coverage(tables)
    files["README.md"] = render_card(rows, files, arrow_sizes, release, coverage_markdown(coverage))
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
        path = folder / name
        if not path.is_file() or path.read_bytes() != files[name]:
            differing.append(name)
    return sorted(differing)


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


def write_release(files: Mapping[str, bytes], folder: Path) -> Outcome:
    """Write ``files`` as ``folder`` atomically; a no-op when ``folder`` already holds exactly them.

    Raises :class:`ReleaseConflict` when ``folder`` exists with other content (nothing is written).
    """
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()  # an empty folder is no release: build into its place
    if folder.exists():
        return _same_or_conflict(folder, files)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        os.chmod(staging, 0o755)
        try:
            os.rename(staging, folder)  # atomic; fails if another build created the folder meanwhile
        except OSError:
            if folder.exists():
                return _same_or_conflict(folder, files)
            raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return Outcome(folder, "written", files)


def _same_or_conflict(folder: Path, files: Mapping[str, bytes]) -> Outcome:
    if not folder.is_dir():
        raise ReleaseConflict(folder, ["(not a folder)"])
    differing = differing_files(folder, files)
    if differing:
        raise ReleaseConflict(folder, differing, parquet_writer_hint(folder, differing))
    return Outcome(folder, "unchanged", files)

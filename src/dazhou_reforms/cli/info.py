"""``dazhou-reforms info`` and ``dazhou-reforms diff``: look into release folders.

A release is named by its version (``1.0.0``: looked up in ``./build/`` first, then among the
releases shipped in the installed package) or by the path of its folder (anything that is not a
bare version number, e.g. ``build/1.0.0`` or ``./1.0.0``). Both commands read only the files the
release contract defines: ``<table>.jsonl`` and ``SHA256SUMS``.

Exit status: 0 success; 1 a release's files do not match ``SHA256SUMS`` or cannot be read;
2 usage (unknown version, not a release folder).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import click

SUMS_NAME = "SHA256SUMS"
VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")
EXIT_BAD_DATA = 1
#: Shown beside records in the text diff, the first field present.
LABEL_FIELDS = ("name_en", "indicator_en", "term_en", "heading_en", "title_en", "label_en")
MAX_SHOWN = 80


class ReleaseError(Exception):
    """A release folder cannot be read: missing or malformed files, checksum mismatches."""


# --- finding releases --------------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    """A release folder: its name (version or folder name), the folder, and where it was found."""

    name: str
    folder: Traversable
    location: str


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _is_release(folder: Traversable) -> bool:
    return folder.is_dir() and (folder / SUMS_NAME).is_file()


def _packaged_root() -> Traversable | None:
    from dazhou_reforms import loaders

    root = loaders.releases_root()
    return root if root.is_dir() else None


def available_releases(build_dir: Path = Path("build")) -> list[Release]:
    """Releases in ``build_dir`` and in the installed package, oldest version first (no duplicates)."""
    from dazhou_reforms.loaders import available_versions

    found: dict[str, Release] = {}
    seen: set[str] = set()
    if build_dir.is_dir():
        for entry in sorted(build_dir.iterdir()):
            if VERSION.match(entry.name) and _is_release(entry):
                found[entry.name] = Release(entry.name, entry, entry.as_posix())
                seen.add(str(entry.resolve()))
    root = _packaged_root()
    if root is not None:
        for version in available_versions():
            folder = root / version
            resolved = str(Path(str(folder)).resolve())
            if version not in found and resolved not in seen:
                found[version] = Release(version, folder, f"{folder} (installed package)")
    return [found[version] for version in sorted(found, key=_version_key)]


def find_release(spec: str, build_dir: Path = Path("build")) -> Release:
    """The release a command-line argument names; :class:`click.BadParameter` when there is none."""
    if VERSION.match(spec):
        releases = {release.name: release for release in available_releases(build_dir)}
        if spec in releases:
            return releases[spec]
        known = ", ".join(releases) or "none"
        raise click.BadParameter(
            f"no release {spec} in {build_dir.as_posix()}/ or the installed package (available: {known}); "
            "give a version or the path of a release folder"
        )
    path = Path(spec)
    if not path.is_dir():
        raise click.BadParameter(f"{spec} is neither a version number nor a folder")
    if not (path / SUMS_NAME).is_file():
        raise click.BadParameter(f"{spec} is not a release folder: it has no {SUMS_NAME}")
    return Release(path.name, path, path.as_posix())


# --- checksums and rows --------------------------------------------------------------------------


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


_SUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S.*)$")


def read_sums(folder: Traversable) -> tuple[dict[str, str], tuple[int, ...]]:
    """``SHA256SUMS`` as name -> digest, and the numbers of lines that are not ``<sha256>  <name>``."""
    try:
        text = (folder / SUMS_NAME).read_bytes().decode("utf-8")
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


def check_sums(folder: Traversable) -> ChecksumStatus:
    """Compare every file of ``folder`` with ``SHA256SUMS``."""
    sums, malformed = read_sums(folder)
    present = {entry.name for entry in folder.iterdir() if entry.is_file()} - {SUMS_NAME}
    verified: list[str] = []
    mismatched: list[str] = []
    for name in sorted(set(sums) & present):
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        (verified if digest == sums[name] else mismatched).append(name)
    return ChecksumStatus(
        verified=tuple(verified),
        mismatched=tuple(mismatched),
        missing=tuple(sorted(set(sums) - present)),
        unlisted=tuple(sorted(name for name in present - set(sums) if not name.startswith("."))),
        malformed=malformed,
    )


def table_names(sums: Mapping[str, str]) -> list[str]:
    """The tables a release lists (``<table>.jsonl`` in SHA256SUMS), in the package's table order."""
    from dazhou_reforms.schema.models import TABLES

    listed = {name.removesuffix(".jsonl") for name in sums if name.endswith(".jsonl")}
    return [table for table in TABLES if table in listed] + sorted(listed - set(TABLES))


def read_rows(release: Release, table: str, verify: bool = True) -> list[dict[str, Any]]:
    """The rows of ``<table>.jsonl``; with ``verify``, refuse bytes that do not match SHA256SUMS."""
    name = f"{table}.jsonl"
    try:
        data = (release.folder / name).read_bytes()
    except OSError as error:
        raise ReleaseError(f"{release.location}/{name}: cannot read: {error.strerror or error}") from None
    if verify:
        sums, _ = read_sums(release.folder)
        if name not in sums:
            raise ReleaseError(f"{release.location}/{name}: not listed in {SUMS_NAME}")
        if hashlib.sha256(data).hexdigest() != sums[name]:
            raise ReleaseError(
                f"{release.location}/{name}: does not match its SHA-256 in {SUMS_NAME}; the release "
                "was changed after it was built: rebuild it or restore the file"
            )
    rows = []
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ReleaseError(f"{release.location}/{name}:{number}: invalid JSON: {error.msg}") from None
        if not isinstance(row, dict):
            raise ReleaseError(f"{release.location}/{name}:{number}: expected a JSON object per line")
        rows.append(row)
    return rows


# --- info ----------------------------------------------------------------------------------------------


def release_coverage_lines(release: Release, tables: Sequence[str]) -> list[str]:
    """Coverage of a release's article, computed from its JSONL tables (or why it cannot be)."""
    from pydantic import ValidationError

    from dazhou_reforms.release.coverage import CITING_TABLES, compute_coverage, coverage_lines
    from dazhou_reforms.schema.models import TABLES, Model

    needed = [table for table in ("sources", "sections", *CITING_TABLES) if table in tables]
    models: dict[str, list[Model]] = {}
    for table in needed:
        for number, row in enumerate(read_rows(release, table, verify=False), start=1):
            try:
                models.setdefault(table, []).append(TABLES[table].model_validate(row, strict=False))
            except ValidationError as error:
                first = error.errors()[0]
                where = ".".join(str(part) for part in first["loc"])
                return [f"unavailable: {table}.jsonl:{number}: {where}: {first['msg']}"]
    if "sources" not in models or "sections" not in models:
        return ["unavailable: the release has no sources or sections table"]
    return coverage_lines(compute_coverage(models))


def info_text(releases: Sequence[Release], release: Release) -> tuple[str, bool]:
    """The ``info`` report and whether the release's checksums are all fine."""
    lines = ["Releases available:"]
    width = max((len(r.name) for r in releases), default=0)
    lines += [f"  {r.name:<{width}}  {r.location}" for r in releases] or ["  (none)"]
    status = check_sums(release.folder)
    sums, _ = read_sums(release.folder)
    tables = table_names(sums)
    lines += [
        "",
        f"Release {release.name} ({release.location})",
        f"Checksums: {status.summary()}",
        "Records:",
    ]
    table_width = max((len(table) for table in tables), default=0)
    for table in tables:
        try:
            count = str(len(read_rows(release, table, verify=False)))
        except ReleaseError as error:
            count = f"unreadable ({error})"
        lines.append(f"  {table:<{table_width}}  {count}")
    try:
        coverage = release_coverage_lines(release, tables)
    except ReleaseError as error:
        coverage = [f"unavailable: {error}"]
    lines.append(f"Coverage: {coverage[0]}")
    lines += coverage[1:]
    return "\n".join(lines) + "\n", status.ok


@click.command()
@click.option(
    "--version",
    "version",
    metavar="V",
    help="A version (looked up in ./build/, then in the installed package) or a release folder. "
    "Default: the newest release.",
)
def info(version: str | None) -> None:
    """Releases available; for one release: checksum status, records per table, article coverage."""
    releases = available_releases()
    if version is not None:
        try:
            release = find_release(version)
        except click.BadParameter as error:
            error.param_hint = "'--version'"
            raise
    elif releases:
        release = releases[-1]
    else:
        click.echo(
            "error: no release found in ./build/ or the installed package; run `dazhou-reforms build`",
            err=True,
        )
        raise SystemExit(EXIT_BAD_DATA)
    try:
        text, ok = info_text(releases, release)
    except ReleaseError as error:
        click.echo(f"error: {release.location}: {error}", err=True)
        raise SystemExit(EXIT_BAD_DATA) from None
    click.echo(text, nl=False)
    if not ok:
        raise SystemExit(EXIT_BAD_DATA)


# --- diff ----------------------------------------------------------------------------------------------

_ABSENT: Any = object()


@dataclass(frozen=True)
class Change:
    """One changed value: its path in the record (``name_en``, ``evidence[0].start``), old and new."""

    path: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path}
        if self.old is not _ABSENT:
            out["old"] = self.old
        if self.new is not _ABSENT:
            out["new"] = self.new
        return out


@dataclass(frozen=True)
class TableDiff:
    table: str
    added: tuple[dict[str, Any], ...] = ()
    removed: tuple[dict[str, Any], ...] = ()
    changed: tuple[tuple[str, tuple[Change, ...]], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [
                {"key": key, "changes": [change.to_dict() for change in changes]}
                for key, changes in self.changed
            ],
        }


@dataclass(frozen=True)
class ReleaseDiff:
    old: Release
    new: Release
    tables: tuple[TableDiff, ...] = field(default_factory=tuple)

    def counts(self) -> dict[str, int]:
        return {
            "added": sum(len(t.added) for t in self.tables),
            "removed": sum(len(t.removed) for t in self.tables),
            "changed": sum(len(t.changed) for t in self.tables),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {"release": self.old.name, "location": self.old.location},
            "new": {"release": self.new.name, "location": self.new.location},
            "summary": self.counts(),
            "tables": {t.table: t.to_dict() for t in self.tables},
        }


def record_key(row: Mapping[str, Any]) -> str:
    """A row's identity: its ``id``; vocabulary entries ``<vocabulary>/<code>``."""
    if "id" in row:
        return str(row["id"])
    if "vocabulary" in row and "code" in row:
        return f"{row['vocabulary']}/{row['code']}"
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def _same(old: Any, new: Any) -> bool:
    return type(old) is type(new) and old == new


def value_changes(old: Any, new: Any, path: str = "") -> Iterator[Change]:
    """The leaf values that differ between two JSON values; lists of different lengths as a whole."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(key for key in new if key not in old)]:
            sub = f"{path}.{key}" if path else str(key)
            yield from value_changes(old.get(key, _ABSENT), new.get(key, _ABSENT), sub)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from value_changes(a, b, f"{path}[{index}]")
    elif not _same(old, new):
        yield Change(path, old, new)


def diff_rows(table: str, old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> TableDiff:
    """Rows added, removed and changed (matched by :func:`record_key`), each in key order."""
    before = {record_key(row): dict(row) for row in old}
    after = {record_key(row): dict(row) for row in new}
    changed = []
    for key in sorted(before.keys() & after.keys()):
        changes = tuple(value_changes(before[key], after[key]))
        if changes:
            changed.append((key, changes))
    return TableDiff(
        table=table,
        added=tuple(after[key] for key in sorted(after.keys() - before.keys())),
        removed=tuple(before[key] for key in sorted(before.keys() - after.keys())),
        changed=tuple(changed),
    )


def diff_releases(old: Release, new: Release) -> ReleaseDiff:
    """Compare every table either release lists; both releases' files are verified first."""
    for release in (old, new):
        status = check_sums(release.folder)
        if status.mismatched or status.missing or status.malformed:
            raise ReleaseError(f"{release.location}: checksums {status.summary()}")
    old_tables = table_names(read_sums(old.folder)[0])
    new_tables = table_names(read_sums(new.folder)[0])
    tables = [*old_tables, *(table for table in new_tables if table not in old_tables)]
    out = []
    for table in tables:
        before = read_rows(old, table) if table in old_tables else []
        after = read_rows(new, table) if table in new_tables else []
        out.append(diff_rows(table, before, after))
    return ReleaseDiff(old, new, tuple(out))


def show(value: Any) -> str:
    """A value for one line of the text diff: JSON, cut to :data:`MAX_SHOWN` characters."""
    if value is _ABSENT:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    text = text.replace("\n", "\\n")
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _label(row: Mapping[str, Any]) -> str:
    for name in LABEL_FIELDS:
        if isinstance(row.get(name), str):
            return f"  {show(row[name])}"
    return ""


def diff_text(diff: ReleaseDiff) -> str:
    """The text report: per table, ``+`` added, ``-`` removed, ``~`` changed with ``path: old → new``."""
    lines = [f"diff {diff.old.name} ({diff.old.location}) → {diff.new.name} ({diff.new.location})", ""]
    for table in diff.tables:
        if not (table.added or table.removed or table.changed):
            lines.append(f"{table.table}: unchanged")
            continue
        summary = f"{len(table.added)} added, {len(table.removed)} removed, {len(table.changed)} changed"
        lines.append(f"{table.table}: {summary}")
        lines += [f"  + {record_key(row)}{_label(row)}" for row in table.added]
        lines += [f"  - {record_key(row)}{_label(row)}" for row in table.removed]
        for key, changes in table.changed:
            lines.append(f"  ~ {key}")
            lines += [f"      {change.path}: {show(change.old)} → {show(change.new)}" for change in changes]
    counts = diff.counts()
    lines.append("")
    if any(counts.values()):
        lines.append(
            f"total: {counts['added']} added, {counts['removed']} removed, {counts['changed']} changed"
        )
    else:
        lines.append("no differences")
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per record and changed field; json: everything, full values.",
)
def diff(old: str, new: str, output_format: str) -> None:
    """Records added, removed and changed between releases OLD and NEW (versions or release folders)."""
    try:
        old_release = find_release(old)
    except click.BadParameter as error:
        error.param_hint = "'OLD'"
        raise
    try:
        new_release = find_release(new)
    except click.BadParameter as error:
        error.param_hint = "'NEW'"
        raise
    try:
        result = diff_releases(old_release, new_release)
    except ReleaseError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(EXIT_BAD_DATA) from None
    if output_format == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, allow_nan=False))
    else:
        click.echo(diff_text(result), nl=False)

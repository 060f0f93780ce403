"""``dazhou-reforms info``: the releases available; for one: checksums, records per table, coverage.

A release is named by its version (``1.0.0``: looked up in ``./build/`` first, then among the
releases shipped in the installed package) or by the path of its folder (anything that is not a
bare version number, e.g. ``build/1.0.0`` or ``./1.0.0``). It is read through
:mod:`dazhou_reforms.release.folder`: only ``<table>.jsonl`` and ``SHA256SUMS`` count.

Exit status: 0 success; 1 a release's files do not match ``SHA256SUMS``, a table cannot be read,
or the rows break the release's invariants (a duplicate or missing key, ids repeated across
tables: see :mod:`dazhou_reforms.release.folder`); 2 usage (unknown version, not a release folder).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import click

from dazhou_reforms.cli import options
from dazhou_reforms.cli.options import EXIT_BAD_DATA, find_release
from dazhou_reforms.release.folder import Release, ReleaseError, Table, available_releases, ids_across
from dazhou_reforms.schema.models import TABLES


def release_coverage_lines(rows: Mapping[str, Sequence[dict[str, Any]]]) -> list[str]:
    """Coverage of a release's article, computed from the rows of its tables (or why it cannot be)."""
    from pydantic import ValidationError

    from dazhou_reforms.release.coverage import compute_coverage
    from dazhou_reforms.release.coverage_text import coverage_lines
    from dazhou_reforms.release.source_counts import QUOTING_TABLES
    from dazhou_reforms.schema.models import Model

    needed = [table for table in ("sources", "sections", *QUOTING_TABLES) if table in rows]
    models: dict[str, list[Model]] = {}
    for table in needed:
        for number, row in enumerate(rows[table], start=1):
            try:
                models.setdefault(table, []).append(TABLES[table].model_validate(row, strict=False))
            except ValidationError as error:
                first = error.errors()[0]
                where = ".".join(str(part) for part in first["loc"])
                return [f"unavailable: {table}.jsonl:{number}: {where}: {first['msg']}"]
    if "sources" not in models or "sections" not in models:
        return ["unavailable: the release has no sources or sections table"]
    return coverage_lines(compute_coverage(models))


def source_lines(rows: Mapping[str, Sequence[dict[str, Any]]]) -> list[str]:
    """``Sources:`` and a line a source: its id, date, characters, sections and the records quoting it."""
    from dazhou_reforms.release.source_counts import QUOTING_TABLES, source_counts

    try:
        counts = source_counts(rows)
    except (KeyError, TypeError, AttributeError) as error:  # rows the reader let through, of another shape
        return [f"Sources: unavailable ({type(error).__name__}: {error})"]
    lines = ["Sources:"]
    width = max((len(count.source_id) for count in counts), default=0)
    for count in counts:
        quoting = ", ".join(f"{count.records[table]} {table}" for table in QUOTING_TABLES)
        lines.append(
            f"  {count.source_id:<{width}}  {count.published_at[:10]}, {count.characters} characters, "
            f"{count.sections} sections"
        )
        lines.append(f"  {'':<{width}}  quoted by {quoting}")
    return lines


def _draft_mark(release: Release) -> str:
    """`` (draft: not tracked in git)`` for a release folder git shows was never published."""
    from pathlib import Path

    from dazhou_reforms.release.published import publication

    if not isinstance(release.folder, Path):
        return ""  # inside the installed package: published with it
    return " (draft: not tracked in git)" if publication(release.folder).status == "draft" else ""


def info_text(releases: Sequence[Release], release: Release) -> tuple[str, bool]:
    """The ``info`` report and whether the release is sound: its checksums all fine, every table
    readable, its rows keeping the release's invariants."""
    lines = ["Releases available:"]
    width = max((len(r.name) for r in releases), default=0)
    lines += [f"  {r.name:<{width}}  {r.location}{_draft_mark(r)}" for r in releases] or ["  (none)"]
    status = release.check_sums()
    tables = release.tables(tuple(TABLES))
    lines += [
        "",
        f"Release {release.name} ({release.location})",
        f"Checksums: {status.summary()}",
        "Records:",
    ]
    ok = status.ok
    read: dict[str, Table] = {}
    table_width = max((len(table) for table in tables), default=0)
    for table in tables:
        try:
            read[table] = release.table(table, verify=False)
            rows = read[table].rows.values()
            withdrawn = sum(1 for row in rows if row.get("withdrawn") is not None)
            count = str(len(rows)) + (f" ({withdrawn} withdrawn)" if withdrawn else "")
        except ReleaseError as error:
            count = f"FAILED: {error}"
            ok = False
        lines.append(f"  {table:<{table_width}}  {count}")
    try:
        ids_across(list(read.values()))
    except ReleaseError as error:
        lines.append(f"  FAILED: {error}")
        ok = False
    unreadable = [table for table in tables if table not in read]
    if "sources" in read:
        lines += source_lines({table: list(found.rows.values()) for table, found in read.items()})
    if unreadable:
        coverage = [f"unavailable: {', '.join(unreadable)} cannot be read"]
    else:
        coverage = release_coverage_lines({table: list(found.rows.values()) for table, found in read.items()})
    lines.append(f"Coverage: {coverage[0]}")
    lines += coverage[1:]
    return "\n".join(lines) + "\n", ok


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
    releases = available_releases(root=options.packaged())
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

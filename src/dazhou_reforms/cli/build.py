"""``dazhou-reforms build`` and ``dazhou-reforms schema``: thin click commands over release.py.

Exit status: 0 built (or already built, identical); 1 problems in raw/ (all listed, nothing
written) or a file system error; 3 the version folder exists with different content; 2 usage.
"""

from __future__ import annotations

from pathlib import Path

import click

from dazhou_reforms._version import __version__
from dazhou_reforms.cli.options import raw_dir_option

EXIT_PROBLEMS = 1
EXIT_CONFLICT = 3


@click.command()
@raw_dir_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Where release folders go; this release goes to OUT/<version>/.",
)
@click.option(
    "--changelog",
    type=click.Path(path_type=Path),
    default=Path("CHANGELOG.md"),
    show_default=True,
    help="Where the release date of this version is read from (its `## [version] - date` entry).",
)
def build(raw_dir: Path, out_dir: Path, changelog: Path) -> None:
    """Check raw/ and build the release OUT/<version>/ (Parquet, JSONL, card, datapackage, Croissant)."""
    from dazhou_reforms.check.dataset import read_and_check
    from dazhou_reforms.problems.problem import sort_key
    from dazhou_reforms.release.changelog import release_date_from
    from dazhou_reforms.release.metadata import ReleaseInfo
    from dazhou_reforms.release.write import ReleaseConflict, render_release, write_release

    dataset = read_and_check(raw_dir)
    if dataset.problems:
        for problem in sorted(dataset.problems, key=sort_key):
            click.echo(problem.to_text(), err=True)
        click.echo(f"{len(dataset.problems)} problem(s) found in {raw_dir}; nothing was built", err=True)
        raise SystemExit(EXIT_PROBLEMS)
    release = ReleaseInfo(__version__, release_date_from(changelog, __version__))
    files = render_release(dataset.tables, release)
    folder = out_dir / __version__
    try:
        outcome = write_release(files, folder)
    except ReleaseConflict as conflict:
        click.echo(f"error: {conflict.report()}", err=True)
        raise SystemExit(EXIT_CONFLICT) from None
    except OSError as error:
        click.echo(f"error: cannot write {folder}: {error.strerror or error}", err=True)
        raise SystemExit(EXIT_PROBLEMS) from None
    counts = ", ".join(f"{len(records)} {table}" for table, records in dataset.tables.items())
    if outcome.status == "unchanged":
        click.echo(f"{folder.as_posix()} is up to date (identical content): {counts}")
    else:
        click.echo(f"built {folder.as_posix()} ({len(files)} files): {counts}")


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("schema"),
    show_default=True,
    help="Folder of the <table>.schema.json files.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file is missing or stale.")
def schema(out_dir: Path, check: bool) -> None:
    """Regenerate schema/<table>.schema.json (JSON Schema 2020-12) from the models."""
    from dazhou_reforms.release.json_schema import schema_files

    files = schema_files()
    stale = [
        name
        for name, data in files.items()
        if not (out_dir / name).is_file() or (out_dir / name).read_bytes() != data
    ]
    if check:
        for name in stale:
            click.echo(f"{(out_dir / name).as_posix()} is stale: run `dazhou-reforms schema`", err=True)
        if stale:
            raise SystemExit(EXIT_PROBLEMS)
        click.echo(f"{out_dir.as_posix()}: {len(files)} schema files up to date")
        return
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in stale:
            temporary = out_dir / f".{name}.tmp"
            temporary.write_bytes(files[name])
            temporary.replace(out_dir / name)
    except OSError as error:
        click.echo(f"error: cannot write {out_dir}: {error.strerror or error}", err=True)
        raise SystemExit(EXIT_PROBLEMS) from None
    click.echo(f"{out_dir.as_posix()}: {len(stale)} of {len(files)} schema files written")

"""``dazhou-reforms build``: a thin click command over :mod:`dazhou_reforms.release.write`.

Before anything is read, the version must have a dated CHANGELOG.md entry (``## [X.Y.Z] -
YYYY-MM-DD``): its date is the release date. An existing ``OUT/<version>/`` with other content is a
published release (tracked in git: never rewritten) or a draft (not tracked: ``--replace-draft``
replaces it); see :mod:`dazhou_reforms.release.published` and docs/releasing.md.

Exit status: 0 built (or already built, identical; warnings do not stop a build); 1 problems in
raw/ (all listed, nothing written), no dated CHANGELOG entry, or a file system error; 3 the version
folder exists with different content and is not a draft to replace; 2 usage;
128 + the signal's number when SIGTERM or SIGHUP stops it (143 for SIGTERM): like Ctrl-C, nothing
is left behind. Staging folders that killed builds left (``OUT/.<version>.partial-*``) are removed
by the next build (see :mod:`dazhou_reforms.release.write`).
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from dazhou_reforms._version import __version__
from dazhou_reforms.cli.options import EXIT_BAD_DATA, echo_problems, raw_dir_option

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
@click.option(
    "--replace-draft",
    is_flag=True,
    help="Replace OUT/<version>/ if it is a draft: in a git checkout and not tracked in git "
    "(a published release, tracked, is never replaced).",
)
def build(raw_dir: Path, out_dir: Path, changelog: Path, replace_draft: bool) -> None:
    """Check raw/ and build the release OUT/<version>/ (Parquet, JSONL, card, datapackage, Croissant)."""
    # Before pyarrow is imported (it reads this once): Arrow's own allocator, mimalloc, keeps the
    # memory the tables free, about 65 MB more peak RSS at 100x today's records
    # (benchmarks/bench_scale.py); the system allocator hands it back. A choice of the user stands.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    from dazhou_reforms.release.write import Terminated, terminating_raises

    try:
        with terminating_raises():
            build_release(raw_dir, out_dir, changelog, replace_draft)
    except Terminated as stop:
        click.echo(f"error: build {stop}; no partial release was left behind", err=True)
        raise SystemExit(128 + stop.signum) from None


def build_release(raw_dir: Path, out_dir: Path, changelog: Path, replace_draft: bool = False) -> None:
    """The command's work (signals are handled by the caller)."""
    from dazhou_reforms.check.dataset import read_and_check
    from dazhou_reforms.release.changelog import release_entry
    from dazhou_reforms.release.metadata import ReleaseInfo
    from dazhou_reforms.release.published import publication
    from dazhou_reforms.release.write import ReleaseConflict, render_release, write_release

    date, why = release_entry(changelog, __version__)
    if date is None:
        click.echo(f"error: {why}. A release needs its dated CHANGELOG entry; nothing was built", err=True)
        raise SystemExit(EXIT_BAD_DATA)
    dataset = read_and_check(raw_dir)
    errors = echo_problems(dataset.problems).errors  # information too: it does not stop a build
    if errors:
        click.echo(f"{errors} problem(s) found in {raw_dir}; nothing was built", err=True)
        raise SystemExit(EXIT_BAD_DATA)
    tables = dataset.tables
    del dataset  # where each record came from (every file's text) only serves problems: free it
    release = ReleaseInfo(__version__, date)
    files = render_release(tables, release)
    folder = out_dir / __version__
    if replace_draft and folder.exists():
        found = publication(folder)
        if found.status != "draft":
            refusal = (
                "a published release is never replaced"
                if found.status == "published"
                else (
                    "--replace-draft replaces only a folder git shows was never published; "
                    "if you are sure it was not, delete it and build again"
                )
            )
            click.echo(f"error: {found.explain(folder)} Refused: {refusal}.", err=True)
            raise SystemExit(EXIT_CONFLICT)
    try:
        outcome = write_release(files, folder, replace=replace_draft)
    except ReleaseConflict as conflict:
        conflict.publication = publication(folder)
        click.echo(f"error: {conflict.report()}", err=True)
        raise SystemExit(EXIT_CONFLICT) from None
    except OSError as error:
        click.echo(f"error: cannot write {folder}: {error.strerror or error}", err=True)
        raise SystemExit(EXIT_BAD_DATA) from None
    for stale in outcome.cleaned:
        click.echo(f"removed {stale.as_posix()}, the staging folder of an interrupted build", err=True)
    counts = ", ".join(f"{len(records)} {table}" for table, records in tables.items())
    if outcome.status == "replaced":
        click.echo(f"replaced the draft {folder.as_posix()} ({len(files)} files): {counts}")
    elif outcome.status == "unchanged":
        click.echo(f"{folder.as_posix()} is up to date (identical content): {counts}")
    else:
        click.echo(f"built {folder.as_posix()} ({len(files)} files): {counts}")

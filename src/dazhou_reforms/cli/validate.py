"""``dazhou-reforms validate``: a thin click command over :mod:`dazhou_reforms.validate.engine`.

Exit status: 0 valid, 1 problems in the records, 2 usage error or input that cannot be read.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from dazhou_reforms.read.jsonl_lines import MAX_RECORD_SIZE
from dazhou_reforms.schema.models import TABLES
from dazhou_reforms.validate.engine import MAX_ERRORS

#: Paths are not checked by click: validate reports a missing or unreadable path (a FIFO, a folder
#: for a file, a file without read permission) as a problem in the chosen --format, exit 2.
PATH = click.Path(path_type=Path, readable=False)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=PATH)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: readable (coloured on a terminal); json: a report for tools; github: Actions annotations.",
)
@click.option(
    "--table",
    type=click.Choice(list(TABLES)),
    help="The table of the given files, when their names do not tell it (e.g. new.jsonl).",
)
@click.option(
    "--max-errors",
    type=click.IntRange(min=0),
    default=MAX_ERRORS,
    show_default=True,
    help="Stop after this many problems; 0 for no limit.",
)
@click.option(
    "--max-record-size",
    type=click.IntRange(min=1),
    default=MAX_RECORD_SIZE,
    show_default=True,
    help="Longest record (JSON Lines line, or .json file) in bytes; longer ones are rejected unread.",
)
@click.option(
    "--release",
    type=PATH,
    help="Release folder (e.g. build/1.0.0) whose ids and sources the records may use. "
    "Default: the newest release shipped with the package.",
)
@click.option("--no-release", is_flag=True, help="Check the records on their own, without any release.")
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=PATH,
    help="A source (raw <id>.toml with its .txt, or sources.jsonl) whose text evidence quotes. Repeatable.",
)
def validate(
    paths: tuple[Path, ...],
    output_format: str,
    table: str | None,
    max_errors: int,
    max_record_size: int,
    release: Path | None,
    no_release: bool,
    sources: tuple[Path, ...],
) -> None:
    """Check records: raw/ trees, TOML, JSON Lines and JSON files of any table.

    Every record is checked against its table's model, then all of them together: unique ids
    (also against the release), references, evidence quotes against the source text, figures
    against their stated text, vocabularies. Nothing is written.
    """
    from dazhou_reforms.validate.engine import Options, validate_paths
    from dazhou_reforms.validate.report import render_github, render_json, render_text

    if release is not None and no_release:
        raise click.UsageError("--release and --no-release exclude each other")
    options = Options(
        table=table,
        max_errors=max_errors,
        max_record_size=max_record_size,
        release=release,
        use_release=not no_release,
        sources=sources,
    )
    outcome = validate_paths(paths, options)
    if output_format == "json":
        click.echo(render_json(outcome), nl=False)
    elif output_format == "github":
        click.echo(render_github(outcome), nl=False)
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        click.echo(render_text(outcome, click.style if colour else _plain), nl=False, color=colour)
    sys.exit(outcome.exit_code)


def _plain(text: str, **_: object) -> str:
    return text

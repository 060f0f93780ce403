"""``dazhou-reforms validate``: a thin click command over :mod:`dazhou_reforms.validate.engine`.

The report is streamed to standard output as it is read (a block of text at a time), never held
whole: a million problems take the memory of a few.

Exit status: 0 valid, 1 problems in the records, 2 usage error or input that cannot be read (or
temporary files for the problems that cannot be written).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import click

from dazhou_reforms.read.jsonl_lines import MAX_RECORD_SIZE
from dazhou_reforms.schema.models import ID_PATTERN, TABLES
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
    help="A source file (raw <id>.toml with its .txt, or sources.jsonl) whose text evidence quotes; "
    "or a source id (no '.' or '/'): report only the records that quote that source. Repeatable.",
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
    from dazhou_reforms.problems.problem import printable
    from dazhou_reforms.validate.engine import Options, validation
    from dazhou_reforms.validate.external_sort import SortError
    from dazhou_reforms.validate.report import write_github, write_json, write_text

    if release is not None and no_release:
        raise click.UsageError("--release and --no-release exclude each other")
    files, ids = split_sources(sources)
    options = Options(
        table=table,
        max_errors=max_errors,
        max_record_size=max_record_size,
        release=release,
        use_release=not no_release,
        sources=files,
        only_sources=ids,
    )
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    output = _Output(colour if output_format == "text" else None)
    exit_code = 2
    try:
        with validation(paths, options) as found:
            exit_code = found.exit_code
            if found.unknown_sources:
                unknown = ", ".join(found.unknown_sources)
                known = ", ".join(found.known_sources) or "none"
                click.echo(f"Error: --source {unknown}: no such source (sources: {known})", err=True)
                sys.exit(2)
            if output_format == "json":
                write_json(found, output.write)
            elif output_format == "github":
                write_github(found, output.write)
            else:
                write_text(found, output.write, click.style if colour else _plain)
            output.flush()
    except BrokenPipeError:  # the reader went away (`validate ... | head`): nothing more to say
        _quiet_stdout()
    except SortError as error:  # a full disk: the problems found could not all be kept
        output.flush()
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    except Exception as error:  # the last line of defence: no traceback, ever
        output.flush()
        reason = printable(f"{type(error).__name__}: {error}", 200)
        click.echo(f"Error: the report could not be written: {reason}", err=True)
        sys.exit(2)
    sys.exit(exit_code)


def split_sources(values: tuple[Path, ...]) -> tuple[tuple[Path, ...], tuple[str, ...]]:
    """``--source`` values: files (a path with a '.' or '/': ``raw/sources/x.toml``,
    ``sources.jsonl``) and source ids (``dazhou-reform-article-2024-04-10``: an id has neither)."""
    files: list[Path] = []
    ids: list[str] = []
    for value in values:
        text = str(value)
        if re.fullmatch(ID_PATTERN, text) and "." not in text and os.sep not in text:
            ids.append(text)
        else:
            files.append(value)
    return tuple(files), tuple(ids)


def _plain(text: str, **_: object) -> str:
    return text


class _Output:
    """Standard output, written a block at a time (``click.echo``, its ``color``: True keeps the
    colour, False strips it, None strips it unless on a terminal)."""

    BLOCK = 64 * 1024

    def __init__(self, colour: bool | None) -> None:
        self.colour = colour
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= self.BLOCK:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            block = "".join(self.parts)
            self.parts.clear()
            self.size = 0
            click.echo(block, nl=False, color=self.colour)


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so that the exit does not fail flushing it."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass

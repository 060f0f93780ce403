"""``dazhou-reforms new reform|metric|organization|source|section``: start a record.

``source`` and ``section`` are made by :mod:`dazhou_reforms.cli.new_source`; the others from a
commented template.

Writes ``<raw>/<table>/<id>.toml`` with an id no record uses (in the raw/ tree or the newest
release), or the ``--id`` given if it is free. Never overwrites: the file is created atomically
(written beside, flushed to disk, then linked into place, which fails if the name is taken
meanwhile).

The folder given with ``--raw`` must be a raw/ tree: it holds at least one of the folders of the
tables (``sources/``, ``reforms/``, ...), so that a mistaken ``--raw`` (the project folder, any other
folder) gets a usage error instead of a stray ``<table>/<id>.toml``.

Exit status: 0 written; 1 the id is taken, the file exists, or (source, section) the text or the
quote cannot be used; 2 usage (bad id, no raw/ tree, a missing or unreadable --text, an option of
another kind).
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from dazhou_reforms.cli.files import create_exclusively
from dazhou_reforms.cli.options import check_id
from dazhou_reforms.schema.models import ID_TABLES, TABLES
from dazhou_reforms.schema.templates import KINDS, placeholder_id, render_template


def check_raw_tree(raw: Path) -> None:
    """:class:`click.UsageError` unless ``raw`` is a folder holding at least one table folder."""
    if not raw.is_dir():
        raise click.UsageError(f"{raw} is not a directory: run this in the project folder, or pass --raw")
    if not any((raw / table).is_dir() for table in TABLES):
        folders = ", ".join(f"{table}/" for table in TABLES)
        raise click.UsageError(
            f"{raw} is not a raw/ tree: it has none of the folders {folders}. Run this in the project "
            "folder, or pass --raw with the raw/ folder of the project (e.g. --raw raw)"
        )


def used_ids(raw: Path, use_release: bool = True) -> set[str]:
    """Ids taken: every record file name of the raw/ tree, and every id of the newest release."""
    ids = {path.stem for name in ID_TABLES if (raw / name).is_dir() for path in (raw / name).glob("*.toml")}
    if use_release:
        from dazhou_reforms.validate.context import shipped_release

        context, _ = shipped_release()
        for table_ids in context.ids.values():
            ids |= table_ids
    return ids


def fresh_id(kind: str, taken: set[str]) -> str:
    """``<kind>-<n>`` with the smallest n >= 1 that no record uses."""
    number = 1
    while placeholder_id(kind, number) in taken:
        number += 1
    return placeholder_id(kind, number)


#: Options that only ``new source`` takes, and only ``new section``.
SOURCE_OPTIONS = ("text", "title_zh", "title_en", "published_at")
SECTION_OPTIONS = ("source", "quote", "ordinal", "heading_en")


@click.command()
@click.argument("kind", type=click.Choice([*KINDS, "source", "section"]))
@click.option("--id", "record_id", help="The id of the new record (default: a fresh <kind>-<n>).")
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("raw"),
    show_default=True,
    help="The raw/ tree to add the record to.",
)
@click.option(
    "--text",
    type=click.Path(path_type=Path, dir_okay=False, readable=False),
    help="source: the file of the source's text (UTF-8), copied into raw/sources/<id>.txt.",
)
@click.option("--title-zh", help="source: the title as the source writes it.")
@click.option("--title-en", help="source: the title in English.")
@click.option("--published-at", help="source: when it was published, e.g. 2024-04-10T09:19:13+08:00.")
@click.option("--source", help="section: the id of the source the section is part of.")
@click.option("--quote", help="section: the text the section starts with (its heading), exactly.")
@click.option("--ordinal", type=click.IntRange(min=0), help="section: its position in its source.")
@click.option("--heading-en", help="section: the heading in English.")
def new(kind: str, record_id: str | None, raw_dir: Path, **options: object) -> None:
    """Start a new record: a commented template of a reform, metric or organization; a source
    (with --text FILE: its text copied, its TOML started, sections proposed); or a section of a
    source (--source ID --quote TEXT)."""
    check_raw_tree(raw_dir)
    wanted = {"source": SOURCE_OPTIONS, "section": SECTION_OPTIONS}.get(kind, ())
    for name, value in options.items():
        if value is not None and name not in wanted:
            owner = "source" if name in SOURCE_OPTIONS else "section"
            raise click.UsageError(f"--{name.replace('_', '-')} is an option of `new {owner}` only")
    if record_id is not None:
        check_id(record_id)
    if kind in ("source", "section"):
        from dazhou_reforms.cli.new_source import new_section, new_source

        make = new_source if kind == "source" else new_section
        try:
            make(raw_dir, record_id, options, used_ids(raw_dir))
        except (click.ClickException, SystemExit):
            raise
        except Exception as error:  # no traceback, ever
            click.echo(f"error: new {kind} failed: {type(error).__name__}: {error}", err=True)
            raise SystemExit(1) from None
        return
    taken = used_ids(raw_dir)
    if record_id is None:
        record_id = fresh_id(kind, taken)
    elif record_id in taken:
        click.echo(f"error: the id {record_id} is already used by a record; pick another one", err=True)
        raise SystemExit(1)
    table = KINDS[kind]
    path = raw_dir / table / f"{record_id}.toml"
    write_new(path, render_template(kind, record_id, raw_dir))
    click.echo(f"wrote {path.as_posix()}")
    click.echo(f"fill it in (see the comments), then run: dazhou-reforms validate {path.as_posix()}")


def write_new(path: Path, text: str) -> None:
    """Create ``path`` with ``text`` (its folder too); exit 1, nothing written, if it exists or
    cannot be written."""
    if os.path.lexists(path.parent) and not path.parent.is_dir():
        click.echo(f"error: {path.parent.as_posix()} is not a folder; nothing was written", err=True)
        raise SystemExit(1)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        create_exclusively(path, text)
    except FileExistsError:
        click.echo(f"error: {path.as_posix()} exists; nothing was written", err=True)
        raise SystemExit(1) from None
    except OSError as error:
        click.echo(f"error: cannot write {path.as_posix()}: {error.strerror or error}", err=True)
        raise SystemExit(1) from None

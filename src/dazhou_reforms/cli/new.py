"""``dazhou-reforms new reform|metric|organization``: start a record from a commented template.

Writes ``<raw>/<table>/<id>.toml`` with an id no record uses (in the raw/ tree or the newest
release), or the ``--id`` given if it is free. Never overwrites: the file is created atomically
(written beside, then linked into place, which fails if the name is taken meanwhile).

The folder given with ``--raw`` must be a raw/ tree: it holds at least one of the folders of the
tables (``sources/``, ``reforms/``, ...), so that a mistaken ``--raw`` (the project folder, any other
folder) gets a usage error instead of a stray ``<table>/<id>.toml``.

Exit status: 0 written; 1 the id is taken or the file exists; 2 usage (bad id, no raw/ tree).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import click

from dazhou_reforms.schema.models import ID_PATTERN, ID_TABLES, TABLES
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


def create_exclusively(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically; FileExistsError if ``path`` exists (nothing written)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        try:
            os.link(temporary, path)  # atomic, and refuses an existing name
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system: exclusive create instead
            with path.open("x", encoding="utf-8", newline="\n") as out:
                out.write(text)
    finally:
        os.unlink(temporary)


@click.command()
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.option("--id", "record_id", help="The id of the new record (default: a fresh <kind>-<n>).")
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("raw"),
    show_default=True,
    help="The raw/ tree to add the record to.",
)
def new(kind: str, record_id: str | None, raw_dir: Path) -> None:
    """Write a commented template of a new reform, metric or organization into raw/<table>/."""
    check_raw_tree(raw_dir)
    if record_id is not None and (not re.fullmatch(ID_PATTERN, record_id) or len(record_id) > 64):
        raise click.BadParameter(
            "lowercase ASCII words of a-z and 0-9 joined by single hyphens, starting with a letter, "
            "at most 64 characters (e.g. silver-hair-canteens)",
            param_hint="--id",
        )
    taken = used_ids(raw_dir)
    if record_id is None:
        record_id = fresh_id(kind, taken)
    elif record_id in taken:
        click.echo(f"error: the id {record_id} is already used by a record; pick another one", err=True)
        raise SystemExit(1)
    table = KINDS[kind]
    path = raw_dir / table / f"{record_id}.toml"
    if os.path.lexists(path.parent) and not path.parent.is_dir():
        click.echo(f"error: {path.parent.as_posix()} is not a folder; nothing was written", err=True)
        raise SystemExit(1)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        create_exclusively(path, render_template(kind, record_id, raw_dir))
    except FileExistsError:
        click.echo(f"error: {path.as_posix()} exists; nothing was written", err=True)
        raise SystemExit(1) from None
    except OSError as error:
        click.echo(f"error: cannot write {path.as_posix()}: {error.strerror or error}", err=True)
        raise SystemExit(1) from None
    click.echo(f"wrote {path.as_posix()}")
    click.echo(f"fill it in (see the comments), then run: dazhou-reforms validate {path.as_posix()}")

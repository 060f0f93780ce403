"""``dazhou-reforms schema``: the committed JSON Schema files, regenerated from the models or checked.

Exit status: 0 written (or up to date); 1 a file is stale (with ``--check``) or cannot be written.
"""

from __future__ import annotations

from pathlib import Path

import click

from dazhou_reforms.cli.options import EXIT_BAD_DATA


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
            raise SystemExit(EXIT_BAD_DATA)
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
        raise SystemExit(EXIT_BAD_DATA) from None
    click.echo(f"{out_dir.as_posix()}: {len(stale)} of {len(files)} schema files written")

"""``dazhou-reforms diff``: records added, removed and changed between two releases.

Exit status: 0 success; 1 a release's files do not match ``SHA256SUMS`` or cannot be read, or its
rows break the release's invariants (a duplicated row, a row without its key, ids repeated across
tables: the message names the file and line); 2 usage (unknown version, not a release folder).
"""

from __future__ import annotations

import json

import click

from dazhou_reforms.cli.options import EXIT_BAD_DATA, find_release
from dazhou_reforms.release.diff import diff_releases, diff_text
from dazhou_reforms.release.folder import ReleaseError


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

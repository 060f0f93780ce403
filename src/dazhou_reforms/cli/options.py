"""Options shared by several ``dazhou-reforms`` subcommands."""

from __future__ import annotations

from pathlib import Path

import click

#: ``--raw DIR``: the raw/ tree of hand-written records (default ``raw``).
raw_dir_option = click.option(
    "--raw",
    "raw_dir",
    type=click.Path(path_type=Path),
    default=Path("raw"),
    show_default=True,
    help="The raw/ tree of hand-written records.",
)

"""``dazhou-reforms check``: the whole raw/ tree read and checked, as ``build`` reads it (nothing written).

Exit status: 0 no problem (warnings and information, such as a ``series-conflict``, are listed but
fail nothing); 1 problems (all listed, file:line first); 2 usage.
"""

from __future__ import annotations

from pathlib import Path

import click

from dazhou_reforms.cli.options import EXIT_BAD_DATA, echo_problems, raw_dir_option


@click.command()
@raw_dir_option
def check(raw_dir: Path) -> None:
    """Check the whole raw/ tree: schema, evidence quotes, references, figures, vocabularies."""
    from dazhou_reforms.check.dataset import read_and_check

    dataset = read_and_check(raw_dir)
    errors, warnings, information = echo_problems(dataset.problems)
    also = f" and {information} information" if information else ""
    if errors:
        click.echo(f"{errors} problem(s){also} found in {raw_dir}", err=True)
        raise SystemExit(EXIT_BAD_DATA)
    counts = ", ".join(f"{len(records)} {table}" for table, records in dataset.tables.items())
    notes = (f"; {warnings} warning(s)" if warnings else "") + (
        f" ({information} information above)" if information else ""
    )
    click.echo(f"ok: {counts}{notes}")

"""``dazhou-reforms cite``: how to cite the dataset and its source article (BibTeX, APA, CFF).

Rendered from a release shipped with the package (in a source checkout: ``build/``), like
``dz.citation()``; ``dazhou-reforms cite --format cff > CITATION.cff`` writes the repository's
``CITATION.cff``. Exit status: 0 success; 1 the release cannot be read; 2 usage (unknown version).
"""

from __future__ import annotations

import click

from dazhou_reforms.cli.options import EXIT_BAD_DATA
from dazhou_reforms.release.cite import FORMATS


@click.command()
@click.option("--format", "form", type=click.Choice(FORMATS), default="bibtex", show_default=True)
@click.option("--version", "version", default=None, help="A shipped release (default: the newest).")
def cite(form: str, version: str | None) -> None:
    """Print how to cite the dataset and the article it is curated from."""
    from dazhou_reforms.cite import citation
    from dazhou_reforms.loaders import DataError, UnknownVersionError

    try:
        text = citation(form, version)  # type: ignore[arg-type]
    except UnknownVersionError as error:
        raise click.BadParameter(str(error), param_hint="'--version'") from None
    except DataError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(EXIT_BAD_DATA) from None
    click.echo(text, nl=False)

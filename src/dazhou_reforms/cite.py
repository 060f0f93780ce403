"""``dz.citation()``: how to cite the dataset (and the article it is curated from).

The module is `cite`, not `citation`: a submodule named like the function would hide it
(`import dazhou_reforms.citation` makes `dz.citation` the module).

Rendered by :mod:`dazhou_reforms.release.cite` from the release itself: its version, its release
date (``datePublished`` of its ``croissant.json``) and its ``sources`` table — the same data the
dataset card and the repository's ``CITATION.cff`` are made from.
"""

from __future__ import annotations

import json

from dazhou_reforms.loaders import load_sources, read_release_file, resolve_version
from dazhou_reforms.release.cite import FORMATS, Citation, Format, check_format, citation_of, render

__all__ = ["FORMATS", "citation", "release_citation"]


def release_citation(version: str | None = None) -> Citation:
    """The citation data of a shipped release (default: the newest)."""
    resolved = resolve_version(version)
    croissant = json.loads(read_release_file(resolved, "croissant.json"))
    date = croissant.get("datePublished") if isinstance(croissant, dict) else None
    rows = {"sources": [source.model_dump() for source in load_sources(resolved)]}
    return citation_of(resolved, date if isinstance(date, str) else None, rows)


def citation(format: Format = "bibtex", version: str | None = None) -> str:
    """How to cite the dataset and its source article: ``"bibtex"`` (default), ``"apa"`` or
    ``"cff"`` (the text of a ``CITATION.cff``)."""
    form = check_format(format)  # before the release is read
    return render(release_citation(version), form)

"""Hugging Face ``datasets`` integration (extra ``hf``): declared features, in-memory datasets.

``load_hf("metrics")`` returns a ``datasets.Dataset`` whose features are declared from the models
(never inferred), built in memory from the checksum-verified Parquet file shipped in the package,
so no cache directory is involved and a stale cache can never serve old rows.

Withdrawn records (``withdrawn`` holds their date, null for a live record) are left out of
``load_hf`` unless ``include_withdrawn=True``, as by every loader. The release folder, read
without this package, holds every row: ``.filter(lambda row: row["withdrawn"] is None)`` keeps
the live ones there. Releases before 1.1.0 have no such column.

Without this package, the release folder is a no-code Hugging Face dataset (its README's
``configs:``): ``datasets.load_dataset("build/1.0.0", "metrics")``; see :func:`release_folder`.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from dazhou_reforms.extras import require
from dazhou_reforms.loaders import load_table, releases_root, resolve_version
from dazhou_reforms.release.arrow import hf_features

# Without the ``hf`` extra, importing this module says how to install it.
require("datasets", "hf", "dazhou_reforms.hf (Hugging Face datasets)")

if TYPE_CHECKING:
    import datasets


def features(table: str) -> datasets.Features:
    """The declared ``datasets.Features`` of a released table."""
    from datasets import Features

    return Features.from_dict(hf_features(table))


def load_hf(
    name: str = "reforms", version: str | None = None, include_withdrawn: bool = False
) -> datasets.Dataset:
    """One released table as a ``datasets.Dataset`` with declared features (in memory, no cache).
    Withdrawn rows are left out unless ``include_withdrawn`` (as by every loader); the release
    folder read by ``datasets.load_dataset`` (:func:`release_folder`) holds every row.

    The features are those the release declared in its Parquet file (an older release lacks the
    columns added since); the models' own only when a file declares none."""
    from datasets import Dataset, Features

    table = load_table(name, version, include_withdrawn=include_withdrawn)
    stored = (table.schema.metadata or {}).get(b"huggingface")
    declared = Features.from_dict(json.loads(stored)["info"]["features"]) if stored else features(name)
    return Dataset.from_dict(table.to_pydict(), features=declared)


def release_folder(version: str | None = None) -> AbstractContextManager[Path]:
    """A context manager giving the release folder as a real path (for ``datasets.load_dataset``)."""
    from importlib import resources

    return resources.as_file(releases_root() / resolve_version(version))

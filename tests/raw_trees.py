"""Small raw/ trees for tests: the real source, sections and vocabularies plus fixture records."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKS = Path(__file__).parent / "fixtures" / "checks"


def copy_real_base(raw: Path) -> Path:
    """Copy the real sources, sections and vocabularies of raw/ into ``raw``."""
    for part in ("sources", "sections", "vocabularies"):
        shutil.copytree(ROOT / "raw" / part, raw / part)
    return raw


def make_tree(tmp_path: Path, overlay: Path | None = None) -> Path:
    """A small valid raw/ tree (the check fixtures' ``_base`` records), with ``overlay`` copied over it."""
    raw = copy_real_base(tmp_path / "raw")
    shutil.copytree(CHECKS / "_base", raw, dirs_exist_ok=True)
    if overlay is not None:
        shutil.copytree(overlay, raw, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
    return raw

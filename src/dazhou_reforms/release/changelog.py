"""The release date of a version, as its CHANGELOG.md entry gives it (Keep a Changelog format).

The date is part of a release's metadata (``datePublished`` in Croissant, the card's first line);
taking it from the committed CHANGELOG, not the clock, keeps rebuilds byte-identical.
"""

from __future__ import annotations

import re
from pathlib import Path


def release_date(text: str, version: str) -> str | None:
    """The ``YYYY-MM-DD`` of the ``## [version] - YYYY-MM-DD`` heading, or None when there is none."""
    pattern = rf"^## \[{re.escape(version)}\] - ([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})\s*$"
    found = re.search(pattern, text, flags=re.MULTILINE)
    return found.group(1) if found else None


def release_date_from(path: Path, version: str) -> str | None:
    """Like :func:`release_date`, reading ``path``; None when the file is missing or unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return release_date(text, version)

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


def missing_entry(path: Path, version: str) -> str | None:
    """Why ``path`` gives no release date for ``version`` (a sentence for ``build``), None when it
    does: the file cannot be read, it has no entry for the version, or the entry has no date."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        why = "not UTF-8" if isinstance(error, UnicodeDecodeError) else (error.strerror or str(error))
        return f"cannot read {path.as_posix()} ({why}), where the release date of {version} is written"
    if release_date(text, version) is not None:
        return None
    heading = re.search(rf"^## \[{re.escape(version)}\].*$", text, flags=re.MULTILINE)
    if heading is not None:
        return (
            f"{path.as_posix()} has an entry for {version} without a date ({heading.group().strip()!r}); "
            f"write it as '## [{version}] - YYYY-MM-DD'"
        )
    return f"{path.as_posix()} has no entry for {version}: add '## [{version}] - YYYY-MM-DD' and what changed"

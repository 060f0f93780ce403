"""The release date of a version, as its CHANGELOG.md entry gives it (Keep a Changelog format).

The date is part of a release's metadata (``datePublished`` in Croissant, the card's first line);
taking it from the committed CHANGELOG, not the clock, keeps rebuilds byte-identical.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path


def _real_date(text: str) -> bool:
    """Whether ``YYYY-MM-DD`` names a day of the calendar (not 2026-13-45 or 2026-02-30)."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def release_date(text: str, version: str) -> str | None:
    """The ``YYYY-MM-DD`` of the ``## [version] - YYYY-MM-DD`` heading, or None when there is none
    (or its date is no day of the calendar: a release's date is never rewritten, so it must be real)."""
    pattern = rf"^## \[{re.escape(version)}\] - ([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})\s*$"
    found = re.search(pattern, text, flags=re.MULTILINE)
    return found.group(1) if found and _real_date(found.group(1)) else None


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
    dated = re.search(r" - ([0-9]{4}-[0-9]{2}-[0-9]{2})\s*$", heading.group()) if heading else None
    if heading is not None and dated is not None:
        return (
            f"{path.as_posix()} dates {version} {dated.group(1)}, which is no day of the calendar; "
            f"write a real date as '## [{version}] - YYYY-MM-DD'"
        )
    if heading is not None:
        return (
            f"{path.as_posix()} has an entry for {version} without a date ({heading.group().strip()!r}); "
            f"write it as '## [{version}] - YYYY-MM-DD'"
        )
    return f"{path.as_posix()} has no entry for {version}: add '## [{version}] - YYYY-MM-DD' and what changed"

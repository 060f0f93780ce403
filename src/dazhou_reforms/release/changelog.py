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


#: A CHANGELOG larger than this is not one: the cap keeps a wrong ``--changelog`` (``/dev/zero``) from
#: being read without end.
MAX_CHANGELOG_SIZE = 4 << 20


def read_changelog(path: Path) -> tuple[str | None, str]:
    """The text of the CHANGELOG at ``path``, or None and why it cannot be read: only a regular
    file is read (a FIFO or a device in its place is refused, never read), at most
    :data:`MAX_CHANGELOG_SIZE` bytes, UTF-8."""
    from dazhou_reforms.read.files import FileTooLarge, read_bounded, why_unreadable

    try:
        return read_bounded(path, MAX_CHANGELOG_SIZE).decode("utf-8"), ""
    except OSError as error:
        return None, why_unreadable(path, error)
    except FileTooLarge:
        return None, f"over {MAX_CHANGELOG_SIZE >> 20} MiB: not a changelog"
    except UnicodeDecodeError:
        return None, "not UTF-8"


def release_date_from(path: Path, version: str) -> str | None:
    """Like :func:`release_date`, reading ``path``; None when the file is missing or unreadable."""
    return release_entry(path, version)[0]


def release_entry(path: Path, version: str) -> tuple[str | None, str]:
    """The release date of ``version`` in the CHANGELOG at ``path`` (read once), or None and why
    not, a sentence for ``build``: the file cannot be read, it has no entry for the version, or the
    entry has no date (or no real one)."""
    text, why = read_changelog(path)
    if text is None:
        return None, f"cannot read {path.as_posix()} ({why}), where the release date of {version} is written"
    date = release_date(text, version)
    if date is not None:
        return date, ""
    heading = re.search(rf"^## \[{re.escape(version)}\].*$", text, flags=re.MULTILINE)
    dated = re.search(r" - ([0-9]{4}-[0-9]{2}-[0-9]{2})\s*$", heading.group()) if heading else None
    if heading is not None and dated is not None:
        return None, (
            f"{path.as_posix()} dates {version} {dated.group(1)}, which is no day of the calendar; "
            f"write a real date as '## [{version}] - YYYY-MM-DD'"
        )
    if heading is not None:
        return None, (
            f"{path.as_posix()} has an entry for {version} without a date ({heading.group().strip()!r}); "
            f"write it as '## [{version}] - YYYY-MM-DD'"
        )
    return (
        None,
        f"{path.as_posix()} has no entry for {version}: add '## [{version}] - YYYY-MM-DD' and what changed",
    )

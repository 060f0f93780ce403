"""Files the commands write into a raw/ tree: each made whole beside its place, flushed to disk,
then put in place at once (a reader never sees half a file)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged(path: Path, text: str) -> Iterator[str]:
    """A temporary file in ``path``'s folder holding ``text`` (UTF-8, LF), flushed to disk; removed
    on leaving unless it was renamed into place."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        yield temporary
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def create_exclusively(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (staged, then linked into place); FileExistsError if
    ``path`` exists (nothing written)."""
    with staged(path, text) as temporary:
        try:
            os.link(temporary, path)  # atomic, and refuses an existing name
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system: exclusive create instead
            with path.open("x", encoding="utf-8", newline="\n") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())


def replace_atomically(path: Path, text: str) -> None:
    """Write ``text`` over ``path`` atomically (staged, then renamed over it)."""
    with staged(path, text) as temporary:
        os.replace(temporary, path)

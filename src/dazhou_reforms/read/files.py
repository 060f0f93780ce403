"""Files from untrusted places, opened safely: regular files only, every read bounded before it happens.

``validate``, ``check`` and ``build`` run on other people's pull requests. A path there may be a
symlink to ``/dev/zero``, a FIFO, a socket, a directory named ``x.toml`` or a symlink loop: none of
these is ever read. :func:`open_regular` stats the path (symlinks resolved by the kernel, which
refuses chains longer than its bound with ``ELOOP``) before it opens anything, opens without
blocking (a FIFO opened by mistake cannot hang the process) and checks again what it opened. A
read takes at most the bound it is given, counted in the bytes actually read, never trusting
``st_size`` (a device or a file growing meanwhile has any size).

Failures are :class:`OSError` subclasses whose ``strerror`` says what the path is, so that callers
report them as ``unreadable`` problems of that path like any other error of the file system.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO


class NotARegularFile(OSError):
    """The path is a directory, a FIFO, a socket or a device: nothing is read from it."""


class FileTooLarge(Exception):
    """A file holds more than the bound it was read with; ``read`` bytes of it were read (bound + 1)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit:,} bytes")
        self.limit = limit


def kind_of(mode: int) -> str:
    """What a file of ``mode`` is, in words (``a FIFO``)."""
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def check_regular(path: str | os.PathLike[str]) -> os.stat_result:
    """The status of the regular file at ``path`` (symlinks followed); OSError otherwise: a missing
    target, a symlink loop (``ELOOP``), or :class:`NotARegularFile`."""
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        raise NotARegularFile(errno.EINVAL, f"it is {kind_of(status.st_mode)}, not a regular file", str(path))
    return status


def open_regular(path: str | os.PathLike[str], buffering: int = -1) -> BinaryIO:
    """``path`` opened for reading in binary, if it is a regular file (checked before and after
    opening); OSError otherwise."""
    check_regular(path)
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):  # replaced between the stat and the open
            raise NotARegularFile(
                errno.EINVAL, f"it is {kind_of(status.st_mode)}, not a regular file", str(path)
            )
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb", buffering)
    except BaseException:
        os.close(descriptor)
        raise


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file at ``path``; :class:`FileTooLarge` past ``limit`` bytes (at most
    ``limit + 1`` bytes are ever read)."""
    with open_regular(path, buffering=0) as stream:
        if os.fstat(stream.fileno()).st_size > limit:  # said by the file system: no need to read
            raise FileTooLarge(limit)
        data = read_at_most(stream, limit + 1)
    if len(data) > limit:
        raise FileTooLarge(limit)
    return data


def read_at_most(stream: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes of ``stream`` (fewer only at its end)."""
    pieces = []
    while size > 0 and (piece := stream.read(min(size, 1 << 20))):
        pieces.append(piece)
        size -= len(piece)
    return b"".join(pieces)


def why_unreadable(path: str | os.PathLike[str], error: OSError) -> str:
    """Why ``path`` could not be read, in words for a problem's message: what the path is (a FIFO,
    a dangling symbolic link, a symlink loop), else the system's message for ``error``."""
    if isinstance(error, NotARegularFile):
        return str(error.strerror)
    if error.errno == errno.ELOOP:
        return "too many levels of symbolic links (a symlink loop, or a chain too long to follow)"
    if error.errno == errno.ENOENT and os.path.islink(path):
        return "it is a symbolic link to a file that does not exist (a dangling link)"
    if error.errno == errno.EISDIR:
        return "it is a directory, not a regular file"
    return str(error.strerror or error)

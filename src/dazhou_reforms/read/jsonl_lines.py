"""Lines of a JSON Lines file, read in bounded chunks: memory never holds more than one record.

Lines end at LF only (a CR before it stays part of the line, which JSON reads as white space), so
line numbers are those of the file as a JSON Lines reader counts them: a lone CR, U+2028 or any
other character inside a record never shifts them. A line longer than ``max_size`` bytes is not
kept: it is skipped up to its end and reported by its length alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dazhou_reforms.read.files import open_regular

#: The documented default maximum size of one record (one line), in bytes.
MAX_RECORD_SIZE = 16 * 1024 * 1024
CHUNK_SIZE = 1024 * 1024
NEWLINE = ord("\n")


@dataclass(frozen=True)
class LineTooLong:
    """Stands in for a line longer than the maximum record size; ``size`` counts its bytes."""

    size: int


def open_lines(path: Path) -> BinaryIO:
    """``path`` opened for :func:`read_lines`: binary, with a buffer of ``CHUNK_SIZE``; only a regular
    file (:func:`~dazhou_reforms.read.files.open_regular`: a FIFO, a device or a directory is an
    OSError, never read)."""
    return open_regular(path, buffering=CHUNK_SIZE)


def read_lines(
    stream: BinaryIO, max_size: int = MAX_RECORD_SIZE, chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple[int, bytes | LineTooLong, bool]]:
    """``(line number, bytes without the LF, ends with LF)`` for every line, the last one included.

    A file that ends with LF has no extra empty last line; one that does not yields its last line
    with ``False``. Memory: a line of up to ``max_size`` bytes (twice, while its pieces are joined)
    and the stream's buffer, whatever the file size; a longer line is never held.
    """
    readline = stream.readline
    chunk = line_chunk(max_size, chunk_size)
    number = 0
    while data := readline(chunk):
        number += 1
        if data[-1] == NEWLINE:
            yield number, data[:-1], True
        elif len(data) < chunk:
            yield number, data, False
        else:
            yield number, *rest_of_line(stream, data, max_size, chunk)


def line_chunk(max_size: int, chunk_size: int = CHUNK_SIZE) -> int:
    """How much to ask ``readline`` for: a piece that ends with LF is then a whole line, and not too long."""
    return min(chunk_size, max_size + 1)


def rest_of_line(
    stream: BinaryIO, head: bytes, max_size: int, chunk_size: int = CHUNK_SIZE
) -> tuple[bytes | LineTooLong, bool]:
    """A line of which ``head`` (``chunk_size`` bytes, no LF) is read: the line without its LF, or its
    length if it has more than ``max_size`` bytes; and whether it ended with LF."""
    size = len(head)
    pieces = [head]
    while size <= max_size and (part := stream.readline(chunk_size)):
        if part[-1] == NEWLINE:
            size += len(part) - 1
            if size > max_size:
                return LineTooLong(size), True
            pieces.append(part[:-1])
            return b"".join(pieces), True
        size += len(part)
        pieces.append(part)
    if size <= max_size:
        return b"".join(pieces), False  # the last line, without LF
    pieces.clear()
    return skip_long_line(stream, size, chunk_size)


def skip_long_line(stream: BinaryIO, size: int, chunk_size: int = CHUNK_SIZE) -> tuple[LineTooLong, bool]:
    """Read past the rest of a line of which ``size`` bytes (no LF among them) are read already.

    Returns the line's length and whether it ended with LF; holds at most ``chunk_size`` bytes.
    """
    while part := stream.readline(chunk_size):
        if part[-1] == NEWLINE:
            return LineTooLong(size + len(part) - 1), True
        size += len(part)
    return LineTooLong(size), False


def estimate_lines(stream: BinaryIO, size: int, sample: int = 64 * 1024) -> int:
    """About how many lines a file of ``size`` bytes holds, from the lines of its first ``sample`` bytes.

    Reads the sample only (then rewinds); used to size indexes before the file streams through.
    """
    head = stream.read(sample)
    stream.seek(0)
    lines = head.count(b"\n")
    if lines == 0 or len(head) == size:
        return lines + (1 if head and not head.endswith(b"\n") else 0)
    return int(size * lines / (head.rindex(b"\n") + 1)) + 1

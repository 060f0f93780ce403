"""Lines of a JSON Lines file, read in bounded chunks: memory never holds more than one record.

Lines end at LF only (a CR before it stays part of the line, which JSON reads as white space), so
line numbers are those of the file as a JSON Lines reader counts them: a lone CR, U+2028 or any
other character inside a record never shifts them. A line longer than ``max_size`` bytes is not
kept: it is skipped up to its end and reported by its length alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, cast

#: The documented default maximum size of one record (one line), in bytes.
MAX_RECORD_SIZE = 16 * 1024 * 1024
CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class LineTooLong:
    """Stands in for a line longer than the maximum record size; ``size`` counts its bytes."""

    size: int


def read_lines(
    stream: BinaryIO, max_size: int = MAX_RECORD_SIZE, chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple[int, bytes | LineTooLong, bool]]:
    """``(line number, bytes without the LF, ends with LF)`` for every line, the last one included.

    A file that ends with LF has no extra empty last line; one that does not yields its last line
    with ``False``. Memory: at most ``max_size + chunk_size`` bytes, whatever the file size.
    """
    for first, lines, terminated in read_line_blocks(stream, max_size, chunk_size):
        last = len(lines) - 1
        for offset, line in enumerate(lines):
            yield first + offset, line, terminated or offset < last


def read_line_blocks(
    stream: BinaryIO, max_size: int = MAX_RECORD_SIZE, chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple[int, list[bytes | LineTooLong], bool]]:
    """The lines of :func:`read_lines` a chunk at a time: ``(number of the first, lines, the last
    ends with LF)``, for loops that want no generator step a line. Only the file's last line can
    lack its LF."""
    number = 0
    pending: list[bytes] = []  # pieces of the line being read, across chunks
    pending_size = 0
    skipped = -1  # >= 0 while skipping the rest of a line that is too long: its bytes so far
    while True:
        chunk = stream.read(chunk_size)
        if not chunk:
            break
        if skipped >= 0:
            end = chunk.find(b"\n")
            if end < 0:
                skipped += len(chunk)
                continue
            number += 1
            yield number, [LineTooLong(skipped + end)], True
            skipped = -1
            chunk = chunk[end + 1 :]
        parts = chunk.split(b"\n")
        last = parts.pop()
        if parts and pending:
            pending.append(parts[0])
            parts[0] = b"".join(pending)
            pending, pending_size = [], 0
        if parts:
            if max(map(len, parts)) > max_size:
                yield number + 1, [p if len(p) <= max_size else LineTooLong(len(p)) for p in parts], True
            else:
                yield number + 1, cast(list[bytes | LineTooLong], parts), True
            number += len(parts)
        if last:
            pending.append(last)
            pending_size += len(last)
            if pending_size > max_size:
                skipped, pending, pending_size = pending_size, [], 0
    if skipped >= 0:
        yield number + 1, [LineTooLong(skipped)], False
    elif pending:
        line = b"".join(pending)
        yield number + 1, [line if len(line) <= max_size else LineTooLong(len(line))], False


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

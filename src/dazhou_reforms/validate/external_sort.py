"""Items sorted in bounded memory, however many: an external merge sort over a temporary file.

Items wait in memory until ``buffer_items`` of them, or ``buffer_bytes`` by the sizes their adder
tells, are held; then they are sorted (stably: items of one key keep the order they came in) and
appended to an anonymous temporary file (removed by the system when closed, or when the process
dies) as a *run*: pickled chunks of ``CHUNK`` items, each after its length. Whenever the last
``fan_in`` runs are of one level they are merged into one run of the next level (appended too), so a
run of level n holds ``fan_in ** n`` buffers and a merge reads from a bounded number of runs.
Reading merges the runs and the buffer with :func:`heapq.merge`, which is stable across its inputs
given in the order they were written: the whole is exactly a stable sort of every item in the order
they came.

Memory: the buffer, and while reading one chunk of each run. Disk: every item once for each level
it went through. Items must pickle.
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import IO, Any, Generic, NamedTuple, TypeVar

T = TypeVar("T")

#: Items held in memory before they are written as a run (by count, or by the sizes given).
BUFFER_ITEMS = 8192
BUFFER_BYTES = 4 * 1024 * 1024
#: Items written and read back at a time.
CHUNK = 64
#: Runs of one level merged into one run of the next level.
FAN_IN = 128
_LENGTH = 4  # bytes of the length before each chunk


class SortError(Exception):
    """The temporary file cannot be written or read (the message says why)."""


class _Run(NamedTuple):
    """Where a run is in the file, how many merges made it, and the keys of its first and last item."""

    start: int
    end: int
    level: int
    first: Any
    last: Any


class ExternalSort(Generic[T]):
    """Add items in any order (:meth:`add`), read them back sorted by ``key`` (iterate, repeatedly)."""

    def __init__(
        self,
        key: Callable[[T], Any],
        buffer_items: int | None = None,
        buffer_bytes: int | None = None,
        fan_in: int | None = None,
    ) -> None:
        self.key = key
        self.buffer_items = buffer_items or BUFFER_ITEMS
        self.buffer_bytes = buffer_bytes or BUFFER_BYTES
        self.fan_in = max(2, fan_in or FAN_IN)
        self.buffer: list[T] = []
        self.held_bytes = 0
        self.runs: list[_Run] = []
        self.count = 0
        self.file: IO[bytes] | None = None
        self.end = 0

    def __len__(self) -> int:
        return self.count

    def add(self, item: T, size: int = 0) -> None:
        """Add ``item``, which holds about ``size`` bytes (beyond the buffer's own per item)."""
        self.buffer.append(item)
        self.count += 1
        self.held_bytes += size
        if len(self.buffer) >= self.buffer_items or self.held_bytes >= self.buffer_bytes:
            self.spill()

    def spill(self) -> None:
        """Write the buffer to disk as a sorted run (then merge full levels)."""
        if not self.buffer:
            return
        buffer, key, runs = self.buffer, self.key, self.runs
        buffer.sort(key=key)
        try:
            previous = runs[-1] if runs else None
            if previous is not None and previous.end == self.end and key(buffer[0]) >= previous.last:
                # the buffer comes after the last run (problems found in order): that run goes on
                added = self._write(buffer, previous.level)
                runs[-1] = previous._replace(end=added.end, last=added.last)
            else:
                runs.append(self._write(buffer, 0))
            self.buffer = []
            self.held_bytes = 0
            fan_in = self.fan_in
            while len(runs) >= fan_in and len({run.level for run in runs[-fan_in:]}) == 1:
                last = runs[-fan_in:]
                merged = self._write(self._merged(last, []), last[0].level + 1)
                runs[-fan_in:] = [merged]
        except OSError as error:
            raise SortError(f"cannot write a temporary file: {error.strerror or error}") from error

    def _write(self, items: Iterable[T], level: int) -> _Run:
        """Append ``items`` (sorted, at least one) to the file as a run."""
        if self.file is None:
            # open as long as the sort is kept: closed by close(), or by the system at the end
            self.file = tempfile.TemporaryFile(prefix="dazhou-reforms-")  # noqa: SIM115
        start = self.end
        chunk: list[T] = []
        first = None
        for item in items:
            if first is None:
                first = (item,)
            chunk.append(item)
            if len(chunk) >= CHUNK:
                self._append(chunk)
                last = chunk[-1]
                chunk = []
        if chunk:
            self._append(chunk)
            last = chunk[-1]
        assert first is not None
        return _Run(start, self.end, level, self.key(first[0]), self.key(last))

    def _append(self, chunk: list[T]) -> None:
        import pickle  # only when items go to disk: most runs never do

        assert self.file is not None
        data = pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL)
        self.file.seek(self.end)
        self.file.write(len(data).to_bytes(_LENGTH, "little") + data)
        self.end += _LENGTH + len(data)

    def _read(self, run: _Run) -> Iterator[T]:
        """The items of ``run``, a chunk at a time; readers of one file take turns (seek, read)."""
        import pickle

        position, end = run.start, run.end
        while position < end:
            assert self.file is not None
            self.file.seek(position)
            size = int.from_bytes(self.file.read(_LENGTH), "little")
            data = self.file.read(size)
            if len(data) != size:
                raise SortError("a temporary file was cut short")
            position += _LENGTH + size
            chunk: list[T] = pickle.loads(data)  # our own file: written by _append
            yield from chunk

    def __iter__(self) -> Iterator[T]:
        """Every item, sorted; reading changes nothing (the buffer is sorted in a copy)."""
        buffer = sorted(self.buffer, key=self.key)
        if not self.runs:
            yield from buffer
            return
        try:
            yield from self._merged(self.runs, buffer)
        except OSError as error:
            raise SortError(f"cannot read a temporary file: {error.strerror or error}") from error

    def _merged(self, runs: list[_Run], buffer: list[T]) -> Iterator[T]:
        """The items of ``runs`` and of the sorted ``buffer`` (the newest), merged. Runs that follow
        one another (each starts at or after the end of the one before: problems found in order)
        are read one after the other; only what overlaps goes through the heap."""
        groups: list[list[Iterator[T]]] = []
        last: Any = None
        for run in runs:
            if groups and run.first >= last:
                groups[-1].append(self._read(run))
                last = max(last, run.last)
            else:
                groups.append([self._read(run)])
                last = run.last
        if buffer:
            if groups and self.key(buffer[0]) >= last:
                groups[-1].append(iter(buffer))
            else:
                groups.append([iter(buffer)])
        streams = [chain.from_iterable(group) for group in groups]
        return streams[0] if len(streams) == 1 else heapq.merge(*streams, key=self.key)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
        self.runs.clear()
        self.buffer = []
        self.count = self.end = 0

    def __enter__(self) -> ExternalSort[T]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

"""A set of ids in about 8 bytes each, for duplicate and reference checks over huge inputs.

A Python ``set`` of a million ids takes some 100 MB; this holds a 32-bit fingerprint of each id in
an open-addressing table of ``array('I')`` slots, at most half full (8 bytes an id; a miss probes
2.5 slots on average), sized from an estimate of the count (tables are added when it was too low).
The price: two different ids may share a fingerprint, so a hit means "probably present" (odds of a
false hit about one in 2**32 per slot compared). Callers confirm a hit before they report it; an id
that was added is always found.
"""

from __future__ import annotations

from array import array

_LOAD = 0.5
_LOW = 0xFFFFFFFF
_ALL = 0xFFFFFFFFFFFFFFFF


class IdIndex:
    """Ids seen so far (fingerprints only): ``add`` and ``in``, nothing else."""

    def __init__(self, expected: int = 1024) -> None:
        self._tables: list[tuple[array[int], int]] = []
        self._count = 0
        self._room = 0
        self._extend(expected)

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        return sum(slots.itemsize * len(slots) for slots, _ in self._tables)

    def _extend(self, expected: int) -> None:
        capacity = max(64, int(expected / _LOAD) + 1)
        self._tables.append((array("I", bytes(4 * capacity)), capacity))
        self._room = int(capacity * _LOAD)

    @staticmethod
    def _split(item: str) -> tuple[int, int]:
        whole = hash(item) & _ALL
        return whole & _LOW, (whole >> 32) or 1  # 0 marks an empty slot

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, str):
            return False
        home, fingerprint = self._split(item)
        return self._find(home, fingerprint) is None

    def _find(self, home: int, fingerprint: int) -> int | None:
        """None when the fingerprint is present, else the free slot of the last table to put it in."""
        free = 0
        for slots, capacity in self._tables:
            slot = home % capacity
            while True:
                held = slots[slot]
                if held == 0:
                    break
                if held == fingerprint:
                    return None
                slot += 1
                if slot == capacity:
                    slot = 0
            free = slot
        return free

    def add(self, item: str) -> bool:
        """Add ``item``; True if it (or an id with the same fingerprint) was there already."""
        home, fingerprint = self._split(item)
        free = self._find(home, fingerprint)
        if free is None:
            return True
        if self._room == 0:
            self._extend(2 * self._count)
            free = home % self._tables[-1][1]
        slots, _ = self._tables[-1]
        slots[free] = fingerprint
        self._count += 1
        self._room -= 1
        return False

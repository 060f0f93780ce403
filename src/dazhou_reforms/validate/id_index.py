"""A set of ids in about 8 bytes each, for duplicate and reference checks over huge inputs.

A Python ``set`` of a million ids takes some 100 MB; this holds a fingerprint of each id in an
open-addressing table of ``array('I')`` slots, at most half full (8 bytes an id; a miss probes
2.5 slots on average), sized from an estimate of the count (tables are added when it was too low).
Each slot holds 29 bits of fingerprint and a 3-bit tag (the table of the record), so one index
serves both questions: "is this id used anywhere?" (duplicates: ids are unique across tables) and
"is this id a record of table T?" (references).

The price: two different ids may share a fingerprint, so a hit means "probably present" (odds of a
false hit about one in 2**29 per slot compared). Callers confirm a duplicate before they report
it; an id that was added is always found.
"""

from __future__ import annotations

from array import array

_LOAD = 0.5
_TAG_BITS = 3
#: Tags an index tells apart: 0 .. MAX_TAG.
MAX_TAG = (1 << _TAG_BITS) - 1
#: The fingerprint bits of a slot, where they sit: bits 35..63 of an id's hash, shifted by 32 (the
#: home slot is the hash modulo the table size, so the fingerprint uses other bits).
_FINGERPRINT = 0xFFFFFFFF & ~MAX_TAG
#: The fingerprint of a hash whose fingerprint bits are all 0 (a slot of 0 is empty).
_NONZERO = MAX_TAG + 1


class IdIndex:
    """Ids seen so far (fingerprints with a tag): ``add``, ``in`` and ``has``, nothing else."""

    def __init__(self, expected: int = 1024) -> None:
        self._tables: list[tuple[array[int], int]] = []
        self._count = 0
        self._room = 0
        self._extend(expected)

    def __len__(self) -> int:
        return self._count

    @property
    def room(self) -> int:
        """Ids that can still be added before the index grows."""
        return self._room

    def reserve(self, more: int) -> None:
        """Make room for ``more`` ids in one new table (rather than in several as they come)."""
        if more > self._room:
            self._extend(int(1.1 * more))

    @property
    def nbytes(self) -> int:
        return sum(slots.itemsize * len(slots) for slots, _ in self._tables)

    def _extend(self, expected: int) -> None:
        capacity = max(64, int(expected / _LOAD) + 1)
        self._tables.append((array("I", bytes(4 * capacity)), capacity))
        self._room = int(capacity * _LOAD)

    def __contains__(self, item: object) -> bool:
        """Whether ``item`` was added, under any tag."""
        return isinstance(item, str) and self.has(item, None)

    def has(self, item: str, tag: int | None) -> bool:
        """Whether ``item`` was added with ``tag`` (None: with any tag)."""
        home = hash(item)
        fingerprint = (home >> 32 & _FINGERPRINT) or _NONZERO
        found, exact = _find(self._tables, home, fingerprint, fingerprint | (tag or 0))
        return found if tag is None else exact

    def add(self, item: str, tag: int = 0) -> bool:
        """Add ``item`` with ``tag``; True if it (or an id with the same fingerprint) was there already.

        Added again under a new tag, an id is found under both.
        """
        return bool(self.add_many([item], tag))

    def add_many(self, items: list[str], tag: int = 0) -> list[str]:
        """Add every id of ``items`` with ``tag``; return those that were there already (see :meth:`add`).

        One loop for a whole batch of a streamed file, its names looked up once.
        """
        if len(items) > self._room:
            self._extend(max(2 * self._count, len(items)))
        seen: list[str] = []
        *older, (slots, size) = self._tables  # ids go into the last table; older ones are full
        added = 0
        for item in items:
            home = hash(item)
            fingerprint = (home >> 32 & _FINGERPRINT) or _NONZERO
            mark = fingerprint | tag
            found = exact = False
            if older:  # only when the index had to grow: the usual case is one table
                found, exact = _find(older, home, fingerprint, mark)
            if not exact:
                slot = home % size
                held = slots[slot]
                while held:
                    if held & _FINGERPRINT == fingerprint:
                        found = True
                        if held == mark:
                            break
                    slot = slot + 1 if slot + 1 < size else 0
                    held = slots[slot]
                else:  # not there with this tag: into the free slot where the probe ended
                    slots[slot] = mark
                    added += 1
            if found:
                seen.append(item)
        self._count += added
        self._room -= added
        return seen


def _find(tables: list[tuple[array[int], int]], home: int, fingerprint: int, mark: int) -> tuple[bool, bool]:
    """In ``tables``: is there a slot of this fingerprint (any tag), and one holding ``mark`` exactly?"""
    found = False
    for slots, size in tables:
        slot = home % size
        held = slots[slot]
        while held:
            if held & _FINGERPRINT == fingerprint:
                if held == mark:
                    return True, True
                found = True
            slot = slot + 1 if slot + 1 < size else 0
            held = slots[slot]
    return found, False

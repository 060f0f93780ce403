"""The id index of ``validate``: ids held as fingerprints, about eight bytes an id."""

from __future__ import annotations

from dazhou_reforms.validate.id_index import IdIndex


def test_id_index_finds_what_was_added() -> None:
    index = IdIndex(expected=10)
    ids = [f"record-{n}" for n in range(5000)]  # far more than expected: tables are added
    assert not any(index.add(record_id) for record_id in ids)
    assert all(record_id in index for record_id in ids)
    assert all(index.add(record_id) for record_id in ids[:100])
    assert len(index) == 5000
    assert sum(f"other-{n}" in index for n in range(5000)) <= 1
    assert 42 not in index


def test_id_index_tells_tables_apart_and_finds_ids_across_them() -> None:
    index = IdIndex(expected=10)
    assert not index.add("shared", tag=2)
    assert index.has("shared", 2) and index.has("shared", None) and "shared" in index
    assert not index.has("shared", 3)
    assert index.add("shared", tag=3)  # used in another table: a duplicate, found under both tags
    assert index.has("shared", 2) and index.has("shared", 3)
    assert index.add("shared", tag=3)
    assert len(index) == 2
    for n in range(3000):  # tables are added: tags and hits survive growth
        index.add(f"id-{n}", tag=n % 7)
    assert all(index.has(f"id-{n}", n % 7) and not index.has(f"id-{n}", (n + 1) % 7) for n in range(3000))


class Hashed(str):
    """An id with a chosen hash (to reach the edges of the fingerprint)."""

    value: int

    def __new__(cls, text: str, value: int) -> Hashed:
        made = super().__new__(cls, text)
        made.value = value
        return made

    def __hash__(self) -> int:
        return self.value


def test_id_index_takes_hashes_of_any_sign_and_fingerprint_bits() -> None:
    index = IdIndex(expected=4)
    edges = [0, 1, -1, 2**63 - 1, -(2**63), 7 << 32, -(7 << 32), 2**40]
    ids = [Hashed(f"id-{n}", value) for n, value in enumerate(edges)]
    for n, record_id in enumerate(ids):
        index.add(record_id, tag=n % 8)
    assert all(index.has(record_id, n % 8) for n, record_id in enumerate(ids))
    assert all(record_id in index for record_id in ids)
    assert not index.has(ids[0], 7)
    assert Hashed("other", 0) in index  # the same hash, the same fingerprint: "probably present"


def test_id_index_memory_is_about_eight_bytes_an_id() -> None:
    index = IdIndex(expected=1_000_000)
    assert index.nbytes <= 8 * 1_000_000 + 64

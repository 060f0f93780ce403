"""Streaming: lines read in bounded chunks, long lines skipped unread; the line count estimated."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dazhou_reforms.read.jsonl_lines import LineTooLong, estimate_lines, read_lines


def lines(data: bytes, max_size: int = 100, chunk_size: int = 7) -> list[tuple[int, object, bool]]:
    return [
        (number, line if isinstance(line, bytes) else ("too long", line.size), terminated)
        for number, line, terminated in read_lines(io.BytesIO(data), max_size, chunk_size)
    ]


def test_lines_end_at_lf_only() -> None:
    data = b'{"a":1}\r\n{"b":"x\rx\xe2\x80\xa8y"}\n\n{"c":3}'
    assert lines(data) == [
        (1, b'{"a":1}\r', True),
        (2, b'{"b":"x\rx\xe2\x80\xa8y"}', True),
        (3, b"", True),
        (4, b'{"c":3}', False),
    ]


def test_no_extra_line_after_a_final_newline() -> None:
    assert lines(b"") == []
    assert lines(b"a\n") == [(1, b"a", True)]
    assert lines(b"\n") == [(1, b"", True)]


def test_a_line_longer_than_the_maximum_is_skipped_and_measured() -> None:
    data = b"short\n" + b"x" * 50 + b"\nafter\n" + b"y" * 30
    assert lines(data, max_size=20, chunk_size=8) == [
        (1, b"short", True),
        (2, ("too long", 50), True),
        (3, b"after", True),
        (4, ("too long", 30), False),
    ]


@settings(max_examples=300)
@given(st.binary(max_size=60), st.integers(1, 12), st.integers(1, 9))
def test_same_lines_as_split_whatever_the_chunks(data: bytes, max_size: int, chunk_size: int) -> None:
    expected = data.split(b"\n")
    terminated = [True] * (len(expected) - 1) + [False]
    if expected[-1] == b"":
        expected.pop()
        terminated.pop()
    want = [
        (index + 1, line if len(line) <= max_size else ("too long", len(line)), ends)
        for index, (line, ends) in enumerate(zip(expected, terminated, strict=True))
    ]
    assert lines(data, max_size, chunk_size) == want


def test_a_long_line_is_never_held_whole() -> None:
    class Counting(io.RawIOBase):
        """A stream of one 50 MB line, made up as it is read."""

        def __init__(self) -> None:
            self.left = 50 * 1024 * 1024

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            size = min(len(buffer), self.left)
            buffer[:size] = b"x" * size
            self.left -= size
            return size

        def readable(self) -> bool:
            return True

    import tracemalloc

    tracemalloc.start()
    result = list(read_lines(io.BufferedReader(Counting()), max_size=1024 * 1024, chunk_size=64 * 1024))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result == [(1, LineTooLong(50 * 1024 * 1024), False)]
    assert peak < 4 * 1024 * 1024


@pytest.mark.parametrize(
    ("content", "sample", "expected"),
    [
        (b"", 64, 0),
        (b"{}", 64, 1),  # no final newline
        (b"{}\n{}\n", 64, 2),  # read whole: exact
        (b"0123456789\n" * 1000, 110, 1001),  # 10 lines in the sample: size * 10 / 110, rounded up
        (b"x" * 500, 100, 1),  # one long line
    ],
)
def test_estimate_lines_scales_the_lines_of_the_sample(content: bytes, sample: int, expected: int) -> None:
    stream = io.BytesIO(content)
    assert estimate_lines(stream, len(content), sample) == expected
    assert stream.tell() == 0  # rewound for the reader

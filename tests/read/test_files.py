"""Only regular files are read, and never more than the bound a read is given."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from dazhou_reforms.read.files import FileTooLarge, NotARegularFile, open_regular, read_bounded


def test_a_regular_file_is_read_within_its_bound(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_bytes(b"x" * 10)
    assert read_bounded(path, 10) == b"x" * 10
    with pytest.raises(FileTooLarge):
        read_bounded(path, 9)
    link = tmp_path / "link.toml"
    link.symlink_to(path)
    assert read_bounded(link, 10) == b"x" * 10


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: p.mkdir(), "a directory"),
        (lambda p: os.mkfifo(p), "a FIFO"),
        (lambda p: p.symlink_to("/dev/zero"), "a character device"),
    ],
)
def test_other_kinds_of_file_are_refused_before_they_are_read(
    tmp_path: Path, make: object, words: str
) -> None:
    path = tmp_path / "x.toml"
    make(path)  # type: ignore[operator]
    with pytest.raises(NotARegularFile, match=words):
        read_bounded(path, 100)  # a FIFO without a writer would block a plain open()


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(NotARegularFile, match="a socket"):
            open_regular(path)
    finally:
        server.close()


def test_dangling_links_and_link_loops_are_os_errors(tmp_path: Path) -> None:
    (tmp_path / "dangling.toml").symlink_to(tmp_path / "nowhere")
    (tmp_path / "a.toml").symlink_to(tmp_path / "b.toml")
    (tmp_path / "b.toml").symlink_to(tmp_path / "a.toml")
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "dangling.toml", 10)
    with pytest.raises(OSError, match="Too many levels of symbolic links"):
        read_bounded(tmp_path / "a.toml", 10)

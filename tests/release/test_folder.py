"""The one release reader on hostile folders: only regular files are read, every read is bounded,
and a release that breaks its own invariants is an error naming the file and line."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from dazhou_reforms.release import folder as release_folder
from dazhou_reforms.release.folder import Release, ReleaseError, read_tables
from dazhou_reforms.schema.models import TABLES


class Hung(Exception):
    pass


@pytest.fixture(autouse=True)
def deadline() -> Iterator[None]:
    """Each test here fails (instead of hanging) if it takes more than 10 s: a FIFO read by mistake."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hung("the release reader blocked")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def resum(folder: Path) -> None:
    """Rewrite ``SHA256SUMS`` for the regular files of ``folder``, as the build would."""
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"
        for path in sorted(folder.iterdir())
        if path.name != "SHA256SUMS" and path.is_file()
    ]
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


@pytest.fixture
def sample_release(
    tmp_path: Path,
    sample_tables: Callable[[], dict[str, list[Any]]],
    write_release_folder: Callable[..., Path],
) -> Release:
    folder = write_release_folder(tmp_path / "1.0.0", sample_tables())
    return Release("1.0.0", folder, folder.as_posix())


def test_a_sound_release_reads_and_verifies(sample_release: Release) -> None:
    status = sample_release.check_sums()
    assert status.ok and status.intact and len(status.verified) == 7
    tables = read_tables(sample_release, sample_release.tables())
    assert len(tables["reforms"].rows) == 3
    assert tables["reforms"].lines["one-license"] == 1
    assert next(iter(tables["vocabularies"].rows)) == "cap_major_topic/1"


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _directory(path: Path) -> None:
    path.mkdir()


def _dangling(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere")


def _loop(path: Path) -> None:
    path.symlink_to(path)


def _device(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays


ENTRIES = {
    "fifo": (_fifo, "it is a FIFO (named pipe), not a regular file"),
    "directory": (_directory, "it is a directory, not a regular file"),
    "dangling symlink": (_dangling, "No such file or directory"),
    "symlink loop": (_loop, "Too many levels of symbolic links"),
    "device": (_device, "it is a character device, not a regular file"),
    "socket": (_socket, "it is a socket, not a regular file"),
}


@pytest.mark.parametrize("kind", list(ENTRIES))
def test_a_listed_entry_that_is_no_regular_file_is_unreadable_and_never_read(
    sample_release: Release, kind: str
) -> None:
    make, why = ENTRIES[kind]
    path = Path(str(sample_release.folder)) / "reforms.jsonl"
    path.unlink()
    make(path)
    status = sample_release.check_sums()
    assert status.unreadable == (("reforms.jsonl", why),)
    assert not status.ok and not status.intact
    assert f"1 cannot be read (reforms.jsonl: {why})" in status.summary()
    assert "reforms.jsonl" not in status.missing + status.mismatched
    for verify in (True, False):
        with pytest.raises(ReleaseError) as raised:
            sample_release.table("reforms", verify=verify)
        assert str(raised.value) == f"{path.as_posix()}: cannot read: {why}"
    assert sample_release.has("reforms.jsonl")


def test_a_fifo_as_sha256sums_is_never_read(sample_release: Release) -> None:
    path = Path(str(sample_release.folder)) / "SHA256SUMS"
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(ReleaseError, match="SHA256SUMS: cannot read: it is a FIFO"):
        sample_release.check_sums()


def test_sha256sums_names_only_files_of_the_folder(sample_release: Release, tmp_path: Path) -> None:
    folder = Path(str(sample_release.folder))
    outside = tmp_path / "outside.jsonl"
    outside.write_text('{"id":"x"}\n', encoding="utf-8")
    digest = hashlib.sha256(outside.read_bytes()).hexdigest()
    with (folder / "SHA256SUMS").open("a", encoding="utf-8") as sums:
        sums.write(f"{digest}  ../outside.jsonl\n{digest}  /etc/passwd\n")
    status = sample_release.check_sums()
    assert status.malformed == (8, 9)
    assert "../outside" not in sample_release.tables()
    with pytest.raises(ReleaseError, match="not listed in SHA256SUMS"):
        sample_release.read_file("../outside.jsonl")
    with pytest.raises(ReleaseError, match="is not a file name of the folder"):
        sample_release.read_file("../outside.jsonl", verify=False)


def test_reads_are_bounded_by_bytes_read(sample_release: Release, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(release_folder, "MAX_FILE_BYTES", 1000)
    status = sample_release.check_sums()
    assert ("sources.jsonl", "more than 1,000 bytes") in status.unreadable
    with pytest.raises(ReleaseError, match=r"sources.jsonl: cannot read: more than 1,000 bytes"):
        sample_release.table("sources", verify=False)
    monkeypatch.setattr(release_folder, "MAX_SUMS_BYTES", 100)
    with pytest.raises(ReleaseError, match=r"SHA256SUMS: cannot read: more than 100 bytes"):
        sample_release.sums()


def test_sha256sums_that_is_not_utf8_names_the_file(sample_release: Release) -> None:
    path = Path(str(sample_release.folder)) / "SHA256SUMS"
    with path.open("ab") as sums:
        sums.write(b"\xff\n")
    with pytest.raises(ReleaseError) as raised:
        sample_release.sums()
    assert str(raised.value).startswith(f"{path.as_posix()}: cannot read: not UTF-8 text (byte 0xff")


BROKEN = {
    "duplicated row": (b'{"id":"a"}\n{"id":"b"}\n{"id":"a"}\n', "3: duplicate id 'a', also on line 1"),
    "row without id": (b'{"id":"a"}\n{"name":"x"}\n', "2: the row has no id (non-empty text) to identify it"),
    "empty id": (b'{"id":""}\n', "1: the row has no id (non-empty text) to identify it"),
    "id not text": (b'{"id":7}\n', "1: the row has no id (non-empty text) to identify it"),
    "not an object": (b'{"id":"a"}\n[1]\n', "2: expected a JSON object per line"),
    "invalid JSON": (b'{"id": oops}\n', "1: invalid JSON: Expecting value"),
    "NUL line": (b'{"id":"a"}\n\x00\n', "2: invalid JSON: Expecting value"),
    "not UTF-8": (b'{"id":"\xff"}\n', "1: not UTF-8 (byte offset 7)"),
    "duplicate member": (
        b'{"id":"a","id":"b"}\n',
        "1: invalid JSON: duplicate member name 'id' in an object",
    ),
    "NaN": (b'{"id":"a","v":NaN}\n', "1: invalid JSON: NaN is not JSON"),
}


@pytest.mark.parametrize("case", list(BROKEN))
@pytest.mark.parametrize("verify", [True, False])
def test_a_row_breaking_an_invariant_is_an_error_naming_file_and_line(
    sample_release: Release, case: str, verify: bool
) -> None:
    data, message = BROKEN[case]
    folder = Path(str(sample_release.folder))
    (folder / "glossary.jsonl").write_bytes(data)
    resum(folder)
    with pytest.raises(ReleaseError) as raised:
        read_tables(sample_release, sample_release.tables(), verify=verify)
    assert str(raised.value) == f"{(folder / 'glossary.jsonl').as_posix()}:{message}"


def test_vocabulary_entries_are_keyed_by_vocabulary_and_code(sample_release: Release) -> None:
    folder = Path(str(sample_release.folder))
    path = folder / "vocabularies.jsonl"
    first = path.read_bytes().split(b"\n")[0]
    path.write_bytes(path.read_bytes() + first + b"\n")
    resum(folder)
    with pytest.raises(ReleaseError) as raised:
        sample_release.table("vocabularies")
    assert (
        str(raised.value)
        == f"{path.as_posix()}:86: duplicate vocabulary/code 'cap_major_topic/1', also on line 1"
    )


def test_ids_are_unique_across_tables(sample_release: Release) -> None:
    folder = Path(str(sample_release.folder))
    path = folder / "glossary.jsonl"
    path.write_bytes(path.read_bytes() + b'{"id":"investment-total"}\n')
    resum(folder)
    with pytest.raises(ReleaseError) as raised:
        read_tables(sample_release, sample_release.tables(tuple(TABLES)))
    assert str(raised.value) == (
        f"{path.as_posix()}:2: duplicate id 'investment-total', also in table metrics "
        f"({(folder / 'metrics.jsonl').as_posix()}:1); ids are unique across the tables"
    )

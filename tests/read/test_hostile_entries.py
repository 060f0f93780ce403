"""Entries of a raw/ tree that are not the files they claim to be: each is a problem of that entry.

A dangling link, a folder named ``x.toml``, a symlink loop, a FIFO, a socket, a device, a file the
system refuses to open, a file over its cap: ``read_raw`` (so ``check``, ``build`` and ``validate``)
reports each as ``unreadable`` or ``file-too-large`` of that entry, with every other problem of the
tree, and never reads what is not a regular file. The same cases run as separate processes, with
time and memory measured, in tests/validate/test_hostile_inputs.py and tests/check/test_hostile_trees.py.
"""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dazhou_reforms.check.dataset import read_and_check
from dazhou_reforms.cli.validate import validate
from dazhou_reforms.read import files, toml_tree
from dazhou_reforms.read.files import NotARegularFile
from dazhou_reforms.read.json_file import stream_ids
from dazhou_reforms.read.jsonl_lines import open_lines
from dazhou_reforms.read.raw_files import MAX_SOURCE_TEXT_SIZE, MAX_TOML_SIZE
from dazhou_reforms.read.toml_tree import read_raw

FIXTURES = Path(__file__).parents[1] / "fixtures" / "problems"
SOURCE_ID = "dazhou-reform-article-2024-04-10"
HINT = "  hint:     only regular files are read: put the record file itself here, or remove the entry"


@pytest.fixture
def make_entry() -> Iterator[Callable[[str, Path], None]]:
    """``make_entry(kind, path)``: put an entry of ``kind`` at ``path`` (sockets closed at the end)."""
    opened: list[socket.socket] = []

    def make(kind: str, path: Path) -> None:
        if kind == "dangling link":
            path.symlink_to(path.parent / "nowhere")
        elif kind == "directory":
            path.mkdir()
        elif kind == "symlink loop":
            path.symlink_to(path.with_name(path.name + ".loop"))
            path.with_name(path.name + ".loop").symlink_to(path)
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "socket":
            server = socket.socket(socket.AF_UNIX)
            here = os.getcwd()  # a socket's path is at most 108 bytes: bind it by its name
            os.chdir(path.parent)
            try:
                server.bind(path.name)
            finally:
                os.chdir(here)
            opened.append(server)
        elif kind == "device":
            path.symlink_to("/dev/zero")
        else:
            raise AssertionError(kind)

    yield make
    for server in opened:
        server.close()


#: kind -> why the entry cannot be read, as the report says it.
WHY = {
    "dangling link": "it is a symbolic link to a file that does not exist (a dangling link)",
    "directory": "it is a directory, not a regular file",
    "symlink loop": "too many levels of symbolic links (a symlink loop, or a chain too long to follow)",
    "fifo": "it is a FIFO (named pipe), not a regular file",
    "socket": "it is a socket, not a regular file",
    "device": "it is a character device, not a regular file",
}


def _report(problems: list[object]) -> list[str]:
    return [problem.to_text() for problem in problems]  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", list(WHY))
@pytest.mark.parametrize("folder", ["reforms", "vocabularies"])
def test_an_entry_that_is_no_regular_file_is_unreadable_with_the_other_problems_of_the_tree(
    make_tree: Callable[..., Path], make_entry: Callable[[str, Path], None], kind: str, folder: str
) -> None:
    raw = make_tree(FIXTURES / "unit-mismatch")
    make_entry(kind, raw / folder / "x.toml")
    problems = read_and_check(raw).problems
    assert sorted((p.code, p.file) for p in problems) == [
        ("unit-mismatch", "raw/metrics/investment-total.toml"),
        ("unreadable", f"raw/{folder}/x.toml"),
    ]
    [entry] = [p for p in problems if p.code == "unreadable"]
    assert (
        entry.to_text()
        == f"raw/{folder}/x.toml: unreadable: raw/{folder}/x.toml cannot be read: {WHY[kind]}\n{HINT}"
    )


@pytest.mark.parametrize("kind", list(WHY))
def test_validate_reports_the_entry_as_check_does(
    make_tree: Callable[..., Path],
    make_entry: Callable[[str, Path], None],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    raw = make_tree(FIXTURES / "unit-mismatch")
    make_entry(kind, raw / "reforms" / "x.toml")
    monkeypatch.chdir(raw.parent)
    result = CliRunner().invoke(validate, ["raw", "--no-release"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert (
        f"raw/reforms/x.toml: unreadable: raw/reforms/x.toml cannot be read: {WHY[kind]}\n" in result.output
    )
    assert "raw/metrics/investment-total.toml:" in result.output  # the rest of the tree is checked
    assert "raw cannot be read" not in result.output  # the entry is blamed, not the tree


@pytest.mark.parametrize("kind", list(WHY))
def test_a_source_text_that_is_no_regular_file_is_unreadable(
    make_tree: Callable[..., Path], make_entry: Callable[[str, Path], None], kind: str
) -> None:
    raw = make_tree()
    text = raw / "sources" / f"{SOURCE_ID}.txt"
    text.unlink()
    make_entry(kind, text)
    problems = read_raw(raw).problems
    assert (
        f"raw/sources/{SOURCE_ID}.txt: unreadable: raw/sources/{SOURCE_ID}.txt cannot be read: {WHY[kind]}"
        in [p.to_text().split("\n")[0] for p in problems]
    )
    assert "internal-error" not in {p.code for p in problems}


@pytest.mark.parametrize("kind", ["fifo", "symlink loop", "dangling link", "file"])
def test_a_table_folder_that_is_no_folder_is_unreadable(
    make_tree: Callable[..., Path], make_entry: Callable[[str, Path], None], kind: str
) -> None:
    raw = make_tree()
    if kind == "file":
        (raw / "glossary").write_text("", encoding="utf-8")
    else:
        make_entry(kind, raw / "glossary")
    problems = read_and_check(raw).problems
    assert [(p.code, p.file) for p in problems] == [("unreadable", "raw/glossary")]
    if kind == "file":
        assert problems[0].message == "raw/glossary cannot be read: it is a regular file, not a directory"


def test_a_folder_that_cannot_be_listed_is_unreadable(
    make_tree: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = make_tree(FIXTURES / "unit-mismatch")
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)).name == "reforms":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    problems = read_and_check(raw).problems
    assert ("unreadable", "raw/reforms") in [(p.code, p.file) for p in problems]
    assert ("unit-mismatch", "raw/metrics/investment-total.toml") in [(p.code, p.file) for p in problems]


def test_a_file_the_system_refuses_to_open_is_unreadable(
    make_tree: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """We run as root, so read permission cannot be taken away: the refusal is simulated."""
    raw = make_tree(FIXTURES / "unit-mismatch")
    refused = next((raw / "reforms").glob("*.toml"))
    real_open = os.open

    def deny(path: object, *args: object, **kwargs: object) -> int:
        if Path(str(path)) == refused:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(files.os, "open", deny)
    problems = read_and_check(raw).problems
    name = f"raw/reforms/{refused.name}"
    assert f"{name}: unreadable: {name} cannot be read: Permission denied" in [
        p.to_text().split("\n")[0] for p in problems
    ]
    assert ("unit-mismatch", "raw/metrics/investment-total.toml") in [(p.code, p.file) for p in problems]


def test_a_failure_of_the_reader_is_an_internal_error_of_that_file_only(
    make_tree: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = make_tree(FIXTURES / "unit-mismatch")
    broken = next((raw / "reforms").glob("*.toml"))
    real = toml_tree.read_record_file

    def read(table: str, path: Path, *args: object) -> object:
        if path == broken:
            raise ZeroDivisionError("a bug")
        return real(table, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(toml_tree, "read_record_file", read)
    problems = read_and_check(raw).problems
    assert (
        "internal-error",
        f"raw/reforms/{broken.name}",
        'the reader failed on this file: ZeroDivisionError: "a bug"',
    ) in [(p.code, p.file, p.message) for p in problems]
    assert ("unit-mismatch", "raw/metrics/investment-total.toml") in [(p.code, p.file) for p in problems]


def test_a_toml_file_over_its_cap_is_too_large_and_read_no_further(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    big = raw / "reforms" / "big.toml"
    big.write_bytes(b"# padding\n" * (MAX_TOML_SIZE // 10 + 1))
    problems = read_raw(raw).problems
    assert _report(problems) == [
        "raw/reforms/big.toml: file-too-large: a TOML record file is read whole; this one has more than "
        "1,048,576 bytes\n"
        "  expected: at most 1,048,576 bytes\n"
        "  found:    more than 1,048,576 bytes (the rest was not read)\n"
        "  hint:     a record file holds one record: keep long text (an article) in the source's .txt"
    ]


def test_a_source_text_over_its_cap_is_too_large(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    with (raw / "sources" / f"{SOURCE_ID}.txt").open("r+b") as text:
        text.truncate(MAX_SOURCE_TEXT_SIZE + 1)
    problems = read_raw(raw).problems
    name = f"raw/sources/{SOURCE_ID}.txt"
    assert (name, "file-too-large") in [(p.file, p.code) for p in problems]


def test_a_cap_counts_the_bytes_read_not_the_size_the_file_system_tells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file growing while it is read (or a size the system gets wrong) is still cut at its cap."""
    path = tmp_path / "x.toml"
    path.write_bytes(b"# padding\n" * 200)
    real_fstat = os.fstat

    def fstat(descriptor: int) -> os.stat_result:
        status = real_fstat(descriptor)
        return os.stat_result((status.st_mode, *status[1:6], 0, *status[7:]))  # size: 0

    monkeypatch.setattr(files.os, "fstat", fstat)
    with pytest.raises(files.FileTooLarge):
        files.read_bounded(path, 1000)


def test_a_json_lines_file_is_opened_as_a_regular_file_only(tmp_path: Path) -> None:
    (tmp_path / "zero.jsonl").symlink_to("/dev/zero")
    with pytest.raises(NotARegularFile, match="character device"):
        open_lines(tmp_path / "zero.jsonl")
    os.mkfifo(tmp_path / "pipe.jsonl")
    with pytest.raises(NotARegularFile, match="FIFO"):
        open_lines(tmp_path / "pipe.jsonl")


def test_ids_are_not_looked_for_in_a_device(tmp_path: Path) -> None:
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    assert list(stream_ids(tmp_path / "zero.json", "json")) == []


def test_a_loop_given_directly_is_unreadable_not_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.toml").symlink_to(tmp_path / "b.toml")
    (tmp_path / "b.toml").symlink_to(tmp_path / "a.toml")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(validate, ["a.toml", "--table", "reforms", "--no-release"])
    assert result.exit_code == 2
    assert result.output.startswith(
        "a.toml: unreadable: a.toml cannot be read: too many levels of symbolic links"
    ), result.output

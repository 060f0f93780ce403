"""Paths an attacker gives `validate`: each is a problem in the report, never a hang, a traceback or
a read without bound.

Every case runs the command in a fresh process (``run_bounded``) and asserts its exit code, the
problem code, that no traceback is printed, that it finished in time and that its peak memory stayed
under a bound: a FIFO opened for reading would hang, ``/dev/zero`` read whole would take all memory.
The special files cannot be committed, so each case makes its own. The same cases run in process
(fast, without the bounds) in tests/read/test_hostile_entries.py.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # a fresh process a case: about a second each

FIXTURES = Path(__file__).parents[1] / "fixtures" / "problems"
#: Wall time any case may take (the runs take well under a second; CI machines are slower).
SECONDS = 20.0
#: Peak resident memory of any case, in MB (a run takes some 30-60 MB: Python and pydantic).
PEAK_MB = 200.0


def _block_device() -> str | None:
    for name in sorted(os.listdir("/dev")):
        path = f"/dev/{name}"
        try:
            if stat.S_ISBLK(os.stat(path).st_mode):
                return path
        except OSError:
            continue
    return None


BLOCK_DEVICE = _block_device()


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    """``unix_socket(path)``: a socket file at ``path`` (closed at the end of the test)."""
    opened: list[socket.socket] = []

    def make(path: Path) -> None:
        server = socket.socket(socket.AF_UNIX)
        here = os.getcwd()  # a socket's path is at most 108 bytes: bind it by its name
        os.chdir(path.parent)
        try:
            server.bind(path.name)
        finally:
            os.chdir(here)
        opened.append(server)

    yield make
    for server in opened:
        server.close()


def _special(kind: str, path: Path, make_socket: Callable[[Path], None]) -> None:
    """Put a special file of ``kind`` at ``path``."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "urandom":
        path.symlink_to("/dev/urandom")
    elif kind == "block":
        assert BLOCK_DEVICE is not None
        path.symlink_to(BLOCK_DEVICE)
    elif kind == "socket":
        make_socket(path)
    elif kind == "dangling":
        path.symlink_to(path.parent / "nowhere")
    elif kind == "loop":  # the other link's name is no record file's
        path.symlink_to(path.with_name(path.name + ".loop"))
        path.with_name(path.name + ".loop").symlink_to(path)
    elif kind == "directory":
        path.mkdir()
    else:
        raise AssertionError(kind)


#: kind -> what the message says it is.
SAYS = {
    "fifo": "it is a FIFO (named pipe), not a regular file",
    "zero": "it is a character device, not a regular file",
    "urandom": "it is a character device, not a regular file",
    "block": "it is a block device, not a regular file",
    "socket": "it is a socket, not a regular file",
    "dangling": "it is a symbolic link to a file that does not exist (a dangling link)",
    "loop": "too many levels of symbolic links",
    "directory": "it is a directory, not a regular file",
}
KINDS = [
    pytest.param(kind, marks=pytest.mark.skipif(BLOCK_DEVICE is None, reason="no block device"))
    if kind == "block"
    else kind
    for kind in SAYS
]


def _report(run: Any) -> dict[str, Any]:
    assert "Traceback" not in run.output, run.output
    assert run.seconds < SECONDS
    assert run.peak_rss_mb < PEAK_MB, f"peak RSS {run.peak_rss_mb:.0f} MB"
    report: dict[str, Any] = json.loads(run.stdout)
    return report


def _problems(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for section in report.values() if isinstance(section, list) for p in section]


@pytest.mark.parametrize("name", ["x.toml", "x.json", "x.jsonl"])
@pytest.mark.parametrize("kind", [k for k in KINDS if k != "directory"])
def test_a_special_file_given_directly_is_unreadable(
    tmp_path: Path, run_bounded: Callable[..., Any], unix_socket: Callable[[Path], None], kind: str, name: str
) -> None:
    _special(kind, tmp_path / name, unix_socket)
    run = run_bounded(["validate", name, "--table", "reforms", "--no-release", "--format", "json"], tmp_path)
    report = _report(run)
    assert run.exit_code == 2
    [problem] = _problems(report)
    assert (problem["code"], problem["file"]) == ("unreadable", name)
    assert SAYS[kind] in problem["message"]


@pytest.mark.parametrize("name", ["x.toml", "x.json"])
def test_a_2_gb_sparse_file_is_too_large_and_not_read(
    tmp_path: Path, run_bounded: Callable[..., Any], name: str
) -> None:
    with (tmp_path / name).open("wb") as sparse:
        sparse.truncate(2 * 1024**3)
    run = run_bounded(["validate", name, "--table", "reforms", "--no-release", "--format", "json"], tmp_path)
    report = _report(run)
    assert run.exit_code == 1
    assert [(p["code"], p["file"]) for p in _problems(report)] == [("file-too-large", name)]


@pytest.mark.parametrize("kind", KINDS)
def test_a_special_entry_of_a_raw_tree_is_unreadable_and_the_others_are_still_checked(
    tmp_path: Path,
    run_bounded: Callable[..., Any],
    make_tree: Callable[..., Path],
    unix_socket: Callable[[Path], None],
    kind: str,
) -> None:
    raw = make_tree(FIXTURES / "unit-mismatch")
    _special(kind, raw / "reforms" / "x.toml", unix_socket)
    run = run_bounded(["validate", "raw", "--no-release", "--format", "json"], tmp_path)
    report = _report(run)
    assert run.exit_code == 2
    found = {(p["code"], p["file"]) for p in _problems(report)}
    assert found == {
        ("unreadable", "raw/reforms/x.toml"),
        ("unit-mismatch", "raw/metrics/investment-total.toml"),
    }
    [entry] = [p for p in _problems(report) if p["code"] == "unreadable"]
    assert SAYS[kind] in entry["message"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_special_source_is_unreadable(
    tmp_path: Path, run_bounded: Callable[..., Any], unix_socket: Callable[[Path], None], kind: str
) -> None:
    (tmp_path / "reforms.jsonl").write_text("", encoding="utf-8")
    _special(kind, tmp_path / "sources.jsonl", unix_socket)
    args = ["validate", "reforms.jsonl", "--source", "sources.jsonl", "--no-release", "--format", "json"]
    report = _report(run := run_bounded(args, tmp_path))
    assert run.exit_code == 2
    unreadable = [p for p in _problems(report) if p["code"] == "unreadable"]
    assert [p["file"] for p in unreadable] == ["sources.jsonl"]
    assert SAYS[kind] in unreadable[0]["message"]


def test_a_missing_source_is_a_missing_path_in_the_report(
    tmp_path: Path, run_bounded: Callable[..., Any]
) -> None:
    (tmp_path / "reforms.jsonl").write_text("", encoding="utf-8")
    args = ["validate", "reforms.jsonl", "--source", "gone.toml", "--no-release", "--format", "json"]
    report = _report(run := run_bounded(args, tmp_path))
    assert run.exit_code == 2
    assert ("missing-path", "gone.toml") in [(p["code"], p["file"]) for p in _problems(report)]


def test_a_file_given_as_the_release_folder_is_reported_not_a_usage_error(
    tmp_path: Path, run_bounded: Callable[..., Any]
) -> None:
    (tmp_path / "reforms.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "release").write_text("", encoding="utf-8")
    args = ["validate", "reforms.jsonl", "--release", "release", "--format", "json"]
    report = _report(run := run_bounded(args, tmp_path))
    assert run.exit_code == 2
    [problem] = [p for p in _problems(report) if p["file"] == "release"]
    assert problem["code"] == "unreadable"
    assert "not a directory" in problem["message"]


def test_a_sources_jsonl_is_read_a_bounded_line_at_a_time(
    tmp_path: Path, run_bounded: Callable[..., Any]
) -> None:
    """A --source sources.jsonl of one 200 MB line (no newline) is refused by its length, unheld."""
    (tmp_path / "reforms.jsonl").write_text("", encoding="utf-8")
    with (tmp_path / "sources.jsonl").open("wb") as out:
        out.write(b'{"id": "' + b"a" * (200 * 1024**2))
    args = ["validate", "reforms.jsonl", "--source", "sources.jsonl", "--no-release", "--format", "json"]
    report = _report(run := run_bounded(args, tmp_path))
    assert run.exit_code == 2
    [problem] = [p for p in _problems(report) if p["file"] == "sources.jsonl"]
    assert problem["code"] == "unreadable"
    assert "more than" in problem["message"]


def test_validate_check_and_build_agree_on_an_empty_tree(
    tmp_path: Path, run_bounded: Callable[..., Any]
) -> None:
    """`mkdir t/reforms`: no-records for validate (exit 2) and for check and build (exit 1)."""
    (tmp_path / "t" / "reforms").mkdir(parents=True)
    from dazhou_reforms import __version__

    # a dated entry for the version, so that build gets as far as reading the tree
    (tmp_path / "CHANGELOG.md").write_text(f"## [{__version__}] - 2026-11-26\n", encoding="utf-8")
    report = _report(run := run_bounded(["validate", "t", "--no-release", "--format", "json"], tmp_path))
    assert run.exit_code == 2
    assert [(p["code"], p["file"]) for p in _problems(report)] == [("no-records", "t")]
    for command in (["check", "--raw", "t"], ["build", "--raw", "t", "--out", "out"]):
        run = run_bounded(command, tmp_path)
        assert run.exit_code == 1
        assert run.stderr.startswith("t: no-records: t holds no record files\n"), run.stderr
        assert "vocabulary-drift" not in run.stderr and "Traceback" not in run.output
    assert not (tmp_path / "out").exists()

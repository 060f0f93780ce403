"""`check` and `build` on a raw/ tree a contributor could send: every entry that cannot be read is a
problem of its own, listed with all the others; never a traceback, a hang, or anything written.
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dazhou_reforms import __version__
from dazhou_reforms.check.dataset import read_and_check
from dazhou_reforms.cli.check import check
from dazhou_reforms.cli.validate import validate
from dazhou_reforms.schema.vocabularies import VOCABULARIES

FIXTURES = Path(__file__).parents[1] / "fixtures" / "problems"
#: Bounds of a run of check or build on a hostile tree (a run takes 1-3 s and 40-120 MB).
SECONDS = 60.0
PEAK_MB = 300.0


@pytest.fixture
def hostile_tree(make_tree: Callable[..., Path]) -> Iterator[tuple[Path, set[str]]]:
    """A small valid tree with one problem (unit-mismatch) and an entry of every unreadable kind; the
    names of those entries."""
    raw = make_tree(FIXTURES / "unit-mismatch")
    reforms = raw / "reforms"
    (reforms / "dangling.toml").symlink_to(reforms / "nowhere")
    (reforms / "folder.toml").mkdir()
    (reforms / "loop.toml").symlink_to(reforms / "loop.toml.other")
    (reforms / "loop.toml.other").symlink_to(reforms / "loop.toml")
    os.mkfifo(reforms / "fifo.toml")
    (raw / "glossary").mkdir(exist_ok=True)
    (raw / "glossary" / "zero.toml").symlink_to("/dev/zero")
    here = os.getcwd()
    os.chdir(raw / "organizations")  # a socket's path is at most 108 bytes: bind it by its name
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind("socket.toml")
    finally:
        os.chdir(here)
    entries = {
        "raw/reforms/dangling.toml",
        "raw/reforms/folder.toml",
        "raw/reforms/loop.toml",
        "raw/reforms/fifo.toml",
        "raw/glossary/zero.toml",
        "raw/organizations/socket.toml",
    }
    yield raw, entries
    server.close()


def _located(output: str) -> set[tuple[str, str]]:
    """(file, code) of every problem of a report in text (``file[:line[:column]]: code: …``)."""
    found = set()
    for line in output.splitlines():
        if match := re.match(r"(\S+?)(?::[0-9]+)*: ([a-z-]+): ", line):
            found.add((match.group(1), match.group(2)))
    return found


@pytest.mark.slow  # two fresh processes; build imports pyarrow
def test_check_and_build_report_every_unreadable_entry_with_the_other_problems(
    hostile_tree: tuple[Path, set[str]], run_bounded: Callable[..., Any], tmp_path: Path
) -> None:
    raw, entries = hostile_tree
    # a dated entry for the version, so that build gets as far as reading raw/
    (raw.parent / "CHANGELOG.md").write_text(f"## [{__version__}] - 2026-11-26\n", encoding="utf-8")
    expected = {(entry, "unreadable") for entry in entries} | {
        ("raw/metrics/investment-total.toml", "unit-mismatch")
    }
    for command in (["check", "--raw", "raw"], ["build", "--raw", "raw", "--out", "out"]):
        run = run_bounded(command, raw.parent, timeout=SECONDS)
        assert run.exit_code == 1, run.output
        assert "Traceback" not in run.output
        assert run.peak_rss_mb < PEAK_MB, f"{command[0]}: peak RSS {run.peak_rss_mb:.0f} MB"
        assert _located(run.stderr) == expected, run.stderr
    assert not (raw.parent / "out").exists()


def test_check_lists_every_unreadable_entry_in_process(
    hostile_tree: tuple[Path, set[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, entries = hostile_tree
    monkeypatch.chdir(raw.parent)
    result = CliRunner().invoke(check, ["--raw", "raw"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert {file for file, code in _located(result.output) if code == "unreadable"} == entries
    validated = CliRunner().invoke(validate, ["raw", "--no-release"])
    assert validated.exit_code == 2
    assert _located(validated.output) == _located(result.output)  # validate and check agree


def test_missing_vocabularies_are_named_in_the_tree_that_was_read(
    make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    tree = make_tree(root=tmp_path).rename(tmp_path / "t")
    (tree / "vocabularies" / "unit.toml").unlink()
    drift = [p for p in read_and_check(tree).problems if p.code == "vocabulary-drift"]
    assert [p.file for p in drift] == ["t/vocabularies/unit.toml"]
    for path in (tree / "vocabularies").iterdir():
        path.unlink()
    (tree / "vocabularies").rmdir()
    drift = [p for p in read_and_check(tree).problems if p.code == "vocabulary-drift"]
    assert sorted(p.file for p in drift) == sorted(f"t/vocabularies/{name}.toml" for name in VOCABULARIES)


def test_validate_checks_the_vocabularies_of_a_tree_only_when_it_gives_them(
    make_tree: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """check and build need every vocabulary (they build a release); validate checks what it is given."""
    tree = make_tree(root=tmp_path).rename(tmp_path / "t")
    monkeypatch.chdir(tmp_path)
    (tree / "vocabularies" / "unit.toml").unlink()
    result = CliRunner().invoke(validate, ["t", "--no-release"])
    assert result.exit_code == 1
    assert result.output.startswith("t/vocabularies/unit.toml: vocabulary-drift:"), result.output
    for path in (tree / "vocabularies").iterdir():
        path.unlink()
    (tree / "vocabularies").rmdir()
    result = CliRunner().invoke(validate, ["t", "--no-release"])
    assert result.exit_code == 0, result.output
    assert "vocabulary-drift" in CliRunner().invoke(check, ["--raw", "t"]).output


def test_an_empty_tree_is_no_records_for_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "t" / "reforms").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(check, ["--raw", "t"])
    assert result.exit_code == 1
    assert result.output == (
        "t: no-records: t holds no record files\n"
        "  expected: <id>.toml files in sources/, sections/, …, vocabularies/\n"
        "  hint:     give a raw/ tree with records, e.g. raw/\n"
        "1 problem(s) found in t\n"
    )


# -- random trees ----------------------------------------------------------------------------------

TOML_TEXTS = st.sampled_from(
    [
        'id = "x"\n',
        'id = { x = 1 }\nevidence = [{ quote = "x", source_id = [1] }]\n',
        "value = " + "9" * 500 + "\n",
        "evidence = [{ quote = 1979-05-27 }]\nstart = nan\n",
        "[[entries]]\ncode = [1]\n",
        "entries = 7\n",
        "x = [" * 40,
    ]
)
ENTRY = st.one_of(
    st.tuples(st.just("bytes"), st.binary(max_size=200)),
    st.tuples(st.just("toml"), TOML_TEXTS),
    st.tuples(st.sampled_from(["fifo", "directory", "dangling", "loop", "zero", "socket"]), st.just(b"")),
)
TREE = st.dictionaries(
    st.tuples(
        st.sampled_from(["sources", "sections", "reforms", "metrics", "glossary", "vocabularies"]),
        st.sampled_from(["a.toml", "b.toml", "a.txt", "zz.toml"]),
    ),
    ENTRY,
    max_size=8,
)


def _make(raw: Path, tree: dict[tuple[str, str], tuple[str, Any]], sockets: list[socket.socket]) -> None:
    for (folder, name), (kind, content) in tree.items():
        path = raw / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "bytes":
            path.write_bytes(content)
        elif kind == "toml":
            path.write_text(content, encoding="utf-8")
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "directory":
            path.mkdir()
        elif kind == "dangling":
            path.symlink_to(raw / "nowhere")
        elif kind == "loop":
            path.symlink_to(path.with_name(name + ".loop"))
            path.with_name(name + ".loop").symlink_to(path)
        elif kind == "zero":
            path.symlink_to("/dev/zero")
        else:
            here = os.getcwd()
            os.chdir(path.parent)
            try:
                server = socket.socket(socket.AF_UNIX)
                sockets.append(server)
                server.bind(name)
            finally:
                os.chdir(here)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=TREE)
def test_any_tree_is_read_into_problems_never_an_exception(
    tree: dict[tuple[str, str], tuple[str, Any]],
) -> None:
    sockets: list[socket.socket] = []
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "raw"
        raw.mkdir()
        try:
            _make(raw, tree, sockets)
            problems = read_and_check(raw).problems
        finally:
            for server in sockets:
                server.close()
        assert "internal-error" not in {p.code for p in problems}
        for problem in problems:
            assert problem.file is None or problem.file.startswith("raw"), problem
            problem.to_text()
        special = {
            f"raw/{folder}/{name}"
            for (folder, name), (kind, _) in tree.items()
            if kind not in ("bytes", "toml") and name.endswith(".toml")
        }
        unreadable = {p.file for p in problems if p.code == "unreadable"}
        assert special <= unreadable <= {f"raw/{f}/{n}" for (f, n) in tree}


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every entry under ``folder`` (not followed), with its kind and size."""
    found = {}
    for path in folder.rglob("*"):
        status = path.lstat()
        found[path.relative_to(folder).as_posix()] = (status.st_mode, status.st_size)
    return found


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=TREE)
def test_any_tree_through_the_commands_exits_0_1_or_2_in_time_and_writes_only_its_out(
    tree: dict[tuple[str, str], tuple[str, Any]],
) -> None:
    """The command line on a random tree: `check`, `validate` and `build --out`, each with an exit
    status of 0, 1 or 2, no traceback, within a bound, and nothing written but into --out."""
    from dazhou_reforms.cli.build import build

    sockets: list[socket.socket] = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "raw").mkdir()
        try:
            _make(root / "raw", tree, sockets)
            before = _snapshot(root)
            runs = [
                (check, ["--raw", str(root / "raw")]),
                (validate, [str(root / "raw"), "--no-release"]),
                (
                    build,
                    ["--raw", str(root / "raw"), "--out", str(root / "out"), "--changelog", str(root / "no")],
                ),
            ]
            for command, args in runs:
                started = time.monotonic()
                result = CliRunner().invoke(command, args)
                assert time.monotonic() - started < 20, (command.name, tree)
                assert result.exit_code in (0, 1, 2), (command.name, result.output, result.exception)
                assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
                assert "Traceback" not in result.output
            after = {name: kind for name, kind in _snapshot(root).items() if not name.startswith("out")}
            assert after == before
        finally:
            for server in sockets:
                server.close()

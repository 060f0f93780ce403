"""The release workflow as a contributor meets it: a dated CHANGELOG entry first, drafts that
``build --replace-draft`` replaces, published (git-tracked) releases that nothing rewrites."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from dazhou_reforms import __version__
from dazhou_reforms.release.published import Publication, publication

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *arguments],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def build(tmp_path: Path, run_build: Callable[..., Result], *extra: str) -> Result:
    from click.testing import CliRunner

    from dazhou_reforms.cli.build import build as command

    args = ["--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "build")]
    args += ["--changelog", str(tmp_path / "CHANGELOG.md"), *extra]
    return CliRunner().invoke(command, args)


def change_data(tmp_path: Path) -> None:
    path = tmp_path / "raw" / "glossary" / "key-move.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("“key move”", "“decisive move”"), encoding="utf-8"
    )


@pytest.fixture
def checkout(tmp_path: Path, make_raw: Callable[[Path], Path], make_changelog: Callable[..., Path]) -> Path:
    """tmp_path as a git checkout with raw/ and CHANGELOG.md committed; nothing built yet."""
    make_raw(tmp_path)
    make_changelog(tmp_path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "raw", "CHANGELOG.md")
    git(tmp_path, "commit", "-q", "-m", "data")
    return tmp_path


def folder_state(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


# -- the CHANGELOG entry --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "why"),
    [
        ("## [0.0.1] - 2020-01-01", "has no entry for {v}: add '## [{v}] - YYYY-MM-DD' and what changed"),
        (
            "## [{v}]",
            "has an entry for {v} without a date ('## [{v}]'); write it as '## [{v}] - YYYY-MM-DD'",
        ),
        (
            "## [{v}] - Unreleased",
            "has an entry for {v} without a date ('## [{v}] - Unreleased'); "
            "write it as '## [{v}] - YYYY-MM-DD'",
        ),
        (
            "## [{v}] - 2026-13-45",
            "dates {v} 2026-13-45, which is no day of the calendar; "
            "write a real date as '## [{v}] - YYYY-MM-DD'",
        ),
        (
            "## [{v}] - 2027-02-29",
            "dates {v} 2027-02-29, which is no day of the calendar; "
            "write a real date as '## [{v}] - YYYY-MM-DD'",
        ),
    ],
)
def test_a_version_without_a_dated_changelog_entry_is_not_built(
    tmp_path: Path,
    make_raw: Callable[[Path], Path],
    run_build: Callable[..., Result],
    heading: str,
    why: str,
) -> None:
    make_raw(tmp_path)
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(f"# Changelog\n\n{heading.format(v=__version__)}\n\n- Things.\n", encoding="utf-8")
    result = build(tmp_path, run_build)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {changelog.as_posix()} {why.format(v=__version__)}. "
        "A release needs its dated CHANGELOG entry; nothing was built\n"
    )
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (os.mkfifo, "it is a FIFO (named pipe), not a regular file"),
        (lambda path: path.symlink_to("/dev/zero"), "it is a character device, not a regular file"),
        (lambda path: path.symlink_to("nowhere.md"), "it is a symbolic link to a file that does not exist"),
        (os.mkdir, "it is a directory, not a regular file"),
    ],
)
def test_a_changelog_that_is_no_regular_file_is_refused_at_once(
    tmp_path: Path, make_raw: Callable[[Path], Path], run_build: Callable[..., Result], make: Any, why: str
) -> None:
    """A FIFO (which would block a read) or /dev/zero (endless) as the CHANGELOG: refused, not read."""
    make_raw(tmp_path)
    make(tmp_path / "CHANGELOG.md")
    result = build(tmp_path, run_build)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot read {(tmp_path / 'CHANGELOG.md').as_posix()} ({why}")
    assert not (tmp_path / "build").exists()


# -- drafts and published releases ------------------------------------------------------------------


def test_an_untracked_release_is_a_draft_and_says_so(
    checkout: Path, run_build: Callable[..., Result]
) -> None:
    assert build(checkout, run_build).exit_code == 0
    folder = checkout / "build" / __version__
    assert publication(folder) == Publication("draft")
    before = folder_state(folder)
    change_data(checkout)
    result = build(checkout, run_build)
    assert result.exit_code == 3
    assert result.stderr == (
        f"error: {folder.as_posix()} already exists with different content "
        "(README.md, SHA256SUMS, croissant.json, datapackage.json, explorer.html, glossary.jsonl, "
        "glossary.parquet).\n"
        f"{folder.as_posix()} is a draft: no file of it is tracked in git, so it was never published.\n"
        "Replace the draft with `dazhou-reforms build --replace-draft`; or, to keep it, bump the version "
        "in src/dazhou_reforms/_version.py and add a CHANGELOG.md entry for it.\n"
    )
    assert folder_state(folder) == before


def test_replace_draft_replaces_a_draft_with_the_new_build(
    checkout: Path, run_build: Callable[..., Result], tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert build(checkout, run_build).exit_code == 0
    folder = checkout / "build" / __version__
    change_data(checkout)
    result = build(checkout, run_build, "--replace-draft")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"replaced the draft {folder.as_posix()} (27 files): ")
    # the draft now holds exactly what a fresh build of the changed data gives
    fresh = tmp_path_factory.mktemp("fresh")
    shutil.copytree(checkout / "raw", fresh / "raw")
    shutil.copy(checkout / "CHANGELOG.md", fresh / "CHANGELOG.md")
    assert build(fresh, run_build).exit_code == 0
    assert folder_state(folder) == folder_state(fresh / "build" / __version__)
    assert b"decisive move" in (folder / "glossary.jsonl").read_bytes()
    assert sorted(path.name for path in (checkout / "build").iterdir()) == [__version__]  # nothing aside
    again = build(checkout, run_build, "--replace-draft")
    assert again.exit_code == 0 and "is up to date (identical content)" in again.stdout


def test_replace_draft_without_a_release_folder_just_builds(
    checkout: Path, run_build: Callable[..., Result]
) -> None:
    result = build(checkout, run_build, "--replace-draft")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"built {(checkout / 'build' / __version__).as_posix()} (27 files)")


def test_a_tracked_release_is_published_and_never_replaced(
    checkout: Path, run_build: Callable[..., Result]
) -> None:
    assert build(checkout, run_build).exit_code == 0
    folder = checkout / "build" / __version__
    git(checkout, "add", "build")
    git(checkout, "commit", "-q", "-m", f"Release {__version__}")
    assert publication(folder) == Publication("published")
    before = folder_state(folder)
    change_data(checkout)
    result = build(checkout, run_build)
    assert result.exit_code == 3
    assert f"{folder.as_posix()} is published: its files are tracked in git.\n" in result.stderr
    assert "A release is never rewritten: bump the version" in result.stderr
    assert "--replace-draft" not in result.stderr
    refused = build(checkout, run_build, "--replace-draft")
    assert refused.exit_code == 3
    assert refused.stderr == (
        f"error: {folder.as_posix()} is published: its files are tracked in git. "
        "Refused: a published release is never replaced.\n"
    )
    assert folder_state(folder) == before


def test_a_staged_release_counts_as_published(checkout: Path, run_build: Callable[..., Result]) -> None:
    assert build(checkout, run_build).exit_code == 0
    git(checkout, "add", "build")
    assert publication(checkout / "build" / __version__) == Publication("published")


def test_outside_a_checkout_what_cannot_be_known_is_said(
    tmp_path: Path,
    make_raw: Callable[[Path], Path],
    make_changelog: Callable[..., Path],
    run_build: Callable[..., Result],
) -> None:
    make_raw(tmp_path)
    make_changelog(tmp_path)
    assert build(tmp_path, run_build).exit_code == 0
    folder = tmp_path / "build" / __version__
    why = f"{(tmp_path / 'build').as_posix()} is not in a git checkout"
    assert publication(folder) == Publication("unknown", why)
    before = folder_state(folder)
    change_data(tmp_path)
    refused = build(tmp_path, run_build, "--replace-draft")
    assert refused.exit_code == 3
    assert refused.stderr == (
        f"error: Whether {folder.as_posix()} was published cannot be known here: {why}. Refused: "
        "--replace-draft replaces only a folder git shows was never published; if you are sure it was "
        "not, delete it and build again.\n"
    )
    assert folder_state(folder) == before


def test_without_git_what_cannot_be_known_is_said(
    checkout: Path, run_build: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build(checkout, run_build).exit_code == 0
    monkeypatch.setenv("PATH", str(checkout / "no-programs-here"))
    folder = checkout / "build" / __version__
    assert publication(folder) == Publication("unknown", "git is not installed (or not on PATH)")
    change_data(checkout)
    result = build(checkout, run_build, "--replace-draft")
    assert result.exit_code == 3
    assert "cannot be known here: git is not installed (or not on PATH)" in result.stderr


def test_a_replacement_that_fails_leaves_the_old_draft_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new folder cannot be renamed into place: the old draft is put back, nothing else is left."""
    import os

    from dazhou_reforms.release import write

    folder = tmp_path / "build" / "9.9.9"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_bytes(b"old")
    real_rename = os.rename
    calls: list[str] = []

    def rename(source: Any, target: Any) -> None:
        calls.append(Path(target).name)
        if Path(target) == folder and len(calls) == 2:
            raise OSError("no room")
        real_rename(source, target)

    monkeypatch.setattr(write.os, "rename", rename)
    with pytest.raises(OSError, match="no room"):
        write.write_release({"a.txt": b"new"}, folder, replace=True)
    assert folder_state(folder) == {"a.txt": b"old"}
    assert sorted(path.name for path in folder.parent.iterdir()) == ["9.9.9"]


def test_info_marks_a_draft(
    checkout: Path, run_build: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from dazhou_reforms.cli.info import info

    assert build(checkout, run_build).exit_code == 0
    monkeypatch.chdir(checkout)
    listed = CliRunner().invoke(info, [])
    assert f"  {__version__}  build/{__version__} (draft: not tracked in git)\n" in listed.stdout
    git(checkout, "add", "build")
    listed = CliRunner().invoke(info, [])
    assert f"  {__version__}  build/{__version__}\n" in listed.stdout


def test_when_git_cannot_read_the_checkout_its_message_is_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not "not in a checkout" when git says something else (a repository owned by another user)."""
    programs = tmp_path / "bin"
    programs.mkdir()
    fake = programs / "git"
    fake.write_text("#!/bin/sh\necho 'fatal: detected dubious ownership in repository' >&2\nexit 128\n")
    fake.chmod(0o755)
    (tmp_path / "build" / "1.0.0").mkdir(parents=True)
    monkeypatch.setenv("PATH", str(programs))
    assert publication(tmp_path / "build" / "1.0.0") == Publication(
        "unknown",
        f"git cannot read the checkout of {(tmp_path / 'build').as_posix()} "
        "(fatal: detected dubious ownership in repository)",
    )

"""Interrupted builds: SIGTERM and SIGHUP clean up like Ctrl-C; what SIGKILL leaves behind, the next
build removes, but never a staging folder a running build holds, nor anything not named like ours.

The builds run in child processes stopped while they write (``Path.write_bytes`` is patched in the
child to wait once the first file is written), so the signal arrives mid-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from dazhou_reforms import __version__
from dazhou_reforms.release import write
from dazhou_reforms.release.write import STAGING_NAME, remove_stale_staging, write_release

FILES = {"a.jsonl": b"{}\n", "b.jsonl": b"{}\n", "SHA256SUMS": b""}

#: A child writing FILES into argv[1] that stops once a.jsonl is written and says so in argv[2].
WRITER = """
import pathlib, sys, time
from dazhou_reforms.release import write

original = pathlib.Path.write_bytes

def write_bytes(self, data):
    written = original(self, data)
    if self.name == "a.jsonl":
        pathlib.Path(sys.argv[2]).write_text(str(self.parent))
        time.sleep(120)
    return written

pathlib.Path.write_bytes = write_bytes
files = {"a.jsonl": b"{}\\n", "b.jsonl": b"{}\\n", "SHA256SUMS": b""}
try:
    write.write_release(files, pathlib.Path(sys.argv[1]))
except write.Terminated as stop:
    sys.exit(128 + stop.signum)
except KeyboardInterrupt:
    sys.exit(130)
"""

#: The same stop inside ``dazhou-reforms build`` (argv[2] the marker, the rest the command line).
BUILDER = """
import pathlib, sys, time
from dazhou_reforms.cli import main

original = pathlib.Path.write_bytes

def write_bytes(self, data):
    written = original(self, data)
    if self.parent.name.startswith("."):
        pathlib.Path(sys.argv[1]).write_text(str(self.parent))
        time.sleep(120)
    return written

pathlib.Path.write_bytes = write_bytes
main(sys.argv[2:])
"""


def wait_for(marker: Path, child: subprocess.Popen[str]) -> Path:
    """The staging folder the child reports once it is writing into it."""
    deadline = time.monotonic() + 60
    while not marker.exists() or not marker.read_text():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the child never started writing"
        time.sleep(0.02)
    return Path(marker.read_text())


def start(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)]
)
def test_a_signal_during_the_write_removes_the_staging_folder(
    tmp_path: Path, signum: int, status: int
) -> None:
    out = tmp_path / "build"
    child = start(WRITER, str(out / "9.9.9"), str(tmp_path / "marker"))
    staging = wait_for(tmp_path / "marker", child)
    assert STAGING_NAME.match(staging.name) and (staging / "a.jsonl").is_file()
    child.send_signal(signum)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == status, stderr
    assert "Traceback" not in stderr
    assert list(out.iterdir()) == []


def test_what_sigkill_leaves_the_next_write_removes(tmp_path: Path) -> None:
    out = tmp_path / "build"
    child = start(WRITER, str(out / "9.9.9"), str(tmp_path / "marker"))
    staging = wait_for(tmp_path / "marker", child)
    child.kill()
    child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert [path.name for path in out.iterdir()] == [staging.name]  # SIGKILL cannot be cleaned up after
    outcome = write_release(FILES, out / "9.9.9")
    assert outcome.status == "written" and outcome.cleaned == (staging,)
    assert sorted(path.name for path in out.iterdir()) == ["9.9.9"]
    # also when the version is already built (nothing to write): the clean-up comes first
    (out / ".9.9.9.partial-abcd_123").mkdir()
    assert write_release(FILES, out / "9.9.9").cleaned == (out / ".9.9.9.partial-abcd_123",)


def test_a_staging_folder_a_running_build_holds_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "build"
    child = start(WRITER, str(out / "9.9.9"), str(tmp_path / "marker"))
    try:
        staging = wait_for(tmp_path / "marker", child)
        assert remove_stale_staging(out) == []
        outcome = write_release(FILES, out / "1.2.3")  # another build beside it
        assert outcome.cleaned == () and (staging / "a.jsonl").is_file()
        old = time.time() - 30 * 24 * 3600
        os.utime(staging, (old, old))  # however old: the lock, not the age, says it is in use
        assert remove_stale_staging(out) == [] and staging.is_dir()
    finally:
        child.kill()
        child.communicate(timeout=60)
    assert remove_stale_staging(out) == [staging]
    assert sorted(path.name for path in out.iterdir()) == ["1.2.3"]


def test_only_staging_folders_named_like_ours_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep", encoding="utf-8")
    ours = out / ".1.0.0.partial-ab_cd123"
    ours.mkdir()
    (ours / "reforms.jsonl").write_text("{}\n", encoding="utf-8")
    kept = [
        ".1.0.0.partial-keep",
        "1.0.0.partial-abcdefgh",
        ".v1.partial-abcdefgh",
        ".1.0.0.partial-ABCDEFGH",
    ]
    for name in kept:
        (out / name).mkdir()
    (out / ".2.0.0.partial-abcdefgh").symlink_to(elsewhere, target_is_directory=True)
    (out / ".3.0.0.partial-abcdefgh").write_text("a file", encoding="utf-8")
    kept += [".2.0.0.partial-abcdefgh", ".3.0.0.partial-abcdefgh"]
    assert remove_stale_staging(out) == [ours]
    assert sorted(path.name for path in out.iterdir()) == sorted(kept)
    assert (elsewhere / "keep.txt").read_text(encoding="utf-8") == "keep"
    assert remove_stale_staging(tmp_path / "no-such-folder") == []


def test_signal_handlers_are_restored_after_a_write(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    write_release(FILES, tmp_path / "build" / "9.9.9")
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before
    with write.terminating_raises(), pytest.raises(write.Terminated, match="terminated by SIGTERM"):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before


@pytest.mark.slow
def test_the_build_command_on_sigterm_and_after_sigkill(
    tmp_path: Path,
    make_raw: Callable[[Path], Path],
    make_changelog: Callable[..., Path],
    run_build: Callable[..., Result],
    folder_bytes: Callable[[Path], dict[str, bytes]],
    release: Path,
) -> None:
    raw = make_raw(tmp_path)
    changelog = make_changelog(tmp_path)
    out = tmp_path / "out"
    command = ["build", "--raw", str(raw), "--out", str(out), "--changelog", str(changelog)]

    child = start(BUILDER, str(tmp_path / "term"), *command)
    wait_for(tmp_path / "term", child)
    child.send_signal(signal.SIGTERM)
    stdout, stderr = child.communicate(timeout=60)
    assert (child.returncode, stdout) == (143, "")
    assert stderr == "error: build terminated by SIGTERM; no partial release was left behind\n"
    assert list(out.iterdir()) == []

    child = start(BUILDER, str(tmp_path / "kill"), *command)
    staging = wait_for(tmp_path / "kill", child)
    child.kill()
    child.communicate(timeout=60)
    assert [path.name for path in out.iterdir()] == [staging.name]
    result = run_build(raw, out, changelog)
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"removed {staging.as_posix()}, the staging folder of an interrupted build\n")
    assert [path.name for path in out.iterdir()] == [__version__]
    assert folder_bytes(out / __version__) == folder_bytes(release)


def test_git_ignores_staging_folders() -> None:
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        pytest.skip("not a git checkout")
    names = [f"build/.{__version__}.partial-abcd_123/reforms.jsonl", f"build/{__version__}/reforms.jsonl"]
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", *names], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.stdout.splitlines() == names[:1]

"""``validate --release DIR`` verifies DIR against its ``SHA256SUMS`` before relying on its records."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dazhou_reforms.cli.validate import validate

PROBLEMS = Path(__file__).parents[1] / "fixtures" / "problems"
CASE = PROBLEMS / "duplicate-id-jsonl"


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture release, and the working directory holding the case's metrics.jsonl."""
    shutil.copytree(PROBLEMS / "_release", tmp_path / "release")
    shutil.copy(CASE / "metrics.jsonl", tmp_path / "metrics.jsonl")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "release"


def run(release: Path) -> Result:
    return CliRunner().invoke(validate, ["metrics.jsonl", "--release", str(release)])


def test_the_fixture_release_is_verified_and_sound(copy: Path) -> None:
    result = run(copy)
    assert result.output == (CASE / "expected.txt").read_text(encoding="utf-8")


def test_a_changed_file_of_the_release_is_reported_not_relied_on(copy: Path) -> None:
    path = copy / "reforms.jsonl"
    path.write_bytes(path.read_bytes().replace(b'"id":"', b'"id":"x', 1))
    result = run(copy)
    assert result.output.startswith(
        f"{copy.as_posix()}/SHA256SUMS: unreadable: {copy.as_posix()} does not match its SHA256SUMS: "
        "FAILED: 1 do not match (reforms.jsonl)\n"
    )
    assert "unresolved-reference: `reform_id`" in result.output  # its ids were not used
    assert result.exit_code != 0


def test_a_release_without_sha256sums_cannot_be_verified(copy: Path) -> None:
    (copy / "SHA256SUMS").unlink()
    result = run(copy)
    assert result.output.startswith(
        f"{copy.as_posix()}/SHA256SUMS: unreadable: cannot read: No such file or directory; "
        "the release cannot be verified\n"
    )


def test_a_table_not_listed_is_not_read(copy: Path) -> None:
    lines = (copy / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    (copy / "SHA256SUMS").write_text(
        "".join(line + "\n" for line in lines if not line.endswith("reforms.jsonl")), encoding="utf-8"
    )
    result = run(copy)
    assert result.output.startswith(
        f"{copy.as_posix()}/reforms.jsonl: unreadable: {copy.as_posix()}/reforms.jsonl is not a valid "
        f"release table: {copy.as_posix()}/reforms.jsonl: not listed in SHA256SUMS\n"
    )


def test_a_fifo_listed_in_the_release_is_reported_not_read(copy: Path) -> None:
    (copy / "reforms.jsonl").unlink()
    os.mkfifo(copy / "reforms.jsonl")
    done = subprocess.run(
        [sys.executable, "-m", "dazhou_reforms", "validate", "metrics.jsonl", "--release", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout.startswith(
        f"{copy.as_posix()}/SHA256SUMS: unreadable: {copy.as_posix()} does not match its SHA256SUMS: "
        "FAILED: 1 cannot be read (reforms.jsonl: it is a FIFO (named pipe), not a regular file)\n"
    )
    assert "Traceback" not in done.stderr and done.returncode != 0


@pytest.mark.slow
def test_a_large_release_table_is_streamed_not_held(copy: Path) -> None:
    """A release table of ~50 MB: validate reads it a line at a time (peak RSS well under its size)."""
    source = (copy / "reforms.jsonl").read_bytes().splitlines()
    written = number = 0
    with (copy / "reforms.jsonl").open("wb") as out:
        while written < 52_000_000:  # under the reader's 64 MiB cap on a release file
            line = source[number % len(source)].replace(b'{"id":"', f'{{"id":"r{number}-'.encode(), 1)
            written += out.write(line + b"\n")
            number += 1
    import hashlib

    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"
        for path in sorted(copy.iterdir())
        if path.name != "SHA256SUMS"
    ]
    (copy / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")
    code = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    command = [sys.executable, "-m", "dazhou_reforms", "validate", "metrics.jsonl", "--release", str(copy)]
    result = subprocess.run(
        [sys.executable, "-c", code, *command], capture_output=True, text=True, timeout=60
    )
    status, peak_kib = map(int, result.stdout.split())
    assert status == 1  # the fixture's duplicate id, nothing else
    assert (copy / "reforms.jsonl").stat().st_size > 50_000_000
    assert peak_kib < 100 * 1024, peak_kib

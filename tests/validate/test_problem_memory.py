"""Memory stays flat in the number of problems and of files: the command, in a child process whose
peak RSS (``ru_maxrss`` from ``wait4``: that process alone) is measured against a stated bound.

Before the report streamed, 120,000 lines of ``x`` took ~130 MB in text and ~340 MB in JSON; a
million ``{"id": ...}`` glossary lines 8 GB. The bound, 64 MB, is the issue's target for a million
problem lines (``benchmarks/bench_problems.py`` runs that); the command alone, valid input, takes
about 35 MB here. Each case keeps to some seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import dazhou_reforms

RELEASE = Path(__file__).parents[1] / "fixtures" / "problems" / "_release"
BOUND_MB = 64

pytestmark = pytest.mark.slow


#: Runs a command and prints its exit status and peak RSS (KiB), killing it past a deadline. A
#: fresh, small process: a child forked from this one (pytest, grown by earlier tests) would count
#: this process's memory in its peak, from before its exec.
WRAPPER = """
import json, os, subprocess, sys, time
with open(sys.argv[1], "wb") as output:
    process = subprocess.Popen(sys.argv[3:], stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + float(sys.argv[2])
    while not (done := os.wait4(process.pid, os.WNOHANG))[0]:
        if time.monotonic() > deadline:
            process.kill()
            print(json.dumps(["timeout", 0]))
            sys.exit()
        time.sleep(0.02)
print(json.dumps([os.waitstatus_to_exitcode(done[1]), done[2].ru_maxrss]))
"""


def peak_of_validate(*args: str, cwd: Path, timeout: float = 120) -> tuple[int, float, bytes]:
    """Exit status, peak RSS (MB) and standard output of ``validate args`` in a child process."""
    command = [sys.executable, "-m", "dazhou_reforms.cli", "validate", *args]
    package = str(Path(dazhou_reforms.__file__).parents[1])  # the package under test, wherever cwd is
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([package, os.environ.get("PYTHONPATH", "")])}
    report = cwd / "report.out"
    wrapper = [sys.executable, "-c", WRAPPER, str(report), str(timeout), *command]
    done = subprocess.run(wrapper, cwd=cwd, env=env, capture_output=True, check=True, timeout=timeout + 30)
    code, peak = json.loads(done.stdout)
    assert code != "timeout", f"validate {args} ran past {timeout} s"
    output = report.read_bytes()
    assert b"Traceback" not in output
    return code, peak / 1024, output


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_a_problem_a_line_for_120_000_lines_stays_under_the_bound(tmp_path: Path, output_format: str) -> None:
    (tmp_path / "x.jsonl").write_bytes(b"x\n" * 120_000)
    args = ["x.jsonl", "--table", "glossary", "--max-errors", "0", "--format", output_format]
    code, peak, report = peak_of_validate(*args, cwd=tmp_path)
    assert code == 1
    if output_format == "json":
        document = json.loads(report)
        assert document["summary"]["problems"] == len(document["parse_errors"]) == 120_000
        assert [p["line"] for p in document["parse_errors"][:3]] == [1, 2, 3]
    else:
        assert report.count(b": json-syntax: ") == 120_000
        assert report.endswith(b"120,000 problem(s) (120000 parse) in 120,000 record(s) in 1 file(s)\n")
    assert peak < BOUND_MB, f"{peak:.1f} MB"


def test_duplicates_and_missing_parents_across_batches_stay_under_the_bound(tmp_path: Path) -> None:
    """Problems found at the end (duplicate ids confirmed across batches, parents that never came)
    are not held either: 20,000 reforms, each id twice, each parent missing."""
    base = json.loads((RELEASE / "reforms.jsonl").read_text(encoding="utf-8").splitlines()[0])
    with (tmp_path / "reforms.jsonl").open("w", encoding="utf-8") as out:
        for number in range(20_000):
            row = {**base, "id": f"r-{number % 10_000}", "parent_id": f"gone-{number}"}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    args = ["reforms.jsonl", "--release", str(RELEASE), "--max-errors", "0", "--format", "json"]
    code, peak, report = peak_of_validate(*args, cwd=tmp_path)
    assert code == 1
    found = [p["code"] for p in json.loads(report)["check_errors"]]
    assert (found.count("duplicate-id"), found.count("unresolved-reference")) == (10_000, 20_000)
    assert peak < BOUND_MB, f"{peak:.1f} MB"


def test_memory_does_not_grow_with_the_number_of_files(tmp_path: Path) -> None:
    """A problem in each of 6,000 files takes little more than in each of 600: no per-file state
    but the list of their paths."""
    peaks = []
    for count in (600, 6_000):
        folder = tmp_path / str(count)
        folder.mkdir()
        for number in range(count):
            (folder / f"f{number:05d}.jsonl").write_text(f'{{"id":"a{number}"}}\n', encoding="utf-8")
        code, peak, report = peak_of_validate(
            str(folder), "--table", "glossary", "--max-errors", "0", cwd=tmp_path
        )
        assert code == 1 and report.endswith(f"in {count:,} record(s) in {count:,} file(s)\n".encode())
        peaks.append(peak)
    assert peaks[1] - peaks[0] < 8, peaks  # was ~5 KB a file: +28 MB

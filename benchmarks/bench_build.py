"""How long `dazhou-reforms build` takes, beyond interpreter start-up and library imports.

Prints medians (and min/max) of repeated runs:

- in-process, with every library already imported: read + check raw/, render every file,
  write the release into a fresh folder (and each step alone);
- whole process (`python -m dazhou_reforms.cli build` in a subprocess), and the same interpreter
  only importing what the build imports, so that the difference is the build's own work.

Usage: python benchmarks/bench_build.py [--raw raw] [--runs 11]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

IMPORTS = (
    "import dazhou_reforms.cli.build, dazhou_reforms.check.dataset, dazhou_reforms.release.write, "
    "dazhou_reforms.release.croissant, dazhou_reforms.release.card, dazhou_reforms.release.frictionless, "
    "dazhou_reforms.release.tables, pyarrow, pyarrow.json, pyarrow.parquet"
)


def timed(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def show(label: str, times: list[float]) -> None:
    print(
        f"{label:<52} median {statistics.median(times) * 1000:8.1f} ms"
        f"   min {min(times) * 1000:8.1f}   max {max(times) * 1000:8.1f}   (n={len(times)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--raw", type=Path, default=Path("raw"))
    parser.add_argument("--runs", type=int, default=11)
    options = parser.parse_args()
    runs = max(options.runs, 11)
    raw = options.raw.resolve()

    start = time.perf_counter()
    exec(IMPORTS)  # the imports, timed once
    print(f"{'imports (once, in this process)':<52} {(time.perf_counter() - start) * 1000:8.1f} ms")

    from dazhou_reforms._version import __version__
    from dazhou_reforms.check.dataset import read_and_check
    from dazhou_reforms.release.metadata import ReleaseInfo
    from dazhou_reforms.release.write import render_release, write_release

    release = ReleaseInfo(__version__, "2026-01-01")
    dataset = read_and_check(raw)
    if dataset.problems:
        sys.exit(f"{raw} has {len(dataset.problems)} problem(s): run `dazhou-reforms check` first")
    files = render_release(dataset.tables, release)
    print(
        f"records: {sum(len(records) for records in dataset.tables.values())}, "
        f"release: {len(files)} files, {sum(len(data) for data in files.values())} bytes"
    )

    with tempfile.TemporaryDirectory() as scratch:
        counter = iter(range(10**6))

        def whole_build() -> None:
            checked = read_and_check(raw)
            write_release(
                render_release(checked.tables, release), Path(scratch) / f"run-{next(counter)}" / "v"
            )

        def write_only() -> None:
            write_release(files, Path(scratch) / f"write-{next(counter)}" / "v")

        show("in-process: read + check raw/", timed(lambda: read_and_check(raw), runs))
        show("in-process: render every file", timed(lambda: render_release(dataset.tables, release), runs))
        show("in-process: write the release folder", timed(write_only, runs))
        show("in-process: whole build (read, check, render, write)", timed(whole_build, runs))

        def process(arguments: list[str]) -> Callable[[], object]:
            return lambda: subprocess.run(arguments, check=True, capture_output=True)

        imports_only = timed(process([sys.executable, "-c", IMPORTS]), runs)
        whole = timed(
            lambda: subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "dazhou_reforms.cli",
                    "build",
                    "--raw",
                    str(raw),
                    "--out",
                    str(Path(scratch) / f"cli-{next(counter)}"),
                ],
                check=True,
                capture_output=True,
            ),
            runs,
        )
        show("whole process: python -m dazhou_reforms.cli build", whole)
        show("whole process: python importing the same modules", imports_only)
        beyond = statistics.median(whole) - statistics.median(imports_only)
        print(f"{'whole process beyond imports (difference of medians)':<52} {beyond * 1000:8.1f} ms")


if __name__ == "__main__":
    main()

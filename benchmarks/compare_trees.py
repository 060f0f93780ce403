"""Before and after a change: the same commands timed alternately on two source trees.

A refactoring must not slow the package down, but two runs of ``bench_validate.py`` or
``bench_load.py`` minutes apart differ by more than what is measured (this machine's speed
drifts). This runs each case as a fresh process on the ``--base`` tree and on this one, one
after the other, ``--runs`` times, so that a slower stretch of the machine weighs on both alike,
and prints the medians and their ratio (this tree / base; below 1 is faster).

Cases: ``import dazhou_reforms``; ``load_reforms()``; ``load_table("metrics")``; ``validate`` of
the real raw/ tree; ``validate`` of JSON Lines files of ``--records`` generated records (as
``bench_validate.py`` makes them) against a release folder of the real records.

    git worktree add /tmp/base <commit>
    python benchmarks/compare_trees.py --base /tmp/base [--runs 11] [--records 100000] [--own-data]

With ``--own-data`` each tree works on its own data: ``validate raw/`` reads that tree's raw/ and
the loaders run in that tree's root (its ``build/``), for trees between which the data or the
release format changed. A case the two trees cannot both do (they exit differently, e.g. old code
validating records with fields it does not know) is reported and left out, not timed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))


def timed(command: list[str], src: Path, cwd: Path, pycache: Path) -> tuple[float, int]:
    """Wall time and exit status of ``command`` run on the package of ``src``."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(src)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, check=False, capture_output=True)
    return time.perf_counter() - start, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", type=Path, required=True, help="the other checkout (its src/ is used)")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--records", type=int, default=100_000, help="reform + metric records (half each)")
    parser.add_argument("--own-data", action="store_true", help="each tree reads its own raw/ and build/")
    args = parser.parse_args()

    from bench_validate import generated, real_records, write_file, write_release

    work = Path(tempfile.mkdtemp(prefix="compare-trees-"))
    tables = real_records()
    write_release(tables, work / "release")
    files = [work / "reforms.jsonl", work / "metrics.jsonl"]
    for path in files:
        write_file(path, generated(path.stem, tables[path.stem], args.records // 2))
    python = sys.executable
    cli = [python, "-m", "dazhou_reforms.cli"]
    cases = {
        "import dazhou_reforms": [python, "-c", "import dazhou_reforms"],
        "load_reforms()": [python, "-c", "import dazhou_reforms as dz; dz.load_reforms()"],
        "load_table('metrics')": [python, "-c", "import dazhou_reforms as dz; dz.load_table('metrics')"],
        "validate raw/": [*cli, "validate", "raw" if args.own_data else str(ROOT / "raw")],
        f"validate {args.records:,} records": [
            *cli,
            "validate",
            *map(str, files),
            "--release",
            str(work / "release"),
            "--max-errors",
            "0",
        ],
    }
    roots = {"base": args.base.resolve(), "this": ROOT}
    trees = {tree: root / "src" for tree, root in roots.items()}
    cwd = {tree: root if args.own_data else ROOT for tree, root in roots.items()}
    times: dict[tuple[str, str], list[float]] = {}
    for case, command in list(cases.items()):  # compile the bytecode once, outside the timings
        status = {
            tree: timed(command, src, cwd[tree], work / f"pycache-{tree}")[1] for tree, src in trees.items()
        }
        if len(set(status.values())) != 1:
            print(f"{case}: left out, the trees exit differently ({status}): not the same work")
            del cases[case]
    for _ in range(args.runs):
        for case, command in cases.items():
            for tree, src in trees.items():
                seconds, _ = timed(command, src, cwd[tree], work / f"pycache-{tree}")
                times.setdefault((case, tree), []).append(seconds)
    print(f"medians of {args.runs} alternating runs; base: {args.base}")
    print(f"{'case':<32} {'base':>10} {'this':>10}  this/base")
    for case in cases:
        base, this = (statistics.median(times[(case, tree)]) for tree in trees)
        print(f"{case:<32} {base * 1000:>8.1f}ms {this * 1000:>8.1f}ms  {this / base:.3f}")


if __name__ == "__main__":
    main()

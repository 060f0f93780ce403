"""Whole-process time and peak RSS of importing and loading, against reference points.

Runs each case as a fresh ``python -c`` process, alternating the cases, ``--runs`` times (≥ 11),
and prints medians. Cases:

  a  python -c pass
  b  import dazhou_reforms
  c  import dazhou_reforms; load_reforms()
  d  from pydantic import BaseModel
  e  palmerpenguins.load_penguins()            (needs the `bench` extra)
  f  load_table("metrics")                     (and checks that pandas was not imported)

Then, in this process: the time of a repeated load_reforms() once the data is loaded.
Targets (issue 4): b <= 2a; c <= 2d and c <= e/3; f never imports pandas; repeated load << 1 ms.

    python benchmarks/bench_load.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

CASES = {
    "a": "pass",
    "b": "import dazhou_reforms",
    "c": "import dazhou_reforms; dazhou_reforms.load_reforms()",
    "d": "from pydantic import BaseModel",
    "e": "import palmerpenguins; palmerpenguins.load_penguins()",
    "f": (
        "import sys, dazhou_reforms; dazhou_reforms.load_table('metrics'); "
        "sys.exit(3 if 'pandas' in sys.modules else 0)"
    ),
}


def run_once(code: str) -> tuple[float, int, int]:
    """Wall time (s), peak RSS (KiB) and exit status of one fresh interpreter running ``code``."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    runs = max(args.runs, 11)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    rss: dict[str, list[int]] = {name: [] for name in CASES}
    for code in CASES.values():  # warm the file cache once
        run_once(code)
    for _ in range(runs):
        for name, code in CASES.items():
            elapsed, peak, status = run_once(code)
            if status != 0:
                why = " (pandas imported)" if status == 3 else ""
                raise SystemExit(f"case {name} exited with {status}{why}")
            times[name].append(elapsed)
            rss[name].append(peak)
    median = {name: statistics.median(values) for name, values in times.items()}
    peak = {name: statistics.median(values) for name, values in rss.items()}
    print(f"python {sys.version.split()[0]}, {runs} alternating runs per case, medians")
    for name, code in CASES.items():
        print(f"  {name}  {median[name] * 1000:8.1f} ms  {peak[name] / 1024:7.1f} MiB   {code}")
    print("ratios:")
    print(f"  b/a = {median['b'] / median['a']:.2f}   (target <= 2)")
    print(f"  c/d = {median['c'] / median['d']:.2f}   (target <= 2)")
    print(f"  c/e = {median['c'] / median['e']:.2f}   (target <= 0.33)")
    print("  f imported pandas: no (a run that did would have stopped the benchmark)")

    import dazhou_reforms

    dazhou_reforms.load_reforms()
    repeats = []
    for _ in range(1001):
        start = time.perf_counter()
        dazhou_reforms.load_reforms()
        repeats.append(time.perf_counter() - start)
    repeat = statistics.median(repeats) * 1e6
    print(f"repeated load_reforms(): median {repeat:.1f} µs (target well under 1 ms)")


if __name__ == "__main__":
    main()

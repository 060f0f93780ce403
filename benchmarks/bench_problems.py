"""Peak memory and time of ``dazhou-reforms validate`` on inputs where every line is a problem.

A report must not hold its problems (issue 12): ``validate --max-errors 0`` streams its report,
and memory stays flat in the number of problems. This generates, in a temporary folder, JSON Lines
files of ``--lines`` lines each:

  x        every line ``x``: one json-syntax problem a line
  ids      every line ``{"id":"a<N>"}`` (as glossary records): four missing-field problems a line

and runs ``validate FILE --table glossary --max-errors 0 --format F`` on each, as a fresh process,
for each format of ``--formats``; the report goes through a pipe to this process, which counts its
bytes and lines (and checks that a JSON report ends as a document does). For each run it prints
the peak RSS of the validate process (``ru_maxrss`` from ``wait4``: that process alone), its wall
and CPU time, and the problems a second. Target (issue 12): peak RSS under 64 MB for a million
problem lines, text and JSON.

``--src DIR`` runs the package of another source tree (``DIR/src``), to compare before and after.

    python benchmarks/bench_problems.py [--lines 1000000] [--inputs x,ids] [--formats text,json]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MB = 64
#: Problems each line of an input gives.
PER_LINE = {"x": 1, "ids": 4}


def write_input(path: Path, kind: str, lines: int) -> None:
    with path.open("wb") as out:
        if kind == "x":
            for _ in range(lines // 100_000):
                out.write(b"x\n" * 100_000)
            out.write(b"x\n" * (lines % 100_000))
        else:
            for start in range(0, lines, 100_000):
                end = min(lines, start + 100_000)
                out.write(b"".join(b'{"id":"a%d"}\n' % number for number in range(start, end)))


def run(path: Path, output_format: str, src: Path, work: Path) -> dict[str, float]:
    """One ``validate`` process: peak RSS (MB), wall and CPU seconds, report bytes and lines."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(src)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    command = [sys.executable, "-m", "dazhou_reforms.cli", "validate", str(path)]
    command += ["--table", "glossary", "--max-errors", "0", "--format", output_format]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=env)
    assert process.stdout is not None
    size = lines = 0
    tail = b""
    while block := process.stdout.read(1 << 20):
        size += len(block)
        lines += block.count(b"\n")
        tail = (tail + block)[-200:]
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 1:
        sys.exit(f"validate exited {code} on {path} ({output_format}), expected 1")
    if output_format == "json" and not tail.endswith(b"]\n}\n"):
        sys.exit(f"the JSON report of {path} does not end as a document: {tail[-40:]!r}")
    return {
        "rss": usage.ru_maxrss / 1024,
        "wall": elapsed,
        "cpu": usage.ru_utime + usage.ru_stime,
        "bytes": size,
        "lines": lines,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines of each input")
    parser.add_argument("--inputs", default="x,ids", help="comma-separated: x, ids")
    parser.add_argument("--formats", default="text,json", help="comma-separated: text, json, github")
    parser.add_argument("--src", type=Path, default=ROOT, help="the checkout whose src/ is run")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-problems-"))
    src = args.src.resolve() / "src"
    print(f"validate --max-errors 0 on {args.lines:,} problem lines; package of {src}")
    head = ("input", "format", "problems", "peak RSS", "wall", "cpu", "problems/s")
    print("{:<6} {:<7} {:>10} {:>10} {:>8} {:>8} {:>11}".format(*head))
    over = []
    for kind in args.inputs.split(","):
        path = work / f"{kind}.jsonl"
        write_input(path, kind, args.lines)
        for output_format in args.formats.split(","):
            figures = run(path, output_format, src, work)
            problems = args.lines * PER_LINE[kind]
            print(
                f"{kind:<6} {output_format:<7} {problems:>10,} {figures['rss']:>7.1f} MB "
                f"{figures['wall']:>7.1f}s {figures['cpu']:>7.1f}s {problems / figures['cpu']:>11,.0f}",
                flush=True,
            )
            if figures["rss"] >= TARGET_MB:
                over.append(f"{kind} {output_format}")
        path.unlink()
    print(f"target: peak RSS < {TARGET_MB} MB: " + ("met" if not over else f"NOT met ({', '.join(over)})"))


if __name__ == "__main__":
    main()

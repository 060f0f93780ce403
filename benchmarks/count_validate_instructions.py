"""Instructions a record of ``validate`` and its parts, counted by valgrind (the same on every run).

Wall-clock figures of ``bench_validate.py`` move by ±10% with the machine; instruction counts do
not. This generates the same kind of records as ``bench_validate.py`` (``--records``, half reforms,
half metrics), then runs each of the steps below in a fresh Python under ``valgrind
--tool=callgrind`` and prints the instructions a record, less those of the same process that
stops before the loop (imports, models built, release read):

  orjson.loads           parse only (the ceiling of bench_validate.py)
  empty model            pydantic ``model_validate_json`` of a model with no fields (extra allowed)
  model_validate_json    the released models, strict, every constraint
  schema stage           the command's per-line stage: read, validate, duplicate-key scan
  validate               ``validate_paths``: the schema stage and every collection check

    python benchmarks/count_validate_instructions.py [--records 20000]

Needs valgrind; takes about a minute for 20,000 records.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_validate import generated, real_records, write_file, write_release

STEPS = ("orjson.loads", "empty model", "model_validate_json", "schema stage", "validate")

RUNNER = r"""
import sys
from pathlib import Path

step, work, go = sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "go"
files = {"reforms": work / "reforms.jsonl", "metrics": work / "metrics.jsonl"}
lines = {table: path.read_bytes().splitlines() for table, path in files.items()}
if step == "orjson.loads":
    import orjson
    if go:
        for table in files:
            for line in lines[table]:
                orjson.loads(line)
elif step in ("empty model", "model_validate_json"):
    from pydantic import BaseModel, ConfigDict
    from dazhou_reforms.schema.models import TABLES

    class Empty(BaseModel):
        model_config = ConfigDict(extra="allow")

    for table in files:
        model = Empty if step == "empty model" else TABLES[table]
        model.model_validate_json(lines[table][0])
        if go:
            for line in lines[table]:
                model.model_validate_json(line)
elif step == "schema stage":
    sys.path.insert(0, sys.argv[4])
    from bench_validate import stage_one
    from dazhou_reforms.read import jsonl_fast  # noqa: F401 (imported before stage_one is timed)
    from dazhou_reforms.validate import context, pool  # noqa: F401
    from dazhou_reforms.schema.models import TABLES

    for table in files:
        TABLES[table].model_validate_json(lines[table][0])
    if go:
        for table, path in files.items():
            stage_one(path, table)
else:
    from dazhou_reforms.validate.engine import Options, validate_paths

    options = Options(release=work / "release")
    validate_paths([work / "warm" / "metrics.jsonl", work / "warm" / "reforms.jsonl"], options)
    if go:
        outcome = validate_paths(list(files.values()), options)
        assert not outcome.problems, outcome.problems[:3]
"""


def instructions(step: str, work: Path, go: bool) -> int:
    """Instructions of one run of the runner (valgrind's own count of the client program)."""
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={work / 'callgrind.out'}",
            sys.executable,
            str(work / "runner.py"),
            step,
            str(work),
            "go" if go else "stop",
            str(Path(__file__).resolve().parent),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        sys.exit(f"valgrind printed no count for {step}:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=20_000, help="reform + metric records (half each)")
    parser.add_argument(
        "--steps",
        nargs="+",
        choices=STEPS,
        default=list(STEPS),
        metavar="STEP",
        help="count only these steps (quoted names, e.g. 'schema stage' validate)",
    )
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    work = Path(tempfile.mkdtemp(prefix="count-validate-"))
    try:
        tables = real_records()
        write_release(tables, work / "release")
        (work / "warm").mkdir()
        half = args.records // 2
        for table in ("reforms", "metrics"):
            write_file(work / f"{table}.jsonl", generated(table, tables[table], half))
            write_file(work / "warm" / f"{table}.jsonl", generated(table, tables[table], 50, start=10**6))
        (work / "runner.py").write_text(RUNNER, encoding="utf-8")
        total = 2 * half
        print(f"{total:,} records (half reforms, half metrics); instructions a record:\n")
        counts = {}
        for step in args.steps:
            counts[step] = (instructions(step, work, True) - instructions(step, work, False)) / total
            print(f"{step:<22} {counts[step]:>10,.0f}")
        if "orjson.loads" in counts:
            ceiling = counts["orjson.loads"]
            fractions = ", ".join(
                f"{step} {ceiling / counts[step]:.2f}"
                for step in ("empty model", "schema stage", "validate")
                if step in counts
            )
            print(f"\nas a fraction of the parse-only ceiling: {fractions}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

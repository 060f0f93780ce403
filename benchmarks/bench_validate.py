"""Records per second and peak memory of ``dazhou-reforms validate`` against JSON Schema validators.

Generates, in a temporary folder, JSON Lines files of valid reform and metric records in the
release format (every key present, ``null`` where absent), derived from the real records of raw/
(shortened, under new ids): by default 100,000 of each, plus a mini release folder of the
real records (for references and source text). Then, in the same run, on the same files:

  validate      the command, as a fresh process (`python -m dazhou_reforms.cli validate ...`):
                schema of every record, then the collection checks (ids, references, quotes,
                figures against their stated text) -- more work than the JSON Schema validators do
  stage 1       the command's per-line schema stage alone, in this process (what the JSON Schema
                validators below also do: parse + schema, no collection checks)
  jsonschema    Draft 2020-12 validator of the committed schema/<table>.schema.json (json.loads
                per line); run on a --sample of lines, it is slow
  fastjsonschema + orjson, per line
  orjson.loads  per line: the parse-only ceiling
  pydantic floor  ``model_validate_json`` per line of a model with no fields that keeps every key
                (extra allowed): pydantic's own parse and object building, no validation at all --
                the ceiling of any validator that builds the models per line, as issue 5 asks

Peak RSS (ru_maxrss of the validate process) is measured on the large files, on a ~1 MB file and on
a ~1 GB file (``--gigabyte-mb 0`` skips that one). Every figure is the median of ``--repeat``
rounds, each running every method once.
Targets (issue 5): validate >= 30x jsonschema, >= 2x fastjsonschema+orjson, >= 0.5x the parse-only
ceiling; peak RSS < 64 MB on the large file and on the 1 GB file. The pydantic floor alone runs at
about 0.4x the parse-only ceiling on this machine, before any validation: no validator built on
model_validate_json per line can reach 0.5x of it.

    python benchmarks/bench_validate.py [--records 200000] [--repeat 5] [--sample 20000] [--gigabyte-mb 1024]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


# -- data ----------------------------------------------------------------------------------------


def release_line(row: dict[str, Any]) -> bytes:
    return (json.dumps(row, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n").encode()


def real_records() -> dict[str, list[Any]]:
    from dazhou_reforms.check.dataset import read_and_check

    dataset = read_and_check(ROOT / "raw")
    if dataset.problems:
        sys.exit(f"raw/ has {len(dataset.problems)} problem(s); the benchmark needs valid records")
    return dataset.tables


def write_release(tables: dict[str, list[Any]], folder: Path) -> None:
    """A mini release folder: <table>.jsonl of the real records and their SHA256SUMS (what
    `validate --release` reads, after verifying the folder)."""
    from dazhou_reforms.release.write import checksums

    folder.mkdir(parents=True)
    for table, records in tables.items():
        with (folder / f"{table}.jsonl").open("wb") as out:
            for record in sorted(records, key=lambda r: getattr(r, "id", "")):
                out.write(release_line(record.model_dump(mode="json")))
    (folder / "SHA256SUMS").write_bytes(checksums({p.name: p.read_bytes() for p in folder.iterdir()}))


def _new_id(base: str, index: int) -> str:
    suffix = f"-g{index:07d}"
    return base[: 64 - len(suffix)].rstrip("-") + suffix


def _window(span: dict[str, Any], keep: str | None, size: int = 16) -> dict[str, Any]:
    """A shorter evidence span: ``size`` characters of the quote (around ``keep`` if it is there)."""
    quote = span["quote"]
    at = quote.find(keep) if keep else -1
    first = max(0, at - 4) if at >= 0 else 0
    last = max(first + size, at + len(keep) + 4) if at >= 0 and keep else first + size
    part = quote[first:last]
    return {**span, "start": span["start"] + first, "end": span["start"] + first + len(part), "quote": part}


def shortened(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A smaller valid record: long optional texts dropped, evidence quotes cut to a window.

    Reforms keep one evidence span and lose problem/measures/outcomes and recognitions; metrics
    keep the part of each quote around value_as_stated, and their note where the stated text has
    no unit (the check unit-not-stated requires it).
    """
    from dazhou_reforms.schema.units import parse_stated

    row = dict(row)
    if table == "reforms":
        for name in ("problem_zh", "problem_en", "measures_zh", "measures_en", "outcomes_zh", "outcomes_en"):
            row[name] = None
        row["recognitions"] = []
        row["evidence"] = [_window(row["evidence"][0], None)]
    elif table == "metrics":
        stated = row["value_as_stated"]
        row["evidence"] = [_window(span, stated) for span in row["evidence"]]
        if parse_stated(stated).unit is not None:
            row["note"] = None
    return row


def generated(table: str, records: list[Any], count: int, start: int = 0) -> Iterator[bytes]:
    """``count`` valid records of ``table`` in release form: real ones, shortened, under new ids.

    References keep pointing at real records (in the release), so every generated record is valid.
    """
    rows = [shortened(table, record.model_dump(mode="json")) for record in records]
    for index in range(start, start + count):
        row = dict(rows[index % len(rows)])
        row["id"] = _new_id(row["id"], index)
        yield release_line(row)


def write_file(path: Path, lines: Iterator[bytes]) -> int:
    count = 0
    with path.open("wb") as out:
        for line in lines:
            out.write(line)
            count += 1
    return count


def write_until(path: Path, table: str, records: list[Any], size: int) -> int:
    """Generated records of ``table`` until the file has ``size`` bytes; returns their count."""
    count = written = 0
    with path.open("wb") as out:
        while written < size:
            for line in generated(table, records, 1000, count):
                out.write(line)
                written += len(line)
                count += 1
                if written >= size:
                    break
    return count


# -- measurements --------------------------------------------------------------------------------


def command_env(work: Path) -> dict[str, str]:
    """The environment of the `validate` processes: as installed, with compiled bytecode (cached in
    ``work``; an environment that turns it off, PYTHONDONTWRITEBYTECODE, would make every run compile
    the package again, ~30 ms no installed copy pays)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def run_validate(paths: list[Path], release: Path, env: dict[str, str]) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB, from wait4: that process alone) of one `validate` process."""
    command = [
        sys.executable,
        "-m",
        "dazhou_reforms.cli",
        "validate",
        *map(str, paths),
        "--release",
        str(release),
    ]
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=output, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            output.seek(0)
            sys.exit(f"validate failed on {paths}:\n{output.read()[-3000:].decode(errors='replace')}")
    return elapsed, usage.ru_maxrss


def timed(function: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    count = function()
    return time.perf_counter() - start, count


def lines_of(path: Path, limit: int | None = None) -> Iterator[bytes]:
    with path.open("rb") as stream:
        for index, line in enumerate(stream):
            if limit is not None and index >= limit:
                return
            yield line


def schema_of(table: str) -> dict[str, Any]:
    committed = ROOT / "schema" / f"{table}.schema.json"
    if committed.is_file():
        loaded: dict[str, Any] = json.loads(committed.read_text(encoding="utf-8"))
        return loaded
    from dazhou_reforms.release.json_schema import table_json_schema

    return table_json_schema(table)


def stage_one(path: Path, table: str) -> int:
    """The command's streaming schema stage alone: fast path, key count, careful path if needed."""
    from dazhou_reforms.read.jsonl_fast import validate_jsonl
    from dazhou_reforms.validate.context import Context
    from dazhou_reforms.validate.engine import rare_collections
    from dazhou_reforms.validate.pool import STREAM_BATCH_SIZE, RecordPool

    problems: list[Any] = []

    class Discard(RecordPool):
        def add(self, table: str, record: Any, place: Any) -> None:
            pass

        def add_lines(self, table: str, records: Any, file: str, lines: Any) -> None:
            pass

        def room(self, table: str) -> int:
            return STREAM_BATCH_SIZE  # buffers as the command's, past its first batch

    pool = Discard(Context(), problems.extend)
    with rare_collections():  # as the command runs it
        counts = validate_jsonl(path, path.name, table, pool, problems.extend)
    if problems or counts.valid != counts.records:
        sys.exit(f"stage 1 found problems in {path}: {problems[:3]}")
    return counts.records


def jsonschema_run(path: Path, table: str, sample: int) -> int:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema_of(table))
    count = 0
    for line in lines_of(path, sample):
        if not validator.is_valid(json.loads(line)):
            sys.exit(f"jsonschema rejects a line of {path}")
        count += 1
    return count


def fastjsonschema_run(path: Path, table: str) -> int:
    import fastjsonschema
    import orjson

    validate = fastjsonschema.compile(schema_of(table))
    count = 0
    for line in lines_of(path):
        validate(orjson.loads(line))
        count += 1
    return count


def orjson_run(path: Path) -> int:
    import orjson

    count = 0
    for line in lines_of(path):
        orjson.loads(line)
        count += 1
    return count


def pydantic_floor_run(path: Path) -> int:
    from pydantic import BaseModel, ConfigDict

    class Anything(BaseModel):
        model_config = ConfigDict(extra="allow")

    validate = Anything.__pydantic_validator__.validate_json
    count = 0
    for line in lines_of(path):
        validate(line)
        count += 1
    return count


def median_rate(samples: list[tuple[float, int]]) -> float:
    return statistics.median(count / seconds for seconds, count in samples)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=200_000, help="reform + metric records (half each)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds; every figure is their median")
    parser.add_argument("--sample", type=int, default=20_000, help="lines per file for jsonschema")
    parser.add_argument("--gigabyte-mb", type=int, default=1024, help="size of the big file; 0 skips it")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-validate-"))
    work.mkdir(parents=True, exist_ok=True)
    tables = real_records()
    release = work / "release"
    if not release.exists():
        write_release(tables, release)
    files = {"reforms": work / "reforms.jsonl", "metrics": work / "metrics.jsonl"}
    half = args.records // 2
    for table, path in files.items():
        write_file(path, generated(table, tables[table], half))
    total = 2 * half
    size_mb = sum(path.stat().st_size for path in files.values()) / 1e6
    print(f"{total:,} records, {size_mb:.1f} MB in {work}")
    print(
        f"mean record: {size_mb * 1e6 / total:.0f} bytes; median of {args.repeat} round(s) for each figure\n"
    )

    def per_table(function: Callable[[Path, str], int]) -> tuple[float, int]:
        seconds = count = 0.0
        for table, path in files.items():
            took, done = timed(lambda path=path, table=table: function(path, table))
            seconds += took
            count += done
        return seconds, int(count)

    env = command_env(work)
    run_validate([work / "release" / "sections.jsonl"], release, env)  # compiles the bytecode once
    rss: list[int] = []

    def command() -> tuple[float, int]:
        seconds, peak = run_validate(list(files.values()), release, env)
        rss.append(peak)
        return seconds, total

    methods: dict[str, Callable[[], tuple[float, int]]] = {
        "validate (command, all checks)": command,
        "stage 1 (schema only, in-process)": lambda: per_table(stage_one),
        "jsonschema Draft 2020-12 (json)": lambda: per_table(
            lambda path, table: jsonschema_run(path, table, args.sample)
        ),
        "fastjsonschema + orjson": lambda: per_table(fastjsonschema_run),
        "orjson.loads (parse only)": lambda: per_table(lambda path, table: orjson_run(path)),
        "pydantic floor (empty model)": lambda: per_table(lambda path, table: pydantic_floor_run(path)),
    }
    # Rounds, each running every method once: a slower or busier stretch of the machine then
    # weighs on all of them alike instead of on whichever ran during it.
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in methods}
    for _ in range(args.repeat):
        for name, method in methods.items():
            samples[name].append(method())
    results = {name: median_rate(runs) for name, runs in samples.items()}
    large_rss = statistics.median(rss)

    width = max(map(len, results))
    for name, rate in results.items():
        print(f"{name:<{width}}  {rate:>10,.0f} records/s")
    command = results["validate (command, all checks)"]
    stage = results["stage 1 (schema only, in-process)"]
    print()
    for label, reference, target in (
        ("jsonschema", results["jsonschema Draft 2020-12 (json)"], 30.0),
        ("fastjsonschema + orjson", results["fastjsonschema + orjson"], 2.0),
        ("orjson parse-only ceiling", results["orjson.loads (parse only)"], 0.5),
    ):
        print(
            f"vs {label:<26} command {command / reference:6.2f}x, stage 1 {stage / reference:6.2f}x"
            f"   (target >= {target}x)"
        )
    floor = results["pydantic floor (empty model)"]
    print(
        f"vs {'pydantic floor':<26} command {command / floor:6.2f}x, stage 1 {stage / floor:6.2f}x"
        f"   (the floor itself: {floor / results['orjson.loads (parse only)']:.2f}x the parse-only ceiling)"
    )

    small = work / "small" / "metrics.jsonl"
    small.parent.mkdir(exist_ok=True)
    write_until(small, "metrics", tables["metrics"], 1_000_000)
    small_rss = statistics.median(run_validate([small], release, env)[1] for _ in range(args.repeat))
    print(f"\npeak RSS: {small_rss / 1024:6.1f} MB on a {small.stat().st_size / 1e6:.1f} MB file")
    print(f"peak RSS: {large_rss / 1024:6.1f} MB on the {size_mb:.0f} MB of the large files (target < 64 MB)")
    if args.gigabyte_mb:
        big = work / "big" / "metrics.jsonl"
        big.parent.mkdir(exist_ok=True)
        count = write_until(big, "metrics", tables["metrics"], args.gigabyte_mb * 1_000_000)
        took, big_rss = run_validate([big], release, env)
        print(
            f"peak RSS: {big_rss / 1024:6.1f} MB on a {big.stat().st_size / 1e6:.0f} MB file "
            f"of {count:,} records ({count / took:,.0f} records/s; one run) (target < 64 MB)"
        )
        big.unlink()
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

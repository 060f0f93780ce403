"""Memory does not grow with the input: a ~50 MB file is streamed, an over-long line is never held.

Measured with tracemalloc (Python allocations, deterministic), not wall time or RSS; the benchmark
(benchmarks/bench_validate.py) measures peak RSS on ~150 MB and 1 GB.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from dazhou_reforms.read.jsonl_lines import CHUNK_SIZE, MAX_RECORD_SIZE
from dazhou_reforms.validate.engine import Options, validate_paths

RELEASE = Path(__file__).parents[1] / "fixtures" / "problems" / "_release"

pytestmark = pytest.mark.slow
MB = 1024 * 1024


def metric_line(index: int) -> str:
    text = json.loads((RELEASE / "sources.jsonl").read_text(encoding="utf-8").splitlines()[0])["text"]
    at = text.index("469万亩")
    row = {
        "id": f"forest-area-{index:08d}",
        "reform_id": "forest-money-bank",
        "indicator_zh": "“森林钱库”面积",
        "indicator_en": f"Area of the “forest money bank”, copy {index}",
        "value": 4690000.0,
        "unit": "mu",
        "value_as_stated": "469万亩",
        "qualifier": "exact",
        "status": "target",
        "period_start": None,
        "period_end": None,
        "scope": None,
        "scope_zh": None,
        "place_code": "511700",
        "value_standard": 312666.6666666667,
        "unit_standard": "hectare",
        "note": "Generated for a memory test: the figure of the real metric forest-money-bank-area.",
        "evidence": [
            {"source_id": "dazhou-reform-article-2024-04-10", "start": at, "end": at + 5, "quote": "469万亩"}
        ],
    }
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_metrics(path: Path, size: int) -> int:
    template = metric_line(0)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        written = 0
        while written < size:
            line = template.replace("00000000", f"{count:08d}")
            out.write(line)
            written += len(line.encode())
            count += 1
    return count


def peak_while_validating(path: Path, **options: object) -> tuple[int, object]:
    tracemalloc.start()
    try:
        outcome = validate_paths([path], Options(release=RELEASE, **options))  # type: ignore[arg-type]
        return tracemalloc.get_traced_memory()[1], outcome
    finally:
        tracemalloc.stop()


def test_a_50_mb_file_is_validated_in_the_memory_of_a_1_mb_file(tmp_path: Path) -> None:
    small, large = tmp_path / "small" / "metrics.jsonl", tmp_path / "large" / "metrics.jsonl"
    small.parent.mkdir()
    large.parent.mkdir()
    write_metrics(small, 1 * MB)
    count = write_metrics(large, 50 * MB)
    small_peak, _ = peak_while_validating(small)
    large_peak, outcome = peak_while_validating(large)
    assert outcome.problems == [] and outcome.valid_records == count  # type: ignore[attr-defined]
    # one batch of records, the index of ids (8 bytes an id) and the read buffer: no growth with the data
    assert large_peak < small_peak + 8 * MB, (small_peak, large_peak)
    assert large_peak < 40 * MB


def test_a_line_longer_than_the_maximum_record_size_is_rejected_unread(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    with path.open("w", encoding="utf-8") as out:
        out.write(metric_line(1))
        out.write('{"id":"huge","note":"' + "x" * (3 * MAX_RECORD_SIZE) + '"}\n')
        out.write(metric_line(2))
    peak, outcome = peak_while_validating(path)
    problems = outcome.problems  # type: ignore[attr-defined]
    assert [(p.code, p.line) for p in problems] == [("record-too-large", 2)]
    assert outcome.exit_code == 1  # type: ignore[attr-defined]
    assert peak < MAX_RECORD_SIZE + 4 * MB  # never the whole 48 MB line


def test_a_valid_line_longer_than_a_read_chunk_is_still_read_whole_and_accepted(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    row = json.loads(metric_line(1))
    row["note"] = ("A long note. " * (2 * CHUNK_SIZE // 13)).strip()  # the line spans three read chunks
    with path.open("w", encoding="utf-8") as out:
        out.write(metric_line(0))
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.write(metric_line(2).replace('"value":4690000.0', '"value":"4690000"'))
    outcome = validate_paths([path], Options(release=RELEASE))
    assert (outcome.records, outcome.valid_records) == (3, 2)
    assert [(p.code, p.line) for p in outcome.problems] == [("wrong-type", 3)]


def test_the_command_on_a_large_file_reports_the_line_of_a_late_problem(tmp_path: Path) -> None:
    """Through the command: a ~10 MB file whose last line repeats the first id; exit 1, the
    duplicate at its line, no traceback."""
    import json as json_module

    from click.testing import CliRunner

    from dazhou_reforms.cli.validate import validate

    path = tmp_path / "metrics.jsonl"
    count = write_metrics(path, 10 * MB)
    with path.open("a", encoding="utf-8") as out:
        out.write(metric_line(0))
    result = CliRunner().invoke(validate, [str(path), "--release", str(RELEASE), "--format", "json"])
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    report = json_module.loads(result.output)
    assert report["summary"]["records"] == count + 1
    found = [(p["code"], p["line"]) for p in report["check_errors"]]
    assert found == [("duplicate-id", count + 1)]

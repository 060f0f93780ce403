"""Problems streamed to the report: sorted and each once through temporary files, the same report
whatever the memory bounds, the JSON report one document, and the counts of a stopped run."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from dazhou_reforms.cli.validate import validate
from dazhou_reforms.problems import codes
from dazhou_reforms.problems.problem import Problem, sort_key
from dazhou_reforms.validate import engine, external_sort, pool
from dazhou_reforms.validate.engine import Options, Outcome, validate_paths, validation
from dazhou_reforms.validate.external_sort import ExternalSort
from dazhou_reforms.validate.problem_store import KEY_CHARS, ProblemStore
from dazhou_reforms.validate.report import render_github, render_json, render_text, write_json

FIXTURES = Path(__file__).parents[1] / "fixtures" / "problems"
RELEASE = FIXTURES / "_release"


@pytest.fixture
def tiny_buffers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every problem (and every deferred or suspect) goes to disk: runs of 2, merged 2 by 2."""
    monkeypatch.setattr(external_sort, "BUFFER_ITEMS", 2)
    monkeypatch.setattr(external_sort, "FAN_IN", 2)
    monkeypatch.setattr(external_sort, "CHUNK", 3)
    monkeypatch.setattr(engine, "DUPLICATES_WINDOW", 2)
    monkeypatch.setattr(pool, "EXACT_IDS", 2)


def reference(problems: list[Problem]) -> list[Problem]:
    """What the report held before it streamed: every problem sorted, repeats dropped."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for problem in sorted(problems, key=sort_key):
        key = (problem.code, problem.file, problem.line, problem.column, problem.record_id, problem.path)
        key += (problem.message if problem.code != "duplicate-id" else "",)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out


# -- the sort on disk -------------------------------------------------------------------------------


@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers()), max_size=200), st.integers(1, 7), st.integers(2, 4)
)
@settings(max_examples=60, deadline=None)
def test_an_external_sort_is_a_stable_sort(items: list[tuple[int, int]], buffer: int, fan_in: int) -> None:
    with ExternalSort[tuple[int, int]](lambda item: item[0], buffer, fan_in=fan_in) as sort:
        for item in items:
            sort.add(item)
        expected = sorted(items, key=lambda item: item[0])
        assert list(sort) == expected
        assert list(sort) == expected  # read again: reading changes nothing
        assert len(sort) == len(items)
        if len(items) > buffer:
            assert sort.runs and sort.file is not None
    assert sort.file is None


def test_runs_of_a_full_level_are_merged_so_that_few_are_read_at_once() -> None:
    with ExternalSort[int](lambda item: item, buffer_items=1, fan_in=3) as sort:
        for item in range(27 + 9 + 2):
            sort.add(-item)
        assert [run.level for run in sort.runs] == [3, 2, 0, 0]
        assert list(sort) == sorted(-item for item in range(38))


def test_items_found_in_order_make_one_run_read_without_a_heap() -> None:
    with ExternalSort[tuple[int, int]](lambda item: item[0], buffer_items=3, fan_in=2) as sort:
        for number in range(20):
            sort.add((number // 2, number))
        assert len(sort.runs) == 1 and sort.runs[0].level == 0  # each run went on from the last
        sort.add((0, 100))  # out of order: a run of its own, merged
        sort.add((25, 101))
        sort.add((3, 102))
        assert len(sort.runs) == 1 and sort.runs[0].level == 1
        expected = sorted(
            [(n // 2, n) for n in range(20)] + [(0, 100), (25, 101), (3, 102)], key=lambda i: i[0]
        )
        assert list(sort) == expected


CODES = ["json-syntax", "missing-field", "duplicate-id", "unreadable", "unresolved-reference"]


@st.composite
def problem_lists(draw: st.DrawFn) -> list[Problem]:
    texts = st.sampled_from(["a", "b", "é", "x" * (KEY_CHARS - 1), "\x1b[2J", ""])
    some = st.none() | texts
    numbers = st.none() | st.integers(0, 3)
    problem = st.builds(
        lambda code, *rest: codes.CODES[code].problem(
            rest[0], rest[1], rest[2], rest[3], record_id=rest[4], path=rest[5], found=rest[6]
        ),
        st.sampled_from(CODES),
        st.sampled_from(["m", "n", "id `a` is used by 2 records"]),
        some,
        numbers,
        numbers,
        some,
        some,
        some,
    )
    return draw(st.lists(problem, max_size=60))


@given(problem_lists(), st.integers(1, 5))
@settings(max_examples=80, deadline=None)
def test_the_store_gives_the_problems_sorted_each_once(problems: list[Problem], buffer: int) -> None:
    with ProblemStore(buffer_problems=buffer) as store:
        for start in range(0, len(problems), 3):
            store.add(problems[start : start + 3])
        expected = reference(problems)
        assert list(store) == expected
        for kind in codes.KINDS:
            assert list(store.section(kind)) == [p for p in expected if codes.kind_of(p.code) == kind]
        assert store.has("input") == any(codes.kind_of(p.code) == "input" for p in problems)


def test_the_store_keeps_of_a_huge_string_what_a_report_prints() -> None:
    key = "k" * 5_000_000
    problems = [
        codes.UNKNOWN_FIELD.problem(f"unknown field `{key}`", "x.jsonl", 1, 2, path=key, found=key),
        codes.UNKNOWN_FIELD.problem(f"unknown field `{key}x`", "x.jsonl", 1, 2, path=key + "x"),
        codes.UNKNOWN_FIELD.problem(f"unknown field `{key}`", "x.jsonl", 1, 2, path=key, found=key),  # repeat
    ]
    with ProblemStore(buffer_problems=1) as store:
        store.add(problems)
        stored = list(store)
    assert len(stored) == 2
    assert [p.to_text() for p in stored] == [p.to_text() for p in problems[:2]]
    assert max(len(p.path or "") for p in stored) < 2100


# -- the report, streamed ---------------------------------------------------------------------------


def old_render_json(outcome: Outcome) -> str:
    """The JSON report as it was made before it streamed: one json.dumps of the whole document."""
    sections = {"input": "input_errors", "parse": "parse_errors", "schema": "schema_errors"}
    sections |= {"info": "information"}  # 1.1: information (series-conflict) is listed, not counted
    errors = [
        problem for problem in outcome.problems if codes.kind_of(problem.code) not in ("warning", "info")
    ]
    document: dict[str, Any] = {
        "report_version": 1,
        "valid": not errors,
        "exit_code": outcome.exit_code,
        "summary": {
            "files": outcome.files,
            "records": outcome.records,
            "valid_records": outcome.valid_records,
            "problems": len(errors),
            "truncated": outcome.truncated,
        },
        **{
            name: [] for name in ["input_errors", "parse_errors", "schema_errors", "check_errors", "warnings"]
        },
        "information": [],
    }
    sections["warning"] = "warnings"
    for problem in outcome.problems:
        document[sections.get(codes.kind_of(problem.code), "check_errors")].append(problem.to_dict())
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


@given(problem_lists(), st.integers(0, 10**7), st.booleans())
@settings(max_examples=80, deadline=None)
def test_the_streamed_json_report_is_the_document_it_was(
    problems: list[Problem], files: int, cut: bool
) -> None:
    outcome = Outcome(reference(problems), files=files, records=2 * files, valid_records=files, truncated=cut)
    assert render_json(outcome) == old_render_json(outcome)


def test_a_report_from_the_store_is_the_report_of_the_list(tmp_path: Path) -> None:
    paths = [
        FIXTURES / name / "metrics.jsonl" for name in ("json-syntax", "duplicate-key", "missing-field-jsonl")
    ]
    options = Options(release=RELEASE, max_errors=0)
    outcome = validate_paths(paths, options)
    assert len(outcome.problems) >= 3
    with validation(paths, options) as found:
        assert render_text(found) == render_text(outcome)
        assert render_json(found) == render_json(outcome) == old_render_json(outcome)
        assert render_github(found) == render_github(outcome)
        parts: list[str] = []
        write_json(found, parts.append)
        assert len(parts) > len(outcome.problems)  # written a problem at a time, not as one string


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(validate, [*args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def mixed_inputs(tmp_path: Path) -> list[str]:
    """Files of several tables, named so that the report's order (by file name) is not the reading
    order (sources first, then by table), with problems found late (checks, duplicates, parents)."""
    base = json.loads((RELEASE / "reforms.jsonl").read_text(encoding="utf-8").splitlines()[0])
    rows = [{**base, "id": f"r-{n % 7}", "parent_id": f"r-{n + 1}" if n % 3 else "gone"} for n in range(20)]
    rows[5]["id"] = 5
    (tmp_path / "reforms.a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    for name in ("json-syntax", "duplicate-key", "missing-field-jsonl", "unresolved-reference-jsonl"):
        shutil.copy(FIXTURES / name / "metrics.jsonl", tmp_path / f"metrics.{name}.jsonl")
    (tmp_path / "glossary.b.jsonl").write_text('{"id":"g"}\nx\n{"id":"g"}\n', encoding="utf-8")
    (tmp_path / "sources.jsonl").write_text("{}\n", encoding="utf-8")
    return [
        "reforms.a.jsonl",
        *sorted(p.name for p in tmp_path.glob("metrics.*")),
        "glossary.b.jsonl",
        "sources.jsonl",
    ]


@pytest.mark.parametrize("output_format", ["text", "json", "github"])
def test_the_report_is_the_same_whatever_the_bounds_of_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    names = mixed_inputs(tmp_path)
    monkeypatch.chdir(tmp_path)
    args = [*names, "--release", str(RELEASE), "--max-errors", "0", "--format", output_format]
    code, in_memory = run_cli(*args)
    outcome = validate_paths([Path(name) for name in names], Options(release=RELEASE, max_errors=0))
    with monkeypatch.context() as patch:
        for name, value in (("BUFFER_ITEMS", 2), ("FAN_IN", 2), ("CHUNK", 3)):
            patch.setattr(external_sort, name, value)
        patch.setattr(engine, "DUPLICATES_WINDOW", 2)
        patch.setattr(pool, "EXACT_IDS", 2)
        patch.setattr(pool, "BATCH_SIZE", 3)
        assert run_cli(*args) == (code, in_memory)
    assert code == 1
    render = {"text": render_text, "json": render_json, "github": render_github}[output_format]
    assert in_memory == render(outcome)
    files = [p.file for p in outcome.problems]
    assert files == sorted(files, key=lambda file: file or "")  # the report's order: by file
    shown = list(dict.fromkeys(files))  # read: sources, reforms, metrics, glossary
    assert shown[0] == "glossary.b.jsonl" and shown[-2:] == ["reforms.a.jsonl", "sources.jsonl"]
    assert len(shown) == 7


def test_duplicates_across_batches_are_counted_whole_however_many(
    tmp_path: Path, tiny_buffers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = json.loads((RELEASE / "reforms.jsonl").read_text(encoding="utf-8").splitlines()[0])
    rows = [{**base, "id": "same", "parent_id": None} for _ in range(9)]
    path = tmp_path / "reforms.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    outcome = validate_paths([path], Options(release=RELEASE, batch_size=2, max_errors=0))
    duplicates = [p for p in outcome.problems if p.code == "duplicate-id"]
    assert [p.line for p in duplicates] == list(range(2, 10))
    # each found across batches names all 9 (those a batch found first keep its wording)
    across = {p.message for p in duplicates if "reforms records" not in p.message}
    assert across == {"id `same` is used by 9 records"}
    monkeypatch.setattr(engine, "DUPLICATES_WINDOW", 1000)
    assert validate_paths([path], Options(release=RELEASE, batch_size=2, max_errors=0)) == outcome


def test_parents_that_never_come_are_reported_once_at_the_end(tmp_path: Path, tiny_buffers: None) -> None:
    base = json.loads((RELEASE / "reforms.jsonl").read_text(encoding="utf-8").splitlines()[0])
    rows = [{**base, "id": f"r-{n}", "parent_id": f"r-{n + 1}"} for n in range(10)]  # r-10 never comes
    rows += [{**base, "id": f"s-{n}", "parent_id": f"none-{n}"} for n in range(5)]
    path = tmp_path / "reforms.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    outcome = validate_paths([path], Options(release=RELEASE, batch_size=2, max_errors=0))
    found = [(p.code, p.line, p.record_id) for p in outcome.problems]
    assert found == [("unresolved-reference", 10 + n, f"s-{n - 1}" if n else "r-9") for n in range(6)]


def test_references_to_invalid_records_resolve_past_the_exact_set(tmp_path: Path, tiny_buffers: None) -> None:
    base = json.loads((RELEASE / "reforms.jsonl").read_text(encoding="utf-8").splitlines()[0])
    bad = [{**base, "id": f"bad-{n}", "name_en": 3} for n in range(6)]  # invalid: their ids still count
    good = [{**base, "id": f"ok-{n}", "parent_id": f"bad-{n}"} for n in range(6)]
    path = tmp_path / "reforms.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in bad + good), encoding="utf-8")
    outcome = validate_paths([path], Options(release=RELEASE, batch_size=2, max_errors=0))
    assert {p.code for p in outcome.problems} == {"wrong-type"}


def test_ids_are_exact_in_a_set_then_fingerprints() -> None:
    ids = pool.Ids(limit=3)
    for number in range(3):
        ids.add(f"a{number}", tag=1)
    assert ids.exact is not None and ids.has("a0", 1) and not ids.has("a0", 2) and "a0" in ids
    ids.add("b", tag=2)
    assert ids.exact is None and ids.index is not None
    assert all(ids.has(f"a{number}", 1) for number in range(3)) and ids.has("b", 2) and not ids.has("b", 1)
    assert "c" not in ids and len(ids) == 4


# -- --max-errors: the counts say what was read -----------------------------------------------------


def summary_line(*args: str) -> str:
    return run_cli(*args)[1].splitlines()[-1]


def test_a_stopped_json_lines_file_counts_the_records_read_until_the_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("g.jsonl").write_text('{"id":"a"}\n' * 5, encoding="utf-8")
    stopped = "(stopped at --max-errors; there may be more)"
    assert summary_line("g.jsonl", "--table", "glossary", "--max-errors", "1", "--no-release") == (
        f"1 problem(s) (1 schema) in 1 record(s) in 1 file(s) {stopped}"
    )
    assert summary_line("g.jsonl", "--table", "glossary", "--max-errors", "6", "--no-release") == (
        f"6 problem(s) (6 schema) in 2 record(s) in 1 file(s) {stopped}"
    )
    Path("x.jsonl").write_text("x\n" * 1000, encoding="utf-8")
    assert summary_line("x.jsonl", "--table", "glossary", "--max-errors", "10", "--no-release") == (
        f"10 problem(s) (10 parse) in 10 record(s) in 1 file(s) {stopped}"
    )
    code, output = run_cli("x.jsonl", "--table", "glossary", "--max-errors", "3", "--format", "json")
    report = json.loads(output)
    assert (code, report["summary"]["records"], report["summary"]["truncated"]) == (1, 3, True)


def test_a_stopped_tree_or_json_file_counts_what_it_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_tree: Callable[..., Path]
) -> None:
    raw = make_tree(FIXTURES / "unknown-field-raw-tree")
    whole = validate_paths([raw], Options(use_release=False, max_errors=0))
    stopped = validate_paths([raw], Options(use_release=False, max_errors=1))
    assert stopped.truncated and len(stopped.problems) == 1
    assert (stopped.files, stopped.records) == (whole.files, whole.records) and whole.records > 5
    records = [{"id": f"g{n}"} for n in range(4)]
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    outcome = validate_paths([path], Options(use_release=False, max_errors=2))
    assert (outcome.files, outcome.records, outcome.truncated) == (1, 4, True)


def test_the_run_stops_after_the_step_that_reached_the_limit(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("x\n" * 5, encoding="utf-8")
    second.write_text("x\n", encoding="utf-8")
    outcome = validate_paths([first, second], Options(table="glossary", use_release=False, max_errors=5))
    assert (outcome.files, outcome.records, len(outcome.problems)) == (1, 5, 5)
    assert {p.file for p in outcome.problems} == {first.as_posix()}


def test_a_full_disk_is_said_plainly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(external_sort, "BUFFER_ITEMS", 2)
    monkeypatch.setattr(external_sort.tempfile, "TemporaryFile", full)
    path = tmp_path / "x.jsonl"
    path.write_text("x\n" * 10, encoding="utf-8")
    result = CliRunner().invoke(validate, [str(path), "--table", "glossary", "--no-release"])
    assert result.exit_code == 2
    assert "No space left on device" in result.output
    assert "Traceback" not in result.output


def test_a_failure_while_writing_the_report_is_said_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dazhou_reforms.validate import report

    def broken(*_: object) -> None:
        raise RuntimeError("no\x1b[2J")

    monkeypatch.setattr(report, "write_text", broken)
    path = tmp_path / "x.jsonl"
    path.write_text("x\n", encoding="utf-8")
    result = CliRunner().invoke(validate, [str(path), "--table", "glossary", "--no-release"])
    assert result.exit_code == 2
    assert "Error: the report could not be written: RuntimeError: no\\x1b[2J" in result.output
    assert "Traceback" not in result.output


def test_a_shuffled_input_gives_the_same_report(tmp_path: Path) -> None:
    """The order problems are found in does not show: a file's lines shuffled, the report sorted."""
    lines = [f'{{"id":"g{n}","term_zh":1}}\n' if n % 2 else "x\n" for n in range(40)]
    path = tmp_path / "glossary.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    outcome = validate_paths([path], Options(use_release=False, max_errors=0))
    lines_of = [p.line or 0 for p in outcome.problems]
    assert lines_of == sorted(lines_of) and len(set(lines_of)) == 40
    random.Random(1).shuffle(lines)
    path.write_text("".join(lines), encoding="utf-8")
    again = validate_paths([path], Options(use_release=False, max_errors=0))
    assert [p.line or 0 for p in again.problems] == sorted(p.line or 0 for p in again.problems)


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    """``validate ... | head``: the report stops where the pipe closed, without a traceback."""
    import os
    import subprocess
    import sys

    import dazhou_reforms

    (tmp_path / "x.jsonl").write_bytes(b"x\n" * 30_000)
    package = str(Path(dazhou_reforms.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([package, os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "dazhou_reforms.cli", "validate", "x.jsonl", "--table", "glossary"]
    command += ["--max-errors", "0"]
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b"x.jsonl:1:1: json-syntax:")
    process.stdout.close()
    errors = process.stderr.read()
    assert process.wait(timeout=60) == 1
    assert errors == b""

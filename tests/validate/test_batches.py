"""Checked batch by batch (big inputs), the records give the same problems as checked all at once."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dazhou_reforms.validate.engine import Options, Outcome, validate_paths

RELEASE = Path(__file__).parents[1] / "fixtures" / "problems" / "_release"


def released(table: str) -> list[dict[str, Any]]:
    lines = (RELEASE / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def reform(base: dict[str, Any], new_id: str, **changes: Any) -> dict[str, Any]:
    return {**base, "id": new_id, "parent_id": None, **changes}


def metric(new_id: str, reform_id: str) -> dict[str, Any]:
    """A valid metric (三 reforms, quoting 三 in the source) of ``reform_id``."""
    text = released("sources")[0]["text"]
    at = text.index("三")
    return {
        "id": new_id,
        "reform_id": reform_id,
        "indicator_zh": "改革",
        "indicator_en": "Reforms",
        "value": 3.0,
        "unit": "count",
        "value_as_stated": "三",
        "qualifier": "exact",
        "status": "achieved",
        "period_start": None,
        "period_end": None,
        "scope": None,
        "scope_zh": None,
        "place_code": None,
        "value_standard": 3.0,
        "unit_standard": "count",
        "note": "How many.",
        "evidence": [
            {"source_id": "dazhou-reform-article-2024-04-10", "start": at, "end": at + 1, "quote": "三"}
        ],
    }


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    base = released("reforms")[0]
    rows = [reform(base, f"r-{n:02d}") for n in range(20)]
    rows[2]["parent_id"] = "r-17"  # a parent further on, in a later batch
    rows[4]["parent_id"] = "r-99"  # no such reform
    rows[6]["parent_id"] = "r-01"  # an earlier one
    rows[15]["id"] = "r-03"  # the same id as an earlier batch
    rows[8]["evidence"] = [{**base["evidence"][0], "quote": "not the source text"}]
    rows[8]["evidence"][0]["end"] = rows[8]["evidence"][0]["start"] + len("not the source text")
    metric_base = metric("m-00", "r-05")
    metrics = [{**metric_base, "id": f"m-{n:02d}"} for n in range(8)]
    metrics[3]["reform_id"] = "r-19"
    metrics[4]["reform_id"] = "r-55"  # no such reform
    metrics[5]["id"] = "r-10"  # a reform's id
    metrics[6].update(value=4.0, value_standard=4.0)  # disagrees with 三
    return [write(tmp_path / "reforms.jsonl", rows), write(tmp_path / "metrics.jsonl", metrics)]


def summary(outcome: Outcome) -> set[tuple[Any, ...]]:
    return {(p.code, p.file, p.line, p.record_id, p.path) for p in outcome.problems}


def test_batches_find_what_one_pass_finds(inputs: list[Path]) -> None:
    whole = validate_paths(inputs, Options(release=RELEASE))
    batched = validate_paths(inputs, Options(release=RELEASE, batch_size=3))
    reforms, metrics = (path.as_posix() for path in inputs)
    assert summary(whole) == {
        ("unresolved-reference", reforms, 5, "r-04", "parent_id"),
        ("quote-mismatch", reforms, 9, "r-08", "evidence[0].quote"),
        ("duplicate-id", reforms, 16, "r-03", "id"),
        ("unresolved-reference", metrics, 5, "m-04", "reform_id"),
        ("duplicate-id", metrics, 6, "r-10", "id"),
        ("value-mismatch", metrics, 7, "m-06", "value"),
    }
    assert summary(batched) == summary(whole)
    assert (whole.records, whole.valid_records) == (batched.records, batched.valid_records) == (28, 28)


def test_a_batch_boundary_does_not_hide_a_duplicate(tmp_path: Path) -> None:
    base = released("reforms")[0]
    rows = [reform(base, f"r-{n:03d}") for n in range(100)]
    rows[99]["id"] = "r-000"
    path = write(tmp_path / "reforms.jsonl", rows)
    for size in (1, 2, 7, 50, 1000):
        outcome = validate_paths([path], Options(release=RELEASE, batch_size=size))
        assert summary(outcome) == {("duplicate-id", path.as_posix(), 100, "r-000", "id")}, size


def test_ids_of_invalid_records_still_count_as_present(tmp_path: Path) -> None:
    """A broken parent is reported once, not again by every child that names it."""
    base = released("reforms")[0]
    rows = [reform(base, "parent", cap_major_topic=11), reform(base, "child", parent_id="parent")]
    path = write(tmp_path / "reforms.jsonl", rows)
    for size in (1, 1000):
        outcome = validate_paths([path], Options(release=RELEASE, batch_size=size))
        assert [p.code for p in outcome.problems] == ["invalid-code"]


def test_lines_of_the_careful_path_keep_the_order_and_the_counts(tmp_path: Path) -> None:
    """Valid lines wait in a buffer, lines the fast path cannot take go the careful way: every batch
    size gives the same problems, at the same lines, and the same counts."""
    base = released("reforms")[0]
    rows = [reform(base, f"r-{n:02d}") for n in range(10)]
    rows[3]["cap_major_topic"] = 11  # invalid: careful path
    rows[6]["cap_major_topic"] = 22  # invalid: careful path
    rows[8]["id"] = "r-02"  # a duplicate of a fast line, after careful ones
    rows[5]["id"] = "r-01"  # a duplicate of a fast line, itself taken by the careful path:
    rows[5]["name_en"] += ' ("a": b)'  # valid, but a `":` in a string and an escaped colon ...
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    lines[5] = lines[5].replace('b)"', 'b\\u003a)"')  # ... so the key count cannot vouch for it
    path = tmp_path / "reforms.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")  # the last line has no LF: careful too
    file = path.as_posix()
    expected = {
        ("invalid-code", file, 4, "r-03", "cap_major_topic"),
        ("invalid-code", file, 7, "r-06", "cap_major_topic"),
        ("duplicate-id", file, 6, "r-01", "id"),
        ("duplicate-id", file, 9, "r-02", "id"),
    }
    for size in (1, 2, 3, 1000):
        outcome = validate_paths([path], Options(release=RELEASE, batch_size=size))
        assert summary(outcome) == expected, size
        assert (outcome.records, outcome.valid_records) == (10, 8), size


def test_the_first_batch_holds_batch_size_records_the_next_ones_fewer(tmp_path: Path) -> None:
    """Up to batch_size records of a table are checked all at once (as build does); past that, in
    smaller batches that stay in the processor's cache."""
    from dazhou_reforms.problems.origins import Origin
    from dazhou_reforms.schema.models import Reform
    from dazhou_reforms.validate.context import release_folder
    from dazhou_reforms.validate.pool import STREAM_BATCH_SIZE, RecordPool

    context, problems = release_folder(RELEASE)
    assert problems == []
    base = Reform.model_validate_json(json.dumps(reform(released("reforms")[0], "r-0")))
    pool = RecordPool(context, problems.extend, batch_size=300)
    assert pool.room("reforms") == 300
    records = [base.model_copy(update={"id": f"r-{n}"}) for n in range(299)]
    pool.add_lines("reforms", records, "reforms.jsonl", list(range(1, 300)))
    assert (pool.room("reforms"), len(pool.kept["reforms"])) == (1, 299)
    pool.add("reforms", base.model_copy(update={"id": "r-299"}), Origin("reforms.jsonl", 300))
    assert (pool.room("reforms"), len(pool.kept["reforms"])) == (STREAM_BATCH_SIZE, 0)
    assert RecordPool(context, problems.extend, batch_size=3).room("reforms") == 3
    assert problems == []


def test_records_read_before_a_file_fails_midway_still_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read error after some lines: the file is `unreadable`, and the valid records read before it
    are still there for the references of the other files (no false unresolved-reference)."""
    from contextlib import contextmanager

    from dazhou_reforms.read import jsonl_fast

    base = released("reforms")[0]
    reforms = write(tmp_path / "reforms.jsonl", [reform(base, f"r-{n}") for n in range(5)])
    metrics = write(tmp_path / "metrics.jsonl", [metric("m-0", "r-2")])
    real_open = jsonl_fast.open_lines

    @contextmanager
    def failing_after_three_lines(path: Path) -> Any:
        with real_open(path) as stream:
            if path.name != "reforms.jsonl":
                yield stream
                return
            lines = iter([stream.readline(), stream.readline(), stream.readline()])

            class Failing:
                def readline(self, size: int = -1) -> bytes:
                    line = next(lines, None)
                    if line is None:
                        raise OSError(5, "Input/output error")
                    return line

            yield Failing()

    monkeypatch.setattr(jsonl_fast, "open_lines", failing_after_three_lines)
    outcome = validate_paths([reforms, metrics], Options(release=RELEASE))
    assert [(p.code, p.file) for p in outcome.problems] == [("unreadable", reforms.as_posix())]


def test_records_checked_in_batches_meet_the_glossary_whatever_the_order(tmp_path: Path) -> None:
    """The glossary is read first and never batched: each batch of another table meets its terms."""
    base = released("reforms")[0]
    term = {
        "id": "top-tens-term",
        "term_zh": "党委",
        "term_en": "party committee",
        "term_en_variants": [],
        "explanation_en": "The party committee.",
        "withdrawn": None,
        "withdrawn_reason": None,
        "evidence": base["evidence"],
    }
    rows = [reform(base, f"r-{n:02d}") for n in range(7)]
    rows[5]["name_en"] = "Annual commendation of advanced units"
    glossary = write(tmp_path / "glossary.jsonl", [term])
    reforms = write(tmp_path / "reforms.jsonl", rows)
    for size in (2, 1000):
        outcome = validate_paths([reforms, glossary], Options(release=RELEASE, batch_size=size))
        assert summary(outcome) == {("term-inconsistent", reforms.as_posix(), 6, "r-05", "name_en")}


def test_a_raw_tree_checked_in_batches_meets_its_glossary(make_tree: Callable[..., Path]) -> None:
    raw = make_tree(RELEASE.parent / "term-inconsistent")
    for size in (1, 1000):
        outcome = validate_paths([raw], Options(batch_size=size))
        assert [(p.code, p.record_id, p.path) for p in outcome.problems] == [
            ("term-inconsistent", "one-industry-one-license-one-code", "measures_en")
        ]

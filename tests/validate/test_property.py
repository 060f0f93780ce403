"""Whatever the input, `validate` exits 0, 1 or 2 with a report, never a traceback.

And the fast path (pydantic's JSON parser) never accepts a record the careful path rejects.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dazhou_reforms.cli.validate import validate
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.read.jsonl_fast import keys_unique
from dazhou_reforms.read.model_errors import validate_record
from dazhou_reforms.read.strict_json import JsonError, parse
from dazhou_reforms.schema.models import TABLES, Metric

RELEASE = Path(__file__).parents[1] / "fixtures" / "problems" / "_release"
RUNS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=15,
)

METRIC: dict[str, Any] = {
    "id": "m-1",
    "reform_id": None,
    "indicator_zh": "指标",
    "indicator_en": "An indicator",
    "value": 3.0,
    "unit": "count",
    "value_as_stated": "三个",
    "qualifier": "exact",
    "status": "achieved",
    "period_start": 2023,
    "period_end": None,
    "scope": None,
    "scope_zh": None,
    "place_code": "511700",
    "value_standard": 3.0,
    "unit_standard": "count",
    "note": None,
    "evidence": [{"source_id": "s", "start": 0, "end": 2, "quote": "三个"}],
}


def check_report(data: bytes, name: str, *options: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        result = CliRunner().invoke(validate, [str(path), "--no-release", "--format", "json", *options])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in {0, 1, 2}
    report = json.loads(result.output)
    assert report["exit_code"] == result.exit_code
    assert report["valid"] == (result.exit_code == 0)
    problems = [p for key, value in report.items() if key.endswith("_errors") for p in value]
    assert all(p["code"] != "internal-error" for p in problems), problems
    assert (result.exit_code == 0) == (not problems)


@pytest.mark.slow
@RUNS
@given(st.binary(max_size=300), st.sampled_from(["metrics.jsonl", "reforms.json", "sources.jsonl"]))
def test_arbitrary_bytes(data: bytes, name: str) -> None:
    check_report(data, name)


@pytest.mark.slow
@RUNS
@given(st.lists(json_values, min_size=1, max_size=4), st.sampled_from(list(TABLES)), st.booleans())
def test_arbitrary_json_values(values: list[Any], table: str, as_lines: bool) -> None:
    if as_lines:
        data = "".join(json.dumps(value) + "\n" for value in values).encode()
        check_report(data, "records.jsonl", "--table", table)
    else:
        check_report(json.dumps(values).encode(), "records.json", "--table", table)


@pytest.mark.slow
@RUNS
@given(st.binary(max_size=200))
def test_arbitrary_toml_bytes(data: bytes) -> None:
    check_report(data, "metrics.toml", "--table", "metrics")


mutations = st.dictionaries(
    st.sampled_from([*METRIC, "extra", "evidence"]),
    json_values | st.sampled_from(["", " ", "\u200b", "１２", "1,200", "NaN", True, 2022.0, "2022"]),
    max_size=3,
)


@pytest.mark.slow
@RUNS
@given(mutations, st.sets(st.sampled_from(list(METRIC)), max_size=2))
def test_the_fast_path_never_accepts_what_the_careful_path_rejects(
    changes: dict[str, Any], drop: set[str]
) -> None:
    record = {key: value for key, value in {**METRIC, **changes}.items() if key not in drop}
    try:
        text = json.dumps(record, ensure_ascii=False, allow_nan=False)
    except ValueError:
        return  # NaN is not JSON; the strict parser's own tests cover it
    try:
        fast_ok = keys_unique(text.encode(), Metric.model_validate_json(text))
    except ValueError:
        fast_ok = False
    try:
        careful, problems = validate_record(Metric, parse(text).value, Origin("x", line=1))
    except JsonError:
        careful, problems = None, []
    assert fast_ok == (careful is not None), problems


def _release_reform() -> dict[str, Any]:
    line = (RELEASE / "reforms.jsonl").read_text("utf-8")
    row: dict[str, Any] = json.loads(line.splitlines()[0])
    return row


def test_a_list_whose_items_fail_is_not_also_reported_empty() -> None:
    row = _release_reform()
    row["domains"] = ["not-a-domain"]
    row["name_en"] = " padded"
    record, problems = validate_record(TABLES["reforms"], row, Origin("reforms.jsonl", line=1))
    assert record is None
    assert [(p.code, p.path, p.message) for p in problems] == [
        ("invalid-value", "name_en", "must not start or end with white space"),
        ("invalid-code", "domains[0]", "`domains[0]` is not one of the allowed codes"),
    ]
    row["domains"] = []
    _, problems = validate_record(TABLES["reforms"], row, Origin("reforms.jsonl", line=1))
    assert ("empty-value", "domains") in [(p.code, p.path) for p in problems]

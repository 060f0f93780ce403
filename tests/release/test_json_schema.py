"""schema/<table>.schema.json: generated from the models, committed, and every released record fits it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from dazhou_reforms.cli.schema import schema
from dazhou_reforms.release.json_schema import DRAFT, schema_files, table_json_schema
from dazhou_reforms.schema.models import TABLES

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "schema"


def validator(table: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMA_DIR / f"{table}.schema.json").read_text(encoding="utf-8")))


def test_committed_schema_files_are_up_to_date() -> None:
    committed = {path.name: path.read_bytes() for path in SCHEMA_DIR.glob("*.schema.json")}
    stale = sorted(name for name, data in schema_files().items() if committed.get(name) != data)
    assert not stale, f"schema/ is stale ({', '.join(stale)}): run `dazhou-reforms schema`"
    assert set(committed) == set(schema_files()), "schema/ has files for tables that no longer exist"


def test_schema_command_check_passes_on_the_committed_files() -> None:
    result = CliRunner().invoke(schema, ["--out", str(SCHEMA_DIR), "--check"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{SCHEMA_DIR.as_posix()}: {len(TABLES)} schema files up to date\n"


def test_schema_command_writes_then_check_reports_stale(tmp_path: Path) -> None:
    out = tmp_path / "schema"
    result = CliRunner().invoke(schema, ["--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {path.name: path.read_bytes() for path in out.iterdir()} == schema_files()
    (out / "metrics.schema.json").write_text("{}\n", encoding="utf-8")
    result = CliRunner().invoke(schema, ["--out", str(out), "--check"])
    assert result.exit_code == 1
    assert (
        result.stderr == f"{(out / 'metrics.schema.json').as_posix()} is stale: run `dazhou-reforms schema`\n"
    )
    assert (out / "metrics.schema.json").read_text(encoding="utf-8") == "{}\n"


@pytest.mark.parametrize("table", list(TABLES))
def test_schema_is_valid_draft_2020_12(table: str) -> None:
    generated = table_json_schema(table)
    Draft202012Validator.check_schema(generated)
    assert generated["$schema"] == DRAFT == "https://json-schema.org/draft/2020-12/schema"
    assert generated["$id"] == f"urn:dazhou-reforms:schema:{table}" and generated["title"] == table
    assert list(generated["properties"]) == list(TABLES[table].model_fields) == generated["required"]
    assert generated["additionalProperties"] is False


def test_generation_is_deterministic() -> None:
    assert schema_files() == schema_files()


@pytest.mark.parametrize("table", list(TABLES))
def test_every_released_record_validates(
    release: Path, table: str, read_jsonl: Callable[[Path], list[dict[str, Any]]]
) -> None:
    check = validator(table)
    rows = read_jsonl(release / f"{table}.jsonl")
    assert rows
    for row in rows:
        errors = [error.message for error in check.iter_errors(row)]
        assert not errors, (table, row.get("id"), errors)


@pytest.fixture
def reform_row(release: Path, read_jsonl: Callable[[Path], list[dict[str, Any]]]) -> dict[str, Any]:
    """A copy of a released reform with a recognition, to change."""
    return copy.deepcopy(next(row for row in read_jsonl(release / "reforms.jsonl") if row["recognitions"]))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda r: r.update(nickname="x"),
            "Additional properties are not allowed ('nickname' was unexpected)",
        ),
        (lambda r: r.pop("status"), "'status' is a required property"),
        (lambda r: r.update(kind="revolution"), "'revolution' is not one of"),
        (lambda r: r.update(cap_major_topic=11), "11 is not one of"),
        (lambda r: r.update(cap_major_topic="15"), "'15' is not one of"),
        (lambda r: r.update(name_en=" leading blank"), "' leading blank' does not match"),
        (lambda r: r.update(name_en="\u200b"), r"'\u200b' does not match"),
        (lambda r: r.update(problem_en=""), "'' should be non-empty"),
        (lambda r: r.update(id="Bad_Id"), "'Bad_Id' does not match"),
        (lambda r: r.update(evidence=[]), "[] should be non-empty"),
        (lambda r: r.update(section=None), "None is not of type 'string'"),
        (lambda r: r["evidence"][0].update(start=-1), "-1 is less than the minimum of 0"),
        (lambda r: r["recognitions"][0].update(year=1800), "1800 is less than the minimum of 1900"),
        (lambda r: r["recognitions"][0].pop("evidence"), "'evidence' is a required property"),
    ],
)
def test_schema_rejects_broken_records(reform_row: dict[str, Any], change: Any, expected: str) -> None:
    row = reform_row
    change(row)
    messages = [error.message for error in validator("reforms").iter_errors(row)]
    messages += [
        sub.message for error in validator("reforms").iter_errors(row) for sub in error.context or []
    ]
    assert any(expected in message for message in messages), messages


def test_nullable_fields_accept_null_and_their_type(reform_row: dict[str, Any]) -> None:
    row = reform_row
    for value in (None, "A problem."):
        row["problem_en"] = value
        assert not list(validator("reforms").iter_errors(row))

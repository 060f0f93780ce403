"""``withdrawn`` and ``withdrawn_reason``: on every record with an id, both or neither, a real date."""

from __future__ import annotations

import json
import tomllib
from datetime import date, datetime

import pytest
from pydantic import ValidationError

from dazhou_reforms.release.arrow import table_schema
from dazhou_reforms.release.json_schema import table_json_schema
from dazhou_reforms.schema.field_types import Scalar, table_struct
from dazhou_reforms.schema.models import ID_TABLES, TABLES, GlossaryTerm

TERM = {
    "id": "a-term",
    "term_zh": "术语",
    "term_en": "term",
    "explanation_en": "A term.",
    "evidence": [{"source_id": "s", "start": 0, "end": 2, "quote": "术语"}],
}


@pytest.mark.parametrize("table", ID_TABLES)
def test_every_record_with_an_id_can_be_withdrawn(table: str) -> None:
    columns = {column.name: column for column in table_struct(table).columns}
    assert columns["withdrawn"].type == Scalar("date") and columns["withdrawn"].nullable
    assert columns["withdrawn_reason"].type.kind == "string"  # type: ignore[union-attr]
    assert columns["withdrawn_reason"].nullable
    schema = table_schema(table)
    assert str(schema.field("withdrawn").type) == "date32[day]"
    properties = table_json_schema(table)["properties"]
    assert properties["withdrawn"]["anyOf"][0] == {
        "type": "string",
        "format": "date",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    }


def test_vocabulary_entries_have_no_withdrawn_field() -> None:
    assert "withdrawn" not in TABLES["vocabularies"].model_fields


def test_a_toml_date_and_a_json_date_text_are_read_alike() -> None:
    text = 'withdrawn = 2026-11-30\nwithdrawn_reason = "Found wrong."\n'
    from_toml = GlossaryTerm.model_validate({**TERM, **tomllib.loads(text)})
    from_python_json = GlossaryTerm.model_validate(
        {**TERM, "withdrawn": "2026-11-30", "withdrawn_reason": "Found wrong."}
    )
    from_json = GlossaryTerm.model_validate_json(
        json.dumps({**TERM, "withdrawn": "2026-11-30", "withdrawn_reason": "Found wrong."})
    )
    assert from_toml.withdrawn == from_python_json.withdrawn == from_json.withdrawn == date(2026, 11, 30)
    assert from_toml.model_dump(mode="json")["withdrawn"] == "2026-11-30"
    assert GlossaryTerm.model_validate(TERM).withdrawn is None


@pytest.mark.parametrize(
    "value",
    ["2026-02-30", "2026-11-30T00:00:00", "30.11.2026", 20261130, datetime(2026, 11, 30), ""],
)
def test_not_a_date_is_rejected(value: object) -> None:
    with pytest.raises(ValidationError) as raised:
        GlossaryTerm.model_validate({**TERM, "withdrawn": value, "withdrawn_reason": "Found wrong."})
    assert [error["loc"] for error in raised.value.errors()] == [("withdrawn",)]


@pytest.mark.parametrize(
    "fields",
    [{"withdrawn": date(2026, 11, 30)}, {"withdrawn_reason": "Found wrong."}],
)
def test_withdrawn_and_its_reason_go_together(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match="withdrawn and withdrawn_reason go together"):
        GlossaryTerm.model_validate({**TERM, **fields})


def test_the_reason_is_a_text() -> None:
    with pytest.raises(ValidationError):
        GlossaryTerm.model_validate({**TERM, "withdrawn": date(2026, 11, 30), "withdrawn_reason": " "})

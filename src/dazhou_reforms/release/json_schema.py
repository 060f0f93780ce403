"""JSON Schema (draft 2020-12) of each released table, generated from the models.

Every released JSONL line validates against ``schema/<table>.schema.json``. A released record
always carries every key (``null`` where a value is absent), so every property is required and no
other is allowed. Rules the models check that JSON Schema cannot say (``end - start ==
len(quote)``, references between tables) are named in the descriptions.

``dazhou-reforms schema`` writes the files; a test fails when the committed ones are stale.
"""

from __future__ import annotations

import json
from typing import Any

from dazhou_reforms.schema.field_types import FieldType, ListOf, Scalar, Struct, table_struct
from dazhou_reforms.schema.models import TABLES

#: A date in JSON: ``format`` is an annotation only unless a validator asserts it, so the pattern too.
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: Base of each schema's ``$id``: ``urn:dazhou-reforms:schema:<table>`` (stable across releases).
ID_BASE = "urn:dazhou-reforms:schema:"

_NOTES = {
    "Evidence": " `end - start` always equals the length of `quote`.",
}


def _type(field_type: FieldType, defs: dict[str, Any]) -> dict[str, Any]:
    if isinstance(field_type, Scalar):
        if field_type.kind == "date":
            return {"type": "string", "format": "date", "pattern": DATE_PATTERN}
        return {"type": field_type.kind, **field_type.constraints()}
    if isinstance(field_type, ListOf):
        schema: dict[str, Any] = {"type": "array", "items": _type(field_type.item, defs)}
        if field_type.min_items:
            schema["minItems"] = field_type.min_items
        return schema
    if field_type.name not in defs:
        defs[field_type.name] = {}  # reserve the slot: definitions come out in first-use order
        defs[field_type.name] = _object(field_type, defs, title=field_type.name)
    return {"$ref": f"#/$defs/{field_type.name}"}


def _object(struct: Struct, defs: dict[str, Any], title: str) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for column in struct.columns:
        inner = _type(column.type, defs)
        if column.nullable:
            inner = {"anyOf": [inner, {"type": "null"}]}
        properties[column.name] = {"description": column.description, **inner}
    return {
        "title": title,
        "description": struct.description + _NOTES.get(struct.name, ""),
        "type": "object",
        "properties": properties,
        "required": [column.name for column in struct.columns],
        "additionalProperties": False,
    }


def table_json_schema(table: str) -> dict[str, Any]:
    """The JSON Schema of one record (one JSONL line) of ``table``."""
    defs: dict[str, Any] = {}
    body = _object(table_struct(table), defs, title=table)
    schema = {"$schema": DRAFT, "$id": f"{ID_BASE}{table}", **body}
    if defs:
        schema["$defs"] = defs
    return schema


def render_json(value: Any) -> bytes:
    """Canonical pretty JSON: 2-space indent, UTF-8 without escapes, LF, final newline."""
    return (json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


def schema_files() -> dict[str, bytes]:
    """``<table>.schema.json`` -> its bytes, for every table."""
    return {f"{table}.schema.json": render_json(table_json_schema(table)) for table in TABLES}

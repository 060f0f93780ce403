"""``datapackage.json``: a Frictionless Data Package describing the release's JSONL tables.

One tabular resource per table, pointing at ``<table>.jsonl`` (which ``frictionless validate``
reads offline; its Parquet reader turns list cells into NumPy arrays that the ``array`` type does
not accept), with ``hash`` and ``bytes``, and a Table Schema: field types and constraints from the
models, ``primaryKey``, and ``foreignKeys`` for every top-level reference between tables.
References inside lists (``organization_ids``, ``evidence[].source_id``) cannot be declared in
Table Schema; the build checks them before writing anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from dazhou_reforms.release import metadata as meta
from dazhou_reforms.release.annotations import ANNOTATIONS_NAME
from dazhou_reforms.schema.field_types import Column, ListOf, Scalar, table_struct

#: table -> (field, referenced table, referenced field); "" as the table means the same table.
FOREIGN_KEYS: dict[str, list[tuple[str, str, str]]] = {
    "sections": [("source_id", "sources", "id")],
    "reforms": [("section", "sections", "id"), ("parent_id", "", "id")],
    "metrics": [("reform_id", "reforms", "id")],
}
PRIMARY_KEYS: dict[str, list[str]] = {"vocabularies": ["vocabulary", "code"]}


def table_field(column: Column) -> dict[str, Any]:
    field: dict[str, Any] = {"name": column.name, "description": column.description}
    constraints: dict[str, Any] = {} if column.nullable else {"required": True}
    if isinstance(column.type, Scalar):
        field["type"] = column.type.kind
        constraints.update(column.type.constraints())
    elif isinstance(column.type, ListOf):
        field["type"] = "array"
        if column.type.min_items:
            constraints["minLength"] = column.type.min_items
        item = column.type.item
        if isinstance(item, Scalar):
            item_constraints = item.constraints()
            field["arrayItem"] = {
                "type": item.kind,
                **({"constraints": item_constraints} if item_constraints else {}),
            }
        else:
            field["arrayItem"] = {"type": "object"}
    else:
        field["type"] = "object"
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(table: str) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [table_field(column) for column in table_struct(table).columns],
        "primaryKey": PRIMARY_KEYS.get(table, ["id"]),
    }
    keys = FOREIGN_KEYS.get(table, [])
    if keys:
        schema["foreignKeys"] = [
            {"fields": [field], "reference": {"resource": resource, "fields": [target]}}
            for field, resource, target in keys
        ]
    return schema


def annotations_resource(data: bytes) -> dict[str, Any]:
    """``annotations.jsonld`` as a non-tabular JSON resource (checked by its hash and size)."""
    return {
        "name": "annotations",
        "type": "json",
        "path": ANNOTATIONS_NAME,
        "format": "jsonld",
        "mediatype": "application/ld+json",
        "encoding": "utf-8",
        "title": "annotations",
        "description": meta.ANNOTATIONS_SUMMARY,
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "bytes": len(data),
    }


def render_datapackage(
    rows: Mapping[str, Sequence[Mapping[str, Any]]], files: Mapping[str, bytes], release: meta.ReleaseInfo
) -> dict[str, Any]:
    """The Data Package descriptor; ``files`` holds the bytes of every ``<table>.jsonl``."""
    credits = meta.source_credits(rows)
    resources = []
    for table in rows:
        data = files[f"{table}.jsonl"]
        resources.append(
            {
                "name": table,
                "type": "table",
                "path": f"{table}.jsonl",
                "format": "jsonl",
                "mediatype": "application/jsonl",
                "encoding": "utf-8",
                "title": table,
                "description": meta.TABLE_SUMMARIES.get(table, table_struct(table).description),
                "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
                "bytes": len(data),
                "schema": table_schema(table),
            }
        )
    if ANNOTATIONS_NAME in files:
        resources.append(annotations_resource(files[ANNOTATIONS_NAME]))
    return {
        "name": meta.NAME,
        "title": meta.PRETTY_NAME,
        "description": f"{meta.DESCRIPTION} {meta.licence_statement()} {meta.text_rights_statement(credits)}",
        "version": release.version,
        "keywords": list(meta.KEYWORDS),
        "licenses": [
            {
                "name": meta.RECORDS_LICENSE["spdx"],
                "path": meta.RECORDS_LICENSE["url"],
                "title": meta.RECORDS_LICENSE["title"] + " (the curated records)",
            },
        ],
        "contributors": [{"title": meta.CREATOR, "role": "author"}],
        "sources": [
            {"title": credit.credit_line(markdown=False), **({"path": credit.url} if credit.url else {})}
            for credit in credits
        ],
        "resources": resources,
    }

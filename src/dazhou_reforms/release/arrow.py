"""The Arrow schema of each released table, and its Hugging Face ``datasets`` features.

Types come from :mod:`dazhou_reforms.schema.field_types` (so, from the models): strings, ``int64``,
``float64``, lists and structs — nothing is inferred from the data.

Every Arrow field is nullable, as in the Arrow schemas ``datasets`` itself writes: ``datasets``
uses the features stored in a Parquet file only for columns whose Arrow field equals the one the
features describe, nullability included. Which fields may be null is stated by the JSON Schema and
the Frictionless Table Schema (``required``) instead.

The features are written in the plain-JSON encoding that every ``datasets`` release from 2.x to
5.x reads: ``{"_type": "Value", "dtype": ...}`` for scalars, a dict for a struct and a one-item
JSON list for a list (``"List"`` is unknown before 4.0; ``"Sequence"`` of a struct means a struct
of lists); in the card's YAML: ``dtype``, ``struct`` and ``list``.

pyarrow is imported inside the functions that need it: ``import dazhou_reforms`` stays light.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from dazhou_reforms.schema.field_types import FieldType, ListOf, Scalar, Struct, table_struct

if TYPE_CHECKING:
    import pyarrow as pa

#: column kind -> Hugging Face ``Value`` dtype (which is also the Arrow type's name).
HF_DTYPES = {"string": "string", "integer": "int64", "number": "float64", "date": "date32"}


def arrow_type(field_type: FieldType) -> pa.DataType:
    import pyarrow as pa

    if isinstance(field_type, Scalar):
        types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.date32()}
        return types[field_type.kind]
    if isinstance(field_type, ListOf):
        return pa.list_(arrow_type(field_type.item))
    return pa.struct([pa.field(column.name, arrow_type(column.type)) for column in field_type.columns])


def table_schema(table: str) -> pa.Schema:
    """The Arrow schema of ``table``, with the ``huggingface`` features in its metadata."""
    import pyarrow as pa

    struct = table_struct(table)
    fields = [pa.field(column.name, arrow_type(column.type)) for column in struct.columns]
    metadata = {"huggingface": json.dumps({"info": {"features": hf_features(table)}}, ensure_ascii=False)}
    return pa.schema(fields, metadata=metadata)


def json_read_schema(schema: pa.Schema) -> pa.Schema:
    """``schema`` with its date columns as strings: Arrow's JSON reader parses no date from text, so
    they are read as the text YYYY-MM-DD and cast to ``date32`` afterwards."""
    import pyarrow as pa

    fields = [
        pa.field(field.name, pa.string()) if pa.types.is_date32(field.type) else field for field in schema
    ]
    return pa.schema(fields, metadata=schema.metadata)


def hf_feature(field_type: FieldType) -> Any:
    """One column as a ``datasets`` feature in its JSON (``Features.to_dict``) encoding."""
    if isinstance(field_type, Scalar):
        return {"_type": "Value", "dtype": HF_DTYPES[field_type.kind]}
    if isinstance(field_type, ListOf):
        return [hf_feature(field_type.item)]
    return {column.name: hf_feature(column.type) for column in field_type.columns}


def hf_features(table: str) -> dict[str, Any]:
    """The ``datasets`` features of ``table`` as plain JSON-able data (``Features.from_dict`` reads it)."""
    feature = hf_feature(table_struct(table))
    assert isinstance(feature, dict)
    return feature


def hf_yaml_feature(name: str, field_type: FieldType) -> dict[str, Any]:
    """One column in the card's ``dataset_info.features`` YAML encoding."""
    if isinstance(field_type, Scalar):
        return {"name": name, "dtype": HF_DTYPES[field_type.kind]}
    if isinstance(field_type, ListOf):
        item = field_type.item
        if isinstance(item, Scalar):
            return {"name": name, "list": HF_DTYPES[item.kind]}
        return {"name": name, "list": _yaml_inner(item)}
    return {"name": name, "struct": _yaml_inner(field_type)}


def _yaml_inner(field_type: FieldType) -> Any:
    if isinstance(field_type, Struct):
        return [hf_yaml_feature(column.name, column.type) for column in field_type.columns]
    if isinstance(field_type, ListOf):
        return {"list": _yaml_inner(field_type.item)}
    return {"dtype": HF_DTYPES[field_type.kind]}


def hf_yaml_features(table: str) -> list[dict[str, Any]]:
    """The ``dataset_info.features`` list of ``table`` for the dataset card's YAML front matter."""
    return [hf_yaml_feature(column.name, column.type) for column in table_struct(table).columns]

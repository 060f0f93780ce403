"""Released tables as bytes: canonical JSONL and deterministic Parquet.

Rows are sorted by id (vocabulary entries by vocabulary name, then in the order the codes are
declared in :mod:`dazhou_reforms.schema.vocabularies`).

Parquet bytes are a pure function of the rows and the pyarrow version: the footer records the
writer (``created_by: parquet-cpp-arrow version X.Y.Z``) and there is nothing else that varies —
no timestamps, no paths. Every writer option that has a default is given explicitly, so that a
newer pyarrow changing a default cannot change the layout; the ``created_by`` string itself still
differs between pyarrow versions, so byte-identical rebuilds need the same pyarrow version.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from dazhou_reforms.schema.vocabularies import VOCABULARIES

if TYPE_CHECKING:
    import pyarrow as pa

#: Options of ``pyarrow.parquet.write_table`` for every released Parquet file.
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "data_page_size": 1024 * 1024,
    "row_group_size": 1024 * 1024,
    "use_compliant_nested_type": True,
    "store_schema": True,
    "write_page_index": False,
    "write_page_checksum": False,
}


def sort_key(table: str, record: BaseModel) -> tuple[Any, ...]:
    if table == "vocabularies":
        vocabulary, code = getattr(record, "vocabulary"), getattr(record, "code")  # noqa: B009
        declared = [str(value) for value in VOCABULARIES.get(vocabulary, ())]
        position = declared.index(code) if code in declared else len(declared)
        return (vocabulary, position, code)
    return (getattr(record, "id"),)  # noqa: B009


def sorted_rows(table: str, records: Sequence[BaseModel]) -> list[dict[str, Any]]:
    """The records of ``table`` in release order, as JSON-compatible dicts in model field order."""
    ordered = sorted(records, key=lambda record: sort_key(table, record))
    return [record.model_dump(mode="json") for record in ordered]


def jsonl_bytes(rows: list[dict[str, Any]]) -> bytes:
    """One canonical JSON object per line: model key order, no ASCII escapes, LF endings."""
    lines = [
        json.dumps(row, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n" for row in rows
    ]
    return "".join(lines).encode("utf-8")


def arrow_table(table: str, jsonl: bytes) -> pa.Table:
    """The JSONL lines of ``table`` parsed by Arrow into the table's explicit schema (no type inference).

    Reading the released JSONL (rather than converting Python objects, which makes pyarrow import
    pandas) keeps the build fast and makes the Parquet file hold exactly what the JSONL holds.
    """
    import pyarrow.json as pj

    from dazhou_reforms.release.arrow import json_read_schema, table_schema

    schema = table_schema(table)
    if not jsonl:
        return schema.empty_table()
    read = pj.ReadOptions(use_threads=False, block_size=len(jsonl) + 1)
    parse = pj.ParseOptions(explicit_schema=json_read_schema(schema), unexpected_field_behavior="error")
    data = pj.read_json(io.BytesIO(jsonl), read_options=read, parse_options=parse)
    return data.select(schema.names).cast(schema).replace_schema_metadata(schema.metadata)


def parquet_bytes(data: pa.Table) -> bytes:
    """``data`` as a Parquet file written with :data:`PARQUET_OPTIONS`."""
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(data, sink, **PARQUET_OPTIONS)
    return sink.getvalue()


def arrow_size(parquet: bytes) -> int:
    """Bytes of the Arrow buffers of the table read back from ``parquet`` (what ``datasets`` counts)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(pa.BufferReader(parquet)).read().nbytes)


def parquet_writer() -> str:
    """The ``created_by`` string this pyarrow writes into every Parquet footer."""
    import pyarrow as pa

    return f"parquet-cpp-arrow version {pa.__version__}"

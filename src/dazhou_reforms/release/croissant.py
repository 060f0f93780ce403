"""``croissant.json``: MLCommons Croissant 1.1 JSON-LD metadata of the release.

Every data file is a ``cr:FileObject`` with its SHA-256; every table is a ``cr:RecordSet`` whose
fields extract the columns of ``<table>.parquet``; lists are ``isArray`` fields, lists of structs
(``evidence``, ``recognitions``) have ``subField``s that reach into each item with ``jsonPath``.
The ``@context`` is the standard Croissant 1.1 context, so ``mlcroissant validate`` raises no
warning about it.

Written so that ``mlcroissant`` (1.1) also *loads* every record set, which takes two omissions:
no ``references`` (mlcroissant turns each into a join, which fails, and a reference of ``reforms``
to itself makes its operation graph cyclic; ``datapackage.json`` declares the foreign keys), and
no sub-fields for a list inside a list item (``recognitions[].evidence``: mlcroissant cannot apply
a ``jsonPath`` to a nested list). The field descriptions say what is left out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from dazhou_reforms.release import metadata as meta
from dazhou_reforms.release.annotations import ANNOTATIONS_NAME
from dazhou_reforms.release.frictionless import PRIMARY_KEYS
from dazhou_reforms.schema.field_types import Column, FieldType, ListOf, Scalar, Struct, table_struct

CONFORMS_TO = "http://mlcommons.org/croissant/1.1"

CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

DATA_TYPES = {"string": "sc:Text", "integer": "cr:Int64", "number": "cr:Float64", "date": "sc:Date"}
ENCODINGS = {".parquet": "application/x-parquet", ".jsonl": "application/jsonl"}
FORMAT_NAMES = {".parquet": "Parquet", ".jsonl": "JSON Lines"}


def _leaf_type(field_type: FieldType) -> FieldType:
    return field_type.item if isinstance(field_type, ListOf) else field_type


def croissant_field(table: str, column: Column, path: tuple[str, ...]) -> dict[str, Any] | None:
    """One column (``path`` = the column, then the keys inside it) as a ``cr:Field``."""
    field_id = "/".join((table, *path))
    source: dict[str, Any] = {"fileObject": {"@id": f"{table}.parquet"}, "extract": {"column": path[0]}}
    if len(path) > 1:
        jsonpaths = [{"jsonPath": key} for key in path[1:]]
        source["transform"] = jsonpaths[0] if len(jsonpaths) == 1 else jsonpaths
    field: dict[str, Any] = {
        "@type": "cr:Field",
        "@id": field_id,
        "name": column.name,
        "description": column.description,
    }
    inner = _leaf_type(column.type)
    if isinstance(inner, Struct):
        if len(path) > 1 and isinstance(column.type, ListOf):
            return None  # a list inside a list item: see the module docstring
        subfields = [croissant_field(table, sub, (*path, sub.name)) for sub in inner.columns]
        field["subField"] = [sub for sub in subfields if sub is not None]
        left_out = [sub.name for sub, made in zip(inner.columns, subfields, strict=True) if made is None]
        if left_out:
            names = ", ".join(f"`{name}`" for name in left_out)
            field["description"] += (
                f" Each item also has {names} (a list; see `{table}.schema.json`), "
                "not declared here because Croissant loaders cannot yet read a list inside a list."
            )
    else:
        assert isinstance(inner, Scalar)
        field["dataType"] = DATA_TYPES[inner.kind]
        field["source"] = source
    if isinstance(column.type, ListOf):
        field["isArray"] = True
        field["arrayShape"] = "-1"
    return field


def record_set(table: str) -> dict[str, Any]:
    struct = table_struct(table)
    key = [{"@id": f"{table}/{name}"} for name in PRIMARY_KEYS.get(table, ["id"])]
    return {
        "@type": "cr:RecordSet",
        "@id": table,
        "name": table,
        "description": meta.TABLE_SUMMARIES.get(table, struct.description),
        "key": key[0] if len(key) == 1 else key,
        "field": [croissant_field(table, column, (column.name,)) for column in struct.columns],
    }


def _file_object(name: str, data: bytes, description: str, encoding: str) -> dict[str, Any]:
    """A data file of the release as a ``cr:FileObject``, with its size and SHA-256."""
    return {
        "@type": "cr:FileObject",
        "@id": name,
        "name": name,
        "description": description,
        "contentUrl": name,
        "contentSize": f"{len(data)} B",
        "encodingFormat": encoding,
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def render_croissant(
    rows: Mapping[str, Sequence[Mapping[str, Any]]], files: Mapping[str, bytes], release: meta.ReleaseInfo
) -> dict[str, Any]:
    """The Croissant descriptor; ``files`` holds the bytes of every data file it lists."""
    credits = meta.source_credits(rows)
    distribution = [
        _file_object(
            f"{table}{suffix}",
            files[f"{table}{suffix}"],
            f"Table `{table}` as {FORMAT_NAMES[suffix]}.",
            ENCODINGS[suffix],
        )
        for table in rows
        for suffix in (".parquet", ".jsonl")
    ]
    if ANNOTATIONS_NAME in files:
        distribution.append(
            _file_object(
                ANNOTATIONS_NAME, files[ANNOTATIONS_NAME], meta.ANNOTATIONS_SUMMARY, "application/ld+json"
            )
        )
    version = release.version
    dated = {"datePublished": release.date} if release.date else {}
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": meta.NAME,
        "alternateName": meta.PRETTY_NAME,
        "description": f"{meta.DESCRIPTION} {meta.licence_statement()} {meta.text_rights_statement(credits)}",
        "version": version,
        **dated,
        "license": [meta.RECORDS_LICENSE["url"]],
        "creator": {"@type": "sc:Organization", "name": meta.CREATOR},
        "citeAs": f"{meta.CREATOR}. {meta.PRETTY_NAME}. Version {version}. {meta.RECORDS_LICENSE['spdx']}.",
        "inLanguage": ["zh", "en"],
        "keywords": list(meta.KEYWORDS),
        "isBasedOn": [
            {
                "@type": "sc:Article",
                "name": credit.title_zh,
                "alternateName": credit.title_en,
                "datePublished": credit.published_at,
                "inLanguage": "zh",
                "author": [{"@type": "sc:Organization", "name": name} for name in credit.authors_zh],
                "description": credit.credit_line(),
                **({"url": credit.url} if credit.url else {}),
                **(
                    {"publisher": {"@type": "sc:Organization", "name": credit.publisher}}
                    if credit.publisher
                    else {}
                ),
            }
            for credit in credits
        ],
        "distribution": distribution,
        "recordSet": [record_set(table) for table in rows],
    }

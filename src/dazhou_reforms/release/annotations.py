"""``annotations.jsonld``: every evidence span of the release as a W3C Web Annotation.

The file is one ``AnnotationCollection`` (W3C Web Annotation Data Model, section 5) whose first
and only ``AnnotationPage`` lists one ``Annotation`` per evidence span, in release order (tables
as :data:`dazhou_reforms.schema.models.TABLES` lists them, rows by id, then the record's evidence
in order, a reform's own before its recognitions'). Its ``@context`` is the standard
``http://www.w3.org/ns/anno.jsonld``; nothing else is needed to read it as RDF.

- ``id``: ``urn:dazhou-reforms:<version>:annotation:<table>/<id>/evidence/<n>`` (a recognition's:
  ``.../<id>/recognitions/<m>/evidence/<n>``): the path of the span in the release, so stable for
  the release (a release is never rewritten) and never shared by two releases.
- ``body``: the record, ``urn:dazhou-reforms:<version>:record:<table>/<id>`` (a recognition:
  ``.../recognitions/<m>``), a ``Dataset`` in ``application/json`` (its row of ``<table>.jsonl``),
  labelled ``<table>/<id>``.
- ``target``: a ``SpecificResource`` whose ``source`` is the source's text named by its content,
  the RFC 6920 ``ni:///sha-256;...`` URI of its UTF-8 bytes (the selectors are valid for exactly
  that text; a reprint is another resource), labelled with the source's id; selected three ways:
  a ``TextPositionSelector`` (``start``/``end`` in code points, as the W3C model counts them), a
  ``TextQuoteSelector`` (``exact`` = the quote, ``prefix``/``suffix`` = the evidence's) and an
  RFC 5147 ``FragmentSelector`` (the evidence's ``fragment``).
- ``motivation`` (W3C motivations), by what the record is (see :data:`MOTIVATIONS`): records of
  things the article names — reforms and organizations — are ``identifying`` (the body is the
  identity of what the span reports, as in entity linking); records that restate or explain the
  span — a metric's normalized figure, a glossary term's rendering, a recognition, a section's
  heading and place, a source's title, date and authors — are ``describing``.

No timestamps and no ``generator``: the bytes are a pure function of the records.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from dazhou_reforms.release import metadata as meta
from dazhou_reforms.release.json_schema import render_json
from dazhou_reforms.schema.models import TABLES

ANNOTATIONS_NAME = "annotations.jsonld"
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
RFC5147 = "http://tools.ietf.org/rfc/rfc5147"
URN = "urn:dazhou-reforms"
#: table -> W3C motivation of the annotations of its records' evidence.
MOTIVATIONS: dict[str, str] = {
    "sources": "describing",
    "sections": "describing",
    "organizations": "identifying",
    "reforms": "identifying",
    "metrics": "describing",
    "glossary": "describing",
}
#: The motivation of a recognition's evidence (recognitions are items of a reform).
RECOGNITION_MOTIVATION = "describing"


def text_iri(text_sha256: str) -> str:
    """RFC 6920 named-information URI of a text from the hex SHA-256 of its UTF-8 bytes."""
    digest = base64.urlsafe_b64encode(bytes.fromhex(text_sha256)).decode("ascii").rstrip("=")
    return f"ni:///sha-256;{digest}"


def record_iri(version: str, path: str) -> str:
    return f"{URN}:{version}:record:{path}"


def annotation_iri(version: str, path: str) -> str:
    return f"{URN}:{version}:annotation:{path}"


def _spans(table: str, row: Mapping[str, Any]) -> Iterator[tuple[str, str, int, Mapping[str, Any]]]:
    """(body path, motivation, index, evidence) of every span of one row."""
    path = f"{table}/{row['id']}"
    for index, span in enumerate(row.get("evidence") or ()):
        yield path, MOTIVATIONS[table], index, span
    for number, recognition in enumerate(row.get("recognitions") or ()):
        for index, span in enumerate(recognition.get("evidence") or ()):
            yield f"{path}/recognitions/{number}", RECOGNITION_MOTIVATION, index, span


def annotation(
    version: str, body: str, motivation: str, index: int, span: Mapping[str, Any], source: Mapping[str, Any]
) -> dict[str, Any]:
    """One Web Annotation of one evidence span (``span`` with its selectors filled in)."""
    return {
        "id": annotation_iri(version, f"{body}/evidence/{index}"),
        "type": "Annotation",
        "motivation": motivation,
        "body": {
            "id": record_iri(version, body),
            "type": "Dataset",
            "format": "application/json",
            "label": body,
        },
        "target": {
            "type": "SpecificResource",
            "source": {
                "id": text_iri(source["text_sha256"]),
                "type": "Text",
                "format": "text/plain",
                "language": source["language"],
                "label": f"sources/{source['id']}",
            },
            "selector": [
                {"type": "TextPositionSelector", "start": span["start"], "end": span["end"]},
                {
                    "type": "TextQuoteSelector",
                    "exact": span["quote"],
                    "prefix": span["prefix"],
                    "suffix": span["suffix"],
                },
                {"type": "FragmentSelector", "conformsTo": RFC5147, "value": span["fragment"]},
            ],
        },
    }


def _items(rows: Mapping[str, Sequence[Mapping[str, Any]]], version: str) -> Iterator[dict[str, Any]]:
    sources = {row["id"]: row for row in rows.get("sources", ())}
    for table in TABLES:
        if table in MOTIVATIONS:
            for row in rows.get(table, ()):
                for body, motivation, index, span in _spans(table, row):
                    yield annotation(version, body, motivation, index, span, sources[span["source_id"]])


def _document(version: str, total: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": f"{URN}:{version}:annotations",
        "type": "AnnotationCollection",
        "label": f"{meta.NAME} {version}: the evidence span of every record as a W3C Web Annotation",
        "rights": meta.RECORDS_LICENSE["url"],
        "total": total,
        "first": {
            "id": f"{URN}:{version}:annotations:page-0",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }


def render_annotations(rows: Mapping[str, Sequence[Mapping[str, Any]]], version: str) -> dict[str, Any]:
    """The ``annotations.jsonld`` document of a release's rows (evidence with selectors)."""
    items = list(_items(rows, version))
    return _document(version, len(items), items)


#: Where the items of the one page sit in the document as ``json.dumps(..., indent=2)`` writes it.
ITEMS_AT = '"items": []'
ITEM_INDENT = " " * 6


def annotations_bytes(rows: Mapping[str, Sequence[Mapping[str, Any]]], version: str) -> bytes:
    """``render_json(render_annotations(rows, version))``, byte for byte, written an annotation at
    a time: memory holds the text and one annotation, never every annotation as Python objects
    and the encoder's pieces of all of them (about 150 MB at 100 times today's records)."""
    total = sum(meta.evidence_count(table, rows.get(table, ())) for table in MOTIVATIONS)
    head, tail = render_json(_document(version, total, [])).decode("utf-8").split(ITEMS_AT)
    if not total:
        return (head + ITEMS_AT + tail).encode("utf-8")
    parts = [head.encode("utf-8"), b'"items": [\n']
    for number, item in enumerate(_items(rows, version)):
        text = json.dumps(item, ensure_ascii=False, indent=2, allow_nan=False)
        piece = (",\n" if number else "") + ITEM_INDENT + text.replace("\n", "\n" + ITEM_INDENT)
        parts.append(piece.encode("utf-8"))  # UTF-8 at once: a str of Chinese text takes twice that
    parts.append(("\n" + " " * 4 + "]" + tail).encode("utf-8"))
    return b"".join(parts)

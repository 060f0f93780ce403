"""``annotations.jsonld`` read as the standard says, offline: expanded by a JSON-LD processor (pyld)
through a document loader that serves a local copy of the W3C context, parsed as RDF by rdflib,
and every selector checked against the source text."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dazhou_reforms.release.annotations import MOTIVATIONS, text_iri

#: Noise from inside rdflib's JSON-LD parser, not from the release.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

#: A copy of the W3C's ``http://www.w3.org/ns/anno.jsonld`` (the Web Annotation JSON-LD context).
ANNO_CONTEXT = Path(__file__).parents[1] / "fixtures" / "jsonld" / "anno.jsonld"
CONTEXT_URLS = ("http://www.w3.org/ns/anno.jsonld", "https://www.w3.org/ns/anno.jsonld")
OA = "http://www.w3.org/ns/oa#"
AS = "http://www.w3.org/ns/activitystreams#"


def local_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld's document loader: the W3C context from the local copy, nothing from the network."""
    if url not in CONTEXT_URLS:
        raise AssertionError(f"the test asked for {url}: only the W3C context is served")
    document = json.loads(ANNO_CONTEXT.read_text(encoding="utf-8"))
    return {"contextUrl": None, "documentUrl": url, "document": document}


@pytest.fixture(scope="module")
def document(release: Path) -> dict[str, Any]:
    value = json.loads((release / "annotations.jsonld").read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


@pytest.fixture(scope="module")
def graph(document: dict[str, Any]) -> Any:
    pyld = pytest.importorskip("pyld")
    rdflib = pytest.importorskip("rdflib")
    expanded = pyld.jsonld.expand(document, {"documentLoader": local_loader})
    graph = rdflib.Graph()
    graph.parse(data=json.dumps(expanded), format="json-ld")
    return graph


def spans_of(
    release: Path, read_jsonl: Callable[[Path], list[dict[str, Any]]]
) -> list[tuple[str, str, dict[str, Any]]]:
    """(body path, motivation, evidence) of every span of the release, in release order."""
    found = []
    for table, motivation in MOTIVATIONS.items():
        for row in read_jsonl(release / f"{table}.jsonl"):
            for span in row["evidence"]:
                found.append((f"{table}/{row['id']}", motivation, span))
            for number, recognition in enumerate(row.get("recognitions") or ()):
                for span in recognition["evidence"]:
                    found.append((f"{table}/{row['id']}/recognitions/{number}", "describing", span))
    return found


def test_the_text_iri_is_rfc_6920_named_information() -> None:
    digest = hashlib.sha256("达州".encode()).digest()
    assert text_iri(digest.hex()) == "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert "=" not in text_iri(digest.hex()) and "+" not in text_iri(digest.hex())


def test_the_document_is_one_collection_with_one_annotation_a_span(
    document: dict[str, Any], release: Path, read_jsonl: Callable[[Path], list[dict[str, Any]]]
) -> None:
    spans = spans_of(release, read_jsonl)
    version = release.name
    assert document["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert document["type"] == "AnnotationCollection"
    items = document["first"]["items"]
    assert document["total"] == len(items) == len(spans) > 0
    ids = [item["id"] for item in items]
    assert len(set(ids)) == len(ids)
    counters: dict[str, int] = {}
    for item, (body, motivation, span) in zip(items, spans, strict=True):
        index = counters.get(body, 0)
        counters[body] = index + 1
        assert item["id"] == f"urn:dazhou-reforms:{version}:annotation:{body}/evidence/{index}"
        assert item["body"]["id"] == f"urn:dazhou-reforms:{version}:record:{body}"
        assert item["motivation"] == motivation
        position, quote, fragment = item["target"]["selector"]
        assert position == {"type": "TextPositionSelector", "start": span["start"], "end": span["end"]}
        assert quote == {
            "type": "TextQuoteSelector",
            "exact": span["quote"],
            "prefix": span["prefix"],
            "suffix": span["suffix"],
        }
        assert fragment["value"] == f"char={span['start']},{span['end']}"


def test_every_selector_in_the_rdf_graph_selects_its_quote_in_the_source_text(
    graph: Any, release: Path, read_jsonl: Callable[[Path], list[dict[str, Any]]]
) -> None:
    rdflib = pytest.importorskip("rdflib")
    oa, rdf = rdflib.Namespace(OA), rdflib.RDF
    texts = {text_iri(row["text_sha256"]): row["text"] for row in read_jsonl(release / "sources.jsonl")}
    annotations = list(graph.subjects(rdf.type, oa.Annotation))
    assert len(annotations) == len(spans_of(release, read_jsonl))
    motivations = set()
    for annotation in annotations:
        motivations.add(str(graph.value(annotation, oa.motivatedBy)))
        assert graph.value(annotation, oa.hasBody) is not None
        target = graph.value(annotation, oa.hasTarget)
        assert (target, rdf.type, oa.SpecificResource) in graph
        text = texts[str(graph.value(target, oa.hasSource))]
        selectors = {
            graph.value(selector, rdf.type): selector for selector in graph.objects(target, oa.hasSelector)
        }
        assert set(selectors) == {oa.TextPositionSelector, oa.TextQuoteSelector, oa.FragmentSelector}
        start_literal = graph.value(selectors[oa.TextPositionSelector], oa.start)
        assert str(start_literal.datatype) == "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"
        start = int(start_literal)
        end = int(graph.value(selectors[oa.TextPositionSelector], oa.end))
        quote = selectors[oa.TextQuoteSelector]
        assert text[start:end] == str(graph.value(quote, oa.exact))
        assert text[max(0, start - 32) : start] == str(graph.value(quote, oa.prefix))
        assert text[end : end + 32] == str(graph.value(quote, oa.suffix))
        fragment = selectors[oa.FragmentSelector]
        assert str(graph.value(fragment, rdf.value)) == f"char={start},{end}"
        conforms = graph.value(fragment, rdflib.URIRef("http://purl.org/dc/terms/conformsTo"))
        assert str(conforms) == "http://tools.ietf.org/rfc/rfc5147"
    assert motivations == {OA + "describing", OA + "identifying"}


def test_the_collection_and_page_are_activity_streams_in_rdf(graph: Any, document: dict[str, Any]) -> None:
    rdflib = pytest.importorskip("rdflib")
    collection = rdflib.URIRef(document["id"])
    assert (collection, rdflib.RDF.type, rdflib.URIRef(AS + "OrderedCollection")) in graph
    total = graph.value(collection, rdflib.URIRef(AS + "totalItems"))
    assert int(total) == document["total"]


def test_the_loader_serves_only_the_w3c_context() -> None:
    with pytest.raises(AssertionError, match="only the W3C context"):
        local_loader("http://example.org/other.jsonld")


def test_every_released_evidence_carries_its_selectors(
    release: Path, read_jsonl: Callable[[Path], list[dict[str, Any]]]
) -> None:
    (source,) = read_jsonl(release / "sources.jsonl")
    text = source["text"]
    spans = spans_of(release, read_jsonl)
    assert any(len(span["prefix"]) < 32 for _, _, span in spans)  # the title, at the start of the text
    for _, _, span in spans:
        assert list(span) == ["source_id", "start", "end", "quote", "prefix", "suffix", "fragment"]
        assert span["prefix"] == text[max(0, span["start"] - 32) : span["start"]]
        assert span["suffix"] == text[span["end"] : span["end"] + 32]
        assert span["fragment"] == f"char={span['start']},{span['end']}"


def test_two_builds_give_the_same_annotation_bytes(
    tmp_path: Path, build_fixture: Callable[[Path], Path], release: Path
) -> None:
    again = build_fixture(tmp_path)
    for name in ("annotations.jsonld", "datapackage.json", "croissant.json", "SHA256SUMS", "reforms.jsonl"):
        assert (again / name).read_bytes() == (release / name).read_bytes(), name


def test_the_streamed_file_is_the_document_as_json_writes_it(
    sample_tables: Callable[[], dict[str, list[Any]]],
) -> None:
    """``annotations_bytes`` writes an annotation at a time; the bytes are those of the whole
    document rendered at once (with no annotation too)."""
    from dazhou_reforms.release.annotations import annotations_bytes, render_annotations
    from dazhou_reforms.release.evidence import with_selectors
    from dazhou_reforms.release.json_schema import render_json
    from dazhou_reforms.release.write import release_rows

    rows = release_rows(with_selectors(sample_tables()))
    assert annotations_bytes(rows, "9.9.9") == render_json(render_annotations(rows, "9.9.9"))
    for few in ({"sources": rows["sources"]}, {"sources": []}):  # the sources' own spans; none
        assert annotations_bytes(few, "9.9.9") == render_json(render_annotations(few, "9.9.9"))

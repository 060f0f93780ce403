"""The provenance explorer: one self-contained, offline HTML page of the release.

:func:`render_explorer` is pure: the same tables and coverage give the same text (no timestamps,
no paths). The page is the template ``explorer_template.html`` (markup, styles and script, all
inline) with the data inlined as a JSON block (``<script type="application/json">``, never executed);
it loads nothing: no CDN, no fonts, no images, and its Content-Security-Policy (``default-src 'none'``)
forbids every request. The policy allows exactly the template's one script and one style element, by
their SHA-256 (computed here, at render time), never ``'unsafe-inline'``; it also requires Trusted
Types, so the page cannot turn a string into markup even by mistake (the script builds every element
with DOM calls and inserts record text as text).

What the page does with the data (all in the template's one script):

- **Sources**: a switcher shows one source at a time (the one the most evidence quotes first); only
  that source's text is rendered. Each record lists the sources its evidence and its recognitions'
  evidence quote; following one shows that source with the record's spans highlighted. Links:
  ``#<table>/<id>`` (a record) and ``#sources/<id>``; any other link says so, in both languages.
- **The list** is computed at once and rendered in chunks as it is scrolled, so that a release of
  thousands of records is interactive at once (``benchmarks/bench_explorer.py`` measures it).
- **Withdrawn records** are hidden unless asked for, then struck through with their date and reason;
  they are never counted (reform counts, filter counts, the overview picture).
- **Spans** are coloured by the kind of record they support (a legend says which); spans of records
  outside the current filter or search are dimmed.
- **Export** of the records shown (CSV, UTF-8 with a byte order mark, one row per record; JSON in the
  release's shape), **copy citation** (the dataset, a record and its sources) and, for a span, **copy
  link**: a text fragment ``#:~:text=prefix-,quote,-suffix`` (the evidence's ``prefix``/``suffix``
  where the release has them, else the source text's; cut to the quote's paragraph and to a word
  boundary, as the Text Fragments spec matches), behind the source's ``url`` when it has one.
- **Overview**: an inline SVG of reforms per section and kind and figures per section.
- **Print**: printing renders a report (every record shown with its fields and figures, every source
  with its highlights, a page per section); on a phone the list folds away.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from datetime import date
from importlib import resources
from typing import Any

from pydantic import BaseModel

from dazhou_reforms.release.coverage import Coverage
from dazhou_reforms.release.source_counts import QUOTING_TABLES
from dazhou_reforms.schema.models import Evidence, Recognition
from dazhou_reforms.schema.selectors import prefix_of, suffix_of

TEMPLATE = "explorer_template.html"
#: The placeholders of the template, each present exactly once, outside the script and the style.
DATA_PLACEHOLDER = "EXPLORER_DATA_JSON"
TITLE_PLACEHOLDER = "<!--EXPLORER_TITLE-->"
SCRIPT_HASH_PLACEHOLDER = "EXPLORER_SCRIPT_HASH"
STYLE_HASH_PLACEHOLDER = "EXPLORER_STYLE_HASH"
PLACEHOLDERS = (DATA_PLACEHOLDER, TITLE_PLACEHOLDER, SCRIPT_HASH_PLACEHOLDER, STYLE_HASH_PLACEHOLDER)
#: The one executable script and the one style element of the template (their exact text is hashed).
SCRIPT_ELEMENT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.DOTALL)

#: Source fields the page shows (the text is shown once, the SHA-256 and evidence are not needed);
#: those a release does not have (``url``, ``publisher`` and ``withdrawn`` came with 1.1.0) are left out.
SOURCE_FIELDS = (
    "id",
    "title_zh",
    "title_en",
    "published_at",
    "authors_zh",
    "authors_en",
    "url",
    "publisher",
    "withdrawn",
    "withdrawn_reason",
    "text",
)


def _json_value(value: Any, sources: Mapping[str, int]) -> Any:
    """A model field as JSON; evidence as ``[source index, start, end]`` (the quote is in the source text)."""
    if isinstance(value, Evidence):
        return [sources.get(value.source_id, -1), value.start, value.end]
    if isinstance(value, BaseModel):
        return {name: _json_value(getattr(value, name), sources) for name in type(value).model_fields}
    if isinstance(value, tuple | list):
        return [_json_value(item, sources) for item in value]
    if isinstance(value, date):
        return value.isoformat()  # withdrawn: the text YYYY-MM-DD, as in the JSONL
    return value


def _context(evidence: Evidence, texts: Mapping[str, str]) -> list[str]:
    """``[prefix, suffix]`` of the evidence when the release gives them and they are not what the page
    computes itself from the source text (:data:`~dazhou_reforms.schema.selectors.CONTEXT` code
    points either side, as the release does); else ``[]``."""
    prefix, suffix = getattr(evidence, "prefix", None), getattr(evidence, "suffix", None)
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        return []
    text = texts.get(evidence.source_id, "")
    if (prefix, suffix) == (prefix_of(text, evidence.start), suffix_of(text, evidence.end)):
        return []
    return [prefix, suffix]


def _spans(tables: Mapping[str, Sequence[BaseModel]], sources: Mapping[str, int]) -> list[list[Any]]:
    """Every citing span: ``[source index, start, end, table, record id, recognition index or -1]``,
    followed by ``prefix, suffix`` where the evidence has its own (see :func:`_context`)."""
    texts = {str(getattr(s, "id")): str(getattr(s, "text")) for s in tables.get("sources", ())}  # noqa: B009
    spans: list[list[Any]] = []
    for table in QUOTING_TABLES:
        for record in tables.get(table, ()):
            record_id = str(getattr(record, "id"))  # noqa: B009
            own: list[tuple[int, Any]] = [(-1, evidence) for evidence in getattr(record, "evidence", ())]
            for index, recognition in enumerate(getattr(record, "recognitions", ())):
                if isinstance(recognition, Recognition):
                    own.extend((index, evidence) for evidence in recognition.evidence)
            for index, evidence in own:
                if isinstance(evidence, Evidence):
                    source = sources.get(evidence.source_id, -1)
                    span = [source, evidence.start, evidence.end, table, record_id, index]
                    spans.append(span + _context(evidence, texts))
    return sorted(spans, key=lambda span: (span[0], span[1], -span[2], span[3], span[4], span[5]))


def _vocabularies(records: Sequence[BaseModel]) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for entry in records:
        fields = entry.model_dump(mode="json")
        out.setdefault(fields["vocabulary"], {})[fields["code"]] = [
            fields["label_en"],
            fields["label_zh"],
            fields["definition_en"],
        ]
    return out


def explorer_data(
    tables: Mapping[str, Sequence[BaseModel]], coverage: Coverage, version: str | None = None
) -> dict[str, Any]:
    """Everything the page shows, as JSON-compatible data (records in release order: by id)."""

    def ordered(table: str) -> list[BaseModel]:
        return sorted(tables.get(table, ()), key=lambda record: str(getattr(record, "id")))  # noqa: B009

    indexes = {str(getattr(source, "id")): index for index, source in enumerate(ordered("sources"))}  # noqa: B009

    def rows(table: str) -> list[Any]:
        return [_json_value(record, indexes) for record in ordered(table)]

    sources = [
        {name: value for name, value in row.items() if name in SOURCE_FIELDS} for row in rows("sources")
    ]
    sections = [
        {name: value for name, value in row.items() if name != "evidence"} for row in rows("sections")
    ]
    summary = coverage.to_dict()
    return {
        "version": version,
        "sources": sources,
        "sections": sorted(sections, key=lambda section: (section["source_id"], section["ordinal"])),
        "reforms": rows("reforms"),
        "metrics": rows("metrics"),
        "organizations": rows("organizations"),
        "glossary": rows("glossary"),
        "vocabularies": _vocabularies(tables.get("vocabularies", ())),
        "spans": _spans(tables, indexes),
        "coverage": {
            key: summary[key]
            for key in ("sentences", "cited_sentences", "characters", "covered_characters", "sections")
        }
        | {
            "uncited": [
                [indexes.get(s.source_id, -1), s.section_id, s.start, s.end] for s in coverage.uncited
            ]
        },
    }


def script_json(data: Any) -> str:
    """JSON safe inside ``<script>``: ``<``, ``>``, ``&`` and the JavaScript line separators escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028")):
        text = text.replace(char, escape)
    return text.replace("\u2029", "\\u2029")


def csp_hash(text: str) -> str:
    """The CSP source expression (``'sha256-<base64>'``) allowing an inline element whose text is ``text``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _inline(page: str, element: re.Pattern[str], what: str) -> str:
    """The text of the one ``element`` of ``page``, as a browser hashes it (no CR, NUL or placeholder)."""
    found = element.findall(page)
    if len(found) != 1:
        raise ValueError(f"{TEMPLATE} must contain exactly one inline {what} element")
    text: str = found[0]
    if "\r" in text or "\0" in text or any(placeholder in text for placeholder in PLACEHOLDERS):
        raise ValueError(f"the {what} of {TEMPLATE} contains a CR, a NUL or a placeholder")
    return text


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def template() -> str:
    """The page template shipped as package data."""
    return resources.files("dazhou_reforms.release").joinpath(TEMPLATE).read_text(encoding="utf-8")


def render_explorer(
    tables: Mapping[str, Sequence[BaseModel]], coverage: Coverage, *, version: str | None = None
) -> str:
    """The explorer page for ``tables`` (table name -> records, as the build has them) and their coverage.

    ``version`` (optional) is shown in the page title and header.
    """
    page = template()
    if any(page.count(placeholder) != 1 for placeholder in PLACEHOLDERS) or page.count("<script") != 2:
        raise ValueError(f"{TEMPLATE} must contain each placeholder exactly once and two script elements")
    title = "dazhou-reforms explorer" + (f" {version}" if version else "")
    values = {
        SCRIPT_HASH_PLACEHOLDER: csp_hash(_inline(page, SCRIPT_ELEMENT, "script")),
        STYLE_HASH_PLACEHOLDER: csp_hash(_inline(page, STYLE_ELEMENT, "style")),
        TITLE_PLACEHOLDER: _escape_html(title),
        DATA_PLACEHOLDER: script_json(explorer_data(tables, coverage, version)),
    }
    # one pass: an inserted value is never searched for placeholders again
    pattern = re.compile("|".join(re.escape(placeholder) for placeholder in PLACEHOLDERS))
    return pattern.sub(lambda match: values[match.group(0)], page)

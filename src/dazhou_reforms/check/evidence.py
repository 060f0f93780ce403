"""Evidence and the source texts: quotes at their spans, sections within their source, checksums."""

from __future__ import annotations

from dazhou_reforms.check.reporter import Reporter, Tables
from dazhou_reforms.problems import codes
from dazhou_reforms.problems.problem import shorten
from dazhou_reforms.read.text import text_sha256
from dazhou_reforms.schema.models import Evidence, Section, Source
from dazhou_reforms.schema.selectors import CONTEXT, prefix_of, suffix_of


def quote_mismatch(
    report: Reporter, table: str, record_id: str | None, path: str, span: Evidence, text: str
) -> None:
    """The source text at ``span`` is not its quote (``path``: the evidence entry)."""
    found = text[span.start : span.end]
    where = text.find(span.quote)
    if where < 0:
        hint = "the quote does not occur in the source: copy it exactly"
    elif report.is_toml(table, record_id):
        hint = f"the quote occurs at start = {where}"
    else:
        hint = f'the quote occurs at "start": {where}, "end": {where + len(span.quote)}'
    report.add(
        table,
        record_id,
        codes.QUOTE_MISMATCH,
        f"source text [{span.start}:{span.end}] is not the quote",
        path=f"{path}.quote",
        value=span.quote,
        expected=shorten(span.quote),
        found=shorten(found),
        hint=hint,
    )


def selector_mismatches(
    report: Reporter, table: str, record_id: str | None, path: str, span: Evidence, text: str
) -> None:
    """The ``prefix`` or ``suffix`` given with ``span`` is not the text around it (``path``: the
    evidence entry). Those left out (None) are not looked at: the build computes them."""
    for name, given, computed in (
        ("prefix", span.prefix, prefix_of(text, span.start)),
        ("suffix", span.suffix, suffix_of(text, span.end)),
    ):
        if given is not None and given != computed:
            report.add(
                table,
                record_id,
                codes.SELECTOR_MISMATCH,
                f"`{name}` is not the source text just {'before' if name == 'prefix' else 'after'} "
                f"the quote (up to {CONTEXT} code points)",
                path=f"{path}.{name}",
                value=given,
                expected=shorten(computed),
                found=shorten(given),
            )


def check_sections(tables: Tables, report: Reporter) -> None:
    texts = {s.id: s.text for s in tables.get("sources", ()) if isinstance(s, Source)}
    for section in tables.get("sections", ()):
        if not isinstance(section, Section):
            continue
        text = texts.get(section.source_id)
        if text is None:  # a source of a release, or none: check.references reports an unknown one
            continue
        limit = len(text)
        if not section.start <= section.end <= limit:
            report.add(
                "sections",
                section.id,
                codes.INVALID_SPAN,
                "the section span is not within its source",
                path="start",
                expected=f"0 <= start <= end <= {limit}",
                found=f"start = {section.start}, end = {section.end}",
            )


def check_sources(tables: Tables, report: Reporter) -> None:
    for source in tables.get("sources", ()):
        if not isinstance(source, Source):
            continue
        digest = text_sha256(source.text)
        if digest != source.text_sha256:
            report.add(
                "sources",
                source.id,
                codes.CHECKSUM_MISMATCH,
                "text_sha256 is not the SHA-256 of text",
                path="text_sha256",
                expected=digest,
                found=source.text_sha256,
            )

"""Consistent translations: a glossary term is rendered the glossary's way wherever it occurs.

Where a record's Chinese text holds a glossary term (its ``term_zh``), the paired English text must
use one of the term's renderings, ``term_en`` or one of ``term_en_variants``, or the check reports
``term-inconsistent``. Each Chinese text field is paired with its English one by name
(:func:`text_pairs`: ``name_zh`` with ``name_en``, ``scope_zh`` with ``scope``), in nested records
too (a reform's recognitions); lists pair item by item (``authors_zh[1]`` with ``authors_en[1]``).

A rendering is found in the English text as words, not as typography: case, the quotation marks
around it (“ ” ‘ ’ ") and runs of white space do not count, so the term “dual-park drive” is
found in "The “Dual-park drive” development strategy". Withdrawn records and withdrawn terms are
left out: a record kept only to keep its id stable is not held to today's glossary.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache

from dazhou_reforms.check.reporter import Reporter, Tables
from dazhou_reforms.problems import codes
from dazhou_reforms.problems.problem import cut, quoted, shorten
from dazhou_reforms.schema.models import GlossaryTerm, Model

#: Characters a rendering is compared without: quotation marks, which records and the glossary
#: place differently around the same words.
_QUOTES = str.maketrans("", "", '“”‘’"')


def plain(text: str) -> str:
    """``text`` as renderings are compared: case folded, quotation marks dropped, white space single."""
    return " ".join(text.translate(_QUOTES).casefold().split())


@cache
def text_pairs(model: type[Model]) -> tuple[tuple[str, str], ...]:
    """The (Chinese, English) text fields of ``model``: each ``x_zh`` with ``x_en``, or else with ``x``
    (``scope_zh`` and ``scope``); a Chinese field with no English one (``full_name_zh``) has no pair."""
    fields = model.model_fields
    pairs = []
    for name in fields:
        if name.endswith("_zh"):
            stem = name[: -len("_zh")]
            partner = f"{stem}_en" if f"{stem}_en" in fields else stem if stem in fields else None
            if partner is not None:
                pairs.append((name, partner))
    return tuple(pairs)


def _texts(record: Model, prefix: str = "") -> Iterator[tuple[str, str, str, str]]:
    """(Chinese path, Chinese text, English path, English text) of every pair of ``record`` that has
    both texts, its nested records' included."""
    for zh_name, en_name in text_pairs(type(record)):
        zh, en = getattr(record, zh_name), getattr(record, en_name)
        if isinstance(zh, str) and isinstance(en, str):
            yield f"{prefix}{zh_name}", zh, f"{prefix}{en_name}", en
        elif isinstance(zh, tuple) and isinstance(en, tuple):
            for index, (zh_item, en_item) in enumerate(zip(zh, en, strict=False)):
                if isinstance(zh_item, str) and isinstance(en_item, str):
                    yield f"{prefix}{zh_name}[{index}]", zh_item, f"{prefix}{en_name}[{index}]", en_item
    for name in type(record).model_fields:
        value = getattr(record, name)
        if isinstance(value, tuple):
            for index, item in enumerate(value):
                if isinstance(item, Model):
                    yield from _texts(item, f"{prefix}{name}[{index}].")


def _live(record: Model) -> bool:
    return getattr(record, "withdrawn", None) is None


def check_terms(tables: Tables, report: Reporter, glossary: Sequence[Model] | None = None) -> None:
    """``term-inconsistent``: every live record of ``tables`` against the live terms of ``glossary``
    (by default the table ``glossary`` of ``tables``)."""
    given = tables.get("glossary", ()) if glossary is None else glossary
    terms = [t for t in given if isinstance(t, GlossaryTerm) and _live(t)]
    if not terms:
        return
    renderings = {t.id: [plain(r) for r in (t.term_en, *t.term_en_variants)] for t in terms}
    for table, records in tables.items():
        for record in records:
            record_id = getattr(record, "id", None)
            if record_id is None or not _live(record):
                continue
            for zh_path, zh, en_path, en in _texts(record):
                found = [t for t in terms if t.term_zh in zh]
                if not found:
                    continue
                english = plain(en)
                for term in found:
                    if any(rendering in english for rendering in renderings[term.id]):
                        continue
                    accepted = (term.term_en, *term.term_en_variants)
                    report.add(
                        table,
                        record_id,
                        codes.TERM_INCONSISTENT,
                        f"{zh_path} holds the glossary term {quoted(term.term_zh)} "
                        f"({quoted(term.id)}), but {en_path} uses none of its renderings",
                        path=en_path,
                        value=en,
                        expected="one of " + ", ".join(map(shorten, accepted)),
                        found=shorten(en),
                        hint=f"write {shorten(term.term_en)} in {en_path}, or add the rendering used "
                        f"here to term_en_variants in glossary/{cut(term.id)}.toml",
                    )

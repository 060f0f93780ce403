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
from typing import get_args

from dazhou_reforms.check.reporter import Reporter, Tables
from dazhou_reforms.problems import codes
from dazhou_reforms.problems.problem import cut, quoted, shorten
from dazhou_reforms.schema.models import GlossaryTerm, Model

#: Characters a rendering is compared without: quotation marks, which records and the glossary
#: place differently around the same words.
QUOTES = ("\u201c", "\u201d", "\u2018", "\u2019", '"')


def plain(text: str) -> str:
    """``text`` as renderings are compared: case folded, quotation marks dropped, white space single."""
    for mark in QUOTES:  # str.replace runs in C; translate() is slower on non-ASCII text
        if mark in text:
            text = text.replace(mark, "")
    return " ".join(text.casefold().split())


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


@cache
def _nested(model: type[Model]) -> tuple[str, ...]:
    """The fields of ``model`` that may hold nested records with texts to pair (a reform's
    ``recognitions``; not ``evidence``, whose spans have none)."""
    return tuple(
        name
        for name, field in model.model_fields.items()
        if any(
            isinstance(arg, type) and issubclass(arg, Model) and (text_pairs(arg) or _nested(arg))
            for arg in _type_args(field.annotation)
        )
    )


def _type_args(annotation: object) -> Iterator[object]:
    """``annotation`` and every type named inside it (``tuple[Recognition, ...]`` names Recognition)."""
    yield annotation
    for arg in get_args(annotation):
        yield from _type_args(arg)


def _texts(record: Model, prefix: str = "") -> Iterator[tuple[str, str, str, str]]:
    """(Chinese path, Chinese text, English path, English text) of every pair of ``record`` that has
    both texts, its nested records' included."""
    model = type(record)
    for zh_name, en_name in text_pairs(model):
        zh, en = getattr(record, zh_name), getattr(record, en_name)
        if isinstance(zh, str) and isinstance(en, str):
            yield f"{prefix}{zh_name}", zh, f"{prefix}{en_name}", en
        elif isinstance(zh, tuple) and isinstance(en, tuple):
            for index, (zh_item, en_item) in enumerate(zip(zh, en, strict=False)):
                if isinstance(zh_item, str) and isinstance(en_item, str):
                    yield f"{prefix}{zh_name}[{index}]", zh_item, f"{prefix}{en_name}[{index}]", en_item
    for name in _nested(model):
        for index, item in enumerate(getattr(record, name) or ()):
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
    # terms by their first character: a text is searched only for the terms whose first character
    # it holds (a set intersection, in C), not for every term
    by_first: dict[str, list[GlossaryTerm]] = {}
    for term in terms:
        by_first.setdefault(term.term_zh[0], []).append(term)
    firsts = by_first.keys()
    for table, records in tables.items():
        for record in records:
            record_id = getattr(record, "id", None)
            if record_id is None or not _live(record):
                continue
            for zh_path, zh, en_path, en in _texts(record):
                found = [t for c in firsts & set(zh) for t in by_first[c] if t.term_zh in zh]
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

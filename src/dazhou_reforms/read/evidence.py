"""Evidence a curator wrote by hand, completed: ``start`` and ``end`` found from the quote.

In raw/ an evidence entry is ``{ source_id = "...", quote = "..." }``: ``source_id`` is always
written (a missing one is ``missing-field``, however many sources there are: adding a source must
never change what an existing entry means); the quote must occur exactly once in that source's
text, or carry ``start`` to say which occurrence is meant; a ``start`` or ``end`` written by hand
must agree with the quote.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.codes import Code
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import MAX_SHOWN, Problem, cut, quoted, shorten

#: The fields of an evidence entry the reader checks the type of (``start`` and ``end`` it fills in;
#: ``source_id`` must be written).
DERIVED = ("source_id", "start", "end")
#: Most offsets a message lists where a quote occurs.
MAX_LISTED = 5


def is_offset(value: object) -> TypeGuard[int]:
    """Whether ``value`` is an offset as a contributor may write one: an integer, no bool (TOML's
    ``true`` is not 1), no float (``2052.0``, ``nan``, ``inf``), no string (``"2052"``)."""
    return isinstance(value, int) and not isinstance(value, bool)


def written_well(key: str, value: object) -> bool:
    """Whether an entry's ``key`` holds a value of the type it takes (only the derived fields are
    looked at here: the schema checks the others)."""
    if key == "source_id":
        return isinstance(value, str)
    return key not in DERIVED or is_offset(value)


def type_name(value: object) -> str:
    """The TOML name of a value's type with its article, for a message: ``a float``, ``an array``."""
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    if isinstance(value, dict):
        return "a table"
    kinds = {"datetime": "a date-time", "date": "a date", "time": "a time"}
    return kinds.get(type(value).__name__, f"a {type(value).__name__}")


def shown_value(value: object) -> str:
    """A value as TOML writes it, cut short: ``nan``, ``true``, ``"2052"``, ``2052.0``, ``{ a = 1 }``."""
    text = ""
    for piece in _toml_pieces(value):
        text += piece
        if len(text) > MAX_SHOWN:
            break
    return cut(text)


def _toml_pieces(value: object) -> Iterator[str]:
    """The TOML text of a value, in pieces (a huge value is never written whole)."""
    if isinstance(value, bool):
        yield "true" if value else "false"
    elif isinstance(value, float) and not math.isfinite(value):
        yield "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    elif isinstance(value, str):
        yield json.dumps(value[: MAX_SHOWN + 1], ensure_ascii=False)
    elif isinstance(value, list):
        yield "["
        for index, item in enumerate(value):
            yield ", " if index else ""
            yield from _toml_pieces(item)
        yield "]"
    elif isinstance(value, dict):
        yield "{ " if value else "{"
        for index, (key, item) in enumerate(value.items()):
            yield f"{', ' if index else ''}{str(key)[: MAX_SHOWN + 1]} = "
            yield from _toml_pieces(item)
        yield " }" if value else "}"
    else:
        isoformat = getattr(value, "isoformat", None)
        yield isoformat() if callable(isoformat) else repr(value)


def listed(offsets: list[int]) -> str:
    """``[12, 40]``; past :data:`MAX_LISTED` offsets, the first ones and how many in all."""
    if len(offsets) <= MAX_LISTED:
        return str(offsets)
    return f"[{', '.join(map(str, offsets[:MAX_LISTED]))}, …] ({len(offsets)} in all)"


@dataclass(frozen=True)
class EntryProblems:
    """Makes the problems of one evidence entry: where it is, the record, the quote's line."""

    origin: Origin
    path: str
    record_id: str | None
    quote: str

    def line(self, field: str) -> int | None:
        """The line of ``field`` of the entry: the quote's line when the field is written on it (an
        inline table), else where the field is found."""
        quote_line = self.origin.line_of(f"{self.path}.quote", self.quote)
        if field == "quote" or self.origin.text is None or quote_line is None:
            return quote_line if field == "quote" else self.origin.line_of(f"{self.path}.{field}")
        lines = self.origin.text.split("\n")
        if 0 < quote_line <= len(lines) and re.search(rf"(^|[\s{{,]){field}\s*=", lines[quote_line - 1]):
            return quote_line
        return self.origin.line_of(f"{self.path}.{field}")

    def problem(
        self,
        code: Code,
        message: str,
        field: str = "quote",
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
    ) -> Problem:
        return code.problem(
            message,
            self.origin.file,
            self.line(field),
            record_id=self.record_id,
            path=f"{self.path}.{field}",
            expected=expected,
            found=found,
            hint=hint,
        )


def _wrong_types(entry: dict[str, Any], at: EntryProblems, here: list[int] | None) -> list[Problem]:
    """``wrong-type`` problems of the derived fields written with a wrong type; ``here``: where the
    quote occurs in its source, when the source is known."""
    problems = []
    source_id = entry.get("source_id")
    if "source_id" in entry and not isinstance(source_id, str):
        problems.append(
            at.problem(
                codes.WRONG_TYPE,
                f"`source_id` must be a source id (a string), not {type_name(source_id)}",
                "source_id",
                expected="string",
                found=shown_value(source_id),
                hint='write source_id = "<id>" in quotes: the id of the source the quote is from',
            )
        )
    for name in ("start", "end"):
        if name not in entry or is_offset(entry[name]):
            continue
        if here is not None and len(here) == 1:
            where = here[0] + (len(at.quote) if name == "end" else 0)
            hint = (
                f"write `{name} = {where}` (a whole number, no quotes), "
                f"or leave `{name}` out: it is found from the quote"
            )
        elif here:
            hint = f"write `{name}` as a whole number, no quotes: the quote occurs at start = {listed(here)}"
        else:
            hint = (
                f"write `{name}` as a whole number (code points into the source text), "
                "no quotes, or leave it out"
            )
        problems.append(
            at.problem(
                codes.WRONG_TYPE,
                f"`{name}` must be an integer offset into the source text, not {type_name(entry[name])}",
                name,
                expected="int",
                found=shown_value(entry[name]),
                hint=hint,
            )
        )
    return problems


def resolve_evidence(
    entry: Any, path: str, texts: Mapping[str, str], origin: Origin, record_id: str | None
) -> tuple[Any, list[Problem]]:
    """Fill in ``source_id``, ``start`` and ``end`` of a hand-written evidence entry, checking those
    written: a wrong type is a ``wrong-type`` problem of that field, an offset that does not agree
    with the quote a ``quote-mismatch``. With a problem, the entry is left unresolved, less the
    fields of the wrong type (the reader reports its problems, not the schema)."""
    if not isinstance(entry, dict) or not has_quote(entry):
        return entry, []  # the schema reports the shape
    quote: str = entry["quote"]
    at = EntryProblems(origin, path, record_id, quote)
    if all(written_well(key, value) for key, value in entry.items()):
        return _resolve(entry, quote, texts, at)
    source_id = entry.get("source_id")
    text = texts.get(source_id) if isinstance(source_id, str) else None
    wrong = _wrong_types(entry, at, occurrences(text, quote) if text is not None else None)
    return {key: value for key, value in entry.items() if written_well(key, value)}, wrong


def _resolve(
    entry: dict[str, Any], quote: str, texts: Mapping[str, str], at: EntryProblems
) -> tuple[Any, list[Problem]]:
    source_id = entry.get("source_id")
    if source_id is None:
        return entry, [missing_source_id(at, texts)]
    if source_id not in texts:
        return entry, [
            at.problem(
                codes.UNRESOLVED_REFERENCE,
                f"unknown source {quoted(source_id)}",
                "source_id",
                expected="one of " + ", ".join(sorted(texts)),
                found=shorten(source_id),
                hint="write the id of the source the quote is from (raw/sources/<id>.toml), "
                "or add that source with `dazhou-reforms new source`",
            )
        ]
    text = texts[source_id]
    written = entry.get("start")
    if is_offset(written):  # its type is checked already: an offset, or not written
        start: int = written
        found = text[start : start + len(quote)] if start >= 0 else ""
        if found != quote:
            here = occurrences(text, quote)
            return entry, [
                at.problem(
                    codes.QUOTE_MISMATCH,
                    "the source text at `start` is not the quote",
                    expected=shorten(quote),
                    found=shorten(found),
                    hint=f"the quote occurs at start = {listed(here)}"
                    if here
                    else "the quote does not occur in the source",
                )
            ]
    else:
        here = occurrences(text, quote)
        if not here:
            return entry, [
                at.problem(
                    codes.QUOTE_NOT_FOUND,
                    "the quote does not occur in the source text",
                    expected="an exact substring of the source text",
                    found=shorten(quote),
                    hint=near_miss_hint(text, quote),
                )
            ]
        if len(here) > 1:
            return entry, [
                at.problem(
                    codes.QUOTE_AMBIGUOUS,
                    f"the quote occurs {len(here)} times in the source text",
                    expected="a quote that occurs once, or a `start` offset",
                    found=f"start = {listed(here)}",
                    hint=f"add `start = {here[0]}` (or another of {listed(here)}) to the evidence, "
                    "or quote more text",
                )
            ]
        start = here[0]
    resolved = {"source_id": source_id, "start": start, "end": start + len(quote), "quote": quote}
    extra = {key: value for key, value in entry.items() if key not in resolved}
    if "end" in entry and entry["end"] != resolved["end"]:
        return entry, [
            at.problem(
                codes.QUOTE_MISMATCH,
                "`end` does not equal start + len(quote)",
                expected=str(resolved["end"]),
                found=shorten(entry["end"]),
            )
        ]
    return {**resolved, **extra}, []


def missing_source_id(at: EntryProblems, texts: Mapping[str, str]) -> Problem:
    """Evidence without ``source_id``: always a ``missing-field``, however many sources there are
    (so that adding a source never changes what an existing evidence entry means)."""
    known = sorted(texts)
    if len(known) == 1:
        hint = f'add source_id = "{known[0]}" before the quote (the source whose text it quotes)'
    elif known:
        hint = 'add source_id = "<id>" naming the source whose text it quotes: ' + listed_ids(known)
    else:
        hint = 'add source_id = "<id>" naming a source of raw/sources/ (none was read)'
    return codes.MISSING_FIELD.problem(
        "evidence needs `source_id`: the source whose text the quote is from",
        at.origin.file,
        at.line("quote"),  # the entry's line: the field is not there
        record_id=at.record_id,
        path=f"{at.path}.source_id",
        expected="one of " + listed_ids(known) if known else "a source id",
        hint=hint,
    )


def listed_ids(ids: list[str]) -> str:
    """``a, b, c``; past :data:`MAX_LISTED` ids, the first ones and how many in all."""
    if len(ids) <= MAX_LISTED:
        return ", ".join(ids)
    return f"{', '.join(ids[:MAX_LISTED])}, … ({len(ids)} in all)"


def occurrences(text: str, quote: str) -> list[int]:
    found, start = [], text.find(quote)
    while start != -1:
        found.append(start)
        start = text.find(quote, start + 1)
    return found


def near_miss_hint(text: str, quote: str) -> str:
    if quote.strip() != quote:
        return "remove the white space around the quote"
    ascii_punct = quote.translate(str.maketrans("，：；（）", ",:;()"))  # full-width -> ASCII
    if ascii_punct != quote and ascii_punct in text:
        return "the source uses ASCII , : ; ( ) here: copy the quote from the source text"
    for size in (12, 8, 4):
        if len(quote) > size and quote[:size] in text and quote[-size:] not in text:
            return f"the quote starts as in the source but goes astray after about {size} characters"
    return "copy the quote from raw/sources/<source>.txt exactly"


def has_quote(entry: dict[str, Any]) -> bool:
    return isinstance(entry.get("quote"), str) and bool(entry["quote"])


def resolve_all_evidence(
    data: dict[str, Any], texts: Mapping[str, str], origin: Origin, record_id: str | None
) -> tuple[list[Problem], list[str]]:
    """Resolve every evidence entry; the problems, and the paths (``evidence[0].``) of the entries
    left unresolved, whose derived fields (:data:`DERIVED`) are not to be reported missing: those
    without a quote to resolve (the schema reports the quote) and those with a problem here."""
    problems: list[Problem] = []
    unresolved: list[str] = []

    def walk(node: Any, path: str) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                sub = f"{path}.{key}" if path else key
                if key == "evidence" and isinstance(value, list):
                    entries = []
                    for index, entry in enumerate(value):
                        resolved, found = resolve_evidence(entry, f"{sub}[{index}]", texts, origin, record_id)
                        problems.extend(found)
                        if isinstance(entry, dict) and (found or not has_quote(entry)):
                            unresolved.append(f"{sub}[{index}].")
                        entries.append(resolved)
                    out[key] = entries
                else:
                    out[key] = walk(value, sub)
            return out
        if isinstance(node, list):
            return [walk(item, f"{path}[{index}]") for index, item in enumerate(node)]
        return node

    data.update(walk(data, ""))
    return problems, unresolved


def quoted_sources(data: Any) -> frozenset[str] | None:
    """The sources the evidence entries of a record (its nested records' too) name; None when an
    entry names none (or not as a string): then which sources it quotes cannot be told."""
    found: set[str] = set()

    def walk(node: Any) -> bool:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "evidence" and isinstance(value, list):
                    for entry in value:
                        source_id = entry.get("source_id") if isinstance(entry, dict) else None
                        if not isinstance(source_id, str):
                            return False
                        found.add(source_id)
                elif not walk(value):
                    return False
        elif isinstance(node, list):
            return all(walk(item) for item in node)
        return True

    return frozenset(found) if walk(data) else None

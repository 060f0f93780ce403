"""Evidence a curator wrote by hand, completed: ``source_id``, ``start`` and ``end`` found from the quote.

In raw/ an evidence entry may be just ``{ quote = "..." }``: the quote must occur exactly once in
its source's text, or carry ``start`` to say which occurrence is meant; a ``start`` or ``end``
written by hand must agree with the quote.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.codes import Code
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem, shorten


def resolve_evidence(
    entry: Any, path: str, texts: Mapping[str, str], origin: Origin, record_id: str | None
) -> tuple[Any, list[Problem]]:
    """Fill in ``source_id``, ``start`` and ``end`` of a hand-written evidence entry."""
    if not isinstance(entry, dict) or not has_quote(entry):
        return entry, []  # the schema reports the shape
    quote: str = entry["quote"]
    line = origin.line_of(f"{path}.quote", quote)

    def problem(
        code: Code,
        message: str,
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
    ) -> list[Problem]:
        at = f"{path}.quote"
        return [
            code.problem(
                message,
                origin.file,
                line,
                record_id=record_id,
                path=at,
                expected=expected,
                found=found,
                hint=hint,
            )
        ]

    source_id = entry.get("source_id")
    if source_id is not None and not isinstance(source_id, str):  # a table, an array, a number, a date
        at = f"{path}.source_id"
        wrong = codes.WRONG_TYPE.problem(
            f"`{at}` must be text: the id of a source",
            origin.file,
            origin.line_of(at),
            record_id=record_id,
            path=at,
            expected="string",
            found=shorten(source_id),
            hint="write the id of the source in quotes (one of: " + ", ".join(sorted(texts)) + ")"
            if texts
            else "write the id of the source in quotes",
        )
        return entry, [wrong]
    if source_id is None:
        if len(texts) != 1:
            return entry, problem(
                codes.MISSING_FIELD,
                "evidence needs `source_id` when there is not exactly one source",
                expected="one of " + ", ".join(sorted(texts)),
            )
        source_id = next(iter(texts))
    if source_id not in texts:
        return entry, problem(
            codes.UNRESOLVED_REFERENCE,
            f"unknown source `{source_id}`",
            expected="one of " + ", ".join(sorted(texts)),
            found=shorten(source_id),
        )
    text = texts[source_id]
    start = entry.get("start")
    if isinstance(start, int) and not isinstance(start, bool):
        found = text[start : start + len(quote)]
        if found != quote:
            here = occurrences(text, quote)
            return entry, problem(
                codes.QUOTE_MISMATCH,
                "the source text at `start` is not the quote",
                expected=shorten(quote),
                found=shorten(found),
                hint=f"the quote occurs at start = {here}"
                if here
                else "the quote does not occur in the source",
            )
    else:
        here = occurrences(text, quote)
        if not here:
            return entry, problem(
                codes.QUOTE_NOT_FOUND,
                "the quote does not occur in the source text",
                expected="an exact substring of the source text",
                found=shorten(quote),
                hint=near_miss_hint(text, quote),
            )
        if len(here) > 1:
            return entry, problem(
                codes.QUOTE_AMBIGUOUS,
                f"the quote occurs {len(here)} times in the source text",
                expected="a quote that occurs once, or a `start` offset",
                found=f"start = {here}",
                hint=f"add `start = {here[0]}` (or another of {here}) to the evidence, or quote more text",
            )
        start = here[0]
    resolved = {"source_id": source_id, "start": start, "end": start + len(quote), "quote": quote}
    extra = {key: value for key, value in entry.items() if key not in resolved}
    if "end" in entry and entry["end"] != resolved["end"]:
        return entry, problem(
            codes.QUOTE_MISMATCH,
            "`end` does not equal start + len(quote)",
            expected=str(resolved["end"]),
            found=shorten(entry["end"]),
        )
    return {**resolved, **extra}, []


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
    without a quote to resolve (the schema reports the quote)."""
    problems: list[Problem] = []
    unquoted: list[str] = []

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
                        if isinstance(entry, dict) and not has_quote(entry):
                            unquoted.append(f"{sub}[{index}].")
                        entries.append(resolved)
                    out[key] = entries
                else:
                    out[key] = walk(value, sub)
            return out
        if isinstance(node, list):
            return [walk(item, f"{path}[{index}]") for index, item in enumerate(node)]
        return node

    data.update(walk(data, ""))
    return problems, unquoted

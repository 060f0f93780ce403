"""pydantic's errors as problems: which part of the text rule failed, and record-held text bounded.

Text that shows nothing, holds a control or bidirectional-override character, or has white space at
an end is an ``invalid-value`` whose message says which rule it broke (a forbidden character named
as U+XXXX at its position); a key or value a record holds is shown as at most ~80 characters,
whatever message it sits in.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import MAX_SHOWN, Problem
from dazhou_reforms.read.model_errors import validate_record
from dazhou_reforms.schema.models import TABLES

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = json.loads((ROOT / "build" / "1.0.0" / "glossary.jsonl").read_text("utf-8").splitlines()[0])
SOURCE = json.loads((ROOT / "build" / "1.0.0" / "sources.jsonl").read_text("utf-8").splitlines()[0])

#: The characters of the issue, and others of each kind, alone in a text: it shows nothing.
INVISIBLE_ALONE = [
    "\u00ad",  # SOFT HYPHEN
    "\ufe0f",  # VARIATION SELECTOR-16
    "\U000e0041",  # TAG LATIN CAPITAL LETTER A
    "\u0301",  # COMBINING ACUTE ACCENT, a lone combining mark
    "\u3164",  # HANGUL FILLER
    "\u2800",  # BRAILLE PATTERN BLANK
    "\u115f",  # HANGUL CHOSEONG FILLER
    "\u1160",  # HANGUL JUNGSEONG FILLER
    "\uffa0",  # HALFWIDTH HANGUL FILLER
    "\u034f",  # COMBINING GRAPHEME JOINER
    "\u20dd",  # COMBINING ENCLOSING CIRCLE
    "\u2062",  # INVISIBLE TIMES
    "\u180e",  # MONGOLIAN VOWEL SEPARATOR
    "\u200e",  # LEFT-TO-RIGHT MARK
    "\U0001d173",  # MUSICAL SYMBOL BEGIN BEAM
    "\U0001d159",  # MUSICAL SYMBOL NULL NOTEHEAD
    "\U000e0100",  # VARIATION SELECTOR-17
]
#: Control characters (Cc) and bidirectional embeddings, overrides and isolates: never in a text.
FORBIDDEN = [
    *"\x00\x07\x08\t\n\r\x1b\x7f\x85\x9b",
    *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
]


def _text_problems(value: str, field: str = "term_en") -> list[Problem]:
    row: dict[str, Any] = {**GLOSSARY, field: value}
    record, problems = validate_record(TABLES["glossary"], row, Origin("glossary.jsonl", line=1))
    assert record is None
    return problems


def _code_point(character: str) -> str:
    return f"U+{ord(character):04X}"


@pytest.mark.parametrize("character", INVISIBLE_ALONE, ids=_code_point)
def test_a_text_of_invisible_characters_says_it_needs_a_visible_one_and_names_them(character: str) -> None:
    (problem,) = _text_problems(character * 2 + "\u200b")
    assert (problem.code, problem.path) == ("invalid-value", "term_en")
    assert problem.message.startswith("must contain a visible character, not only invisible ones (")
    assert _code_point(character) in problem.message
    name = unicodedata.name(character, "")
    assert name in problem.message
    assert "U+200B ZERO WIDTH SPACE" in problem.message


def test_blank_and_zero_width_text_keeps_its_message() -> None:
    for value in ("   ", "\u200b\u200d", "\u3000\u200b"):
        (problem,) = _text_problems(value)
        assert problem.message == "must contain visible characters, not only blanks or zero-width ones"


def test_the_message_names_a_few_invisible_characters_at_most() -> None:
    (problem,) = _text_problems("".join(INVISIBLE_ALONE))
    assert problem.message.count("U+") == 4 and problem.message.endswith(", …)")


@pytest.mark.parametrize("character", FORBIDDEN, ids=_code_point)
@pytest.mark.parametrize("where", [0, 1, 5])
def test_a_control_or_bidi_character_is_named_at_its_position(character: str, where: int) -> None:
    value = "中文 text"[:where] + character + "中文 text"[where:]
    (problem,) = _text_problems(value)
    assert problem.code == "invalid-value"
    kind = "a control character" if unicodedata.category(character) == "Cc" else "a bidirectional"
    assert problem.message.startswith(f"must not contain {kind}")
    assert problem.message.endswith(f"{_code_point(character)}{_suffix(character)} at position {where}")
    shown = problem.shown()
    assert character not in f"{shown.message}{shown.found}"  # printed escaped: a terminal never acts on it


def _suffix(character: str) -> str:
    name = unicodedata.name(character, "")
    return f" {name}" if name else ""


def test_the_first_forbidden_character_is_named_when_a_text_also_shows_nothing() -> None:
    (problem,) = _text_problems("\u3164\u202e\u202c")
    assert problem.message.endswith("U+202E RIGHT-TO-LEFT OVERRIDE at position 1")


@pytest.mark.parametrize("value", [" x", "x ", "\u3000中文", "中文\u00a0", "\u200b x ", "x\u2028"])
def test_white_space_at_an_end_says_so(value: str) -> None:
    (problem,) = _text_problems(value)
    assert problem.message == "must not start or end with white space"


@pytest.mark.parametrize("value", ["\u200bx", "x\u200b", "e\u0301", "❤\ufe0f", "a\u200fb", "x\u2028y"])
def test_invisible_characters_inside_a_visible_text_pass(value: str) -> None:
    row = {**GLOSSARY, "term_en": value}
    record, problems = validate_record(TABLES["glossary"], row, Origin("glossary.jsonl", line=1))
    assert problems == [] and record is not None


def test_a_source_text_may_hold_newlines_but_not_an_escape_character() -> None:
    record, problems = validate_record(TABLES["sources"], SOURCE, Origin("sources.jsonl", line=1))
    assert problems == [] and record is not None and "\n" in SOURCE["text"]
    text = SOURCE["text"]
    row = {**SOURCE, "text": text[:100] + "\x1b[2J" + text[100:]}
    _, problems = validate_record(TABLES["sources"], row, Origin("sources.jsonl", line=1))
    assert [(p.code, p.path, p.message) for p in problems] == [
        ("invalid-value", "text", "must not contain a control character: U+001B at position 100")
    ]
    row = {**SOURCE, "text": "\n\u3164\n"}
    _, problems = validate_record(TABLES["sources"], row, Origin("sources.jsonl", line=1))
    assert [(p.code, p.path) for p in problems] == [("invalid-value", "text")]
    assert problems[0].message.startswith("must contain a visible character")


# -- record-held text in reports is bounded --------------------------------------------------------


@pytest.mark.parametrize("size", [100, 5_000_000])
def test_a_huge_unknown_key_is_shown_as_a_few_dozen_characters(size: int) -> None:
    key = "k" * size
    row = {**GLOSSARY, key: 1}
    record, problems = validate_record(TABLES["glossary"], row, Origin("glossary.jsonl", line=1))
    assert record is None
    (problem,) = problems
    assert problem.code == "unknown-field"
    assert problem.message == f"unknown field `{'k' * (MAX_SHOWN - 1)}…`"
    assert problem.path == "k" * (MAX_SHOWN - 1) + "…"
    text = problem.to_text()
    assert len(text) < 400 and text.count("k") < 2 * MAX_SHOWN + 5


def test_a_huge_unknown_key_in_a_nested_record_is_bounded_too() -> None:
    evidence = {**GLOSSARY["evidence"][0], "x" * 10_000: None}
    row = {**GLOSSARY, "evidence": [evidence]}
    _, problems = validate_record(TABLES["glossary"], row, Origin("glossary.jsonl", line=1))
    (problem,) = problems
    assert problem.path == "evidence[0]." + "x" * (MAX_SHOWN - 1) + "…"
    assert len(problem.to_text()) < 400

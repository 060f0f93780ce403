"""Field descriptions and the text pattern every model's text fields share."""

from __future__ import annotations

import re
from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import Field, ValidationError

from dazhou_reforms.schema import models
from dazhou_reforms.schema.field_descriptions import COMMON, DESCRIPTIONS
from dazhou_reforms.schema.field_types import TEXT_PATTERN, ListOf, Struct, table_struct
from dazhou_reforms.schema.models import TABLES


def test_every_model_field_has_one_description() -> None:
    described: set[tuple[str, str]] = set()

    def visit(struct: Struct) -> None:
        for column in struct.columns:
            assert column.description, (struct.name, column.name)
            described.add((struct.name, column.name))
            inner = column.type.item if isinstance(column.type, ListOf) else column.type
            if isinstance(inner, Struct):
                visit(inner)

    for table in TABLES:
        visit(table_struct(table))
    written = {(model, name) for model, fields in DESCRIPTIONS.items() for name in fields}
    assert written <= described, f"descriptions of fields that do not exist: {sorted(written - described)}"
    assert {name for _, name in described} >= set(COMMON)


class _OneText(models.Model):
    text: models.Text


#: Characters that show something: letters of several scripts, punctuation, a symbol, an emoji, a
#: private-use character, a regional indicator, a spacing mark (Mc).
SHOWN = ["a", "中", "-", "é", "😀", "ก", "가", "\ue000", "€", "\U0001f1e8", "\u0903"]
#: Characters that show nothing, by Unicode property, and are allowed inside a text that shows
#: something: format characters (Cf), nonspacing and enclosing marks (Mn, Me), default-ignorable
#: code points, blank fillers.
HIDDEN = [
    "\u200b",  # ZERO WIDTH SPACE (Cf)
    "\u200c",  # ZERO WIDTH NON-JOINER (Cf)
    "\u200d",  # ZERO WIDTH JOINER (Cf)
    "\u2060",  # WORD JOINER (Cf)
    "\ufeff",  # ZERO WIDTH NO-BREAK SPACE (Cf)
    "\u00ad",  # SOFT HYPHEN (Cf)
    "\u200e",  # LEFT-TO-RIGHT MARK (Cf): a mark, not an override
    "\u200f",  # RIGHT-TO-LEFT MARK (Cf)
    "\u061c",  # ARABIC LETTER MARK (Cf)
    "\u2062",  # INVISIBLE TIMES (Cf)
    "\u180e",  # MONGOLIAN VOWEL SEPARATOR (Cf)
    "\ufff9",  # INTERLINEAR ANNOTATION ANCHOR (Cf, not default-ignorable)
    "\U0001d173",  # MUSICAL SYMBOL BEGIN BEAM (Cf)
    "\U000e0001",  # LANGUAGE TAG (Cf)
    "\U000e0041",  # TAG LATIN CAPITAL LETTER A (Cf)
    "\U000e007f",  # CANCEL TAG (Cf)
    "\u0301",  # COMBINING ACUTE ACCENT (Mn)
    "\u0e31",  # THAI CHARACTER MAI HAN-AKAT (Mn)
    "\ufe0f",  # VARIATION SELECTOR-16 (Mn)
    "\ufe00",  # VARIATION SELECTOR-1 (Mn)
    "\U000e0100",  # VARIATION SELECTOR-17 (Mn)
    "\u034f",  # COMBINING GRAPHEME JOINER (Mn, default-ignorable)
    "\u17b4",  # KHMER VOWEL INHERENT AQ (Mn, default-ignorable)
    "\u20dd",  # COMBINING ENCLOSING CIRCLE (Me)
    "\u0488",  # COMBINING CYRILLIC HUNDRED THOUSANDS SIGN (Me)
    "\u3164",  # HANGUL FILLER (Lo, default-ignorable)
    "\u115f",  # HANGUL CHOSEONG FILLER (Lo, default-ignorable)
    "\u1160",  # HANGUL JUNGSEONG FILLER (Lo, default-ignorable)
    "\uffa0",  # HALFWIDTH HANGUL FILLER (Lo, default-ignorable)
    "\ufff0",  # unassigned, default-ignorable (Cn)
    "\u2800",  # BRAILLE PATTERN BLANK (So): a filler
    "\U0001d159",  # MUSICAL SYMBOL NULL NOTEHEAD (So): a filler
]
#: White space (Zs, Zl, Zp): allowed between visible characters, never at an end.
SPACES = [
    " ",
    "\u00a0",
    "\u1680",
    "\u2000",
    "\u2007",
    "\u200a",
    "\u202f",
    "\u205f",
    "\u3000",
    "\u2028",
    "\u2029",
]
#: Never in a text: control characters (Cc) and bidirectional embeddings, overrides and isolates.
FORBIDDEN = [
    *"\x00\x07\x08\t\n\x0b\x0c\r\x1b\x1c\x1f\x7f\x80\x85\x9b\x9f",
    *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
]


def _accepted(value: str) -> bool:
    try:
        _OneText(text=value)
    except ValidationError:
        return False
    return True


def _name(character: str) -> str:
    return f"U+{ord(character):04X}"


@pytest.mark.parametrize("character", SHOWN, ids=_name)
def test_a_visible_character_is_a_text(character: str) -> None:
    assert _accepted(character)
    assert _accepted(f"{character}\u200b{character}")


@pytest.mark.parametrize("character", HIDDEN, ids=_name)
def test_an_invisible_character_is_no_text_alone_but_allowed_inside_one(character: str) -> None:
    assert not _accepted(character)
    assert not _accepted(character * 3)
    assert not _accepted(f"{character} {character}")
    assert _accepted(f"a{character}b")
    assert _accepted(f"{character}a") and _accepted(f"a{character}")  # not white space: ends may hold it


@pytest.mark.parametrize("character", SPACES, ids=_name)
def test_white_space_is_allowed_between_visible_characters_only(character: str) -> None:
    assert not _accepted(character)
    assert _accepted(f"a{character}b")
    assert not _accepted(f"{character}a") and not _accepted(f"a{character}")
    assert not _accepted(f"\u200b{character}") and not _accepted(f"\u200ba{character}")


@pytest.mark.parametrize("character", FORBIDDEN, ids=_name)
def test_control_and_bidi_override_characters_are_rejected_anywhere(character: str) -> None:
    for value in (character, f"a{character}", f"{character}a", f"a{character}b", f"中文{character}中文"):
        assert not _accepted(value), repr(value)


def test_an_article_text_may_hold_newlines_but_no_other_control_or_bidi_character() -> None:
    class _OneArticle(models.Model):
        text: Annotated[str, Field(pattern=models.ARTICLE_RULE)]

    def accepted(value: str) -> bool:
        try:
            _OneArticle(text=value)
        except ValidationError:
            return False
        return True

    assert accepted("第一段。\n第二段。\n") and accepted("\n\nx")
    for character in FORBIDDEN:
        if character != "\n":
            assert not accepted(f"第一段。{character}\n第二段。"), repr(character)
    assert not accepted("\n") and not accepted("\u3164\n\u200b")


_ALPHABET = [*SHOWN[:3], *HIDDEN[:8], "\u3164", "\u2800", *SPACES[:3], "\u2028", "\t", "\n", "\x1b", "\u202e"]


@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=6))
def test_the_models_accept_exactly_visible_text_without_forbidden_characters(value: str) -> None:
    expected = (
        any(c in SHOWN for c in value)
        and not any(c in FORBIDDEN for c in value)
        and value[0] not in SPACES
        and value[-1] not in SPACES
    )
    assert _accepted(value) == expected, repr(value)


@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=6))
def test_the_published_pattern_accepts_all_the_models_accept(value: str) -> None:
    """The JSON Schema's portable pattern is weaker (it cannot name Unicode properties): every text
    the models accept matches it."""
    if _accepted(value):
        assert re.search(TEXT_PATTERN, value), repr(value)


@given(st.text(alphabet=st.sampled_from(" \u2028\u3000\u200b\ufeffa中-"), max_size=6))
def test_text_pattern_accepts_exactly_what_the_models_accept_without_the_new_rules(value: str) -> None:
    """Over white space, zero-width and visible characters (no control, bidi or other invisible
    one), the published pattern and the models agree."""
    assert bool(re.search(TEXT_PATTERN, value)) == _accepted(value), repr(value)
    visible = any(not (c.isspace() or c in "\u200b\u200c\u200d\u2060\ufeff") for c in value)
    assert _accepted(value) == (visible and value == value.strip()), repr(value)

"""Field descriptions and the text pattern every model's text fields share."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

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


@given(st.text(alphabet=st.sampled_from(" \t\n\r\x1c\x85\u2028\u3000\u200b\ufeffa中-"), max_size=6))
def test_text_pattern_accepts_exactly_what_the_models_accept(value: str) -> None:
    try:
        _OneText(text=value)
        accepted = True
    except ValidationError:
        accepted = False
    assert bool(re.search(TEXT_PATTERN, value)) == accepted, repr(value)
    visible = any(not (c.isspace() or c in "\u200b\u200c\u200d\u2060\ufeff") for c in value)
    assert accepted == (visible and value == value.strip()), repr(value)

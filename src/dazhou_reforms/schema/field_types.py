"""The type of every released column, read once from the pydantic models.

Each released schema (Arrow, JSON Schema, Hugging Face features, Frictionless Table Schema,
Croissant) is a rendering of this small tree, so they cannot disagree with the models or with
each other: a scalar (string, integer, number) with its constraints, a list, or a struct (a
nested model such as ``Evidence``).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from dazhou_reforms.schema import models
from dazhou_reforms.schema.field_descriptions import description_of
from dazhou_reforms.schema.vocabularies import VOCABULARIES

#: A string with visible characters and no white space at either end (the models' ``Text``):
#: not only blanks or zero-width characters, first and last characters not white space.
#: ``(?![\s\S])`` is the end of the string in both ECMA-262 and Python (whose ``$`` also matches
#: before a final newline). The models run ``models.TEXT_RULE`` instead, which is stricter (by
#: Unicode properties, which this portable form cannot name: no control, line-separator or
#: bidirectional-override character anywhere, a visible character by general category and
#: default-ignorable property); released schemas carry this weaker, portable form, unchanged.
#: ``models.ARTICLE_RULE`` (a source's text) is the models' alone: released schemas have no pattern.
TEXT_PATTERN = r"^(?![\s\u200b\u200c\u200d\u2060\ufeff]*(?![\s\S]))\S(?:[\s\S]*\S)?(?![\s\S])"


@dataclass(frozen=True)
class Scalar:
    kind: Literal["string", "integer", "number", "date"]
    enum: tuple[str | int, ...] | None = None
    vocabulary: str | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None

    def constraints(self) -> dict[str, Any]:
        """The value constraints under the keywords JSON Schema and Frictionless Table Schema share."""
        found: dict[str, Any] = {}
        if self.enum is not None:
            found["enum"] = list(self.enum)
        for key, value in (
            ("minLength", self.min_length),
            ("maxLength", self.max_length),
            ("pattern", self.pattern),
            ("minimum", self.minimum),
            ("maximum", self.maximum),
        ):
            if value is not None:
                found[key] = value
        return found


@dataclass(frozen=True)
class ListOf:
    item: FieldType
    min_items: int = 0


@dataclass(frozen=True)
class Struct:
    name: str
    description: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Column:
    name: str
    type: FieldType
    nullable: bool
    description: str


FieldType = Scalar | ListOf | Struct

_SCALARS: dict[type, Literal["string", "integer", "number", "date"]] = {
    str: "string",
    int: "integer",
    float: "number",
    date: "date",  # a calendar date; JSON writes it as the text YYYY-MM-DD
}


class UnsupportedType(TypeError):
    """A model uses a Python type that has no column type here: extend ``field_types``."""


@cache
def table_struct(table: str) -> Struct:
    """The columns of ``table`` (a key of ``models.TABLES``), in model field order."""
    return model_struct(models.TABLES[table])


@cache
def model_struct(model: type[BaseModel]) -> Struct:
    columns = tuple(_column(model, name, info) for name, info in model.model_fields.items())
    return Struct(model.__name__, first_paragraph(model.__doc__ or model.__name__), columns)


def first_paragraph(text: str) -> str:
    return " ".join(text.strip().split("\n\n")[0].split()).replace("``", "`")


def _column(model: type[BaseModel], name: str, info: FieldInfo) -> Column:
    description = info.description or description_of(model.__name__, name)
    if description is None:
        raise UnsupportedType(f"{model.__name__}.{name} has no description: add one to field_descriptions.py")
    annotation, nullable = _strip_optional(info.annotation)
    return Column(name, _field_type(annotation, list(info.metadata)), nullable, description)


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(members) != 1:
            raise UnsupportedType(f"unions other than X | None are not supported: {annotation}")
        return members[0], True
    return annotation, False


def _field_type(annotation: Any, metadata: list[Any]) -> FieldType:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        flat: list[Any] = []
        for item in extra:
            flat.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        return _field_type(inner, [*flat, *metadata])
    constraints = _constraints(metadata)
    if origin is list or (origin is tuple and typing.get_args(annotation)[1:] == (...,)):
        item = typing.get_args(annotation)[0]
        return ListOf(_field_type(item, []), constraints.get("min_length") or 0)
    if origin is Literal:
        codes = typing.get_args(annotation)
        kind = _SCALARS[type(codes[0])]
        vocabulary = next((name for name, values in VOCABULARIES.items() if values == codes), None)
        return Scalar(kind, enum=codes, vocabulary=vocabulary)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_struct(annotation)
    if annotation in _SCALARS:
        if constraints.pop("text", False):
            constraints["pattern"] = TEXT_PATTERN
        return Scalar(_SCALARS[annotation], **constraints)
    raise UnsupportedType(f"no column type for {annotation!r}")


def _constraints(metadata: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in metadata:
        for attribute, key in (
            ("min_length", "min_length"),
            ("max_length", "max_length"),
            ("pattern", "pattern"),
            ("ge", "minimum"),
            ("le", "maximum"),
        ):
            value = getattr(item, attribute, None)
            if value is not None:
                found[key] = value
    if found.get("pattern") == models.TEXT_RULE:
        del found["pattern"]
        found["text"] = True
    elif found.get("pattern") == models.ARTICLE_RULE:
        del found["pattern"]
    return found

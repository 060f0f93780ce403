"""Validate one record against its model and turn pydantic's errors into actionable problems."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from datetime import date, time
from difflib import get_close_matches
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import SchemaValidator, core_schema

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.codes import Code
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import MAX_SHOWN, Problem, cut, quoted, shorten
from dazhou_reforms.schema.models import (
    ARTICLE_FORBIDDEN,
    ARTICLE_RULE,
    TEXT_FORBIDDEN,
    TEXT_INVISIBLE,
    TEXT_RULE,
    VISIBLE_CHARACTER,
    Model,
)
from dazhou_reforms.schema.units import StatedQuantityError, parse_stated

#: pydantic error type -> our stable problem code (a type error is WRONG_TYPE, others INVALID_VALUE).
PYDANTIC_CODES: dict[str, Code] = {
    "missing": codes.MISSING_FIELD,
    "extra_forbidden": codes.UNKNOWN_FIELD,
    "literal_error": codes.INVALID_CODE,
    "string_pattern_mismatch": codes.INVALID_FORMAT,
    "string_too_short": codes.EMPTY_VALUE,
    "too_short": codes.EMPTY_VALUE,
    "finite_number": codes.NOT_FINITE,
    "greater_than_equal": codes.OUT_OF_RANGE,
    "less_than_equal": codes.OUT_OF_RANGE,
    "string_too_long": codes.TOO_LONG,
}
TYPE_ERRORS = {
    "string_type",
    "int_type",
    "float_type",
    "bool_type",
    "list_type",
    "dict_type",
    "model_type",
    "int_from_float",
    "model_attributes_type",
    "date_type",
}
#: pydantic's errors of a date that is not one (a date written in another form).
DATE_ERRORS = {"date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"}


def path_text(loc: tuple[int | str, ...], limit: int | None = None) -> str:
    """``("evidence", 0, "quote")`` -> ``evidence[0].quote``; with ``limit``, each key cut to
    ``limit`` characters (a key a record holds may be of any length: reports show at most that)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + (part if limit is None else cut(part, limit))
    return out


def model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = model_in(arg)
        if found is not None:
            return found
    return None


def field_names(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def closest(value: str, candidates: Collection[str], longest: int) -> str | None:
    """The candidate ``value`` is closest to (:func:`difflib.get_close_matches`, cutoff 0.6), or None
    when none is close, or when ``value`` is longer than ``longest``: it is not compared then, since
    the comparison's cost grows with its length, and so long a value is no near miss."""
    if len(value) > longest:
        return None
    close = get_close_matches(value, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str, model: type[BaseModel]) -> str:
    """A hint for an unknown field: the closest known field name, if any is close (a name over
    three times as long as the longest field name cannot be: it is not compared, however long)."""
    names = field_names(model)
    close = closest(name, names, 3 * max(map(len, names)))
    if close is not None:
        return f"did you mean `{close}`?"
    return f"the fields of this record are: {', '.join(names)}"


def model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel]:
    """The (nested) model that owns the last field of ``loc``."""
    current = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return current
        nested = model_in(info.annotation)
        if nested is None:
            return current
        current = nested
    return current


def _expected(error: Any) -> str | None:
    ctx = error.get("ctx") or {}
    kind = str(error["type"])
    if kind == "literal_error":
        return f"one of {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        return f"text matching {ctx.get('pattern')}"
    if kind in {"greater_than_equal", "less_than_equal"}:
        return f"{'>=' if kind == 'greater_than_equal' else '<='} {ctx.get('ge', ctx.get('le'))}"
    if kind in TYPE_ERRORS:
        return kind.removesuffix("_type").replace("_", " ")
    return None


#: Full-width forms of ASCII characters (U+FF01-U+FF5E) and the ideographic space -> ASCII.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_NOT_FINITE = {"nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def _number_hint(text: str) -> str | None:
    """For a number written as text: the number to write instead, if the text says one."""
    if text.strip().lower() in _NOT_FINITE:
        return "NaN and infinities are not data; leave the figure out or write a finite number"
    cleaned = text.translate(_HALF_WIDTH).replace(",", "").replace(",", "").strip()
    if cleaned == text and _PLAIN_NUMBER.fullmatch(text):
        return None  # "2022": the general hint (no quotes) says it all
    try:
        value = parse_stated(cleaned).value
    except StatedQuantityError:
        return None
    number = str(value.numerator) if value.denominator == 1 else repr(float(value))
    return f"write the number {number} without quotes (万 and 亿 multiplied out, no separators)"


def _ascii_hint(value: object) -> str | None:
    if isinstance(value, str) and value != value.translate(_HALF_WIDTH):
        return f"use ASCII (half-width) characters: {shorten(value.translate(_HALF_WIDTH))}"
    return None


def near_code(value: object, allowed: list[str]) -> str | None:
    """The allowed code ``value`` (a code mistyped) is nearest to: the same once lowercased with ``_``
    for ``-`` and spaces, else the closest by :func:`difflib.get_close_matches`; None if none is close."""
    if not isinstance(value, str) or not allowed or len(value) > 64:
        return None
    normal = re.sub(r"[\s-]+", "_", value.strip().lower())
    return normal if normal in allowed else closest(normal, allowed, 64)


def _date_hint(name: object, toml: bool) -> str:
    if toml:
        return f"write a TOML date, without quotes or a time: {name} = 2026-11-30"
    return f'write the date as text, YYYY-MM-DD: "{name}": "2026-11-30"'


def _hint(code: Code, error: Any, model: type[BaseModel], toml: bool = True) -> str | None:
    """The hint of one pydantic error; ``toml``: the record was written in TOML (else in JSON), and
    the hint says what to write in that syntax."""
    loc = error["loc"]
    value = error.get("input")
    if str(error["type"]) in DATE_ERRORS and loc:
        return _date_hint(loc[-1], toml)
    if code is codes.INVALID_CODE:
        allowed = re.findall(r"'([^']*)'", str((error.get("ctx") or {}).get("expected", "")))
        close = near_code(value, allowed)
        if close is not None:
            return f'did you mean "{close}"?'
    if code is codes.UNKNOWN_FIELD and loc and isinstance(loc[-1], str):
        owner = model_at(model, loc)
        if issubclass(owner, Model):
            return did_you_mean(str(loc[-1]), owner)
    if code is codes.WRONG_TYPE and value is None and loc:
        return f"`{path_text(loc, MAX_SHOWN)}` needs a value here; null (or an empty entry) is not one"
    if code is codes.WRONG_TYPE and isinstance(value, str):
        return (
            _number_hint(value)
            or _ascii_hint(value)
            or "write the value without quotes; numbers and true/false are not text"
        )
    if code in (codes.INVALID_FORMAT, codes.INVALID_CODE) and _ascii_hint(value):
        return _ascii_hint(value)
    if code is codes.MISSING_FIELD:
        if not loc:
            return None
        return f"add `{loc[-1]} = ...` to the record" if toml else f'add `"{loc[-1]}": ...` to the record'
    return code.hint


def _shown(value: object) -> str:
    """A found value as JSON writes it (null, true), shortened."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, date | time):  # a TOML date, time or date-time: as TOML writes it
        return value.isoformat()
    return shorten(value)


#: What a text pattern of the models forbids, as Python's ``re`` reads the same class body.
_FORBIDDEN = {
    TEXT_RULE: re.compile(f"[{TEXT_FORBIDDEN}]"),
    ARTICLE_RULE: re.compile(f"[{ARTICLE_FORBIDDEN}]"),
}
#: Bidirectional embeddings, overrides and isolates (see ``models.TEXT_FORBIDDEN``).
_BIDI = frozenset(chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
#: Most distinct characters an "only invisible characters" message names.
_NAMED = 4


def character_name(character: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``; ``U+001B`` (a control character has no name)."""
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" {name}" if name else "")


def _forbidden_message(character: str, position: int) -> str:
    if character in _BIDI:
        kind = "a bidirectional override, embedding or isolate character"
    else:
        kind = "a control character"
    return f"must not contain {kind}: {character_name(character)} at position {position}"


@cache
def _visible() -> SchemaValidator:
    """Finds a visible character as the models' patterns do (pydantic-core's Rust regex)."""
    return SchemaValidator(core_schema.str_schema(pattern=VISIBLE_CHARACTER, regex_engine="rust-regex"))


def has_visible(value: str) -> bool:
    """Whether ``value`` holds a character that shows something (``models.INVISIBLE``)."""
    try:
        _visible().validate_python(value)
    except ValidationError:
        return False
    return True


def text_rule_message(value: str, pattern: str = TEXT_RULE) -> str:
    """Which part of a text rule (``models.TEXT_RULE``, ``models.ARTICLE_RULE``) ``value`` fails:
    a forbidden character (the first, named, at its position in code points from 0), no visible
    character, or white space at an end."""
    forbidden = _FORBIDDEN.get(pattern, _FORBIDDEN[TEXT_RULE]).search(value)
    if forbidden is not None:
        return _forbidden_message(forbidden.group(), forbidden.start())
    if TEXT_INVISIBLE.fullmatch(value):
        return "must contain visible characters, not only blanks or zero-width ones"
    if not has_visible(value):
        named = list(dict.fromkeys(value))
        shown = ", ".join(character_name(character) for character in named[:_NAMED])
        more = ", …" if len(named) > _NAMED else ""
        return f"must contain a visible character, not only invisible ones ({shown}{more})"
    return "must not start or end with white space"


def _errors(error: ValidationError) -> list[Any]:
    """pydantic's errors, less a list's ``too_short`` where its items failed (the list was not empty)."""
    errors = error.errors(include_url=False)
    nested_under = {item["loc"][:cut] for item in errors for cut in range(len(item["loc"]))}
    return [item for item in errors if not (item["type"] == "too_short" and item["loc"] in nested_under)]


def schema_problems(
    error: ValidationError, model: type[BaseModel], origin: Origin, record_id: str | None
) -> list[Problem]:
    problems = []
    for item in _errors(error):
        kind = item["type"]
        code = PYDANTIC_CODES.get(kind, codes.WRONG_TYPE if kind in TYPE_ERRORS else codes.INVALID_VALUE)
        path = path_text(item["loc"], MAX_SHOWN)  # as reports show it
        whole = path_text(item["loc"])  # where it is written
        value = item.get("input")
        # a rule of the whole record (withdrawn with its reason): the record is no useful "found"
        found = None if kind == "missing" or not item["loc"] else _shown(value)
        message = item["msg"].removeprefix("Value error, ")
        pattern = (item.get("ctx") or {}).get("pattern")
        if kind == "string_pattern_mismatch" and pattern in _FORBIDDEN:
            kind, code, message = "value_error", codes.INVALID_VALUE, text_rule_message(str(value), pattern)
            item = {**item, "type": kind, "ctx": {}}
        if value is None and kind not in {"missing", "extra_forbidden"} and item["loc"]:
            code = codes.WRONG_TYPE  # null where a value is required: the wrong JSON type, whatever the field
            message = f"`{path}` is null, but it needs a value"
        elif kind == "literal_error":
            message = f"`{path}` is not one of the allowed codes"
        elif kind == "extra_forbidden":
            message = f"unknown field {quoted(item['loc'][-1])}"
        elif kind == "missing":
            message = f"required field `{path}` is missing"
        problems.append(
            code.problem(
                message,
                origin.file,
                origin.line_of(whole, value if kind != "missing" else None),
                None if whole == path else origin.column_of(whole),
                record_id=record_id,
                path=path or None,
                expected=_expected(item),
                found=found,
                hint=_hint(code, item, model, origin.text is not None),
            )
        )
    return problems


def validate_record(
    model: type[Model], data: dict[str, Any], origin: Origin
) -> tuple[Model | None, list[Problem]]:
    record_id = data.get("id") if isinstance(data.get("id"), str) else None
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        return None, schema_problems(error, model, origin, record_id)

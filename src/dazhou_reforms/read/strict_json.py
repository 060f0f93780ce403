"""Strict JSON (RFC 8259, nothing more), with the position of every value.

Python's :mod:`json` (and most parsers) accept what is not JSON or not data: duplicate keys (the
last one silently wins), ``NaN`` and ``Infinity``, numbers that overflow to infinity, integers of
any length, nesting until the stack runs out. This parser rejects each of these with a stable code
and the offset where it is, and returns the offset of every value by field path (``a.b[0].c``), so
that a problem can name the line and column a person should look at.

It is the careful path: the validator first tries pydantic's fast JSON parser and comes here only
for lines that fail there or that might hide a duplicate key.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from json import JSONDecodeError
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.codes import Code

#: Deepest nesting accepted; records need 5 (reform -> recognitions -> [] -> evidence -> []).
MAX_DEPTH = 32
#: Longest number accepted, in characters; a double needs at most 24, an id-sized integer fewer.
MAX_NUMBER_LENGTH = 100

_WHITE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_NOT_FINITE = re.compile(r"-?(?:NaN|Infinity|inf|nan)\b")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LITERALS = {"true": True, "false": False, "null": None}


class JsonError(ValueError):
    """Why the text is not strict JSON, and where (a code-point offset into the text)."""

    def __init__(
        self,
        code: Code,
        message: str,
        offset: int,
        path: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.offset = offset
        self.path = path
        self.hint = hint


@dataclass
class Parsed:
    """A parsed value and the offset of each value in it, by field path ("" is the whole value)."""

    value: Any
    positions: dict[str, int] = field(default_factory=dict)


def parse(text: str) -> Parsed:
    """Parse one JSON value that must fill ``text`` (white space around it aside)."""
    parser = _Parser(text)
    start = _WHITE.match(text, 0).end()  # type: ignore[union-attr]
    if start == len(text):
        raise JsonError(codes.JSON_SYNTAX, "no JSON value: the text is empty or only white space", start)
    value, end = parser.value(start, "", 1)
    end = _WHITE.match(text, end).end()  # type: ignore[union-attr]
    if end != len(text):
        raise JsonError(
            codes.JSON_SYNTAX,
            "unexpected text after the end of the JSON value",
            end,
            hint="write one record per line (JSON Lines), or one array of records in a .json file",
        )
    return Parsed(value, parser.positions)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.positions: dict[str, int] = {}

    def fail(self, offset: int, message: str, hint: str | None = None) -> JsonError:
        if offset >= len(self.text):
            return JsonError(
                codes.JSON_SYNTAX, "the text ends before the JSON value does", len(self.text), hint=hint
            )
        return JsonError(codes.JSON_SYNTAX, message, offset, hint=hint)

    def white(self, offset: int) -> int:
        return _WHITE.match(self.text, offset).end()  # type: ignore[union-attr]

    def value(self, offset: int, path: str, depth: int) -> tuple[Any, int]:
        text = self.text
        self.positions[path] = offset
        char = text[offset] if offset < len(text) else ""
        if char == "{":
            return self.object(offset, path, depth)
        if char == "[":
            return self.array(offset, path, depth)
        if char == '"':
            return self.string(offset, path)
        if _NOT_FINITE.match(text, offset):
            raise JsonError(
                codes.NON_FINITE_NUMBER,
                "NaN and Infinity are not JSON numbers",
                offset,
                path or None,
                "NaN and infinities are not data; leave the figure out or write a finite number",
            )
        if char == "-" or char in "0123456789":
            return self.number(offset, path)
        for word, literal in _LITERALS.items():
            if text.startswith(word, offset):
                return literal, offset + len(word)
        if char == "'":
            raise self.fail(offset, "strings must be in double quotes", "write \"text\", not 'text'")
        if char == "":
            raise self.fail(offset, "the text ends before the JSON value does")
        raise self.fail(offset, f"unexpected character {char!r} where a value should be")

    def enter(self, offset: int, path: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise JsonError(
                codes.TOO_DEEP,
                f"the value is nested more than {MAX_DEPTH} levels deep",
                offset,
                None,
                "records are at most a few levels deep: check the brackets",
            )

    def object(self, offset: int, path: str, depth: int) -> tuple[dict[str, Any], int]:
        self.enter(offset, path, depth)
        text = self.text
        result: dict[str, Any] = {}
        offset = self.white(offset + 1)
        if text.startswith("}", offset):
            return result, offset + 1
        while True:
            if not text.startswith('"', offset):
                if text.startswith("}", offset) and result:
                    raise self.fail(offset, "a comma before `}` (trailing comma)", "remove the last comma")
                raise self.fail(offset, "expected a key in double quotes", 'keys are written "key": value')
            key_at = offset
            key, offset = self.scan(offset)
            if key in result:
                raise JsonError(
                    codes.DUPLICATE_KEY,
                    f"the key `{key}` appears twice in the same object",
                    key_at,
                    _join(path, key),
                    "a key may appear once: remove or rename one of them (no value silently wins)",
                )
            offset = self.white(offset)
            if not text.startswith(":", offset):
                raise self.fail(offset, f"expected `:` after the key `{key}`")
            offset = self.white(offset + 1)
            result[key], offset = self.value(offset, _join(path, key), depth + 1)
            offset = self.white(offset)
            if text.startswith(",", offset):
                offset = self.white(offset + 1)
                continue
            if text.startswith("}", offset):
                return result, offset + 1
            raise self.fail(offset, "expected `,` or `}` after a value in an object")

    def array(self, offset: int, path: str, depth: int) -> tuple[list[Any], int]:
        self.enter(offset, path, depth)
        text = self.text
        result: list[Any] = []
        offset = self.white(offset + 1)
        if text.startswith("]", offset):
            return result, offset + 1
        while True:
            if text.startswith("]", offset):
                raise self.fail(offset, "a comma before `]` (trailing comma)", "remove the last comma")
            item, offset = self.value(offset, f"{path}[{len(result)}]", depth + 1)
            result.append(item)
            offset = self.white(offset)
            if text.startswith(",", offset):
                offset = self.white(offset + 1)
                continue
            if text.startswith("]", offset):
                return result, offset + 1
            raise self.fail(offset, "expected `,` or `]` after a value in an array")

    def scan(self, offset: int) -> tuple[str, int]:
        try:
            value, end = scanstring(self.text, offset + 1, True)
        except JSONDecodeError as error:
            if error.msg.startswith("Unterminated string"):
                raise self.fail(len(self.text), "the string is not closed") from None
            message = error.msg.removesuffix(" at")
            message = message[0].lower() + message[1:]
            hint = "write control characters as escapes, e.g. \\n or \\t" if "control" in message else None
            raise self.fail(error.pos, message, hint) from None
        surrogate = _SURROGATE.search(value)
        if surrogate is not None:
            raise JsonError(
                codes.JSON_SYNTAX,
                f"lone UTF-16 surrogate \\u{ord(surrogate.group()):04x} in a string",
                offset,
                hint="a \\ud800-\\udfff escape must be half of a surrogate pair",
            )
        return value, end

    def string(self, offset: int, path: str) -> tuple[str, int]:
        return self.scan(offset)

    def number(self, offset: int, path: str) -> tuple[int | float, int]:
        match = _NUMBER.match(self.text, offset)
        if match is None:
            raise self.fail(offset, "a number must have digits after `-`")
        token = match.group()
        following = self.text[match.end() : match.end() + 1]
        if following and following in ".eE0123456789":
            if token.lstrip("-") == "0" and following.isdigit():
                raise self.fail(offset, "a number must not start with 0 (leading zero)", "write 12, not 012")
            raise self.fail(match.end(), f"a malformed number after {token[:24]}")
        if len(token) > MAX_NUMBER_LENGTH:
            raise JsonError(
                codes.NUMBER_TOO_LONG,
                f"a number of {len(token)} characters (at most {MAX_NUMBER_LENGTH})",
                offset,
                path or None,
                "write the figure as an ordinary number",
            )
        if match.group(1) is None and match.group(2) is None:
            return int(token), match.end()
        number = float(token)
        if math.isinf(number):
            raise JsonError(
                codes.NUMBER_OVERFLOW,
                f"the number {token[:24]} is too large for a double and would become infinity",
                offset,
                path or None,
                "write a finite number no larger than about 1.8e308",
            )
        return number, match.end()

"""A small, deterministic YAML writer for the dataset card's front matter (no PyYAML needed).

Block style only: mappings with string keys, lists, strings, integers, booleans and null. A string
is written plain when YAML cannot read it as anything else, otherwise double-quoted with JSON
escapes (a JSON string is a valid YAML double-quoted scalar).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_./<>-]*$")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if _PLAIN.match(value) and value.lower() not in _RESERVED:
            return value
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {type(value).__name__} as a YAML scalar")


def _is_collection(value: Any) -> bool:
    return isinstance(value, Mapping) or (isinstance(value, Sequence) and not isinstance(value, str))


def _lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if _is_collection(item) and item:
                out.append(f"{pad}{scalar(key)}:")
                out.extend(_lines(item, indent + 2 if isinstance(item, Mapping) else indent))
            else:
                out.append(f"{pad}{scalar(key)}: {_empty_or_scalar(item)}")
        return out
    for item in value:
        if _is_collection(item) and item:
            inner = _lines(item, indent + 2)
            out.append(f"{pad}- {inner[0].lstrip()}")
            out.extend(inner[1:])
        else:
            out.append(f"{pad}- {_empty_or_scalar(item)}")
    return out


def _empty_or_scalar(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{}"
    if _is_collection(value):
        return "[]"
    return scalar(value)


def dump(value: Mapping[str, Any]) -> str:
    """``value`` as a YAML block document (no ``---`` markers), ending in a newline."""
    return "\n".join(_lines(value, 0)) + "\n"

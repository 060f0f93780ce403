"""Where a record came from, so that a problem can name the file and line a person should open."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches

from dazhou_reforms.schema.models import Model

_INDEX = re.compile(r"\[[0-9]+\]")


@dataclass(frozen=True)
class Origin:
    """A record's file; for TOML its text (to find lines), for JSONL the record's line number."""

    file: str
    text: str | None = None
    line: int | None = None
    _lines: list[str] = field(default_factory=list, compare=False, repr=False)

    def lines(self) -> list[str]:
        if not self._lines and self.text is not None:
            self._lines.extend(self.text.split("\n"))
        return self._lines

    def line_of(self, path: str | None, value: object = None) -> int | None:
        """The 1-based line where ``path`` (``a.b[0].c``) is written, as well as can be told."""
        if self.text is None:
            return self.line
        lines = self.lines()
        names = [part for part in _INDEX.sub("", path or "").split(".") if part]
        key = re.compile(rf'(^|[\s{{,])"?{re.escape(names[-1])}"?\s*=') if names else None
        needle = value.strip()[:24] if isinstance(value, str) and value.strip() else None
        if needle is not None:
            with_key = [n for n, line in enumerate(lines, 1) if needle in line and key and key.search(line)]
            anywhere = [n for n, line in enumerate(lines, 1) if needle in line]
            if with_key or anywhere:
                return (with_key or anywhere)[0]
        if key is None:
            return None
        header = re.compile(rf"^\s*\[\[?\s*([\w.]*\.)?{re.escape(names[-1])}\s*\]\]?")
        for number, line in enumerate(lines, 1):
            if key.search(line) or header.match(line):
                return number
        if len(names) > 1:
            return self.line_of(".".join(names[:-1]))
        return None


def field_names(model: type[Model]) -> list[str]:
    return list(model.model_fields)


def did_you_mean(name: str, model: type[Model]) -> str | None:
    """A hint for an unknown field: the closest known field name, if any is close."""
    close = get_close_matches(name, field_names(model), n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`?"
    return f"the fields of this record are: {', '.join(field_names(model))}"

"""Problems of records, located: each names the file and line of the record it concerns."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from dazhou_reforms.problems.codes import DEFAULT_HINT, Code, DefaultHint
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem
from dazhou_reforms.schema.models import Model

#: Records by table, as the checks take them.
Tables = Mapping[str, Sequence[Model]]
#: (table, record id) -> where the record was read.
Origins = Mapping[tuple[str, str], Origin]
#: ``resolve(table, id)``: is ``id`` a record of ``table`` held outside the records checked (an
#: index of records checked earlier, say)? Asked only for ids the records and known ids lack.
Resolve = Callable[[str, str], bool]


class Reporter:
    """Collects the problems of the checks, each placed at its record's file and field line."""

    def __init__(self, origins: Origins) -> None:
        self.origins = origins
        self.problems: list[Problem] = []

    def is_toml(self, table: str, record_id: str | None) -> bool:
        """Whether the record was read from TOML (raw/): its hints then speak TOML, else JSON."""
        origin = self.origins.get((table, record_id or ""))
        return origin is not None and origin.text is not None

    def add(
        self,
        table: str,
        record_id: str | None,
        code: Code,
        message: str,
        *,
        path: str | None = None,
        value: object = None,
        expected: str | None = None,
        found: str | None = None,
        hint: str | DefaultHint | None = DEFAULT_HINT,
    ) -> None:
        """A problem of record ``record_id`` of ``table``; ``value`` helps find the field's line."""
        origin = self.origins.get((table, record_id or ""))
        self.problems.append(
            code.problem(
                message,
                origin.file if origin else None,
                origin.line_of(path, value) if origin else None,
                record_id=record_id,
                path=path,
                expected=expected,
                found=found,
                hint=hint,
            )
        )

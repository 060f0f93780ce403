"""Evidence as a release carries it: every span with its selectors (``prefix``, ``suffix``,
``fragment``) computed from its source text (:mod:`dazhou_reforms.schema.selectors`).

The build calls :func:`with_selectors` on the checked records before rendering anything, so the
tables, the annotations and the explorer all see the same selectors. Selectors written in a raw
record were checked already (``selector-mismatch``); here they are simply recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from dazhou_reforms.schema.models import Evidence, Source
from dazhou_reforms.schema.selectors import selectors


def selected(span: Evidence, texts: Mapping[str, str]) -> Evidence:
    """``span`` with its selectors computed from its source's text (``KeyError``: unknown source)."""
    return span.model_copy(update=selectors(texts[span.source_id], span.start, span.end))


def _completed(value: Any, texts: Mapping[str, str]) -> Any:
    if isinstance(value, Evidence):
        return selected(value, texts)
    if isinstance(value, BaseModel):
        return _record(value, texts)
    if isinstance(value, tuple):
        return tuple(_completed(item, texts) for item in value)
    return value


def _record(record: BaseModel, texts: Mapping[str, str]) -> BaseModel:
    update = {}
    for name in type(record).model_fields:
        value = getattr(record, name)
        if isinstance(value, (tuple, BaseModel)):
            done = _completed(value, texts)
            if done is not value:
                update[name] = done
    return record.model_copy(update=update) if update else record


def with_selectors(tables: Mapping[str, Sequence[BaseModel]]) -> dict[str, list[BaseModel]]:
    """Every record of ``tables`` with the selectors of all its evidence (recognitions' included)."""
    texts = {source.id: source.text for source in tables.get("sources", ()) if isinstance(source, Source)}
    return {table: [_record(record, texts) for record in records] for table, records in tables.items()}

"""Typed loaders for the released tables shipped inside the package.

Data is read with :mod:`importlib.resources` from ``dazhou_reforms/releases/<version>/`` (in a
source checkout: ``<repo>/build/<version>/``), checked against the release's ``SHA256SUMS``,
parsed on first use and cached.

Records are frozen pydantic models whose list fields are tuples, so nothing a caller does to a
returned record can change what the next caller gets.

Withdrawn records (``withdrawn`` set: found wrong, kept so that their ids still resolve) are left
out by ``load_*()`` (``load_table`` too) unless ``include_withdrawn=True``; ``get_reform`` finds
them (an id someone cited must resolve: check its ``withdrawn``). The released files keep every row.

Released rows were validated against the models when the release was built, and the bytes are
verified against ``SHA256SUMS`` before they are read, so rows are not validated a second time:
they are assembled with ``model_construct`` (a test checks the result equals full validation).
That keeps ``load_reforms()`` cheap: no validator is built and no pydantic plugin scan runs.
"""

from __future__ import annotations

import json
import threading
import types
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Literal,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    overload,
)

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    import pyarrow as pa
    from pydantic import BaseModel

    from dazhou_reforms.release.folder import Release
    from dazhou_reforms.schema.models import (
        Evidence,
        GlossaryTerm,
        Metric,
        Model,
        Organization,
        Reform,
        Section,
        Source,
    )
    from dazhou_reforms.schema.selectors import SpanText

M = TypeVar("M", bound="Model")
B = TypeVar("B", bound="BaseModel")
_LOCK = threading.Lock()


class DataError(Exception):
    """The shipped data is missing, unknown, unreadable or does not match its checksums; the message
    names the file."""


class UnknownVersionError(DataError, LookupError):
    """The requested release is not shipped in this package."""


def releases_root() -> Traversable:
    """``dazhou_reforms/releases`` as importlib.resources sees it; in a source checkout, ``build/``."""
    from dazhou_reforms.release.folder import packaged_root

    return packaged_root()


@cache
def _versions() -> tuple[str, ...]:
    from dazhou_reforms.release.folder import versions_in

    return tuple(versions_in(releases_root()))


def available_versions() -> list[str]:
    """The releases shipped in this package, oldest first."""
    return list(_versions())


def _unverifiable(version: str | None) -> str | None:
    """Why a release folder named by ``version`` (None: any version) is no release: the path of its
    missing ``SHA256SUMS``, newest first; None when there is no such folder."""
    from dazhou_reforms.release.folder import SUMS_NAME, VERSION, version_key

    root = releases_root()
    if not root.is_dir():
        return None
    if version is not None:
        names = [version] if VERSION.match(version) else []
    else:
        names = sorted((e.name for e in root.iterdir() if VERSION.match(e.name)), key=version_key)[::-1]
    for name in names:
        folder = root / name
        if folder.is_dir() and not (folder / SUMS_NAME).is_file():
            return (
                f"{folder / SUMS_NAME} is missing or not a file: the release {name} cannot be verified; "
                "reinstall dazhou-reforms (or rebuild the release)"
            )
    return None


def resolve_version(version: str | None) -> str:
    """``version``, or the newest shipped release when None; an unknown one raises UnknownVersionError,
    a release folder without its ``SHA256SUMS`` DataError naming that file."""
    versions = _versions()
    if version in versions or (version is None and versions):
        return version or versions[-1]
    broken = _unverifiable(version)
    if broken is not None:
        raise DataError(broken)
    if version is None:
        raise DataError("no data release is shipped with this installation of dazhou-reforms")
    available = ", ".join(versions) or "none"
    why = _unverifiable(None) if not versions else None
    raise UnknownVersionError(
        f"unknown version {version!r}; available versions: {available}" + (f" ({why})" if why else "")
    )


def _release(version: str) -> Release:
    from dazhou_reforms.release.folder import packaged_release

    return packaged_release(version, releases_root())


def read_release_file(version: str | None, name: str) -> bytes:
    """The bytes of one file of a shipped release, verified against its SHA256SUMS entry."""
    from dazhou_reforms.release.folder import ReleaseError

    try:
        return _release(resolve_version(version)).read_file(name)
    except ReleaseError as error:
        raise DataError(str(error)) from None


def clear_cache() -> None:
    """Forget the releases found and the records loaded (to see release files changed on disk)."""
    for cached in (_versions, _records):
        cached.cache_clear()


Converter = Callable[[Any], Any]


def _converter(annotation: Any) -> Converter | None:
    """How to turn a JSON value into a field value of type ``annotation`` (None: as it is)."""
    from pydantic import BaseModel

    origin = get_origin(annotation)
    if origin is Annotated:
        return _converter(get_args(annotation)[0])
    if annotation is date:
        return date.fromisoformat
    if origin in (Union, types.UnionType):
        (inner,) = [arg for arg in get_args(annotation) if arg is not type(None)]
        convert = _converter(inner)
        if convert is None:
            return None
        return lambda value: None if value is None else convert(value)
    if origin is tuple:
        item = _converter(get_args(annotation)[0])
        if item is None:
            return tuple
        return lambda value: tuple(item(element) for element in value)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return lambda value: construct(annotation, value)
    return None


@cache
def _plan(model: type[Any]) -> tuple[tuple[str, Converter | None, bool], ...]:
    """(field, converter, whether a row may lack it) of every field: a field with a default may be
    missing from a row of an older release, written before the field was added (``withdrawn`` or
    the evidence selectors of 1.1.0 in a 1.0.x release); it takes its default."""
    return tuple(
        (name, _converter(field.annotation), not field.is_required())
        for name, field in model.model_fields.items()
    )


def construct(model: type[B], row: dict[str, Any]) -> B:
    """A record from a released (already validated, checksum-verified) JSON row, without validation.
    A field the row lacks takes its default (``model_construct`` fills it in); a required one is a
    ``KeyError``."""
    values = {
        name: value if convert is None or value is None else convert(value)
        for name, convert, optional in _plan(model)
        if not optional or name in row
        for value in (row[name],)
    }
    return model.model_construct(**values)


@cache
def _records(version: str, table: str) -> tuple[Model, ...]:
    from dazhou_reforms.schema.models import TABLES

    model = TABLES[table]
    name = f"{table}.jsonl"
    data = read_release_file(version, name)
    records = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line:
            continue
        try:
            records.append(construct(model, json.loads(line)))
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
            raise DataError(
                f"{_release(version).path_of(name)}:{number}: not a {table} row this version of "
                f"dazhou-reforms can read ({type(error).__name__}: {error})"
            ) from None
    return tuple(records)


def _load(table: str, model: type[M], version: str | None, include_withdrawn: bool) -> list[M]:
    resolved = resolve_version(version)
    with _LOCK:
        records = cast("tuple[M, ...]", _records(resolved, table))
    if include_withdrawn:
        return list(records)
    from dazhou_reforms.schema.models import is_live

    return [record for record in records if is_live(record)]


def load_sources(version: str | None = None, include_withdrawn: bool = False) -> list[Source]:
    """The sources (the article, and any other document the records quote), each with its full
    text, sorted by id. ``evidence_text`` gives the text of an evidence span of any of them."""
    from dazhou_reforms.schema.models import Source

    return _load("sources", Source, version, include_withdrawn)


def load_sections(version: str | None = None, include_withdrawn: bool = False) -> list[Section]:
    """The sections of every source (``source_id``), with their spans in its text; a source may
    have none (its whole text is one body)."""
    from dazhou_reforms.schema.models import Section

    return _load("sections", Section, version, include_withdrawn)


def load_reforms(version: str | None = None, include_withdrawn: bool = False) -> list[Reform]:
    """Every reform, mechanism, pilot, strategy and micro-reform, sorted by id."""
    from dazhou_reforms.schema.models import Reform

    return _load("reforms", Reform, version, include_withdrawn)


def load_metrics(version: str | None = None, include_withdrawn: bool = False) -> list[Metric]:
    """Every figure, rank, count and duration, sorted by id."""
    from dazhou_reforms.schema.models import Metric

    return _load("metrics", Metric, version, include_withdrawn)


def load_organizations(version: str | None = None, include_withdrawn: bool = False) -> list[Organization]:
    """Every organization the article names, sorted by id."""
    from dazhou_reforms.schema.models import Organization

    return _load("organizations", Organization, version, include_withdrawn)


def load_glossary(version: str | None = None, include_withdrawn: bool = False) -> list[GlossaryTerm]:
    """The article's coined terms and slogans with English renderings."""
    from dazhou_reforms.schema.models import GlossaryTerm

    return _load("glossary", GlossaryTerm, version, include_withdrawn)


#: table -> its loader (every table but ``vocabularies``), in the order of ``TABLES``.
LOADERS: dict[str, Callable[..., list[Any]]] = {
    "sources": load_sources,
    "sections": load_sections,
    "organizations": load_organizations,
    "reforms": load_reforms,
    "metrics": load_metrics,
    "glossary": load_glossary,
}


def _no_such(what: str, key: str, known: list[str], otherwise: str = "") -> KeyError:
    """``KeyError``: no ``what`` with id ``key``, naming the ids of ``known`` close to it (else
    ``otherwise``)."""
    from difflib import get_close_matches

    close = get_close_matches(key, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else otherwise
    return KeyError(f"no {what} with id {key!r}{hint}")


def get_record(table: str, record_id: str, version: str | None = None, what: str | None = None) -> Any:
    """One record of ``table`` by id, withdrawn or not: an id someone cited must resolve (its
    ``withdrawn`` says what became of it). ``KeyError`` naming close ids when there is none (``what``
    names the record there; default: "<table> record")."""
    records = {record.id: record for record in LOADERS[table](version, include_withdrawn=True)}
    if record_id not in records:
        raise _no_such(what or f"{table} record", record_id, list(records))
    return records[record_id]


def get_reform(reform_id: str, version: str | None = None) -> Reform:
    """One reform by id, withdrawn or not (see its ``withdrawn``); ``KeyError`` naming close ids when
    there is none."""
    reform: Reform = get_record("reforms", reform_id, version, what="reform")
    return reform


def metrics_for(reform_id: str, version: str | None = None) -> list[Metric]:
    """The live (not withdrawn) metrics of one reform (the reform must exist)."""
    get_reform(reform_id, version)
    return [metric for metric in load_metrics(version) if metric.reform_id == reform_id]


@overload
def evidence_text(
    evidence: Evidence, version: str | None = None, context: int = 0, *, split: Literal[False] = False
) -> str: ...
@overload
def evidence_text(
    evidence: Evidence, version: str | None = None, context: int = 0, *, split: Literal[True]
) -> SpanText: ...
def evidence_text(
    evidence: Evidence, version: str | None = None, context: int = 0, *, split: bool = False
) -> str | SpanText:
    """The source text of an evidence span, with ``context`` characters either side.

    With ``split=True``: a :class:`~dazhou_reforms.schema.selectors.SpanText` ``(prefix, quote,
    suffix)``, the context apart from the quote, ``context`` code points of it (32 when ``context``
    is 0: the W3C TextQuoteSelector's ``prefix`` and ``suffix`` a release carries in each evidence,
    computed here from the text, so also for releases before 1.1.0); ``"".join(...)`` is the text
    ``split=False`` gives.
    """
    sources = {source.id: source for source in load_sources(version, include_withdrawn=True)}
    text = sources[evidence.source_id].text
    if split:
        from dazhou_reforms.schema.selectors import CONTEXT, span_text

        return span_text(text, evidence.start, evidence.end, context or CONTEXT)
    return text[max(0, evidence.start - context) : evidence.end + context]


def load_table(name: str, version: str | None = None, include_withdrawn: bool = False) -> pa.Table:
    """One released table as a ``pyarrow.Table`` (read from its Parquet file, without pandas).

    Withdrawn rows are left out unless ``include_withdrawn`` (releases before 1.1.0 have no
    ``withdrawn`` column: none is withdrawn); the Parquet file itself holds every row."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dazhou_reforms.schema.models import TABLES

    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; tables: {', '.join(TABLES)}")
    resolved = resolve_version(version)
    data = read_release_file(resolved, f"{name}.parquet")
    try:
        table = pq.ParquetFile(pa.BufferReader(data)).read()
    except (pa.ArrowException, OSError, ValueError) as error:
        path = _release(resolved).path_of(f"{name}.parquet")
        raise DataError(f"{path}: not a Parquet file this version can read: {error}") from None
    if include_withdrawn or "withdrawn" not in table.column_names:
        return table
    return live_rows(table)


def live_rows(table: pa.Table) -> pa.Table:
    """The rows of ``table`` whose ``withdrawn`` is null, in order, with the same schema (and its
    metadata). Made of slices of the runs of live rows, not with ``pyarrow.compute``, whose import
    alone would cost more than reading the table; a table with none withdrawn is returned as it is."""
    import pyarrow as pa

    column = table.column("withdrawn")
    if column.null_count == table.num_rows:
        return table
    runs: list[tuple[int, int]] = []
    for index, value in enumerate(column.to_pylist()):
        if value is not None:
            continue
        if runs and runs[-1][1] == index:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    batches = [batch for start, end in runs for batch in table.slice(start, end - start).to_batches()]
    return pa.Table.from_batches(batches, schema=table.schema).combine_chunks()


# --- several sources ------------------------------------------------------------------------------


def sources_of(record: Model) -> list[str]:
    """The ids of the sources a record quotes (its evidence and its recognitions'), sorted: the
    sources that support it."""
    from dazhou_reforms.release.coverage import evidence_spans

    return sorted({source_id for source_id, _, _ in evidence_spans(record)})


def records_quoting(source_id: str, version: str | None = None) -> dict[str, list[Model]]:
    """Table -> the records that quote source ``source_id`` (the tables of
    :data:`~dazhou_reforms.release.source_counts.QUOTING_TABLES`, in that order, each sorted by id);
    ``KeyError`` naming the sources when there is no such source."""
    from dazhou_reforms.release.source_counts import QUOTING_TABLES

    known = [source.id for source in load_sources(version)]
    if source_id not in known:
        raise KeyError(f"no source with id {source_id!r}; sources: {', '.join(known)}")
    return {
        table: [record for record in LOADERS[table](version) if source_id in sources_of(record)]
        for table in QUOTING_TABLES
    }


def load_series(series_id: str, version: str | None = None) -> list[Metric]:
    """Every statement of one series: the metrics that share ``series_id``, each with its own source
    and evidence (never merged), sorted by period (start, end; unstated first) and id.
    ``KeyError`` naming close series ids when there is none."""
    metrics = load_metrics(version)
    found = [metric for metric in metrics if metric.series_id == series_id]
    if not found:
        known = sorted({metric.series_id for metric in metrics if metric.series_id is not None})
        raise _no_such("series", series_id, known, f" ({len(known)} series in this release)")

    def order(metric: Metric) -> tuple[int, int, str]:
        return (metric.period_start or 0, metric.period_end or metric.period_start or 0, metric.id)

    return sorted(found, key=order)

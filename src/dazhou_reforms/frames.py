"""Released tables as DataFrames (pandas or Polars) with the types the models declare.

``load_frame("metrics")`` reads the checksum-verified Parquet file of a shipped release and gives
every column the type its model field has, never what a DataFrame library would infer:

==========================  ==============================  ==================================
model field                 pandas                          Polars
==========================  ==============================  ==================================
text                        ``string``                      ``String``
integer (years, ranks,      ``Int64`` (nullable: a missing  ``Int64`` (nulls are native)
offsets, ordinals)          year is ``<NA>``, not 2021.0)
number                      ``float64`` (``Float64`` when   ``Float64``
                            the field may be null)
vocabulary code             ``category`` (the declared      ``Enum`` (the declared codes, in
                            codes, in order)                order); integer codes stay Int64
list, nested record         ``object``: Python lists and    ``List`` / ``Struct``
                            dicts, as in the JSON Lines
==========================  ==============================  ==================================

pandas needs the ``pandas`` extra, Polars the ``polars`` extra; without it, an ``ImportError``
names the ``pip install`` line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from dazhou_reforms.extras import require
from dazhou_reforms.loaders import load_table
from dazhou_reforms.schema.field_types import Column, Scalar, table_struct
from dazhou_reforms.schema.vocabularies import VOCABULARIES

if TYPE_CHECKING:
    import pyarrow as pa

Backend = Literal["pandas", "polars"]
BACKENDS: tuple[Backend, ...] = ("pandas", "polars")
#: The scalar kinds given a pandas dtype of their own here; any other (a date) is as Arrow converts it.
PANDAS_KINDS = ("string", "integer", "number")


def codes_of(table: str, column: Column) -> tuple[str | int, ...] | None:
    """The allowed codes of a column that holds one vocabulary code (None: not such a column).
    ``vocabularies.vocabulary`` holds a vocabulary's name: its codes are the vocabularies' names."""
    if isinstance(column.type, Scalar) and column.type.enum is not None:
        return column.type.enum
    if table == "vocabularies" and column.name == "vocabulary":
        return tuple(VOCABULARIES)
    return None


def load_frame(
    table: str,
    version: str | None = None,
    backend: Backend = "pandas",
    include_withdrawn: bool = False,
) -> Any:
    """One released table as a ``pandas.DataFrame`` or a ``polars.DataFrame`` with faithful types.

    Withdrawn records (rows whose ``withdrawn`` date is set, in releases that have the column) are
    left out unless ``include_withdrawn``. An unknown table is a ``KeyError``, an unknown backend a
    ``ValueError``.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; backends: {', '.join(BACKENDS)}")
    feature = f"load_frame(backend={backend!r})"
    library = require(backend, backend, feature)
    arrow = conform(table, load_table(table, version, include_withdrawn=include_withdrawn))
    if backend == "pandas":
        return _pandas(library, table, arrow)
    return _polars(library, table, arrow)


def categories(codes: tuple[str | int, ...], values: list[Any]) -> list[str | int]:
    """The declared codes in order, then any other value found (a newer release's code), sorted: a
    code this version does not know is kept, never turned into a missing value."""
    known = set(codes)
    unknown = sorted({value for value in values if value is not None and value not in known}, key=str)
    return [*codes, *unknown]


def conform(table: str, arrow: pa.Table) -> pa.Table:
    """``arrow`` with the columns of this version's model in model order: a column added after the
    release was written (an optional field) is all nulls; a column the model does not know is kept
    after the others."""
    import pyarrow as pa

    from dazhou_reforms.release.arrow import arrow_type

    names = [column.name for column in table_struct(table).columns]
    arrays = [
        arrow.column(column.name)
        if column.name in arrow.column_names
        else pa.nulls(arrow.num_rows, arrow_type(column.type))
        for column in table_struct(table).columns
    ]
    extra = [name for name in arrow.column_names if name not in names]
    return pa.table(arrays + [arrow.column(name) for name in extra], names=names + extra)


def _pandas(pd: Any, table: str, arrow: pa.Table) -> Any:
    columns: dict[str, Any] = {}
    for column in table_struct(table).columns:
        if isinstance(column.type, Scalar) and column.type.kind not in PANDAS_KINDS:
            columns[column.name] = arrow.column(column.name).to_pandas()  # e.g. a date: as Arrow gives it
            continue
        values = arrow.column(column.name).to_pylist()
        columns[column.name] = pd.Series(_pandas_array(pd, table, column, values), dtype=None)
    for name in arrow.column_names:  # a column this version's models do not know: as Arrow gives it
        if name not in columns:
            columns[name] = arrow.column(name).to_pandas()
    return pd.DataFrame(columns, index=pd.RangeIndex(arrow.num_rows))


def _pandas_array(pd: Any, table: str, column: Column, values: list[Any]) -> Any:
    codes = codes_of(table, column)
    if codes is not None:
        return pd.Categorical(values, categories=categories(codes, values))
    if not isinstance(column.type, Scalar):
        series = pd.Series(values, dtype=object)
        return series.array
    if column.type.kind == "integer":
        return pd.array(values, dtype="Int64")
    if column.type.kind == "number":
        return pd.array(values, dtype="Float64" if column.nullable else "float64")
    return pd.array(values, dtype=pd.StringDtype())


def _polars(pl: Any, table: str, arrow: pa.Table) -> Any:
    frame = pl.from_arrow(arrow)
    casts = []
    for column in table_struct(table).columns:
        codes = codes_of(table, column)
        if codes is not None and all(isinstance(code, str) for code in codes):
            values = arrow.column(column.name).to_pylist()
            casts.append(pl.col(column.name).cast(pl.Enum([str(c) for c in categories(codes, values)])))
    return frame.with_columns(casts) if casts else frame

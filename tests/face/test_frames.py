"""``dz.load_frame``: every column of every table with the type its model field declares, in pandas
and in Polars; withdrawn rows left out unless asked for; a missing extra names its install line."""

from __future__ import annotations

import sys

import pytest

import dazhou_reforms as dz
from dazhou_reforms import frames
from dazhou_reforms.schema.field_types import ListOf, Scalar, Struct, table_struct
from dazhou_reforms.schema.models import TABLES

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")


def expected_pandas(table: str) -> dict[str, str]:
    """The pandas dtype of each column, from the field kinds (the rule the module documents)."""
    found = {}
    for column in table_struct(table).columns:
        if frames.codes_of(table, column) is not None:
            found[column.name] = "category"
        elif isinstance(column.type, ListOf | Struct):
            found[column.name] = "object"
        elif column.type.kind == "integer":
            found[column.name] = "Int64"
        elif column.type.kind == "number":
            found[column.name] = "Float64" if column.nullable else "float64"
        elif column.type.kind == "string":
            found[column.name] = "string"
        else:  # another kind (a date): as Arrow converts it
            arrow = frames.conform(table, dz.load_table(table))
            found[column.name] = str(arrow.column(column.name).to_pandas().dtype)
    return found


@pytest.mark.parametrize("table", list(TABLES))
def test_pandas_dtypes_of_every_table(table: str) -> None:
    frame = dz.load_frame(table)
    assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == expected_pandas(table)
    rows = dz.load_table(table).to_pylist()
    assert len(frame) == sum(row.get("withdrawn") is None for row in rows)


@pytest.mark.parametrize("table", list(TABLES))
def test_polars_dtypes_of_every_table(table: str) -> None:
    frame = dz.load_frame(table, backend="polars")
    assert frame.columns == [column.name for column in table_struct(table).columns]
    for column in table_struct(table).columns:
        dtype = frame.schema[column.name]
        codes = frames.codes_of(table, column)
        if codes is not None and isinstance(codes[0], str):
            assert dtype == pl.Enum([str(code) for code in codes]), column.name
        elif isinstance(column.type, ListOf):
            assert isinstance(dtype, pl.List), column.name
        elif isinstance(column.type, Scalar):
            kinds = {"integer": pl.Int64, "number": pl.Float64, "string": pl.String, "date": pl.Date}
            assert dtype == kinds[column.type.kind], column.name


def test_the_metrics_frame_exactly() -> None:
    """The example of the issue: years are nullable integers, not 2021.0."""
    frame = dz.load_frame("metrics")
    dtypes = {name: str(dtype) for name, dtype in frame.dtypes.items()}
    assert list(dtypes) == [column.name for column in table_struct("metrics").columns]
    expected = {
        "id": "string",
        "reform_id": "string",
        "indicator_zh": "string",
        "indicator_en": "string",
        "value": "float64",
        "unit": "category",
        "value_as_stated": "string",
        "qualifier": "category",
        "status": "category",
        "period_start": "Int64",
        "period_end": "Int64",
        "scope": "string",
        "scope_zh": "string",
        "place_code": "string",
        "value_standard": "float64",
        "unit_standard": "category",
        "note": "string",
        "evidence": "object",
    }
    assert {name: dtypes[name] for name in expected} == expected
    row = frame.set_index("id").loc["investment-chain-leader-projects-count"]
    assert str(row["period_start"]) == "2021" and pd.isna(row["period_end"])
    assert list(frame["unit"].cat.categories) == [
        "CNY", "count", "mu", "hectare", "kWh", "tonne", "cubic_metre", "working_day", "year", "rank",
        "unstated",
    ]  # fmt: skip
    evidence = frame["evidence"].iloc[0]
    assert isinstance(evidence, list) and isinstance(evidence[0], dict)
    assert set(evidence[0]) == {"source_id", "start", "end", "quote", "prefix", "suffix", "fragment"}


def test_lists_stay_lists_and_integer_codes_are_categories() -> None:
    reforms = dz.load_frame("reforms").set_index("id")
    domains = reforms.loc["one-industry-one-license-one-code", "domains"]
    assert isinstance(domains, list) and all(isinstance(code, str) for code in domains)
    assert list(reforms["cap_major_topic"].cat.categories)[:3] == [1, 2, 3]
    polars = dz.load_frame("reforms", backend="polars")
    assert polars.schema["cap_major_topic"] == pl.Int64
    assert polars.schema["domains"] == pl.List(pl.String)


def test_withdrawn_rows_are_left_out_unless_asked_for() -> None:
    rows = dz.load_table("metrics", include_withdrawn=True).to_pylist()
    withdrawn = {row["id"] for row in rows if row["withdrawn"] is not None}
    assert len(withdrawn) == 7  # the label-numeral metrics withdrawn in 1.1.0
    for backend in frames.BACKENDS:
        shown = dz.load_frame("metrics", backend=backend)
        everything = dz.load_frame("metrics", backend=backend, include_withdrawn=True)
        assert set(shown["id"]) == {row["id"] for row in rows} - withdrawn
        assert list(everything["id"]) == [row["id"] for row in rows]


def test_an_older_release_gets_the_newer_columns_as_nulls() -> None:
    frame = dz.load_frame("sources", version="1.0.0")
    assert str(frame["url"].dtype) == "string" and frame["url"].isna().all()


def test_a_code_the_package_does_not_know_is_kept() -> None:
    assert frames.categories(("a", "b"), ["b", "z", None, "c"]) == ["a", "b", "c", "z"]


def test_unknown_backend_and_table() -> None:
    with pytest.raises(ValueError, match="unknown backend 'spark'; backends: pandas, polars"):
        dz.load_frame("metrics", backend="spark")  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="unknown table 'metric'"):
        dz.load_frame("metric")


@pytest.mark.parametrize("backend", ["pandas", "polars"])
def test_a_missing_extra_names_the_install_line(monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
    monkeypatch.setitem(sys.modules, backend, None)
    with pytest.raises(ImportError) as raised:
        dz.load_frame("metrics", backend=backend)  # type: ignore[arg-type]
    assert isinstance(raised.value, dz.MissingExtraError)
    assert str(raised.value) == (
        f"load_frame(backend={backend!r}) needs {backend}, which is not installed: "
        f'pip install "dazhou-reforms[{backend}]" (or pip install "dazhou-reforms[all]" for every '
        "optional feature)"
    )


def test_hf_without_its_extra_names_the_install_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)
    monkeypatch.delitem(sys.modules, "dazhou_reforms.hf", raising=False)
    with pytest.raises(ImportError, match=r'pip install "dazhou-reforms\[hf\]"'):
        import dazhou_reforms.hf  # noqa: F401

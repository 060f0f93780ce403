"""The release is read, without help from this package, by datasets, pyarrow, DuckDB, Polars,
frictionless and mlcroissant — offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dazhou_reforms.release.arrow import hf_features, table_schema
from dazhou_reforms.release.tables import PARQUET_OPTIONS, parquet_writer
from dazhou_reforms.schema.models import TABLES

BIN = Path(sys.executable).parent

#: Noise from inside rdflib and mlcroissant, not from the release.
pytestmark = [
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index is deprecated"),
]


@pytest.fixture()
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A fresh, empty Hugging Face cache, and no network for the hub."""
    cache = tmp_path / "hf-cache"
    for name, value in {
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf-home"),
        "HF_DATASETS_CACHE": str(cache),
    }.items():
        monkeypatch.setenv(name, value)
    return cache


@pytest.mark.parametrize("table", list(TABLES))
def test_datasets_loads_every_table_with_declared_features(
    release: Path, offline: Path, table: str, read_jsonl: Callable[[Path], list[dict[str, Any]]]
) -> None:
    datasets = pytest.importorskip("datasets")
    builder = datasets.load_dataset_builder(str(release), table, cache_dir=str(offline))
    declared = datasets.Features.from_dict(hf_features(table))
    assert builder.info.features == declared  # from the card's dataset_info, before any data is read
    loaded = datasets.load_dataset(str(release), table, split="train", cache_dir=str(offline))
    assert loaded.features == declared
    assert loaded.to_list() == read_jsonl(release / f"{table}.jsonl")


def test_datasets_default_config_is_reforms(release: Path, offline: Path) -> None:
    datasets = pytest.importorskip("datasets")
    loaded = datasets.load_dataset(str(release), split="train", cache_dir=str(offline))
    assert loaded.column_names == list(TABLES["reforms"].model_fields)


def test_datasets_reads_the_features_stored_in_the_parquet_files(release: Path) -> None:
    datasets = pytest.importorskip("datasets")
    import pyarrow.parquet as pq

    for table in TABLES:
        stored = pq.read_schema(release / f"{table}.parquet")
        declared = datasets.Features.from_dict(
            json.loads(stored.metadata[b"huggingface"])["info"]["features"]
        )
        assert declared == datasets.Features.from_dict(hf_features(table))
        # datasets uses stored features only for fields whose Arrow type they match exactly:
        for field in stored:
            assert declared.arrow_schema.field(field.name) == field, (table, field.name)


def _types(feature: Any) -> set[str]:
    if isinstance(feature, list):
        return set().union(*(_types(item) for item in feature))
    if "_type" in feature:
        return {feature["_type"]}
    return set().union(*(_types(value) for value in feature.values()))


def test_features_use_only_the_encoding_datasets_2_to_5_share() -> None:
    # "List" is unknown before datasets 4; "Sequence" of a struct means a struct of lists.
    for table in TABLES:
        assert _types(hf_features(table)) == {"Value"}


def test_parquet_schema_is_the_explicit_one(
    release: Path, read_jsonl: Callable[[Path], list[dict[str, Any]]]
) -> None:
    import pyarrow.parquet as pq

    for table in TABLES:
        parquet = pq.ParquetFile(release / f"{table}.parquet")
        expected = table_schema(table)
        assert [field.name for field in parquet.schema_arrow] == expected.names
        for field in parquet.schema_arrow:  # list item names aside ("element" in Parquet, "item" in Arrow)
            assert field == expected.field(field.name), (table, field.name)
        assert parquet.schema_arrow.metadata[b"huggingface"] == expected.metadata[b"huggingface"]
        assert parquet.metadata.created_by == parquet_writer()
        assert parquet.metadata.num_rows == len(read_jsonl(release / f"{table}.jsonl"))
        column = parquet.metadata.row_group(0).column(0)
        assert column.compression == PARQUET_OPTIONS["compression"].upper()


def test_parquet_types(release: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(release / "reforms.parquet")
    assert schema.field("cap_major_topic").type == pa.int64()
    assert schema.field("domains").type == pa.list_(pa.string())
    evidence = pa.struct(
        [
            ("source_id", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("quote", pa.string()),
            ("prefix", pa.string()),
            ("suffix", pa.string()),
            ("fragment", pa.string()),
        ]
    )
    assert schema.field("evidence").type == pa.list_(evidence)
    assert schema.field("recognitions").type.value_type.field("evidence").type == pa.list_(evidence)
    assert pq.read_schema(release / "metrics.parquet").field("value").type == pa.float64()


def test_duckdb_reads_and_joins_the_parquet_files(release: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    rows = connection.execute(
        f"SELECT m.id, m.value, r.name_en, m.evidence[1].quote FROM '{release}/metrics.parquet' m "
        f"LEFT JOIN '{release}/reforms.parquet' r ON m.reform_id = r.id ORDER BY m.id"
    ).fetchall()
    assert rows == [
        ("count-sichuan-first-places", 4.0, None, "四个全省第一"),
        (
            "investment-total",
            149100000000.0,
            "“One industry, one licence, one code” comprehensive industry licensing reform",
            "总投资达1491亿元",
        ),
    ]
    described = connection.execute(f"DESCRIBE SELECT * FROM '{release}/reforms.parquet'").fetchall()
    types = {row[0]: row[1].replace('"', "") for row in described}
    assert types["cap_major_topic"] == "BIGINT" and types["domains"] == "VARCHAR[]"
    assert types["evidence"] == (
        "STRUCT(source_id VARCHAR, start BIGINT, end BIGINT, quote VARCHAR, "
        "prefix VARCHAR, suffix VARCHAR, fragment VARCHAR)[]"
    )


def test_polars_reads_every_table_as_released(
    release: Path, read_jsonl: Callable[[Path], list[dict[str, Any]]]
) -> None:
    polars = pytest.importorskip("polars")
    for table in TABLES:
        frame = polars.read_parquet(release / f"{table}.parquet")
        assert frame.columns == list(TABLES[table].model_fields)
        assert frame.to_dicts() == read_jsonl(release / f"{table}.jsonl"), table
    assert polars.read_parquet(release / "metrics.parquet").schema["value"] == polars.Float64


@pytest.mark.slow
def test_frictionless_validates_the_data_package(release: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(release / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])
    assert [task.name for task in report.tasks] == [*TABLES, "annotations"]


@pytest.mark.slow
def test_frictionless_cli_validates_offline(release: Path) -> None:
    done = subprocess.run(
        [str(BIN / "frictionless"), "validate", "datapackage.json"],
        cwd=release,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_PROXY": "*"},
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_frictionless_catches_broken_data(
    release: Path, tmp_path: Path, read_jsonl: Callable[[Path], list[dict[str, Any]]]
) -> None:
    frictionless = pytest.importorskip("frictionless")
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        del resource["hash"], resource["bytes"]
        (tmp_path / resource["path"]).write_bytes((release / resource["path"]).read_bytes())
    metrics = read_jsonl(tmp_path / "metrics.jsonl")
    metrics[0]["reform_id"] = "no-such-reform"
    metrics[1]["unit"] = "yuan"
    (tmp_path / "metrics.jsonl").write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in metrics), encoding="utf-8"
    )
    (tmp_path / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert sorted(error[0] for error in report.flatten(["type"])) == ["constraint-error", "foreign-key"]


@pytest.mark.slow
def test_mlcroissant_validates_without_warnings(release: Path) -> None:
    mlc = pytest.importorskip("mlcroissant")
    dataset = mlc.Dataset(jsonld=str(release / "croissant.json"))
    assert not dataset.metadata.ctx.issues.errors
    assert not dataset.metadata.ctx.issues.warnings


@pytest.mark.slow
def test_mlcroissant_cli_validates(release: Path) -> None:
    done = subprocess.run(
        [str(BIN / "mlcroissant"), "validate", "--jsonld", "croissant.json"],
        cwd=release,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_mlcroissant_loads_every_record_set(
    release: Path, read_jsonl: Callable[[Path], list[dict[str, Any]]]
) -> None:
    mlc = pytest.importorskip("mlcroissant")
    dataset = mlc.Dataset(jsonld=str(release / "croissant.json"))
    for table in TABLES:
        records = list(dataset.records(record_set=table))
        rows = read_jsonl(release / f"{table}.jsonl")
        assert len(records) == len(rows), table
        first = records[0][f"{table}/{next(iter(TABLES[table].model_fields))}"]
        assert first.decode("utf-8") == next(iter(rows[0].values()))


def test_croissant_checksums_match_the_files(release: Path) -> None:
    import hashlib

    croissant = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
    objects = {item["contentUrl"]: item["sha256"] for item in croissant["distribution"]}
    tables = {f"{table}{suffix}" for table in TABLES for suffix in (".parquet", ".jsonl")}
    assert set(objects) == tables | {"annotations.jsonld"}
    for name, digest in objects.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest

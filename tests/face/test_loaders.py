"""Typed loaders over the shipped release: correct, cached, tamper-evident, and light to import."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest

import dazhou_reforms
from dazhou_reforms import __version__, loaders
from dazhou_reforms.schema.models import Metric, Reform, Source

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / "build" / __version__


def jsonl_ids(table: str) -> list[str]:
    lines = (RELEASE / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["id"] for line in lines]


@pytest.fixture
def clean_caches() -> Iterator[None]:
    clear = loaders.clear_cache

    clear()
    yield
    clear()


def test_the_newest_shipped_release_is_the_default() -> None:
    assert loaders.available_versions()[-1] == __version__
    assert [r.id for r in dazhou_reforms.load_reforms()] == jsonl_ids("reforms")


def test_every_loader_returns_typed_records_in_id_order() -> None:
    for load, table in [
        (dazhou_reforms.load_reforms, "reforms"),
        (dazhou_reforms.load_metrics, "metrics"),
        (dazhou_reforms.load_organizations, "organizations"),
        (dazhou_reforms.load_sources, "sources"),
        (dazhou_reforms.load_sections, "sections"),
        (dazhou_reforms.load_glossary, "glossary"),
    ]:
        records = load(include_withdrawn=True)  # type: ignore[operator]
        assert [r.id for r in records] == jsonl_ids(table)
        assert all(isinstance(r, pydantic.BaseModel) for r in records)


def test_callers_cannot_corrupt_the_cache() -> None:
    first = dazhou_reforms.load_reforms()
    first.clear()
    again = dazhou_reforms.load_reforms()
    assert again, "clearing a returned list must not empty the cache"
    reform = again[0]
    with pytest.raises(pydantic.ValidationError):
        reform.name_en = "changed"  # type: ignore[misc]
    assert isinstance(reform.domains, tuple)
    assert isinstance(reform.evidence, tuple)
    with pytest.raises(AttributeError):
        reform.domains.append("industry")  # type: ignore[attr-defined]


def test_unknown_version_is_a_clear_error() -> None:
    with pytest.raises(loaders.UnknownVersionError) as raised:
        dazhou_reforms.load_reforms(version="0.0.9")
    assert (
        str(raised.value)
        == f"unknown version '0.0.9'; available versions: {', '.join(loaders.available_versions())}"
    )


def test_lookups() -> None:
    reform = dazhou_reforms.get_reform("investment-ex-ante-evaluation")
    assert isinstance(reform, Reform)
    metrics = dazhou_reforms.metrics_for(reform.id)
    assert metrics and all(isinstance(m, Metric) and m.reform_id == reform.id for m in metrics)
    assert any(m.value_as_stated == "1491亿元" and m.value == 149_100_000_000 for m in metrics)
    span = reform.evidence[0]
    assert dazhou_reforms.evidence_text(span) == span.quote
    (source,) = dazhou_reforms.load_sources()
    assert isinstance(source, Source)
    wider = dazhou_reforms.evidence_text(span, context=3)
    assert wider == source.text[span.start - 3 : span.end + 3]
    with pytest.raises(KeyError, match="did you mean investment-ex-ante-evaluation"):
        dazhou_reforms.get_reform("investment-ex-ante-evaluaton")


def test_load_table_gives_arrow_with_declared_schema() -> None:
    table = dazhou_reforms.load_table("metrics")
    assert table.num_rows == len(dazhou_reforms.load_metrics())
    everything = dazhou_reforms.load_table("metrics", include_withdrawn=True)
    assert everything.num_rows == len(dazhou_reforms.load_metrics(include_withdrawn=True))
    assert everything.num_rows - table.num_rows == 7  # the metrics withdrawn in 1.1.0
    assert str(table.schema.field("value").type) == "double"
    assert str(table.schema.field("evidence").type).startswith("list<")
    with pytest.raises(KeyError, match="unknown table 'metric'"):
        dazhou_reforms.load_table("metric")


def test_tampered_data_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_caches: None
) -> None:
    copy = tmp_path / "releases"
    shutil.copytree(RELEASE, copy / __version__)
    jsonl = copy / __version__ / "reforms.jsonl"
    jsonl.write_bytes(jsonl.read_bytes().replace("改革".encode(), "政策".encode(), 1))
    monkeypatch.setattr(loaders, "releases_root", lambda: copy)
    with pytest.raises(loaders.DataError) as raised:
        dazhou_reforms.load_reforms()
    assert (
        str(raised.value)
        == f"{copy / __version__ / 'reforms.jsonl'}: does not match its SHA-256 in SHA256SUMS; "
        "the release was changed after it was built: rebuild it or restore the file"
    )


def test_no_release_shipped_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_caches: None
) -> None:
    monkeypatch.setattr(loaders, "releases_root", lambda: tmp_path / "none")
    with pytest.raises(loaders.DataError, match="no data release is shipped"):
        dazhou_reforms.load_metrics()


def run_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_import_is_light() -> None:
    loaded = run_python(
        "import sys, dazhou_reforms; "
        "print(sorted(m for m in ('pyarrow', 'pandas', 'datasets', 'pydantic') if m in sys.modules))"
    )
    assert loaded == "[]"


def test_load_reforms_does_not_import_pyarrow_and_load_table_not_pandas() -> None:
    loaded = run_python(
        "import sys, dazhou_reforms; dazhou_reforms.load_reforms(); a = 'pyarrow' in sys.modules; "
        "dazhou_reforms.load_table('metrics'); print(a, 'pandas' in sys.modules)"
    )
    assert loaded == "False False"


def test_constructed_records_equal_fully_validated_ones() -> None:
    """The loaders skip re-validation of verified rows; the result must be what validation gives."""
    from dazhou_reforms.schema.models import TABLES

    loaded = {
        "sources": dazhou_reforms.load_sources(include_withdrawn=True),
        "sections": dazhou_reforms.load_sections(include_withdrawn=True),
        "organizations": dazhou_reforms.load_organizations(include_withdrawn=True),
        "reforms": dazhou_reforms.load_reforms(include_withdrawn=True),
        "metrics": dazhou_reforms.load_metrics(include_withdrawn=True),
        "glossary": dazhou_reforms.load_glossary(include_withdrawn=True),
    }
    for table, records in loaded.items():
        lines = (RELEASE / f"{table}.jsonl").read_bytes().splitlines()
        validated = [TABLES[table].model_validate_json(line) for line in lines]
        assert records == validated, table
        assert [r.model_dump() for r in records] == [v.model_dump() for v in validated], table


@pytest.fixture
def shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_caches: None) -> Path:
    """A copy of the shipped release the loaders read instead; returns its version folder."""
    copy = tmp_path / "releases"
    shutil.copytree(RELEASE, copy / __version__)
    monkeypatch.setattr(loaders, "releases_root", lambda: copy)
    return copy / __version__


def data_error(load: Any) -> str:
    """The message of the DataError ``load()`` raises (any other exception fails the test)."""
    with pytest.raises(loaders.DataError) as raised:
        load()
    assert type(raised.value) is loaders.DataError
    return str(raised.value)


def test_a_deleted_table_is_a_data_error_naming_it(shipped_copy: Path) -> None:
    (shipped_copy / "reforms.jsonl").unlink()
    (shipped_copy / "metrics.parquet").unlink()
    path = shipped_copy / "reforms.jsonl"
    assert data_error(dazhou_reforms.load_reforms) == f"{path}: cannot read: No such file or directory"
    assert data_error(lambda: dazhou_reforms.load_table("metrics")).startswith(
        f"{shipped_copy / 'metrics.parquet'}: cannot read"
    )


def test_sha256sums_that_is_not_utf8_is_a_data_error_naming_it(shipped_copy: Path) -> None:
    with (shipped_copy / "SHA256SUMS").open("ab") as sums:
        sums.write(b"\xff\xfe\n")
    assert data_error(dazhou_reforms.load_metrics).startswith(
        f"{shipped_copy / 'SHA256SUMS'}: cannot read: not UTF-8 text (byte 0xff at offset "
    )


@pytest.mark.parametrize("version", [None, __version__])
def test_a_deleted_sha256sums_is_a_data_error_naming_it(shipped_copy: Path, version: str | None) -> None:
    (shipped_copy / "SHA256SUMS").unlink()
    assert data_error(lambda: dazhou_reforms.load_metrics(version)) == (
        f"{shipped_copy / 'SHA256SUMS'} is missing or not a file: the release {__version__} cannot be "
        "verified; reinstall dazhou-reforms (or rebuild the release)"
    )
    with pytest.raises(loaders.UnknownVersionError):
        dazhou_reforms.load_metrics("0.0.9")  # an unknown version stays unknown


def test_a_fifo_in_a_table_s_place_is_a_data_error_not_a_hang(shipped_copy: Path) -> None:
    import os

    (shipped_copy / "glossary.jsonl").unlink()
    os.mkfifo(shipped_copy / "glossary.jsonl")
    code = (
        "import dazhou_reforms as d, dazhou_reforms.loaders as l, pathlib, sys; "
        f"l.releases_root = lambda: pathlib.Path({str(shipped_copy.parent)!r}); "
        "\ntry:\n    d.load_glossary()\nexcept l.DataError as e:\n    print(e)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout == (
        f"{shipped_copy / 'glossary.jsonl'}: cannot read: it is a FIFO (named pipe), not a regular file\n"
    )


def test_a_row_the_models_cannot_take_is_a_data_error_naming_its_line(shipped_copy: Path) -> None:
    import hashlib

    path = shipped_copy / "glossary.jsonl"
    path.write_bytes(path.read_bytes() + b'{"id":"x"}\n')
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    sums = shipped_copy / "SHA256SUMS"
    lines = [
        f"{digest}  glossary.jsonl" if line.endswith("  glossary.jsonl") else line
        for line in sums.read_text(encoding="utf-8").splitlines()
    ]
    sums.write_text("\n".join(lines) + "\n", encoding="utf-8")
    count = len(path.read_bytes().splitlines())
    assert data_error(dazhou_reforms.load_glossary).startswith(
        f"{path}:{count}: not a glossary row this version of dazhou-reforms can read (KeyError: "
    )

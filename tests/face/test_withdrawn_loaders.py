"""Withdrawn records: left out by ``load_*()`` unless asked for, found by id, in every released table."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import dazhou_reforms
from dazhou_reforms import loaders

WITHDRAWN = {"withdrawn": date(2026, 11, 30), "withdrawn_reason": "Found wrong: see silver-canteen."}


@pytest.fixture
def shipped(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sample_tables: Callable[[], dict[str, list[BaseModel]]],
    write_release_folder: Callable[..., Path],
) -> Iterator[dict[str, list[BaseModel]]]:
    """Two releases: 1.0.0 of the sample records, 1.1.0 with reform one-license and metric
    projects-count withdrawn."""
    tables = sample_tables()
    write_release_folder(tmp_path / "releases" / "1.0.0", tables)
    changed: dict[str, list[BaseModel]] = {
        table: [
            record.model_copy(update=WITHDRAWN)
            if getattr(record, "id", None) in {"one-license", "projects-count"}
            else record
            for record in records
        ]
        for table, records in tables.items()
    }
    write_release_folder(tmp_path / "releases" / "1.1.0", changed)
    monkeypatch.setattr(loaders, "releases_root", lambda: tmp_path / "releases")
    loaders.clear_cache()
    yield changed
    loaders.clear_cache()


def ids(records: list[Any]) -> list[str]:
    return [record.id for record in records]


def test_load_leaves_withdrawn_records_out_by_default(shipped: dict[str, list[BaseModel]]) -> None:
    assert ids(dazhou_reforms.load_reforms()) == ["overall-strategy", "silver-canteen"]
    assert ids(dazhou_reforms.load_metrics()) == ["investment-total"]
    assert ids(dazhou_reforms.load_reforms(include_withdrawn=True)) == [
        "one-license",
        "overall-strategy",
        "silver-canteen",
    ]
    withdrawn = dazhou_reforms.load_reforms(include_withdrawn=True)[0]
    assert withdrawn.withdrawn == date(2026, 11, 30)
    assert withdrawn.withdrawn_reason == "Found wrong: see silver-canteen."
    assert withdrawn == shipped["reforms"][1]  # model_construct gives what validation gives


def test_every_loader_takes_include_withdrawn(shipped: dict[str, list[BaseModel]]) -> None:
    for name in ("sources", "sections", "reforms", "metrics", "organizations", "glossary"):
        load = getattr(dazhou_reforms, f"load_{name}")
        everything = load(include_withdrawn=True)
        assert len(everything) == len(shipped[name])
        assert len(load()) == len(everything) - sum(1 for r in everything if r.withdrawn is not None)


def test_a_cited_id_still_resolves(shipped: dict[str, list[BaseModel]]) -> None:
    assert dazhou_reforms.get_reform("one-license").withdrawn == date(2026, 11, 30)
    assert ids(dazhou_reforms.metrics_for("one-license")) == ["investment-total"]  # a live metric
    assert ids(dazhou_reforms.metrics_for("one-license", version="1.0.0")) == ["investment-total"]


def test_the_older_release_has_no_withdrawn_record(shipped: dict[str, list[BaseModel]]) -> None:
    assert ids(dazhou_reforms.load_reforms(version="1.0.0")) == [
        "one-license",
        "overall-strategy",
        "silver-canteen",
    ]
    assert all(r.withdrawn is None for r in dazhou_reforms.load_reforms(version="1.0.0"))


def test_a_release_before_withdrawn_existed_loads(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sample_tables: Callable[[], dict[str, list[BaseModel]]],
    write_release_folder: Callable[..., Path],
) -> None:
    """Rows of a release older than the ``withdrawn`` fields (1.0.0, 1.0.1) have no such keys."""
    import json

    folder = write_release_folder(tmp_path / "releases" / "1.0.0", sample_tables())
    for path in folder.glob("*.jsonl"):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for row in rows:
            row.pop("withdrawn", None)
            row.pop("withdrawn_reason", None)
        path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    import hashlib

    sums = "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in sorted(folder.glob("*.jsonl"))
    )
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8")
    monkeypatch.setattr(loaders, "releases_root", lambda: tmp_path / "releases")
    loaders.clear_cache()
    try:
        reforms = dazhou_reforms.load_reforms()
        assert [r.withdrawn for r in reforms] == [None, None, None]
        expected = sorted(sample_tables()["reforms"], key=lambda r: getattr(r, "id"))  # noqa: B009
        assert [r.model_dump() for r in reforms] == [r.model_dump() for r in expected]
    finally:
        loaders.clear_cache()


def test_the_shipped_1_0_0_still_loads() -> None:
    loaders.clear_cache()
    reforms = dazhou_reforms.load_reforms(version="1.0.0")
    assert len(reforms) == 48 and all(r.withdrawn is None for r in reforms)


@pytest.mark.parametrize("withdrawn", [(), (0,), (4,), (0, 1, 4), (1, 3), (0, 1, 2, 3, 4)])
def test_live_rows_keeps_the_live_rows_in_order_with_the_schema(withdrawn: tuple[int, ...]) -> None:
    import pyarrow as pa

    from dazhou_reforms.loaders import live_rows

    dates = [date(2026, 11, 30) if index in withdrawn else None for index in range(5)]
    table = pa.table({"id": list("abcde"), "withdrawn": pa.array(dates, pa.date32())})
    table = table.replace_schema_metadata({b"huggingface": b"{}"})
    live = live_rows(table)
    assert live.column("id").to_pylist() == [c for index, c in enumerate("abcde") if index not in withdrawn]
    assert live.schema == table.schema and live.schema.metadata == {b"huggingface": b"{}"}

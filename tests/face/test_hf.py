"""Hugging Face datasets: declared features through this package and through the no-code route."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

datasets = pytest.importorskip("datasets")

import dazhou_reforms  # noqa: E402
from dazhou_reforms import hf  # noqa: E402
from dazhou_reforms.schema.models import TABLES  # noqa: E402


def test_load_hf_has_declared_features_and_the_rows() -> None:
    metrics = hf.load_hf("metrics")
    assert metrics.features == hf.features("metrics")
    assert metrics.num_rows == len(dazhou_reforms.load_metrics())
    row = metrics[
        [m.id for m in dazhou_reforms.load_metrics()].index(
            "investment-chain-leader-projects-total-investment"
        )
    ]
    assert row["value_as_stated"] == "1491亿元"
    assert row["value"] == 149_100_000_000.0
    assert row["evidence"][0]["quote"].endswith("总投资达1491亿元")


@pytest.mark.parametrize("table", list(TABLES))
def test_no_code_route_load_dataset_offline(
    table: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with hf.release_folder() as folder:
        loaded = datasets.load_dataset(str(folder), table, split="train", cache_dir=str(tmp_path / "cache"))
    assert loaded.features == hf.features(table)
    everything = hf.load_hf(table, include_withdrawn=True)  # the folder holds every row
    assert loaded.num_rows == everything.num_rows
    assert loaded.to_list() == everything.to_list()

"""The context of a validation: the shipped release, read and verified, or a clear problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dazhou_reforms import __version__
from dazhou_reforms.validate import context

RELEASE = Path(__file__).resolve().parents[2] / "build" / __version__


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the newest release, standing in for the one shipped with the package."""
    shutil.copytree(RELEASE, tmp_path / __version__)
    monkeypatch.setattr(context, "packaged_root", lambda: tmp_path)
    return tmp_path / __version__


def test_the_shipped_release_gives_ids_and_sources(shipped: Path) -> None:
    found, problems = context.shipped_release()
    assert problems == []
    assert found.label == f"release {__version__}"
    assert "investment-ex-ante-evaluation" in found.ids["reforms"]
    assert [source.id for source in found.sources] == ["dazhou-reform-article-2024-04-10"]


def test_a_table_listed_but_missing_is_unreadable_not_skipped(shipped: Path) -> None:
    (shipped / "metrics.jsonl").unlink()
    found, problems = context.shipped_release()
    assert found.ids == {}
    assert [problem.code for problem in problems] == ["unreadable"]
    assert f"{shipped}/metrics.jsonl: cannot read: No such file or directory" in problems[0].message


def test_a_changed_table_is_unreadable(shipped: Path) -> None:
    path = shipped / "reforms.jsonl"
    path.write_bytes(path.read_bytes().replace(b'"id":"', b'"id":"x', 1))
    _, problems = context.shipped_release()
    assert [problem.code for problem in problems] == ["unreadable"]
    assert "does not match its SHA-256 in SHA256SUMS" in problems[0].message

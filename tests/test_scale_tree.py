"""The scale benchmark's generated raw/ trees (benchmarks/scale_tree.py) are valid and deterministic."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from dazhou_reforms.check.dataset import read_and_check
from dazhou_reforms.cli.build import build
from dazhou_reforms.cli.validate import validate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def scale_tree() -> ModuleType:
    spec = importlib.util.spec_from_file_location("scale_tree", ROOT / "benchmarks" / "scale_tree.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_a_tiny_generated_tree_validates_with_no_problem(tmp_path: Path, scale_tree: ModuleType) -> None:
    counts = scale_tree.write_tree(tmp_path / "raw", sources=3, reforms=7, metrics=11)
    assert (counts.sources, counts.sections, counts.organizations, counts.glossary) == (3, 15, 6, 15)
    result = CliRunner().invoke(validate, [str(tmp_path / "raw")])
    assert result.exit_code == 0, result.output
    assert result.output == f"ok: {counts.records} record(s) in {counts.records} file(s), all valid\n"
    dataset = read_and_check(tmp_path / "raw")
    assert dataset.problems == []
    tables = dataset.tables
    assert [len(tables[t]) for t in ("sources", "reforms", "metrics")] == [3, 7, 11]
    # every evidence names its source; every record quotes the source its id is numbered after
    for path in (tmp_path / "raw").rglob("*.toml"):
        text = path.read_text(encoding="utf-8")
        if "vocabularies" not in path.parts:
            assert text.count("quote = ") == text.count("{ source_id = "), path
    by_section = {section.id: section.source_id for section in tables["sections"]}
    for reform in tables["reforms"]:
        assert {span.source_id for span in reform.evidence} == {by_section[reform.section]}
    assert sorted({metric.unit for metric in tables["metrics"]}) == [
        "CNY",
        "count",
        "mu",
        "tonne",
        "working_day",
    ]


def test_the_generator_is_deterministic_and_the_seed_matters(tmp_path: Path, scale_tree: ModuleType) -> None:
    digests = [
        tree_digest(root)
        for seed, root in ((13, tmp_path / "a"), (13, tmp_path / "b"), (14, tmp_path / "c"))
        if scale_tree.write_tree(root, sources=2, reforms=4, metrics=4, seed=seed)
    ]
    assert digests[0] == digests[1] != digests[2]


@pytest.mark.slow
def test_the_10x_tree_validates_and_builds(
    tmp_path: Path, scale_tree: ModuleType, make_changelog: Callable[..., Path]
) -> None:
    counts = scale_tree.write_tree(tmp_path / "raw", sources=10, reforms=500, metrics=500)
    texts = [path.read_text(encoding="utf-8") for path in (tmp_path / "raw" / "sources").glob("*.txt")]
    assert len(texts) == 10 and all(3_700 <= len(text) <= 4_300 for text in texts)
    result = CliRunner().invoke(validate, [str(tmp_path / "raw")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"ok: {counts.records:,} record(s)")
    built = CliRunner().invoke(
        build,
        [
            "--raw",
            str(tmp_path / "raw"),
            "--out",
            str(tmp_path / "out"),
            "--changelog",
            str(make_changelog(tmp_path)),
        ],
    )
    assert built.exit_code == 0, built.output
    (release,) = (tmp_path / "out").iterdir()
    lines = {
        table: (release / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
        for table in ("sources", "reforms", "metrics")
    }
    assert [len(lines[table]) for table in lines] == [10, 500, 500]
    sources = {json.loads(line)["id"]: json.loads(line)["text"] for line in lines["sources"]}
    for line in lines["reforms"] + lines["metrics"]:
        for span in json.loads(line)["evidence"]:
            assert sources[span["source_id"]][span["start"] : span["end"]] == span["quote"]

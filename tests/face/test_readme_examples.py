"""The README's Python examples run as written (each code block of “Load the data”), in this
process; tests/face/test_docs.py runs them again against the installed wheel."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def usage_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Load the data", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_readme_has_the_one_line_uses() -> None:
    blocks = "\n".join(usage_blocks())
    for use in ("load_reforms()", "load_frame(", 'backend="polars"', "duckdb.sql", "load_hf(", "search("):
        assert use in blocks


def test_each_example_names_its_extra() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Load the data", 1)[1].split("\n## ", 1)[0]
    intros = re.findall(r"\n([^\n]+)\n\n```python\n(.*?)```", section, flags=re.DOTALL)
    assert len(intros) == len(usage_blocks())
    for intro, block in intros:
        for module, extra in (("load_frame", "pandas"), ("duckdb", "duckdb"), ("load_hf", "hf")):
            if module in block:
                assert f"extra `{extra}`" in intro, intro
        if "polars" in block:
            assert "extra `polars`" in intro


@pytest.mark.parametrize("index", range(len(usage_blocks())))
def test_readme_example_runs(index: int, capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {}
    exec(compile(usage_blocks()[index], f"README.md example {index + 1}", "exec"), namespace)
    printed = capsys.readouterr().out
    if "metrics" in namespace and "load_frame" in usage_blocks()[index]:
        assert "Int64 category" in printed
    if "duckdb" in namespace:
        assert "('1491亿元'," in printed
    if "ds" in namespace:
        assert namespace["ds"].num_rows > 0  # type: ignore[attr-defined]
    if "reforms" in namespace and "search" in usage_blocks()[index]:
        assert "[('reforms', 'forest-money-bank'), ('metrics', 'forest-money-bank-area'), " in printed

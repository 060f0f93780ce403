"""The README's Python examples run as written (each code block in “Using the data”)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def usage_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Using the data", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_readme_has_the_one_line_uses() -> None:
    blocks = "\n".join(usage_blocks())
    for use in ("load_reforms()", "to_pandas()", "pl.from_arrow", "duckdb.sql", "load_hf("):
        assert use in blocks


@pytest.mark.parametrize("index", range(len(usage_blocks())))
def test_readme_example_runs(index: int) -> None:
    namespace: dict[str, object] = {}
    exec(compile(usage_blocks()[index], f"README.md example {index + 1}", "exec"), namespace)
    if "df" in namespace:
        assert len(namespace["df"]) > 0  # type: ignore[arg-type]
    if "top" in namespace:
        assert ("1491亿元",) in [row[:1] for row in namespace["top"]]  # type: ignore[attr-defined]
    if "ds" in namespace:
        assert namespace["ds"].num_rows > 0  # type: ignore[attr-defined]

"""The build process lets go of the memory Arrow frees (benchmarks/bench_scale.py measures it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BUILD_THEN_POOL = """
import sys
from click.testing import CliRunner
from dazhou_reforms.cli.build import build
assert "pyarrow" not in sys.modules
CliRunner().invoke(build, ["--raw", sys.argv[1], "--out", sys.argv[2]])
import pyarrow
print(pyarrow.default_memory_pool().backend_name)
"""


@pytest.mark.parametrize(("chosen", "expected"), [(None, "system"), ("mimalloc", "mimalloc")])
def test_build_uses_the_system_allocator_for_arrow_unless_the_user_chose_one(
    tmp_path: Path, chosen: str | None, expected: str
) -> None:
    env = {key: value for key, value in os.environ.items() if key != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen is not None:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    (tmp_path / "raw").mkdir()
    done = subprocess.run(
        [sys.executable, "-c", BUILD_THEN_POOL, str(tmp_path / "raw"), str(tmp_path / "out")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == expected

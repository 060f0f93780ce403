"""Shared by the build tests: a small raw tree, and building it with the real command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from dazhou_reforms._version import __version__
from dazhou_reforms.cli.build import build
from raw_trees import copy_real_base

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "build"
RELEASE_DATE = "2026-11-26"


def make_raw(root: Path) -> Path:
    """``root/raw``: the real sources, sections and vocabularies plus the fixture's records."""
    raw = copy_real_base(root / "raw")
    for part in ("organizations", "reforms", "metrics", "glossary"):
        shutil.copytree(FIXTURE / part, raw / part)
    return raw


def make_changelog(root: Path, date: str = RELEASE_DATE) -> Path:
    path = root / "CHANGELOG.md"
    path.write_text(
        f"# Changelog\n\n## [Unreleased]\n\n## [{__version__}] - {date}\n\n- Added things.\n",
        encoding="utf-8",
    )
    return path


def run_build(raw: Path, out: Path, changelog: Path | None = None) -> Result:
    args = ["--raw", str(raw), "--out", str(out)]
    if changelog is not None:
        args += ["--changelog", str(changelog)]
    return CliRunner().invoke(build, args)


def build_fixture(root: Path) -> Path:
    """Build the fixture tree under ``root``; the release folder."""
    raw = make_raw(root)
    result = run_build(raw, root / "build", make_changelog(root))
    assert result.exit_code == 0, result.output
    return root / "build" / __version__


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}

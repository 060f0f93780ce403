"""The real record set builds, and the committed release is exactly what the build makes of it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from jsonschema import Draft202012Validator

from dazhou_reforms import __version__
from dazhou_reforms.schema.models import TABLES

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")


@pytest.fixture(scope="module")
def real_release(tmp_path_factory: pytest.TempPathFactory, run_build: Callable[..., Result]) -> Path:
    out = tmp_path_factory.mktemp("real")
    result = run_build(ROOT / "raw", out, ROOT / "CHANGELOG.md")
    assert result.exit_code == 0, result.output
    return out / __version__


def test_real_raw_builds_and_every_record_fits_its_schema(
    real_release: Path, read_jsonl: Callable[[Path], list[dict[str, Any]]]
) -> None:
    for table in TABLES:
        schema = json.loads((ROOT / "schema" / f"{table}.schema.json").read_text(encoding="utf-8"))
        validator = Draft202012Validator(schema)
        rows = read_jsonl(real_release / f"{table}.jsonl")
        assert rows, table
        for row in rows:
            assert not list(validator.iter_errors(row)), (table, row.get("id"))


def _released_versions() -> list[str]:
    if not BUILD.is_dir():
        return []
    found = [path.name for path in BUILD.iterdir() if path.is_dir() and VERSION.match(path.name)]
    return sorted(found, key=lambda version: tuple(int(part) for part in version.split(".")))


def test_newest_committed_release_is_the_package_version() -> None:
    versions = _released_versions()
    if not versions:
        pytest.skip("no release committed under build/ yet")
    assert versions[-1] == __version__, "the package version must equal the newest data release"
    for version in versions:
        package = json.loads((BUILD / version / "datapackage.json").read_text(encoding="utf-8"))
        assert package["version"] == version


def test_changelog_has_an_entry_for_the_package_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\]", changelog, flags=re.MULTILINE)


def test_committed_release_rebuilds_byte_for_byte(
    real_release: Path, folder_bytes: Callable[[Path], dict[str, bytes]]
) -> None:
    committed = BUILD / __version__
    if not committed.is_dir():
        pytest.skip(f"build/{__version__} is not committed yet")
    assert folder_bytes(real_release) == folder_bytes(committed), (
        f"raw/ no longer builds build/{__version__}: changed data needs a new version and CHANGELOG entry"
    )

"""`dazhou-reforms build`: what it writes, byte for byte, and what it refuses to write."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from dazhou_reforms import __version__
from dazhou_reforms.check.dataset import read_and_check
from dazhou_reforms.problems.problem import sort_key
from dazhou_reforms.release import write as release_module
from dazhou_reforms.release.write import ReleaseConflict, write_release
from dazhou_reforms.schema.models import TABLES
from dazhou_reforms.schema.vocabularies import VOCABULARIES

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parents[1] / "fixtures" / "build"


def test_release_has_every_file(release: Path) -> None:
    expected = {"README.md", "SHA256SUMS", "datapackage.json", "croissant.json", "explorer.html"}
    expected |= {"annotations.jsonld"}
    for table in TABLES:
        expected |= {f"{table}.jsonl", f"{table}.parquet", f"{table}.schema.json"}
    assert {path.name for path in release.iterdir()} == expected
    assert release.name == __version__


def test_sha256sums_lists_every_other_file_sorted(release: Path) -> None:
    lines = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    names = [line.split("  ", 1)[1] for line in lines]
    assert names == sorted(path.name for path in release.iterdir() if path.name != "SHA256SUMS")
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest


def test_jsonl_is_canonical(release: Path) -> None:
    for table, model in TABLES.items():
        data = (release / f"{table}.jsonl").read_bytes()
        assert b"\r" not in data and data.endswith(b"\n")
        for line in data.decode("utf-8").splitlines():
            row = json.loads(line)
            assert list(row) == list(model.model_fields), table
            assert line == json.dumps(row, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    assert "一业一证一码" in (release / "reforms.jsonl").read_text(encoding="utf-8")  # no \\u escapes


def test_rows_are_sorted_by_id(release: Path, read_jsonl: Callable[[Path], list[dict[str, Any]]]) -> None:
    for table in TABLES:
        rows = read_jsonl(release / f"{table}.jsonl")
        if table != "vocabularies":
            assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    reforms = read_jsonl(release / "reforms.jsonl")
    assert [row["id"] for row in reforms] == ["one-industry-one-license-one-code", "problem-oriented-reform"]


def test_vocabularies_keep_declared_code_order(
    release: Path, read_jsonl: Callable[[Path], list[dict[str, Any]]]
) -> None:
    rows = read_jsonl(release / "vocabularies.jsonl")
    assert [row["vocabulary"] for row in rows] == sorted(row["vocabulary"] for row in rows)
    for name, codes in VOCABULARIES.items():
        assert [row["code"] for row in rows if row["vocabulary"] == name] == [str(code) for code in codes]


def test_jsonl_holds_the_records(release: Path, read_jsonl: Callable[[Path], list[dict[str, Any]]]) -> None:
    (metric,) = [row for row in read_jsonl(release / "metrics.jsonl") if row["id"] == "investment-total"]
    assert metric["value"] == 149100000000.0 and metric["value_standard"] == 149100000000.0
    assert metric["place_code"] is None and metric["evidence"][0]["quote"] == "总投资达1491亿元"
    (reform,) = [row for row in read_jsonl(release / "reforms.jsonl") if row["parent_id"]]
    assert reform["recognitions"][0]["evidence"][0]["source_id"] == "dazhou-reform-article-2024-04-10"
    sources = read_jsonl(release / "sources.jsonl")
    assert sources[0]["text"] == (ROOT / "raw/sources/dazhou-reform-article-2024-04-10.txt").read_text(
        encoding="utf-8"
    )


def test_build_twice_in_different_folders_gives_identical_bytes(
    release: Path,
    tmp_path: Path,
    build_fixture: Callable[[Path], Path],
    folder_bytes: Callable[[Path], dict[str, bytes]],
) -> None:
    again = build_fixture(tmp_path / "elsewhere" / "deeper")
    assert folder_bytes(again) == folder_bytes(release)


def test_build_in_another_process_with_other_hash_seed_and_locale_gives_identical_bytes(
    release: Path,
    tmp_path: Path,
    make_raw: Callable[[Path], Path],
    make_changelog: Callable[..., Path],
    folder_bytes: Callable[[Path], dict[str, bytes]],
) -> None:
    make_raw(tmp_path)
    changelog = make_changelog(tmp_path)
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TZ": "America/Lima", "LC_ALL": "C", "LANG": "C"}
    command = [
        sys.executable,
        "-m",
        "dazhou_reforms.cli",
        "build",
        "--raw",
        "raw",
        "--out",
        "out",
        "--changelog",
        changelog.name,
    ]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert folder_bytes(tmp_path / "out" / __version__) == folder_bytes(release)


def test_no_absolute_path_or_timestamp_in_the_release(
    tmp_path: Path, build_fixture: Callable[[Path], Path], folder_bytes: Callable[[Path], dict[str, bytes]]
) -> None:
    release = build_fixture(tmp_path)
    for name, data in folder_bytes(release).items():
        assert str(tmp_path).encode() not in data, name
        assert b"/tmp/" not in data and b"/work/" not in data and b"/home/" not in data, name


def test_rebuilding_identical_content_is_a_no_op(
    tmp_path: Path, run_build: Callable[..., Result], build_fixture: Callable[[Path], Path]
) -> None:
    release = build_fixture(tmp_path)
    before = {path.name: path.stat().st_mtime_ns for path in release.iterdir()}
    result = run_build(tmp_path / "raw", tmp_path / "build", tmp_path / "CHANGELOG.md")
    assert result.exit_code == 0, result.output
    assert (
        result.stdout == f"{release.as_posix()} is up to date (identical content): 1 sources, 7 sections, "
        "2 organizations, 2 reforms, 2 metrics, 1 glossary, 85 vocabularies\n"
    )
    assert {path.name: path.stat().st_mtime_ns for path in release.iterdir()} == before


def test_changed_data_in_a_released_version_is_refused(
    tmp_path: Path,
    run_build: Callable[..., Result],
    build_fixture: Callable[[Path], Path],
    folder_bytes: Callable[[Path], dict[str, bytes]],
) -> None:
    release = build_fixture(tmp_path)
    before = folder_bytes(release)
    path = tmp_path / "raw" / "glossary" / "key-move.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("“key move”", "“decisive move”"), encoding="utf-8"
    )
    result = run_build(tmp_path / "raw", tmp_path / "build", tmp_path / "CHANGELOG.md")
    assert result.exit_code == 3
    assert result.stderr == (
        f"error: {release.as_posix()} already exists with different content "
        "(README.md, SHA256SUMS, croissant.json, datapackage.json, explorer.html, glossary.jsonl, "
        "glossary.parquet).\n"
        f"Whether {release.as_posix()} was published cannot be known here: "
        f"{release.parent.as_posix()} is not in a git checkout.\n"
        "A release is never rewritten: bump the version in src/dazhou_reforms/_version.py and add a "
        "CHANGELOG.md entry for it, then build again.\n"
        "If you are sure it was never published, delete the folder and build again.\n"
    )
    assert folder_bytes(release) == before
    assert "Traceback" not in result.output


def test_extra_file_in_a_released_version_is_refused(
    tmp_path: Path, run_build: Callable[..., Result], build_fixture: Callable[[Path], Path]
) -> None:
    release = build_fixture(tmp_path)
    (release / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_build(tmp_path / "raw", tmp_path / "build", tmp_path / "CHANGELOG.md")
    assert result.exit_code == 3
    assert "(notes.txt)" in result.stderr


def test_problems_in_raw_are_all_listed_and_nothing_is_written(
    tmp_path: Path, make_raw: Callable[[Path], Path], run_build: Callable[..., Result]
) -> None:
    raw = make_raw(tmp_path)
    metric = raw / "metrics" / "investment-total.toml"
    metric.write_text(
        metric.read_text(encoding="utf-8").replace('status = "achieved"\n', ""), encoding="utf-8"
    )
    glossary = raw / "glossary" / "key-move.toml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8").replace("关键一招", "关键二招"), encoding="utf-8"
    )
    result = run_build(raw, tmp_path / "build")
    assert result.exit_code == 1
    assert result.stdout == ""
    problems = sorted(read_and_check(raw).problems, key=sort_key)
    assert [(p.code, p.file) for p in problems] == [
        ("quote-not-found", "raw/glossary/key-move.toml"),
        ("missing-field", "raw/metrics/investment-total.toml"),
    ]
    expected = "".join(problem.to_text() + "\n" for problem in problems)
    assert result.stderr == expected + f"2 problem(s) found in {raw}; nothing was built\n"
    assert "Traceback" not in result.output
    assert not (tmp_path / "build").exists()


def test_missing_raw_folder_is_refused(tmp_path: Path, run_build: Callable[..., Result]) -> None:
    result = run_build(tmp_path / "nowhere", tmp_path / "build")
    assert result.exit_code == 1
    assert "missing-path" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "build").exists()


def test_interrupted_write_leaves_no_partial_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = Path.write_bytes

    def write_bytes(self: Path, data: bytes) -> int:
        if self.name == "b.jsonl":
            raise KeyboardInterrupt
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    with pytest.raises(KeyboardInterrupt):
        write_release({"a.jsonl": b"{}\n", "b.jsonl": b"{}\n"}, tmp_path / "build" / "9.9.9")
    assert list((tmp_path / "build").iterdir()) == []


def test_write_release_into_a_new_folder_then_again(tmp_path: Path) -> None:
    files = {"a.jsonl": b"{}\n", "SHA256SUMS": b""}
    assert write_release(files, tmp_path / "v" / "1.0.0").status == "written"
    assert write_release(files, tmp_path / "v" / "1.0.0").status == "unchanged"
    with pytest.raises(ReleaseConflict) as caught:
        write_release({**files, "a.jsonl": b"[]\n"}, tmp_path / "v" / "1.0.0")
    assert caught.value.differing == ["a.jsonl"]
    assert [path.name for path in (tmp_path / "v").iterdir()] == ["1.0.0"]


def test_an_empty_version_folder_is_built_into(tmp_path: Path) -> None:
    (tmp_path / "v" / "1.0.0").mkdir(parents=True)
    assert write_release({"a.jsonl": b"{}\n"}, tmp_path / "v" / "1.0.0").status == "written"
    assert (tmp_path / "v" / "1.0.0" / "a.jsonl").read_bytes() == b"{}\n"


def test_conflict_names_a_different_pyarrow_as_the_cause(
    release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "dazhou_reforms.release.tables.parquet_writer", lambda: "parquet-cpp-arrow version 0.0.1"
    )
    hint = release_module.parquet_writer_hint(release, ["SHA256SUMS", "croissant.json", "metrics.parquet"])
    assert (
        hint is not None and "parquet-cpp-arrow version 0.0.1" in hint and "Rebuild with that pyarrow" in hint
    )
    assert release_module.parquet_writer_hint(release, ["metrics.jsonl", "metrics.parquet"]) is None


def test_release_date_comes_from_the_changelog(tmp_path: Path, build_fixture: Callable[[Path], Path]) -> None:
    release = build_fixture(tmp_path)
    assert (
        json.loads((release / "croissant.json").read_text(encoding="utf-8"))["datePublished"] == "2026-11-26"
    )
    assert f"Version {__version__}, released 2026-11-26." in (release / "README.md").read_text(
        encoding="utf-8"
    )


def test_build_without_a_changelog_is_refused(
    tmp_path: Path, make_raw: Callable[[Path], Path], run_build: Callable[..., Result]
) -> None:
    """No release without its dated CHANGELOG entry (it was built undated before 1.1.0)."""
    raw = make_raw(tmp_path)
    result = run_build(raw, tmp_path / "build", tmp_path / "no-such-CHANGELOG.md")
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"error: cannot read {(tmp_path / 'no-such-CHANGELOG.md').as_posix()} (No such file or directory), "
        f"where the release date of {__version__} is written. A release needs its dated CHANGELOG entry; "
        "nothing was built\n"
    )
    assert not (tmp_path / "build").exists()


def test_fixture_tree_is_small_and_stable() -> None:
    assert sorted(path.relative_to(FIXTURE).as_posix() for path in FIXTURE.rglob("*.toml")) == [
        "glossary/key-move.toml",
        "metrics/count-sichuan-first-places.toml",
        "metrics/investment-total.toml",
        "organizations/cpc-dazhou-committee.toml",
        "organizations/sichuan-deepening-reform-commission.toml",
        "reforms/one-industry-one-license-one-code.toml",
        "reforms/problem-oriented-reform.toml",
    ]


def test_tables_without_records_are_released_empty_with_their_schema(
    tmp_path: Path, make_raw: Callable[[Path], Path], run_build: Callable[..., Result]
) -> None:
    import pyarrow.parquet as pq

    from dazhou_reforms.release.arrow import table_schema

    raw = make_raw(tmp_path)
    for part in ("organizations", "reforms", "metrics", "glossary"):
        for path in (raw / part).iterdir():
            path.unlink()
    result = run_build(raw, tmp_path / "build")
    assert result.exit_code == 0, result.output
    release = tmp_path / "build" / __version__
    assert (release / "metrics.jsonl").read_bytes() == b""
    parquet = pq.ParquetFile(release / "metrics.parquet")
    assert parquet.metadata.num_rows == 0
    assert parquet.schema_arrow.names == table_schema("metrics").names


def test_an_existing_version_folder_is_compared_without_reading_beyond_its_files(tmp_path: Path) -> None:
    folder = tmp_path / "build" / "9.9.9"
    write_release({"a.jsonl": b"{}\n", "b.jsonl": b"{}\n"}, folder)
    (folder / "a.jsonl").unlink()
    os.mkfifo(folder / "a.jsonl")  # read, it would block the build forever
    (folder / "b.jsonl").unlink()
    (folder / "b.jsonl").symlink_to("/dev/zero")  # read whole, it would never end
    with pytest.raises(ReleaseConflict) as raised:
        write_release({"a.jsonl": b"{}\n", "b.jsonl": b"{}\n"}, folder)
    assert raised.value.differing == ["a.jsonl", "b.jsonl"]

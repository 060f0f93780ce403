"""``dazhou-reforms info`` and ``diff`` on two small releases written in a temporary folder."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from dazhou_reforms.cli import main
from dazhou_reforms.schema.models import GlossaryTerm


@pytest.fixture
def second_release_tables(
    sample_tables: Callable[[], dict[str, list[Any]]], evidence: Callable[[str], Any]
) -> dict[str, list]:
    """1.1.0: one reform renamed and re-cited, one withdrawn (and its name_en corrected), a metric
    removed, a glossary term added."""
    tables = sample_tables()
    withdrawn = {
        "withdrawn": date(2026, 11, 30),
        "withdrawn_reason": "Not a reform of its own: part of overall-strategy.",
        "name_en": "One industry, one license, one code",
    }
    tables["reforms"] = [
        reform.model_copy(
            update={"name_en": "Canteens for the elderly", "evidence": (evidence("推出“银发食堂”微改革"),)}
        )
        if reform.id == "silver-canteen"
        else reform.model_copy(update=withdrawn)
        if reform.id == "one-license"
        else reform
        for reform in tables["reforms"]
    ]
    tables["metrics"] = [metric for metric in tables["metrics"] if metric.id != "projects-count"]
    tables["glossary"] = [
        *tables["glossary"],
        GlossaryTerm(
            id="silver-canteen-term",
            term_zh="银发食堂",
            term_en="“silver-hair canteen”",
            explanation_en="A canteen for elderly residents.",
            evidence=[evidence("银发食堂")],
        ),
    ]
    return tables


@pytest.fixture
def releases(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sample_tables: Callable[[], dict[str, list[Any]]],
    second_release_tables: dict[str, list[Any]],
    write_release_folder: Callable[..., Path],
) -> Path:
    """tmp_path/build/1.0.0 and 1.1.0; the working directory is tmp_path."""
    write_release_folder(tmp_path / "build" / "1.0.0", sample_tables(), {"README.md": b"# card\n"})
    write_release_folder(tmp_path / "build" / "1.1.0", second_release_tables, {"README.md": b"# card\n"})
    monkeypatch.chdir(tmp_path)
    # only these two: not the releases of this checkout or installation
    monkeypatch.setattr("dazhou_reforms.cli.options.packaged", lambda: None)
    return tmp_path / "build"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


INFO_1_1_0 = """\
Releases available:
  1.0.0  build/1.0.0
  1.1.0  build/1.1.0

Release 1.1.0 (build/1.1.0)
Checksums: ok, 9 files (SHA256SUMS and the 8 it lists, all matching)
Records:
  sources        1
  sections       5
  organizations  1
  reforms        3 (1 withdrawn)
  metrics        1
  glossary       2
  vocabularies   85
Sources:
  sample-article  2024-04-10, 193 characters, 5 sections
                  quoted by 3 reforms, 1 metrics, 1 organizations, 2 glossary
Coverage: 57.1% of body sentences cited (4/7), 35.4% of characters (40/113)
  title   sentences     — (0/0)  characters     — (0/0)
  lead    sentences 50.0% (1/2)  characters 45.8% (11/24)
  part-1  sentences 66.7% (2/3)  characters 26.9% (14/52)
  part-2  sentences 50.0% (1/2)  characters 40.5% (15/37)
  byline  sentences     — (0/0)  characters     — (0/0)
"""


def one_table_release(folder: Path, table: str, rows: list[dict[str, Any]]) -> None:
    """A release folder of one JSON Lines table of ``rows`` and its SHA256SUMS."""
    folder.mkdir()
    data = "".join(json.dumps(row) + "\n" for row in rows).encode()
    (folder / f"{table}.jsonl").write_bytes(data)
    (folder / "SHA256SUMS").write_text(f"{hashlib.sha256(data).hexdigest()}  {table}.jsonl\n")


def test_info_shows_the_newest_release_by_default(releases: Path) -> None:
    result = run("info")
    assert result.exit_code == 0, result.output
    assert result.stdout == INFO_1_1_0


def test_info_of_one_version(releases: Path) -> None:
    result = run("info", "--version", "1.0.0")
    assert result.exit_code == 0, result.output
    assert (
        "Release 1.0.0 (build/1.0.0)\nChecksums: ok, 9 files (SHA256SUMS and the 8 it lists, all matching)\n"
        in result.stdout
    )
    assert "  metrics        2\n  glossary       1\n" in result.stdout
    assert "Coverage: 71.4% of body sentences cited (5/7), 71.7% of characters (81/113)\n" in result.stdout


def test_info_accepts_a_release_folder(releases: Path) -> None:
    result = run("info", "--version", str(releases / "1.1.0"))
    assert result.exit_code == 0, result.output
    assert f"Release 1.1.0 ({(releases / '1.1.0').as_posix()})\n" in result.stdout


def test_info_checksum_mismatch(releases: Path) -> None:
    with (releases / "1.0.0" / "reforms.jsonl").open("ab") as file:
        file.write(b"\n")
    (releases / "1.0.0" / "notes.txt").write_text("extra\n")
    (releases / "1.0.0" / "README.md").unlink()
    result = run("info", "--version", "1.0.0")
    assert result.exit_code == 1
    assert (
        "Checksums: FAILED: 1 do not match (reforms.jsonl); 1 listed but missing (README.md); "
        "1 not listed (notes.txt)\n"
    ) in result.stdout
    assert "  reforms        3\n" in result.stdout


def test_info_unknown_version(releases: Path) -> None:
    result = run("info", "--version", "9.9.9")
    assert result.exit_code == 2
    assert (
        "Invalid value for '--version': no release 9.9.9 in build/ or the installed package "
        "(available: 1.0.0, 1.1.0); give a version or the path of a release folder"
    ) in result.stderr


def test_info_not_a_release_folder(releases: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run("info", "--version", "empty")
    assert result.exit_code == 2
    assert (
        "Invalid value for '--version': empty is not a release folder: it has no SHA256SUMS" in result.stderr
    )


DIFF_TEXT = """\
diff 1.0.0 (build/1.0.0) → 1.1.0 (build/1.1.0)

sources: unchanged
sections: unchanged
organizations: unchanged
reforms: 0 added, 0 removed, 1 changed, 1 withdrawn
  x one-license  "One industry, one license, one code"
      withdrawn "2026-11-30": "Not a reform of its own: part of overall-strategy."
      name_en: "One industry, one licence, one code" → "One industry, one license, one code"
  ~ silver-canteen
      name_en: "Silver-hair canteens" → "Canteens for the elderly"
      evidence[0].end: 171 → 159
      evidence[0].quote: "推出“银发食堂”微改革,每天为老人提供就餐服务" → "推出“银发食堂”微改革"
metrics: 0 added, 1 removed, 0 changed, 0 withdrawn
  - projects-count  "Projects brought in"
glossary: 1 added, 0 removed, 0 changed, 0 withdrawn
  + silver-canteen-term  "“silver-hair canteen”"
vocabularies: unchanged

total: 1 added, 1 removed, 1 changed, 1 withdrawn
"""


def test_diff_text(releases: Path) -> None:
    result = run("diff", "1.0.0", "1.1.0")
    assert result.exit_code == 0, result.output
    assert result.stdout == DIFF_TEXT


def test_diff_json(releases: Path) -> None:
    result = run("diff", "1.0.0", str(releases / "1.1.0"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["old"] == {"release": "1.0.0", "location": "build/1.0.0"}
    assert data["new"]["release"] == "1.1.0"
    assert data["summary"] == {"added": 1, "removed": 1, "changed": 1, "withdrawn": 1}
    assert data["tables"]["reforms"]["withdrawn"] == [
        {
            "key": "one-license",
            "withdrawn": "2026-11-30",
            "withdrawn_reason": "Not a reform of its own: part of overall-strategy.",
            "changes": [
                {
                    "path": "name_en",
                    "old": "One industry, one licence, one code",
                    "new": "One industry, one license, one code",
                }
            ],
        }
    ]
    assert data["tables"]["reforms"]["changed"] == [
        {
            "key": "silver-canteen",
            "changes": [
                {"path": "name_en", "old": "Silver-hair canteens", "new": "Canteens for the elderly"},
                {"path": "evidence[0].end", "old": 171, "new": 159},
                {
                    "path": "evidence[0].quote",
                    "old": "推出“银发食堂”微改革,每天为老人提供就餐服务",
                    "new": "推出“银发食堂”微改革",
                },
            ],
        }
    ]
    assert [row["id"] for row in data["tables"]["metrics"]["removed"]] == ["projects-count"]
    assert data["tables"]["glossary"]["added"][0]["term_zh"] == "银发食堂"
    assert data["tables"]["vocabularies"] == {
        "fields_added": [],
        "fields_removed": [],
        "added": [],
        "removed": [],
        "withdrawn": [],
        "changed": [],
    }


def test_diff_of_a_release_with_itself(releases: Path) -> None:
    result = run("diff", "1.1.0", "1.1.0")
    assert result.exit_code == 0
    assert result.stdout.endswith("vocabularies: unchanged\n\nno differences\n")


def test_diff_vocabulary_entries_are_keyed_by_vocabulary_and_code(
    tmp_path: Path,
    sample_tables: Callable[[], dict[str, list[Any]]],
    write_release_folder: Callable[..., Path],
) -> None:
    old = sample_tables()
    new = sample_tables()
    new["vocabularies"] = [
        entry.model_copy(update={"label_en": "Micro reform"}) if entry.code == "micro_reform" else entry
        for entry in new["vocabularies"]
    ]
    write_release_folder(tmp_path / "a", {"vocabularies": old["vocabularies"]})
    write_release_folder(tmp_path / "b", {"vocabularies": new["vocabularies"]})
    result = run("diff", str(tmp_path / "a"), str(tmp_path / "b"))
    assert '  ~ reform_kind/micro_reform\n      label_en: "Micro-reform" → "Micro reform"\n' in result.stdout


def test_diff_fields_added_and_removed_between_schemas(tmp_path: Path) -> None:
    for name, row in (("a", {"id": "x", "old_field": 1}), ("b", {"id": "x", "new_field": [1, 2]})):
        one_table_release(tmp_path / name, "things", [row])
    result = run("diff", str(tmp_path / "a"), str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    assert (
        "things: 0 added, 0 removed, 1 changed, 0 withdrawn\n"
        "  fields added: new_field\n"
        "  fields removed: old_field\n"
        "  ~ x\n      old_field: 1 → (absent)\n      new_field: (absent) → [1, 2]\n"
    ) in result.stdout


def test_diff_a_new_empty_field_is_named_once_not_for_every_row(tmp_path: Path) -> None:
    """1.0.1 → 1.1.0: every row gains ``withdrawn: null``; only the withdrawn record is listed."""
    rows = {
        "a": [{"id": "x", "name_en": "X"}, {"id": "y", "name_en": "Y"}],
        "b": [
            {"id": "x", "withdrawn": None, "withdrawn_reason": None, "name_en": "X"},
            {"id": "y", "withdrawn": "2026-11-30", "withdrawn_reason": "Wrong.", "name_en": "Y"},
        ],
    }
    for name, table in rows.items():
        one_table_release(tmp_path / name, "reforms", table)
    result = run("diff", str(tmp_path / "a"), str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        "reforms: 0 added, 0 removed, 0 changed, 1 withdrawn\n"
        "  fields added: withdrawn, withdrawn_reason\n"
        '  x y  "Y"\n'
        '      withdrawn "2026-11-30": "Wrong."\n'
        "\n"
        "total: 0 added, 0 removed, 0 changed, 1 withdrawn\n"
    )


def test_diff_refuses_a_tampered_release(releases: Path) -> None:
    path = releases / "1.1.0" / "metrics.jsonl"
    path.write_bytes(path.read_bytes().replace(b"Total investment", b"Total investments"))
    result = run("diff", "1.0.0", "1.1.0")
    assert result.exit_code == 1
    assert result.stderr == "error: build/1.1.0: checksums FAILED: 1 do not match (metrics.jsonl)\n"
    assert result.stdout == ""


def test_diff_reports_invalid_json_with_its_line(
    tmp_path: Path,
    sample_tables: Callable[[], dict[str, list[Any]]],
    write_release_folder: Callable[..., Path],
) -> None:
    tables = sample_tables()
    write_release_folder(tmp_path / "a", {"glossary": tables["glossary"]})
    folder = tmp_path / "b"
    folder.mkdir()
    data = b'{"id":"one-license-term"}\n{"id": oops}\n'
    (folder / "glossary.jsonl").write_bytes(data)
    (folder / "SHA256SUMS").write_text(f"{hashlib.sha256(data).hexdigest()}  glossary.jsonl\n")
    result = run("diff", str(tmp_path / "a"), str(folder))
    assert result.exit_code == 1
    assert result.stderr == f"error: {folder.as_posix()}/glossary.jsonl:2: invalid JSON: Expecting value\n"


def test_diff_unknown_release(releases: Path) -> None:
    result = run("diff", "1.0.0", "2.0.0")
    assert result.exit_code == 2
    assert "Invalid value for 'NEW': no release 2.0.0 in build/" in result.stderr


def test_info_without_any_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("dazhou_reforms.cli.options.packaged", lambda: None)
    monkeypatch.setattr("dazhou_reforms.loaders.available_versions", lambda: [])
    result = run("info")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: no release found in ./build/ or the installed package; run `dazhou-reforms build`\n"
    )


def resum(folder: Path) -> None:
    """Rewrite ``SHA256SUMS`` for the files of ``folder``, as the build would: the checksums are
    fine, so only the rows can be what is wrong."""
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"
        for path in sorted(folder.iterdir())
        if path.name != "SHA256SUMS"
    ]
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def append_line(path: Path, line: bytes) -> None:
    path.write_bytes(path.read_bytes() + line + b"\n")
    resum(path.parent)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b'{"id": oops}', "invalid JSON: Expecting value"),
        (b'["not", "an", "object"]', "expected a JSON object per line"),
        (b"\x00", "invalid JSON: Expecting value"),
    ],
    ids=["invalid JSON", "not an object", "NUL"],
)
def test_info_exits_1_when_a_table_cannot_be_read(releases: Path, line: bytes, message: str) -> None:
    append_line(releases / "1.1.0" / "glossary.jsonl", line)
    result = run("info", "--version", "1.1.0")
    assert result.exit_code == 1, result.output
    assert "Checksums: ok, 9 files (SHA256SUMS and the 8 it lists, all matching)\n" in result.stdout
    assert f"  glossary       FAILED: build/1.1.0/glossary.jsonl:3: {message}\n" in result.stdout
    assert "Coverage: unavailable: glossary cannot be read\n" in result.stdout


def test_a_duplicated_row_is_an_error_in_info_and_diff(releases: Path) -> None:
    path = releases / "1.1.0" / "metrics.jsonl"
    append_line(path, path.read_bytes().splitlines()[0])
    message = "build/1.1.0/metrics.jsonl:2: duplicate id 'investment-total', also on line 1"
    info = run("info", "--version", "1.1.0")
    assert info.exit_code == 1
    assert f"  metrics        FAILED: {message}\n" in info.stdout
    diff = run("diff", "1.0.0", "1.1.0")
    assert (diff.exit_code, diff.stdout, diff.stderr) == (1, "", f"error: {message}\n")
    itself = run("diff", "1.1.0", "1.1.0")
    assert "no differences" not in itself.stdout and itself.exit_code == 1


def test_a_row_without_its_key_is_an_error_in_info_and_diff(releases: Path) -> None:
    row = {"term_zh": "长" * 400, "term_en": "x", "explanation_en": "y" * 600}
    append_line(releases / "1.1.0" / "glossary.jsonl", json.dumps(row, ensure_ascii=False).encode())
    message = "build/1.1.0/glossary.jsonl:3: the row has no id (non-empty text) to identify it"
    assert f"FAILED: {message}\n" in run("info", "--version", "1.1.0").stdout
    diff = run("diff", "1.0.0", "1.1.0")
    assert (diff.exit_code, diff.stdout, diff.stderr) == (1, "", f"error: {message}\n")


def test_ids_repeated_across_tables_are_an_error_in_info_and_diff(releases: Path) -> None:
    append_line(releases / "1.1.0" / "glossary.jsonl", b'{"id":"silver-canteen"}')
    message = (
        "build/1.1.0/glossary.jsonl:3: duplicate id 'silver-canteen', also in table reforms "
        "(build/1.1.0/reforms.jsonl:3); ids are unique across the tables"
    )
    info = run("info", "--version", "1.1.0")
    assert info.exit_code == 1
    assert f"  glossary       3\n  vocabularies   85\n  FAILED: {message}\n" in info.stdout
    diff = run("diff", "1.0.0", "1.1.0")
    assert (diff.exit_code, diff.stderr) == (1, f"error: {message}\n")


def test_diff_refuses_a_listed_file_that_cannot_be_read(releases: Path) -> None:
    path = releases / "1.1.0" / "metrics.jsonl"
    path.unlink()
    path.mkdir()
    result = run("diff", "1.0.0", "1.1.0")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: build/1.1.0: checksums FAILED: 1 cannot be read "
        "(metrics.jsonl: it is a directory, not a regular file)\n"
    )


def test_info_on_a_fifo_listed_in_sha256sums_does_not_hang(releases: Path) -> None:
    import subprocess
    import sys

    path = releases / "1.1.0" / "reforms.jsonl"
    path.unlink()
    os.mkfifo(path)
    done = subprocess.run(
        [sys.executable, "-m", "dazhou_reforms", "info", "--version", "build/1.1.0"],
        cwd=releases.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    why = "build/1.1.0/reforms.jsonl: cannot read: it is a FIFO (named pipe), not a regular file"
    assert f"  reforms        FAILED: {why}\n" in done.stdout
    assert "1 cannot be read (reforms.jsonl: it is a FIFO (named pipe), not a regular file)" in done.stdout
    assert "Traceback" not in done.stderr


def test_info_counts_the_files_of_a_release_as_build_does(
    tmp_path: Path,
    make_raw: Callable[[Path], Path],
    make_changelog: Callable[..., Path],
    run_build: Callable[..., Result],
) -> None:
    """``build`` says "(27 files)"; ``info`` on that folder counts the same 27 (SHA256SUMS included)."""
    import re

    built = run_build(make_raw(tmp_path), tmp_path / "build", make_changelog(tmp_path))
    assert built.exit_code == 0, built.output
    written = re.search(r"^built (\S+) \(([0-9]+) files\)", built.stdout)
    assert written is not None, built.stdout
    release = Path(written.group(1))
    result = run("info", "--version", str(release))
    assert result.exit_code == 0, result.output
    counted = re.search(
        r"Checksums: ok, ([0-9]+) files \(SHA256SUMS and the ([0-9]+) it lists", result.stdout
    )
    assert counted is not None, result.stdout
    assert int(counted.group(1)) == int(written.group(2)) == len(list(release.iterdir())) == 27
    assert int(counted.group(2)) == 26


def test_diff_new_nested_fields_are_named_once_and_not_listed_row_by_row(tmp_path: Path) -> None:
    """Context added to every evidence span (a new nested field) is named once; a record that gained
    a recognition where no record had one before is a change of that record, not a new field."""
    span = {"source_id": "s", "start": 0, "end": 2, "quote": "ab"}
    rows = {
        "a": [
            {"id": "x", "evidence": [span], "recognitions": []},
            {"id": "y", "evidence": [span, span], "recognitions": []},
        ],
        "b": [
            {"id": "x", "evidence": [{**span, "prefix": ""}], "recognitions": [{"kind": "award"}]},
            {"id": "y", "evidence": [{**span, "prefix": ""}, {**span, "prefix": "z"}], "recognitions": []},
        ],
    }
    for name, table in rows.items():
        one_table_release(tmp_path / name, "reforms", table)
    result = run("diff", str(tmp_path / "a"), str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        "reforms: 0 added, 0 removed, 1 changed, 0 withdrawn\n"
        "  fields added: evidence[].prefix\n"
        "  ~ x\n"
        '      recognitions: [] → [{"kind": "award"}]\n'
        "\n"
        "total: 0 added, 0 removed, 1 changed, 0 withdrawn\n"
    )


def test_diff_a_new_top_level_field_left_empty_is_no_change_of_the_record(tmp_path: Path) -> None:
    """A field every row of the newer release gained (``term_en_variants`` in 1.1.0) is named once;
    a row where it is empty (null or ``[]``) did not change, a row where it holds a value did."""
    rows = {
        "a": [{"id": "x", "term_en": "X"}, {"id": "y", "term_en": "Y"}, {"id": "z", "term_en": "Z"}],
        "b": [
            {"id": "x", "term_en": "X", "term_en_variants": []},
            {"id": "y", "term_en": "Y", "term_en_variants": ["Why"]},
            {"id": "z", "term_en": "Z", "term_en_variants": None},
        ],
    }
    for name, table in rows.items():
        one_table_release(tmp_path / name, "glossary", table)
    result = run("diff", str(tmp_path / "a"), str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        "glossary: 0 added, 0 removed, 1 changed, 0 withdrawn\n"
        "  fields added: term_en_variants\n"
        "  ~ y\n"
        '      term_en_variants: (absent) → ["Why"]\n'
        "\n"
        "total: 0 added, 0 removed, 1 changed, 0 withdrawn\n"
    )
    backwards = run("diff", str(tmp_path / "b"), str(tmp_path / "a"))  # lists what forwards lists
    assert backwards.exit_code == 0, backwards.output
    assert backwards.stdout.endswith(
        "glossary: 0 added, 0 removed, 1 changed, 0 withdrawn\n"
        "  fields removed: term_en_variants\n"
        "  ~ y\n"
        '      term_en_variants: ["Why"] → (absent)\n'
        "\n"
        "total: 0 added, 0 removed, 1 changed, 0 withdrawn\n"
    )


def test_diff_shows_a_change_near_the_end_of_a_long_text(tmp_path: Path) -> None:
    """Two long texts that differ only near their end are shown from a little before the place
    they differ, so the text diff shows what changed (not two identical cut-off beginnings)."""
    head = "A long explanation that stays the same for well over eighty characters of the line, "
    rows = {
        "a": {"id": "x", "note": head + "then ends one way."},
        "b": {"id": "x", "note": head + "then ends another."},
    }
    for name, row in rows.items():
        one_table_release(tmp_path / name, "glossary", [row])
    result = run("diff", str(tmp_path / "a"), str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    assert '      note: …line, then ends one way." → …line, then ends another."\n' in result.stdout

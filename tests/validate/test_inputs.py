"""What `validate` accepts: raw/ trees, single TOML files in or out of a tree, JSON Lines, JSON, folders."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dazhou_reforms.cli.validate import validate
from dazhou_reforms.validate.engine import Options, validate_paths

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parents[1] / "fixtures" / "problems"
RELEASE = FIXTURES / "_release"
SOURCE = ROOT / "raw" / "sources" / "dazhou-reform-article-2024-04-10.toml"


def codes(paths: list[Path], **options: Any) -> list[tuple[str, str | None]]:
    outcome = validate_paths(paths, Options(use_release=False, **options))
    return [(p.code, p.file) for p in outcome.problems]


def test_a_valid_raw_tree_passes(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    outcome = validate_paths([raw], Options(use_release=False))
    assert outcome.problems == []
    assert outcome.exit_code == 0
    assert outcome.records == outcome.valid_records > 0


def test_a_raw_tree_gives_the_same_problems_as_the_checks(make_tree: Callable[..., Path]) -> None:
    from dazhou_reforms.check.dataset import read_and_check

    raw = make_tree(FIXTURES / "unit-mismatch", FIXTURES / "quote-not-found-raw-tree")
    expected = sorted((p.code, p.file) for p in read_and_check(raw).problems)
    assert (
        sorted(codes([raw]))
        == expected
        == sorted(
            [
                ("unit-mismatch", "raw/metrics/investment-total.toml"),
                ("quote-not-found", "raw/reforms/" + _only(raw)),
            ]
        )
    )


def test_a_file_too_deep_or_too_long_to_parse_does_not_hide_the_other_problems_of_a_tree(
    make_tree: Callable[..., Path],
) -> None:
    """Python's TOML parser fails on these with RecursionError and ValueError, not a syntax error."""
    raw = make_tree(FIXTURES / "unit-mismatch")
    (raw / "metrics" / "deep.toml").write_text('id = "deep"\nnote = ' + "[" * 10_000 + "]" * 10_000 + "\n")
    (raw / "metrics" / "digits.toml").write_text('id = "digits"\n\nvalue = ' + "9" * 10_000 + "\n")
    outcome = validate_paths([raw], Options(use_release=False))
    assert [(p.code, p.file, p.line) for p in outcome.problems] == [
        ("too-deep", "raw/metrics/deep.toml", 2),
        ("number-too-long", "raw/metrics/digits.toml", 3),
        ("unit-mismatch", "raw/metrics/investment-total.toml", 6),
    ]
    assert outcome.exit_code == 1


def _only(raw: Path) -> str:
    return next(p.name for p in (FIXTURES / "quote-not-found-raw-tree" / "reforms").iterdir())


def test_one_file_of_a_tree_reports_its_own_problems_only(make_tree: Callable[..., Path]) -> None:
    raw = make_tree(FIXTURES / "unit-mismatch")
    metric = raw / "metrics" / "investment-total.toml"
    reform = raw / "reforms" / "one-industry-one-license-one-code.toml"
    assert codes([reform]) == []
    assert codes([metric]) == [("unit-mismatch", "raw/metrics/investment-total.toml")]
    assert codes([raw / "metrics"]) == [("unit-mismatch", "raw/metrics/investment-total.toml")]


def test_a_toml_file_outside_a_tree_uses_the_given_source(tmp_path: Path) -> None:
    record = tmp_path / "investment-total.toml"
    shutil.copy(FIXTURES / "_base" / "metrics" / "investment-total.toml", record)
    # no table in the name or the folder: --table is needed
    assert codes([record]) == [("unknown-table", record.as_posix())]
    assert codes([record], table="metrics", sources=(SOURCE,)) == [
        ("unresolved-reference", record.as_posix())  # its reform is not there without a release
    ]
    assert codes([record], table="metrics", release=RELEASE) == []


def test_a_toml_file_must_be_named_after_its_id(tmp_path: Path) -> None:
    record = tmp_path / "metrics" / "another-name.toml"
    record.parent.mkdir()
    shutil.copy(FIXTURES / "_base" / "metrics" / "investment-total.toml", record)
    # the folder holding metrics/ counts as a raw/ tree: names are relative to its parent
    assert codes([record], release=RELEASE) == [
        ("id-filename-mismatch", f"{tmp_path.name}/metrics/another-name.toml")
    ]


def test_a_release_folder_validates_against_itself(tmp_path: Path) -> None:
    outcome = validate_paths([RELEASE], Options(release=RELEASE))
    assert outcome.problems == []
    assert outcome.files == 4


def test_an_id_of_another_released_table_is_a_duplicate(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    record = raw / "metrics" / "investment-total.toml"
    text = record.read_text(encoding="utf-8").replace('id = "investment-total"', 'id = "customized-bus"')
    record.unlink()
    (raw / "metrics" / "customized-bus.toml").write_text(text, encoding="utf-8")
    outcome = validate_paths([raw], Options(release=RELEASE))
    problems = [(p.code, p.record_id, p.line) for p in outcome.problems]
    assert problems == [("duplicate-id", "customized-bus", 1)]
    assert "table `reforms`" in outcome.problems[0].message


@pytest.mark.parametrize(
    ("name", "code", "exit_code"),
    [("notes.txt", "unknown-format", 2), ("records.jsonl", "unknown-table", 2)],
)
def test_files_that_are_not_records(tmp_path: Path, name: str, code: str, exit_code: int) -> None:
    path = tmp_path / name
    path.write_text("{}\n", encoding="utf-8")
    outcome = validate_paths([path], Options(use_release=False))
    assert [p.code for p in outcome.problems] == [code]
    assert outcome.exit_code == exit_code


def test_table_option_names_the_table_of_any_file(tmp_path: Path) -> None:
    line = (RELEASE / "organizations.jsonl").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "new.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    assert validate_paths([path], Options(release=RELEASE, table="organizations")).exit_code == 0
    outcome = validate_paths([path], Options(release=RELEASE, table="glossary"))
    assert {p.code for p in outcome.problems} == {"unknown-field", "missing-field"}


def test_a_json_file_holds_one_record_or_an_array(tmp_path: Path) -> None:
    row = json.loads((RELEASE / "organizations.jsonl").read_text(encoding="utf-8").splitlines()[0])
    single = tmp_path / "organizations.json"
    single.write_text(json.dumps(row, ensure_ascii=False, indent=2), encoding="utf-8")
    assert validate_paths([single], Options(release=RELEASE)).exit_code == 0
    many = tmp_path / "organizations.many.json"
    broken = {**row, "id": "second", "kind": "ministry"}
    many.write_text(
        json.dumps([{**row, "id": "first"}, broken], ensure_ascii=False, indent=2), encoding="utf-8"
    )
    outcome = validate_paths([many], Options(release=RELEASE))
    assert [(p.code, p.record_id) for p in outcome.problems] == [("invalid-code", "second")]
    kind_line = next(n for n, text in enumerate(many.read_text().splitlines(), 1) if '"ministry"' in text)
    assert outcome.problems[0].line == kind_line


def test_a_json_file_larger_than_the_maximum_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "organizations.json"
    path.write_text("[" + " " * 2000 + "]", encoding="utf-8")
    outcome = validate_paths([path], Options(use_release=False, max_record_size=1000))
    assert [p.code for p in outcome.problems] == ["file-too-large"]


def test_max_errors_stops_early(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    path.write_text("[]\n" * 50, encoding="utf-8")
    outcome = validate_paths([path], Options(use_release=False, max_errors=5))
    assert len(outcome.problems) == 5
    assert outcome.truncated
    everything = validate_paths([path], Options(use_release=False, max_errors=0))
    assert len(everything.problems) == 50 and not everything.truncated
    runner = CliRunner()
    result = runner.invoke(validate, [str(path), "--no-release", "--max-errors", "3", "--format", "json"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    report = json.loads(result.output)
    assert report["summary"]["truncated"] is True
    assert [p["line"] for p in report["schema_errors"] + report["parse_errors"]] == [1, 2, 3]


def test_missing_and_present_paths_together_exit_2_and_report_both(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    path.write_text("[]\n", encoding="utf-8")
    outcome = validate_paths([tmp_path / "gone.jsonl", path], Options(use_release=False))
    assert sorted(p.code for p in outcome.problems) == ["missing-path", "not-an-object"]
    assert outcome.exit_code == 2


def test_usage_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    runner = CliRunner()
    for args in ([], ["x.jsonl", "--format", "xml"], ["x.jsonl", "--release", str(RELEASE), "--no-release"]):
        result = runner.invoke(validate, args)
        assert result.exit_code == 2, args
        assert "Traceback" not in result.output


def test_an_unreadable_file_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "metrics.jsonl"
    path.write_text("{}\n", encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    monkeypatch.setattr(os, "open", refuse)  # we run as root: a permission denied has to be made
    outcome = validate_paths([path], Options(use_release=False))
    assert [p.code for p in outcome.problems] == ["unreadable"]
    assert "Permission denied" in outcome.problems[0].message
    assert outcome.exit_code == 2


def test_paths_without_read_permission_are_reported_in_the_chosen_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """click does not refuse them (a usage error would print no JSON): validate reports each."""
    (tmp_path / "metrics.jsonl").write_text("{}\n", encoding="utf-8")
    (tmp_path / "sources.jsonl").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)  # root may read anything
    result = CliRunner().invoke(
        validate,
        ["metrics.jsonl", "--source", "sources.jsonl", "--release", "metrics.jsonl", "--format", "json"],
    )
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert [(p["code"], p["file"]) for p in report["input_errors"]] == [
        ("unreadable", "metrics.jsonl"),  # --release: a file, not a folder
        ("unreadable", "sources.jsonl"),  # --source: a folder, not a file
    ]


def test_validate_writes_nothing(tmp_path: Path, make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    before = sorted((p, p.stat().st_mtime_ns) for p in tmp_path.rglob("*"))
    validate_paths([raw], Options(use_release=False))
    assert sorted((p, p.stat().st_mtime_ns) for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("utf-16-le", "the file looks like UTF-16 (every other byte is zero), not UTF-8"),
        ("utf-16-be", "the file looks like UTF-16 (every other byte is zero), not UTF-8"),
        ("utf-32-le", "the file looks like UTF-32 (three bytes of every four are zero), not UTF-8"),
        ("utf-32-be", "the file looks like UTF-32 (three bytes of every four are zero), not UTF-8"),
        ("utf-32", "the file is UTF-32, not UTF-8"),
        ("utf-16", "the file is UTF-16, not UTF-8"),
    ],
)
def test_wide_encodings_are_named_and_the_file_is_not_read_on(
    tmp_path: Path, encoding: str, message: str
) -> None:
    path = tmp_path / "metrics.jsonl"
    path.write_bytes('{"id": "a"}\n{"id": "b"}\n{"id": "c"}\n'.encode(encoding))
    outcome = validate_paths([path], Options(use_release=False))
    assert [(p.code, p.line, p.message) for p in outcome.problems] == [("not-utf8", 1, message)]


def test_a_crlf_line_cut_short_is_not_taken_for_a_lone_cr(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    path.write_bytes(b'{"id":"a","value":1\r\n{"id":"b"}\r\n')
    outcome = validate_paths([path], Options(use_release=False))
    first = outcome.problems[0]
    assert (first.code, first.line, first.message) == (
        "json-syntax",
        1,
        "the text ends before the JSON value does",
    )
    assert "carriage return" not in " ".join(p.message for p in outcome.problems)

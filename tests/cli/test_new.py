"""`dazhou-reforms new`: a commented template with a fresh id, that passes the reader once filled."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from dazhou_reforms.check.dataset import read_and_check
from dazhou_reforms.cli.new import fresh_id, new
from dazhou_reforms.schema.templates import render_template

#: The evidence entry of a template, and what a contributor writes into it.
SOURCE = '  { source_id = "dazhou-reform-article-2024-04-10", '
EMPTY = SOURCE + 'quote = "" },'
#: What a contributor writes into each template: line as written -> line as filled in.
FILLED = {
    "reform": {
        'name_zh = ""': 'name_zh = "为郊区学校、企业开通‘定制公交’微改革"',
        'name_en = ""': 'name_en = "Customized bus services for suburban schools and enterprises"',
        'kind = ""': 'kind = "micro_reform"',
        'status = ""': 'status = "implemented"',
        'section = ""': 'section = "part-3"',
        'domains = [""]': 'domains = ["transport"]',
        "cap_major_topic = 0": "cap_major_topic = 10",
        EMPTY: SOURCE + 'quote = "推出“为郊区学校、企业开通‘定制公交’微改革”" },',
    },
    "metric": {
        'indicator_zh = ""': 'indicator_zh = "“森林钱库”面积"',
        'indicator_en = ""': 'indicator_en = "Area of the “forest money bank”"',
        "value = 0": "value = 4690000",
        'unit = ""': 'unit = "mu"',
        'value_as_stated = ""': 'value_as_stated = "469万亩"',
        'qualifier = ""': 'qualifier = "exact"',
        'status = ""': 'status = "target"',
        EMPTY: SOURCE + 'quote = "469万亩“森林钱库”" },',
    },
    "organization": {
        'name_zh = ""': 'name_zh = "地方改革创新研究院课题组"',
        'name_en = ""': 'name_en = "Research Group of the Local Reform and Innovation Research Institute"',
        'kind = ""': 'kind = "research_group"',
        EMPTY: SOURCE + 'quote = "地方改革创新研究院课题组 达州市委改革办" },',
    },
}


def run(raw: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(new, [*args, "--raw", str(raw)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize("kind", ["reform", "metric", "organization"])
def test_the_filled_template_passes_the_reader(make_tree: Callable[..., Path], kind: str) -> None:
    raw = make_tree()
    code, output = run(raw, kind)
    table = {"reform": "reforms", "metric": "metrics", "organization": "organizations"}[kind]
    path = raw / table / f"{kind}-1.toml"
    assert code == 0
    assert output.startswith(f"wrote {path.as_posix()}\n")
    text = path.read_text(encoding="utf-8")
    tomllib.loads(text)
    assert f"#   dazhou-reforms validate {path.as_posix()}" in text.splitlines()  # the file it is in
    for written, filled in FILLED[kind].items():
        assert written in text.splitlines(), written
        text = text.replace(written, filled, 1)
    path.write_text(text, encoding="utf-8")
    # valid; the one thing left is the id `new` chose, which a curator replaces (a warning)
    assert [(p.code, p.record_id, p.line) for p in read_and_check(raw).problems] == [
        ("placeholder-id", f"{kind}-1", 8)
    ]


def test_the_unfilled_template_fails_with_hints(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    run(raw, "metric")
    problems = read_and_check(raw).problems
    assert {p.code for p in problems} >= {"empty-value", "invalid-code"}
    assert all(p.file == "raw/metrics/metric-1.toml" for p in problems)
    # only what the contributor writes: not what the reader fills in from it (it could not)
    assert sorted(p.path or "" for p in problems) == [
        "evidence[0].quote",
        "indicator_en",
        "indicator_zh",
        "qualifier",
        "status",
        "unit",
        "value_as_stated",
    ]


def test_derived_fields_are_not_reported_missing_when_their_inputs_are_wrong(
    make_tree: Callable[..., Path],
) -> None:
    raw = make_tree()
    path = raw / "metrics" / "investment-total.toml"
    text = path.read_text(encoding="utf-8")
    value_line = next(line for line in text.splitlines() if line.startswith("value = "))
    path.write_text(text.replace(value_line, 'value = "5"'), encoding="utf-8")
    problems = read_and_check(raw).problems
    assert [(p.code, p.path) for p in problems] == [("wrong-type", "value")]


def test_a_fresh_id_is_one_no_record_uses(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    assert run(raw, "reform")[0] == 0
    assert run(raw, "reform")[0] == 0
    assert sorted(p.name for p in (raw / "reforms").glob("reform-*.toml")) == [
        "reform-1.toml",
        "reform-2.toml",
    ]
    assert fresh_id("metric", {"metric-1", "metric-3"}) == "metric-2"


def test_never_overwrites(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    existing = raw / "reforms" / "one-industry-one-license-one-code.toml"
    before = existing.read_bytes()
    code, output = run(raw, "reform", "--id", "one-industry-one-license-one-code")
    assert code == 1
    assert "already used" in output
    assert existing.read_bytes() == before
    assert sorted(p.name for p in (raw / "reforms").iterdir()) == ["one-industry-one-license-one-code.toml"]


def test_create_exclusively_refuses_a_name_taken_meanwhile(tmp_path: Path) -> None:
    from dazhou_reforms.cli.files import create_exclusively

    target = tmp_path / "x.toml"
    create_exclusively(target, "a = 1\n")
    with pytest.raises(FileExistsError):
        create_exclusively(target, "a = 2\n")
    assert target.read_text() == "a = 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.toml"]  # no temporary file left behind


@pytest.mark.parametrize("bad", ["Has-Capitals", "two--hyphens", "1-starts-with-digit", "x" * 65, "ünïcode"])
def test_an_invalid_id_is_a_usage_error(make_tree: Callable[..., Path], bad: str) -> None:
    raw = make_tree()
    code, output = run(raw, "reform", "--id", bad)
    assert code == 2
    assert "--id" in output
    assert not (raw / "reforms" / f"{bad}.toml").exists()


def test_without_a_raw_folder(tmp_path: Path) -> None:
    code, output = run(tmp_path / "nowhere", "metric")
    assert code == 2
    assert "is not a directory" in output


def test_the_template_names_every_field_a_curator_writes() -> None:
    text = render_template("reform", "reform-1")
    for name in (
        "name_zh",
        "parent_id",
        "organization_ids",
        "recognitions",
        "awarding_organization_id",
        "year",
    ):
        assert name in text
    assert "value_standard" not in render_template("metric", "metric-1")  # derived by the reader
    assert "start =" not in text.replace("`start = N`", "")  # evidence offsets are derived


@pytest.mark.parametrize("contents", [[], ["notes.txt", "src/"], ["reforms.txt"]])
def test_a_folder_that_is_not_a_raw_tree_is_refused(tmp_path: Path, contents: list[str]) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    for name in contents:
        (folder / name.rstrip("/")).mkdir() if name.endswith("/") else (folder / name).write_text("x")
    before = sorted(path.relative_to(folder) for path in folder.rglob("*"))
    code, output = run(folder, "reform")
    assert code == 2
    assert f"{folder} is not a raw/ tree: it has none of the folders sources/, sections/," in output
    assert "pass --raw with the raw/ folder of the project (e.g. --raw raw)" in output
    assert sorted(path.relative_to(folder) for path in folder.rglob("*")) == before


def test_a_raw_tree_needs_only_one_table_folder(tmp_path: Path) -> None:
    (tmp_path / "raw" / "sources").mkdir(parents=True)
    code, output = run(tmp_path / "raw", "organization", "--id", "some-bureau")
    assert code == 0, output
    assert (tmp_path / "raw" / "organizations" / "some-bureau.toml").is_file()


@pytest.mark.parametrize("kind", ["file", "dangling symlink"])
def test_a_file_in_the_table_folder_s_place_is_refused(make_tree: Callable[..., Path], kind: str) -> None:
    raw = make_tree()
    folder = raw / "organizations"
    if folder.exists():
        folder.rename(raw / "organizations-moved")
    if kind == "file":
        folder.write_text("not a folder", encoding="utf-8")
    else:
        folder.symlink_to(raw / "nowhere")
    code, output = run(raw, "organization", "--id", "some-bureau")
    assert code == 1
    assert output == f"error: {folder.as_posix()} is not a folder; nothing was written\n"
    assert not (raw / "nowhere").exists()

"""The contributor's path with more sources: `new source`, sections, records quoting two sources,
`validate`, `build` into a temporary folder, and not one existing raw/ file edited.

The second and third sources are fictional texts of the test fixtures (tests/fixtures/sources/),
never part of raw/ or of a release. The second has headings (its sections are made from the commands
`new source` proposes); the third has none (its whole text is one body). A metric series runs across
both, with a target and an achieved figure of the same year: a series-conflict, information only.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from dazhou_reforms import __version__, loaders
from dazhou_reforms.cli.group import main

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ROOT / "tests" / "fixtures" / "sources"
ARTICLE = "dazhou-reform-article-2024-04-10"
NOTICE = "fictional-county-notice"
FOLLOW_UP = "fictional-county-follow-up"
SERIES = "fictional-county-new-high-tech-enterprises"

REFORM = f"""id = "fictional-county-one-license"
name_zh = "“一业一证一码”改革"
name_en = "“One industry, one license, one code” reform in a fictional county"
kind = "reform"
status = "implemented"
section = "{NOTICE}-part-1"
domains = ["business_environment"]
cap_major_topic = 15
place_code = "511700"
evidence = [
  {{ source_id = "{ARTICLE}", quote = "推行行业综合许可“一业一证一码”改革" }},
  {{ source_id = "{NOTICE}", quote = "推行“一业一证一码”改革" }},
]

[[recognitions]]
kind = "typical_case"
title_zh = "优秀案例"
title_en = "Outstanding case (fictional)"
year = 2025
evidence = [{{ source_id = "{FOLLOW_UP}", quote = "“一业一证一码”改革获评虚构的优秀案例" }}]
"""


def metric(metric_id: str, source: str, quote: str, stated: str, year: int, status: str) -> str:
    return f"""id = "{metric_id}"
reform_id = "fictional-county-one-license"
series_id = "{SERIES}"
indicator_zh = "新增高新技术企业"
indicator_en = "New high-tech enterprises"
value = {int(stated[:-1])}
unit = "count"
value_as_stated = "{stated}"
qualifier = "exact"
status = "{status}"
period_start = {year}
period_end = {year}
evidence = [{{ source_id = "{source}", quote = "{quote}" }}]
"""


METRICS = {
    "fictional-new-high-tech-2024": (NOTICE, "全县新增高新技术企业12家", "12家", 2024, "achieved"),
    "fictional-new-high-tech-2025-target": (NOTICE, "2025年计划新增高新技术企业15家", "15家", 2025, "target"),
    "fictional-new-high-tech-2025": (FOLLOW_UP, "2025年全县新增高新技术企业14家", "14家", 2025, "achieved"),
}


def hashes(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder``."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def fill(path: Path, *replacements: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, (path, old)
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Path_:
    """What the contributor's path left: the tree, the outputs, the hashes before and after."""

    raw: Path
    release: Path
    baseline: Path
    before: dict[str, str]
    after: dict[str, str]
    outputs: dict[str, Result]


@pytest.fixture(scope="module")
def contributed(
    tmp_path_factory: pytest.TempPathFactory,
    make_changelog: Callable[..., Path],
    run_build: Callable[..., Result],
) -> Path_:
    real_before = hashes(ROOT / "raw")
    root = tmp_path_factory.mktemp("contributor")
    raw = root / "raw"
    shutil.copytree(ROOT / "raw", raw)
    changelog = make_changelog(root)
    assert run_build(raw, root / "baseline", changelog).exit_code == 0
    before = hashes(raw)
    outputs: dict[str, Result] = {}
    # 1. the second source, with headings: its sections from the commands `new source` proposes
    outputs["new notice"] = cli(
        "new", "source", "--raw", str(raw), "--id", NOTICE, "--text", str(TEXTS / f"{NOTICE}.txt"),
        "--title-zh", "（虚构测试文本，仅供测试）某县深化改革工作通报",
        "--published-at", "2025-03-01T09:00:00+08:00",
    )  # fmt: skip
    toml = raw / "sources" / f"{NOTICE}.toml"
    fill(
        toml,
        ('title_en = ""', 'title_en = "A county reform notice (fictional test text)"'),
        ('authors_zh = [""]', 'authors_zh = ["虚构课题组"]'),
        ('authors_en = [""]', 'authors_en = ["A fictional research group"]'),
    )
    commands = [
        line[5:] for line in toml.read_text(encoding="utf-8").splitlines() if line.startswith("#   dazhou")
    ]
    outputs["sections"] = [cli(*shlex.split(command)[1:]) for command in commands][-1]
    for number, english in ((1, "Part 1: Overview"), (2, "Part 2: Next steps")):
        fill(
            raw / "sections" / f"{NOTICE}-part-{number}.toml",
            ('heading_en = ""', f'heading_en = "{english}"'),
        )
    # 2. the third source, without headings: no sections, its whole text one body
    outputs["new follow-up"] = cli(
        "new", "source", "--raw", str(raw), "--id", FOLLOW_UP, "--text", str(TEXTS / f"{FOLLOW_UP}.txt"),
        "--title-zh", "（虚构测试文本，仅供测试）某县改革回访",
        "--title-en", "A county follow-up (fictional test text)",
        "--published-at", "2026-01-05T10:00:00+08:00",
    )  # fmt: skip
    fill(
        raw / "sources" / f"{FOLLOW_UP}.toml",
        ('authors_zh = [""]', 'authors_zh = ["虚构课题组"]'),
        ('authors_en = [""]', 'authors_en = ["A fictional research group"]'),
    )
    # 3. records quoting two and three sources
    (raw / "reforms" / "fictional-county-one-license.toml").write_text(REFORM, encoding="utf-8")
    for metric_id, args in METRICS.items():
        (raw / "metrics" / f"{metric_id}.toml").write_text(metric(metric_id, *args), encoding="utf-8")
    # 4. validate, check, build
    outputs["validate"] = cli("validate", str(raw), "--no-release")
    outputs["validate notice"] = cli("validate", str(raw), "--no-release", "--source", NOTICE)
    outputs["check"] = cli("check", "--raw", str(raw))
    outputs["build"] = run_build(raw, root / "out", changelog)
    assert hashes(ROOT / "raw") == real_before  # the real tree: never touched
    return Path_(
        raw, root / "out" / __version__, root / "baseline" / __version__, before, hashes(raw), outputs
    )


def rows(folder: Path, table: str) -> dict[str, dict[str, Any]]:
    lines = (folder / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
    found = [json.loads(line) for line in lines]
    return {row.get("id") or f"{row['vocabulary']}/{row['code']}": row for row in found}


NEW_FILES = {
    f"sources/{NOTICE}.toml",
    f"sources/{NOTICE}.txt",
    f"sources/{FOLLOW_UP}.toml",
    f"sources/{FOLLOW_UP}.txt",
    f"sections/{NOTICE}-lead.toml",
    f"sections/{NOTICE}-part-1.toml",
    f"sections/{NOTICE}-part-2.toml",
    "reforms/fictional-county-one-license.toml",
    *(f"metrics/{metric_id}.toml" for metric_id in METRICS),
}


def test_no_existing_raw_file_is_edited(contributed: Path_) -> None:
    assert {name: contributed.after[name] for name in contributed.before} == contributed.before
    assert set(contributed.after) - set(contributed.before) == NEW_FILES


def test_every_step_succeeds(contributed: Path_) -> None:
    outputs = contributed.outputs
    assert outputs["new notice"].exit_code == 0
    assert f"wrote {contributed.raw.as_posix()}/sources/{NOTICE}.txt (" in outputs["new notice"].output
    assert "make sections of the 2 proposed" in outputs["new notice"].output
    assert "no heading was recognized" in outputs["new follow-up"].output
    assert outputs["sections"].exit_code == 0
    for step in ("validate", "validate notice", "check", "build"):
        assert outputs[step].exit_code == 0, (step, outputs[step].output)


def test_the_conflicting_statements_of_the_series_are_information(contributed: Path_) -> None:
    validate = contributed.outputs["validate"].output
    assert "series-conflict" in validate
    assert validate.endswith("all valid (1 information)\n")
    assert f'series "{SERIES}" (2025): this metric states "15家" ({NOTICE}), ' in validate
    assert "ok: " in contributed.outputs["check"].output
    assert "series-conflict" in contributed.outputs["build"].output  # reported, and built


def test_the_released_rows_of_existing_records_are_unchanged(contributed: Path_) -> None:
    for table in ("sources", "sections", "organizations", "reforms", "metrics", "glossary", "vocabularies"):
        before, after = rows(contributed.baseline, table), rows(contributed.release, table)
        assert {key: after[key] for key in before} == before, table


def test_sections_belong_to_their_source_and_end_at_its_next_section(contributed: Path_) -> None:
    sections = rows(contributed.release, "sections")
    text = (TEXTS / f"{NOTICE}.txt").read_text(encoding="utf-8")
    lead, first, second = (sections[f"{NOTICE}-{name}"] for name in ("lead", "part-1", "part-2"))
    assert (lead["start"], lead["end"], lead["ordinal"]) == (
        text.index("本通报"),
        text.index("一、总体情况"),
        0,
    )
    assert (lead["heading_zh"], lead["heading_en"]) == (None, "Lead")
    assert (first["source_id"], second["source_id"]) == (NOTICE, NOTICE)
    assert (first["start"], first["end"]) == (text.index("一、总体情况"), text.index("二、下一步打算"))
    assert (second["start"], second["end"]) == (text.index("二、下一步打算"), len(text))
    assert (first["ordinal"], second["ordinal"], first["heading_zh"]) == (1, 2, "一、总体情况")
    assert not any(row["source_id"] == FOLLOW_UP for row in sections.values())


def test_a_record_quotes_several_sources(contributed: Path_) -> None:
    reform = rows(contributed.release, "reforms")["fictional-county-one-license"]
    assert [span["source_id"] for span in reform["evidence"]] == [ARTICLE, NOTICE]
    assert reform["recognitions"][0]["evidence"][0]["source_id"] == FOLLOW_UP
    for span in [*reform["evidence"], *reform["recognitions"][0]["evidence"]]:
        text = rows(contributed.release, "sources")[span["source_id"]]["text"]
        assert text[span["start"] : span["end"]] == span["quote"]
    metrics = rows(contributed.release, "metrics")
    assert {m["id"] for m in metrics.values() if m["series_id"] == SERIES} == set(METRICS)
    assert all(m["series_id"] is None for key, m in metrics.items() if key not in METRICS)


def test_the_card_lists_the_sources_with_their_counts(contributed: Path_) -> None:
    card = (contributed.release / "README.md").read_text(encoding="utf-8")
    assert "- Records quoting more than one source: 1.\n" in card
    title = "A county reform notice (fictional test text)"
    assert f"| `{NOTICE}` | {title} | 2025-03-01 | 173 | 3 | 1 | 2 | 0 | 0 |" in card
    assert (
        f"| `{FOLLOW_UP}` | A county follow-up (fictional test text) | 2026-01-05 | 70 | 0 | 1 | 1 | 0 | 0 |"
        in card
    )
    assert f"### `{FOLLOW_UP}`" in card  # its coverage: one body


def test_info_shows_each_source_and_its_coverage(contributed: Path_) -> None:
    result = cli("info", "--version", str(contributed.release))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = lines.index(f"  {FOLLOW_UP:<32}  2026-01-05, 70 characters, 0 sections")
    assert lines[at + 1] == f"  {'':<32}  quoted by 1 reforms, 1 metrics, 0 organizations, 0 glossary"
    # the follow-up has no sections: its whole text is one body, named by the source's id; its
    # one sentence is cited (the metric and the recognition quote it)
    assert f"  {FOLLOW_UP}: 100.0% of body sentences cited (1/1), " in "\n".join(lines)


@pytest.fixture
def shipped(contributed: Path_, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    loaders.clear_cache()
    monkeypatch.setattr(loaders, "releases_root", lambda: contributed.release.parent)
    yield
    loaders.clear_cache()


def test_the_loaders_read_every_source(shipped: None) -> None:
    assert [source.id for source in loaders.load_sources()] == [ARTICLE, FOLLOW_UP, NOTICE]
    reform = {r.id: r for r in loaders.load_reforms()}["fictional-county-one-license"]
    assert loaders.sources_of(reform) == [ARTICLE, FOLLOW_UP, NOTICE]
    assert [loaders.evidence_text(span) for span in reform.evidence] == [
        "推行行业综合许可“一业一证一码”改革",
        "推行“一业一证一码”改革",
    ]
    quoting = loaders.records_quoting(FOLLOW_UP)
    assert {table: [r.id for r in found] for table, found in quoting.items()} == {
        "reforms": ["fictional-county-one-license"],
        "metrics": ["fictional-new-high-tech-2025"],
        "organizations": [],
        "glossary": [],
    }
    with pytest.raises(KeyError, match="no source with id 'nowhere'; sources: "):
        loaders.records_quoting("nowhere")


def test_a_series_is_each_statement_with_its_own_source(shipped: None) -> None:
    series = loaders.load_series(SERIES)
    assert [(m.id, m.period_start, m.value, loaders.sources_of(m)) for m in series] == [
        ("fictional-new-high-tech-2024", 2024, 12.0, [NOTICE]),
        ("fictional-new-high-tech-2025", 2025, 14.0, [FOLLOW_UP]),
        ("fictional-new-high-tech-2025-target", 2025, 15.0, [NOTICE]),
    ]
    with pytest.raises(KeyError, match="did you mean fictional-county-new-high-tech-enterprises"):
        loaders.load_series("fictional-county-new-high-tech")


def test_the_parquet_files_hold_the_rows_of_every_source(contributed: Path_) -> None:
    from datetime import date

    import pyarrow.parquet as pq

    def as_json(value: object) -> object:  # a date column (withdrawn) is ISO text in the JSON Lines
        return value.isoformat() if isinstance(value, date) else value

    for table in ("sources", "sections", "reforms", "metrics"):
        parquet = [
            {name: as_json(value) for name, value in row.items()}
            for row in pq.read_table(contributed.release / f"{table}.parquet").to_pylist()
        ]
        assert parquet == list(rows(contributed.release, table).values()), table


@pytest.mark.slow
def test_frictionless_validates_the_release_of_several_sources(contributed: Path_) -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(contributed.release / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])

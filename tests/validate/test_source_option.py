"""`validate --source ID`, and information (series-conflict) in the three report formats."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dazhou_reforms.cli.validate import split_sources, validate
from dazhou_reforms.problems import codes
from dazhou_reforms.validate.engine import Outcome
from dazhou_reforms.validate.report import github_line, render_json, render_text

FIXTURES = Path(__file__).parents[1] / "fixtures"
ARTICLE = "dazhou-reform-article-2024-04-10"
NOTICE = "fictional-follow-up-notice"  # the fictional source of the series-conflict fixture


def broken(metric_id: str, source: str) -> str:
    """A metric whose quote is not in its source's text, and that lacks its figures."""
    return (
        f'id = "{metric_id}"\nindicator_zh = "x"\nindicator_en = "x"\n'
        f'evidence = [{{ source_id = "{source}", quote = "不在文中的引文" }}]\n'
    )


@pytest.fixture
def two_source_tree(make_tree: Callable[..., Path]) -> Path:
    raw = make_tree(FIXTURES / "problems" / "series-conflict")
    (raw / "metrics" / "broken-article.toml").write_text(broken("broken-article", ARTICLE), encoding="utf-8")
    (raw / "metrics" / "broken-notice.toml").write_text(broken("broken-notice", NOTICE), encoding="utf-8")
    (raw / "metrics" / "unnamed.toml").write_text('id = "unnamed"\nevidence = [{ quote = "x" }]\n', "utf-8")
    return raw


def run(*args: str) -> Result:
    result = CliRunner().invoke(validate, [*args, "--no-release", "--format", "json"])
    assert "Traceback" not in result.output
    return result


def reported(result: Result) -> set[tuple[str | None, str]]:
    report = json.loads(result.output)
    problems = [p for key, part in report.items() if isinstance(part, list) for p in part]
    return {(p["file"].rpartition("/")[2] if p["file"] else None, p["code"]) for p in problems}


def test_only_the_records_quoting_the_source_are_reported(two_source_tree: Path) -> None:
    everything = reported(run(str(two_source_tree)))
    assert {file for file, _ in everything} == {
        "broken-article.toml",
        "broken-notice.toml",
        "unnamed.toml",
        "investment-total-follow-up.toml",  # its series-conflict
    }
    notice = reported(run(str(two_source_tree), "--source", NOTICE))
    # the record quoting the article is left out; one whose evidence names no source cannot be told
    assert {file for file, _ in notice} == {
        "broken-notice.toml",
        "unnamed.toml",
        "investment-total-follow-up.toml",
    }
    article = reported(run(str(two_source_tree), "--source", ARTICLE))
    assert {file for file, _ in article} == {"broken-article.toml", "unnamed.toml"}


def test_an_unknown_source_id_is_a_usage_error_naming_the_sources(two_source_tree: Path) -> None:
    result = CliRunner().invoke(validate, [str(two_source_tree), "--no-release", "--source", "nowhere"])
    assert result.exit_code == 2
    assert result.output == f"Error: --source nowhere: no such source (sources: {ARTICLE}, {NOTICE})\n"


def test_source_values_are_files_or_ids() -> None:
    values = (Path("raw/sources/x.toml"), Path("sources.jsonl"), Path(ARTICLE), Path("Not_An_Id"))
    assert split_sources(values) == (
        (Path("raw/sources/x.toml"), Path("sources.jsonl"), Path("Not_An_Id")),
        (ARTICLE,),
    )


INFO = codes.SERIES_CONFLICT.problem("two figures", "m.toml", 5, record_id="m", path="value")


def test_information_is_listed_but_the_records_are_valid() -> None:
    outcome = Outcome([INFO], files=1, records=2, valid_records=2)
    assert outcome.exit_code == 0
    text = render_text(outcome)
    assert text.endswith("ok: 2 record(s) in 1 file(s), all valid (1 information)\n")
    report = json.loads(render_json(outcome))
    assert (report["valid"], report["exit_code"], report["summary"]["problems"]) == (True, 0, 0)
    assert [p["code"] for p in report["information"]] == ["series-conflict"]
    assert github_line(INFO).startswith("::notice file=m.toml,line=5,title=series-conflict::two figures")


def test_information_beside_errors_is_counted_apart() -> None:
    error = codes.QUOTE_NOT_FOUND.problem("no quote", "n.toml", 3)
    outcome = Outcome([INFO, error], files=2, records=2, valid_records=1)
    assert outcome.exit_code == 1
    assert render_text(outcome).endswith(
        "1 problem(s) (1 check) in 2 record(s) in 2 file(s) (1 information)\n"
    )


def test_check_and_build_go_on_with_information(
    make_tree: Callable[..., Path], run_build: Callable[..., Result], tmp_path: Path
) -> None:
    from dazhou_reforms.cli.check import check

    raw = make_tree(FIXTURES / "problems" / "series-conflict")
    result = CliRunner().invoke(check, ["--raw", str(raw)])
    assert result.exit_code == 0
    assert "series-conflict" in result.output
    assert result.output.rstrip().endswith("(1 information above)")
    built = run_build(raw, tmp_path / "out")
    assert built.exit_code == 0, built.output
    assert "series-conflict" in built.output and "built " in built.output


def test_json_lines_records_are_told_apart_by_their_line(tmp_path: Path) -> None:
    """Valid records of a JSON Lines file: a problem of a line whose record quotes other sources
    only is left out; a line that is no valid record is always reported."""
    release = Path(__file__).parents[2] / "build" / "1.0.1" / "metrics.jsonl"
    row = json.loads(release.read_text(encoding="utf-8").splitlines()[0])
    notice_text = (FIXTURES / "problems" / "series-conflict" / "sources" / f"{NOTICE}.txt").read_text("utf-8")
    quote = "总投资达1500亿元"
    start = notice_text.index(quote)
    article_row = {**row, "id": "article-metric", "reform_id": "no-such-reform"}
    notice_row = {
        **row,
        "id": "notice-metric",
        "reform_id": "no-such-reform",
        "value": 150000000000.0,
        "unit": "CNY",
        "value_as_stated": "1500亿元",
        "qualifier": "exact",
        "value_standard": 150000000000.0,
        "unit_standard": "CNY",
        "evidence": [{"source_id": NOTICE, "start": start, "end": start + len(quote), "quote": quote}],
    }
    lines = [json.dumps(r, ensure_ascii=False) for r in (article_row, notice_row)] + ['{"id": "broken"}']
    (tmp_path / "metrics.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sources = [
        Path(__file__).parents[2] / "raw" / "sources" / f"{ARTICLE}.toml",
        FIXTURES / "problems" / "series-conflict" / "sources" / f"{NOTICE}.toml",
    ]
    args = [str(tmp_path / "metrics.jsonl"), *(f"--source={path}" for path in sources)]
    every = json.loads(run(*args).output)
    assert sorted((p["line"], p["code"]) for p in every["check_errors"]) == [
        (1, "unresolved-reference"),
        (2, "unresolved-reference"),
    ]
    restricted = json.loads(run(*args, "--source", NOTICE).output)
    assert [(p["line"], p["code"]) for p in restricted["check_errors"]] == [(2, "unresolved-reference")]
    assert (
        [p["line"] for p in restricted["schema_errors"]] == [p["line"] for p in every["schema_errors"]] != []
    )

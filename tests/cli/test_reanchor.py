"""`dazhou-reforms reanchor`: every span of a source on a revised or reprinted text, written only
when asked, never a guess."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from dazhou_reforms.check.dataset import read_and_check
from dazhou_reforms.cli.reanchor import reanchor
from dazhou_reforms.read.folding import Folding

SOURCE = "dazhou-reform-article-2024-04-10"
#: The article with full-width punctuation, ideographic indentation, an editor's note on top (which
#: quotes the title) and an inserted paragraph after the lead.
REPRINT = Path(__file__).parents[1] / "fixtures" / "reanchor" / "reprint.txt"
FOLDINGS = "width,space,linebreak"


def run(raw: Path, text: Path, *args: str) -> Result:
    return CliRunner().invoke(reanchor, ["--raw", str(raw), "--source", SOURCE, str(text), *args])


def report(result: Result) -> dict[str, Any]:
    value = json.loads(result.output)
    assert isinstance(value, dict)
    return value


def tree_hashes(raw: Path) -> dict[str, str]:
    return {
        path.relative_to(raw).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(raw.rglob("*"))
        if path.is_file()
    }


def article(raw: Path) -> str:
    return (raw / "sources" / f"{SOURCE}.txt").read_text(encoding="utf-8")


def test_a_reprint_with_full_width_punctuation_and_an_inserted_paragraph_reanchors_every_span(
    make_tree: Callable[..., Path],
) -> None:
    raw = make_tree()
    before = tree_hashes(raw)
    result = run(raw, REPRINT, "--normalize", FOLDINGS, "--format", "json")
    assert result.exit_code == 0, result.output
    found = report(result)
    new = REPRINT.read_text(encoding="utf-8")
    old = article(raw)
    spans = found["spans"]
    assert found["counts"]["ambiguous"] == found["counts"]["orphaned"] == 0
    assert found["counts"]["exact"] > 0 and found["counts"]["normalized"] > 0
    assert {(row["table"], row["id"]) for row in spans} >= {
        ("sources", SOURCE),
        ("reforms", "one-industry-one-license-one-code"),
    }
    fold = Folding.parse(FOLDINGS.split(",")).text
    for row in spans:
        assert old[row["start"] : row["end"]] == row["quote"]
        assert new[row["new_start"] : row["new_end"]] == row["new_quote"]
        assert fold(row["new_quote"]) == fold(row["quote"])
        assert (row["status"] == "exact") == (row["new_quote"] == row["quote"])
    title = next(row for row in spans if row["table"] == "sources" and row["path"] == "evidence[0]")
    assert title["new_start"] == new.index(title["quote"], new.index(title["quote"]) + 1)  # not the note's
    assert tree_hashes(raw) == before  # nothing written


def test_without_foldings_only_exact_quotes_anchor(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    result = run(raw, REPRINT, "--format", "json")
    assert result.exit_code == 1
    counts = report(result)["counts"]
    assert counts["normalized"] == 0 and counts["orphaned"] > 0 and counts["exact"] > 0


def test_an_ambiguous_span_is_reported_with_its_candidates_not_guessed(
    make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    raw = make_tree()
    old = article(raw)
    paragraph_start = old.rindex("\n", 0, old.index("推行行业综合许可")) + 1
    paragraph = old[paragraph_start : old.index("\n", paragraph_start) + 1]
    doubled = tmp_path / "doubled.txt"
    doubled.write_text(old.replace(paragraph, paragraph + "\n" + paragraph), encoding="utf-8")
    result = run(raw, doubled, "--format", "json")
    assert result.exit_code == 1
    rows = {row["id"]: row for row in report(result)["spans"] if row["path"] == "evidence[0]"}
    row = rows["one-industry-one-license-one-code"]
    assert row["status"] == "ambiguous" and row["new_start"] is None
    new = doubled.read_text(encoding="utf-8")
    first = new.index(row["quote"])
    second = new.index(row["quote"], first + 1)
    assert row["candidates"] == [[first, first + len(row["quote"])], [second, second + len(row["quote"])]]
    text = run(raw, doubled)
    assert (
        f"ambiguous   reforms/one-industry-one-license-one-code evidence[0] [{row['start']}:{row['end']}] "
        in text.output
    )
    assert (
        f"candidates [{first}:{first + len(row['quote'])}], [{second}:{second + len(row['quote'])}]"
        in text.output
    )


def test_a_deleted_sentence_orphans_its_spans(make_tree: Callable[..., Path], tmp_path: Path) -> None:
    raw = make_tree()
    old = article(raw)
    quote = "推行行业综合许可“一业一证一码”改革"
    start = old.rindex("。", 0, old.index(quote)) + 1
    sentence = old[start : old.index("。", start) + 1]
    assert quote in sentence
    shorter = tmp_path / "shorter.txt"
    shorter.write_text(old.replace(sentence, ""), encoding="utf-8")
    result = run(raw, shorter, "--normalize", FOLDINGS, "--format", "json")
    assert result.exit_code == 1
    spans = report(result)["spans"]
    orphaned = [row for row in spans if row["status"] == "orphaned"]
    assert orphaned and all(row["quote"] in sentence for row in orphaned)
    assert any(row["quote"] == quote for row in orphaned)
    assert all(row["status"] in ("exact", "orphaned") for row in spans)
    assert "orphaned    reforms/one-industry-one-license-one-code evidence[0]" in run(raw, shorter).output


def test_write_refuses_while_an_evidence_entry_leaves_its_source_out(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    metric = raw / "metrics" / "investment-total.toml"
    text = metric.read_text(encoding="utf-8")
    assert text.count(f'source_id = "{SOURCE}", ') == 1
    metric.write_text(text.replace(f'source_id = "{SOURCE}", ', ""), encoding="utf-8")
    before = tree_hashes(raw)
    result = run(raw, REPRINT, "--normalize", FOLDINGS, "--write", "--new-id", "dazhou-reprint")
    assert result.exit_code != 0
    assert "evidence[0].source_id" in result.output
    assert tree_hashes(raw) == before


def test_write_adds_the_new_source_and_the_anchored_evidence(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    before = tree_hashes(raw)
    record = raw / "reforms" / "one-industry-one-license-one-code.toml"
    old_record = record.read_text(encoding="utf-8")
    result = run(raw, REPRINT, "--normalize", FOLDINGS, "--write", "--new-id", "dazhou-reprint")
    assert result.exit_code == 0, result.output
    after = tree_hashes(raw)
    added = sorted(set(after) - set(before))
    assert added == ["sources/dazhou-reprint.toml", "sources/dazhou-reprint.txt"]
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed and all(name.split("/")[0] not in ("sources", "sections") for name in changed)
    assert (raw / "sources" / "dazhou-reprint.txt").read_bytes() == REPRINT.read_bytes()
    new_record = record.read_text(encoding="utf-8")
    assert new_record.startswith(old_record.split("\nevidence = ")[0])  # the lines before: untouched
    new = REPRINT.read_text(encoding="utf-8")
    quote = "推行行业综合许可“一业一证一码”改革"
    assert (
        f'evidence = [{{ source_id = "{SOURCE}", quote = "{quote}" }}, '
        f'{{ source_id = "dazhou-reprint", start = {new.index(quote)}, '
        f'quote = "{quote}" }}]'
    ) in new_record
    dataset = read_and_check(raw)
    assert dataset.problems == []
    sources = {source.id: source for source in dataset.tables["sources"]}
    assert sources["dazhou-reprint"].text_sha256 == hashlib.sha256(REPRINT.read_bytes()).hexdigest()
    assert sources["dazhou-reprint"].title_zh == sources[SOURCE].title_zh
    again = run(raw, REPRINT, "--normalize", FOLDINGS, "--write", "--new-id", "dazhou-reprint")
    assert again.exit_code == 2 and "already used" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--normalize", "wdith"], "unknown normalization wdith"),
        (["--write"], "--write needs --new-id"),
        (["--write", "--new-id", "Bad_Id"], "--write needs --new-id"),
        (["--new-id", "x"], "only used with --write"),
    ],
)
def test_usage_errors(make_tree: Callable[..., Path], args: list[str], message: str) -> None:
    raw = make_tree()
    result = run(raw, REPRINT, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_t2s_is_refused_without_a_mapping(make_tree: Callable[..., Path]) -> None:
    pytest.importorskip("pytest")
    try:
        import opencc  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        result = run(make_tree(), REPRINT, "--normalize", "width,t2s")
        assert result.exit_code == 2
        assert "t2s (traditional to simplified) needs OpenCC's mapping" in result.output
    else:  # pragma: no cover - OpenCC installed
        pytest.skip("OpenCC is installed")


def test_an_unknown_source_and_unreadable_texts_are_usage_errors(
    make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    raw = make_tree()
    result = CliRunner().invoke(reanchor, ["--raw", str(raw), "--source", "nope", str(REPRINT)])
    assert result.exit_code == 2 and f"no source 'nope' in {raw}; sources: {SOURCE}" in result.output
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    result = run(raw, fifo)
    assert result.exit_code == 2 and "fifo.txt" in result.output and result.exception is not None
    assert isinstance(result.exception, SystemExit)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("改革发展".encode("gb18030"))
    result = run(raw, gbk)
    assert result.exit_code == 2 and "not-utf8" in result.output


def test_problems_in_raw_stop_it(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    (raw / "reforms" / "one-industry-one-license-one-code.toml").write_text("id = 1\n", encoding="utf-8")
    result = run(raw, REPRINT)
    assert result.exit_code == 1 and "fix them first; nothing was done" in result.output


def test_write_without_the_contrib_extra_names_the_install_line_and_writes_nothing(
    make_tree: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "tomlkit", None)  # as if the extra were not installed
    raw = make_tree()
    before = tree_hashes(raw)
    result = run(raw, REPRINT, "--normalize", FOLDINGS, "--write", "--new-id", "dazhou-reprint")
    assert result.exit_code == 2
    assert 'pip install "dazhou-reforms[contrib]"' in result.output
    assert tree_hashes(raw) == before

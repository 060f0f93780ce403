"""Selectors written in a raw record are checked against the source text; the build computes them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from dazhou_reforms.check.dataset import read_and_check

REFORM = "raw/reforms/one-industry-one-license-one-code.toml"
QUOTE = "推行行业综合许可“一业一证一码”改革"
SOURCE = 'source_id = "dazhou-reform-article-2024-04-10"'


def with_evidence(raw: Path, entry: str) -> None:
    path = raw / "reforms" / "one-industry-one-license-one-code.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = lines.index(f'evidence = [{{ {SOURCE}, quote = "{QUOTE}" }}]')
    lines[index] = f"evidence = [{{ {SOURCE}, {entry} }}]"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_correct_hand_written_prefix_is_accepted(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    text = next((raw / "sources").glob("*.txt")).read_text(encoding="utf-8")
    start = text.index(QUOTE)
    prefix = json.dumps(text[start - 32 : start], ensure_ascii=False)
    with_evidence(raw, f'quote = "{QUOTE}", prefix = {prefix}')
    assert read_and_check(raw).problems == []


def test_a_wrong_hand_written_suffix_is_a_selector_mismatch(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    with_evidence(raw, f'quote = "{QUOTE}", suffix = "不是这样"')
    (problem,) = read_and_check(raw).problems
    assert problem.code == "selector-mismatch"
    assert problem.path == "evidence[0].suffix"
    assert problem.found == '"不是这样"'

"""Sources' optional ``publisher`` and ``url``: read from raw/, released (JSON Lines, Parquet, the
schemas, the card's citation), null where the captured copy states neither; a malformed URL is an
``invalid-format`` problem of that field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq

from dazhou_reforms.release.arrow import table_schema

SOURCE = "dazhou-reform-article-2024-04-10"


def stated(raw: Path, lines: str) -> None:
    path = raw / "sources" / f"{SOURCE}.toml"
    text = path.read_text(encoding="utf-8")
    head, evidence = text.split("\nevidence = [", 1)
    path.write_text(head.rstrip("\n") + "\n" + lines + "\n\nevidence = [" + evidence, encoding="utf-8")


def test_a_stated_publisher_and_url_are_released_and_cited(
    tmp_path: Path,
    make_raw: Callable[[Path], Path],
    make_changelog: Callable[..., Path],
    run_build: Callable[..., object],
) -> None:
    raw = make_raw(tmp_path)
    stated(raw, 'publisher = "中国改革报"\nurl = "https://example.org/article/1"')
    result = run_build(raw, tmp_path / "out", make_changelog(tmp_path))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    (release,) = (tmp_path / "out").iterdir()
    row = json.loads((release / "sources.jsonl").read_text(encoding="utf-8"))
    assert (row["publisher"], row["url"]) == ("中国改革报", "https://example.org/article/1")
    keys = list(row)
    after = keys.index("authors_en") + 1
    assert keys[after : after + 2] == ["publisher", "url"]
    table = pq.read_table(release / "sources.parquet")
    assert table.column("url").to_pylist() == ["https://example.org/article/1"]
    assert table.schema.field("publisher").type == table_schema("sources").field("publisher").type
    card = (release / "README.md").read_text(encoding="utf-8")
    assert "  publisher = {中国改革报},\n  url = {https://example.org/article/1},\n" in card
    assert "Where the article was published:" not in card
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert package["sources"][0]["path"] == "https://example.org/article/1"
    croissant = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
    assert croissant["isBasedOn"][0]["url"] == "https://example.org/article/1"
    assert croissant["isBasedOn"][0]["publisher"] == {"@type": "sc:Organization", "name": "中国改革报"}


def test_the_real_source_states_neither(
    tmp_path: Path,
    make_raw: Callable[[Path], Path],
    make_changelog: Callable[..., Path],
    run_build: Callable[..., object],
) -> None:
    raw = make_raw(tmp_path)
    result = run_build(raw, tmp_path / "out", make_changelog(tmp_path))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    (release,) = (tmp_path / "out").iterdir()
    row = json.loads((release / "sources.jsonl").read_text(encoding="utf-8"))
    assert row["publisher"] is None and row["url"] is None
    schema = json.loads((release / "sources.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["url"]["anyOf"][1] == {"type": "null"}
    assert "publisher" in schema["required"]  # every key is written, null where not stated
    assert "url" not in json.loads((release / "croissant.json").read_text(encoding="utf-8"))["isBasedOn"][0]
    card = (release / "README.md").read_text(encoding="utf-8")
    assert (
        "Where the article was published: The captured copy states neither its publisher nor its URL. "
        "None is guessed here." in card
    )


def test_a_malformed_url_is_an_invalid_format(
    tmp_path: Path,
    make_raw: Callable[[Path], Path],
    make_changelog: Callable[..., Path],
    run_build: Callable[..., object],
) -> None:
    raw = make_raw(tmp_path)
    stated(raw, 'url = "example.org/no scheme"')
    result = run_build(raw, tmp_path / "out", make_changelog(tmp_path))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "invalid-format" in result.output and "field url" in result.output  # type: ignore[attr-defined]

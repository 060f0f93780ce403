"""The metadata files of a release: dataset card, datapackage.json, croissant.json, and their parts."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dazhou_reforms import __version__
from dazhou_reforms.release.arrow import hf_features, hf_yaml_features
from dazhou_reforms.release.changelog import release_date, release_date_from
from dazhou_reforms.release.yaml_text import dump
from dazhou_reforms.schema.models import TABLES

AUTHORS_ZH = ("地方改革创新研究院课题组", "达州市委改革办")


def front_matter(release: Path) -> tuple[dict[str, Any], str]:
    yaml = pytest.importorskip("yaml")
    text = (release / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def test_card_front_matter(release: Path, read_jsonl: Callable[[Path], list[dict[str, Any]]]) -> None:
    matter, _ = front_matter(release)
    assert matter["license"] == "cc-by-4.0"
    assert matter["language"] == ["zh", "en"]
    assert matter["size_categories"] == ["n<1K"]
    assert matter["pretty_name"] and matter["task_categories"] and matter["tags"]
    configs = {config["config_name"]: config for config in matter["configs"]}
    assert list(configs) == list(TABLES)
    assert [name for name, config in configs.items() if config.get("default")] == ["reforms"]
    for table, config in configs.items():
        assert config["data_files"] == [{"split": "train", "path": f"{table}.parquet"}]
    infos = {info["config_name"]: info for info in matter["dataset_info"]}
    for table in TABLES:
        assert infos[table]["features"] == hf_yaml_features(table)
        (split,) = infos[table]["splits"]
        assert split["name"] == "train" and split["num_examples"] == len(
            read_jsonl(release / f"{table}.jsonl")
        )
        assert infos[table]["download_size"] == (release / f"{table}.parquet").stat().st_size


def test_card_yaml_features_and_parquet_features_say_the_same() -> None:
    datasets = pytest.importorskip("datasets")
    for table in TABLES:
        from_yaml = datasets.Features._from_yaml_list(hf_yaml_features(table))
        assert from_yaml == datasets.Features.from_dict(hf_features(table)), table


def test_card_body_follows_the_datasheet_and_counts_from_the_data(release: Path) -> None:
    _, body = front_matter(release)
    headings = re.findall(r"^## (.+)$", body, flags=re.MULTILINE)
    assert headings == [
        "Loading",
        "Citation",
        "Motivation",
        "Composition",
        "Collection process",
        "Preprocessing, cleaning, labeling",
        "Uses",
        "Distribution",
        "Maintenance",
        "Fields",
        "Article coverage",
    ]
    assert "```bibtex\n@misc{dazhou-reforms-" in body
    assert (
        "Where the article was published: The captured copy states neither its publisher nor its URL." in body
    )
    assert "| `reforms` | 2 | 3 | " in body  # 2 reforms with 2 evidence spans and one recognition's
    assert "| `metrics` | 2 | 2 | " in body
    assert "- Reforms by kind: `reform` 1, `strategy` 1." in body
    assert (
        "- Reforms by policy domain (a reform may have several): `governance` 2, `business_environment` 1."
        in body
    )
    assert "- Metrics linked to no single reform: 1." in body
    for table in TABLES:
        assert f"### `{table}`" in body
        for name in TABLES[table].model_fields:
            assert f"| `{name}` |" in body
    assert "### `Evidence` (nested)" in body and "### `Recognition` (nested)" in body


def test_licensing_is_stated_in_card_datapackage_and_croissant(release: Path) -> None:
    _, body = front_matter(release)
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    croissant = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
    assert "CC-BY-4.0" in body and "MIT License" in body
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert (
        package["licenses"][0]["path"]
        == croissant["license"][0]
        == "https://creativecommons.org/licenses/by/4.0/"
    )
    for text in (body, package["description"], croissant["description"]):
        assert "its rights remain with its authors and publisher" in text
        for author in AUTHORS_ZH:
            assert author in text
    assert "MIT License" in package["description"]
    (article,) = croissant["isBasedOn"]
    assert [author["name"] for author in article["author"]] == list(AUTHORS_ZH)
    assert article["datePublished"] == "2024-04-10T09:19:13+08:00"
    assert package["sources"][0]["title"].startswith("“四川达州如何谋深做实改革 全方位推动高质量发展”")


def test_datapackage_keys(release: Path) -> None:
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert list(resources) == [*TABLES, "annotations"]
    assert {key: resources["annotations"][key] for key in ("type", "path", "format", "mediatype")} == {
        "type": "json",
        "path": "annotations.jsonld",
        "format": "jsonld",
        "mediatype": "application/ld+json",
    }
    assert resources["metrics"]["schema"]["foreignKeys"] == [
        {"fields": ["reform_id"], "reference": {"resource": "reforms", "fields": ["id"]}}
    ]
    assert resources["reforms"]["schema"]["foreignKeys"] == [
        {"fields": ["section"], "reference": {"resource": "sections", "fields": ["id"]}},
        {"fields": ["parent_id"], "reference": {"resource": "", "fields": ["id"]}},
    ]
    assert resources["vocabularies"]["schema"]["primaryKey"] == ["vocabulary", "code"]
    assert resources["reforms"]["schema"]["primaryKey"] == ["id"]
    fields = {field["name"]: field for field in resources["reforms"]["schema"]["fields"]}
    assert fields["parent_id"].get("constraints", {}).get("required") is None
    assert fields["section"]["constraints"]["required"] is True
    assert fields["domains"]["arrayItem"]["constraints"]["enum"][0] == "governance"
    assert package["version"] == __version__
    assert resources["metrics"]["path"] == "metrics.jsonl" and resources["metrics"]["format"] == "jsonl"


def test_croissant_record_sets_describe_every_column(release: Path) -> None:
    croissant = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
    assert croissant["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    sets = {item["@id"]: item for item in croissant["recordSet"]}
    assert list(sets) == list(TABLES)
    for table, record_set in sets.items():
        assert [field["name"] for field in record_set["field"]] == list(TABLES[table].model_fields)
    evidence = next(field for field in sets["metrics"]["field"] if field["name"] == "evidence")
    assert evidence["isArray"] is True
    assert [sub["@id"] for sub in evidence["subField"]] == [
        "metrics/evidence/source_id",
        "metrics/evidence/start",
        "metrics/evidence/end",
        "metrics/evidence/quote",
        "metrics/evidence/prefix",
        "metrics/evidence/suffix",
        "metrics/evidence/fragment",
    ]
    assert evidence["subField"][1]["source"] == {
        "fileObject": {"@id": "metrics.parquet"},
        "extract": {"column": "evidence"},
        "transform": {"jsonPath": "start"},
    }
    assert sets["vocabularies"]["key"] == [{"@id": "vocabularies/vocabulary"}, {"@id": "vocabularies/code"}]


def test_yaml_writer_round_trips() -> None:
    yaml = pytest.importorskip("yaml")
    value: dict[str, Any] = {
        "plain": "cc-by-4.0",
        "colon": "a: b",
        "reserved": "yes",
        "number_like": "12",
        "chinese": "达州 “改革”",
        "empty_list": [],
        "empty_map": {},
        "none": None,
        "flag": True,
        "count": 3,
        "less": "n<1K",
        "nested": [{"name": "evidence", "list": [{"name": "start", "dtype": "int64"}]}, "x"],
        "multi": "line one\nline two",
        "quote": 'say "hi"',
        "hash": "#tag",
        "dash": "- item",
    }
    assert yaml.safe_load(dump(value)) == value


def test_release_date_from_the_changelog(tmp_path: Path) -> None:
    text = "## [Unreleased]\n\n## [1.1.0] - 2027-01-02\n\n## [1.0.0] - 2026-11-26\n"
    assert release_date(text, "1.0.0") == "2026-11-26"
    assert release_date(text, "1.1.0") == "2027-01-02"
    assert release_date(text, "1.0") is None
    assert release_date("## [1.0.0]\n", "1.0.0") is None
    assert release_date_from(tmp_path / "missing.md", "1.0.0") is None


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("<!-- hidden -->", "&lt;!-- hidden --&gt;"),
        ("Tom &amp; Jerry", "Tom &amp;amp; Jerry"),
        ("a | b", "a \\| b"),
        ("*bold* _it_ `code` ~~gone~~ $x$", "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~gone\\~\\~ \\$x\\$"),
        ("[link](javascript:alert(1))", "\\[link\\](javascript:alert(1))"),
        ("back\\slash", "back\\\\slash"),
        ("one\ntwo\r\nthree\u2028four\x00five", "one two three four five"),
        ("达州市 “一业一证一码” 改革", "达州市 “一业一证一码” 改革"),
    ],
)
def test_markdown_text_is_literal_text(text: str, escaped: str) -> None:
    from dazhou_reforms.release.metadata import markdown_text

    assert markdown_text(text) == escaped


HOSTILE_TITLE = "<img src=x onerror=alert(1)> | *title*"
HOSTILE_AUTHOR = "[click](javascript:alert(1))\n# heading"
HOSTILE_HEADING = "<script>alert(1)</script> | part"


def _html_of(markdown: str) -> Any:
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark").enable("table")
    return parser, parser.parse(markdown)


def _no_html_but_ours(tokens: Any) -> list[str]:
    """HTML written by the text itself: inline or block HTML tokens, at any depth."""
    found = []
    for token in tokens:
        if token.type in ("html_inline", "html_block"):
            found.append(token.content)
        found += _no_html_but_ours(token.children or [])
    return found


def _table_rows(tokens: Any) -> list[int]:
    """Cells per row of every table."""
    rows, cells = [], 0
    for token in tokens:
        if token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "tr_close":
            rows.append(cells)
            cells = 0
    return rows


def test_record_text_is_data_in_the_card_croissant_and_datapackage(
    sample_tables: Callable[[], dict[str, list[Any]]],
) -> None:
    from dazhou_reforms.release.metadata import ReleaseInfo, markdown_text
    from dazhou_reforms.release.write import render_release

    ordinary = render_release(sample_tables(), ReleaseInfo("9.9.9"))["README.md"].decode("utf-8")
    tables = sample_tables()
    (source,) = tables["sources"]
    tables["sources"] = [
        source.model_copy(update={"title_en": HOSTILE_TITLE, "authors_en": (HOSTILE_AUTHOR,)})
    ]
    tables["sections"] = [
        section.model_copy(update={"heading_en": HOSTILE_HEADING}) if section.id == "part-1" else section
        for section in tables["sections"]
    ]
    files = render_release(tables, ReleaseInfo("9.9.9"))
    card = files["README.md"].decode("utf-8")
    body = card.split("\n---\n", 1)[1]
    parser, tokens = _html_of(body)
    # the card holds no HTML at all: none from the records, none of its own (type labels such as
    # list<string> are code spans)
    assert _no_html_but_ours(tokens) == []
    assert _no_html_but_ours(_html_of(ordinary.split("\n---\n", 1)[1])[1]) == []
    html = parser.render(body)
    assert "<img" not in html and "<script" not in html and 'href="javascript' not in html
    assert "&lt;img src=x onerror=alert(1)&gt; | <em>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; | *title*" in html  # shown as the text it is
    headings = [line for line in body.splitlines() if line.startswith("#")]
    assert headings == [line for line in ordinary.splitlines() if line.startswith("#")]
    assert "\n# heading" not in card
    coverage_rows = [row for row in _table_rows(tokens) if row == 5]
    assert len(coverage_rows) == 1 + 5 + 1  # header, five sections, all: no cell split by a `|`

    croissant = json.loads(files["croissant.json"])
    (based_on,) = croissant["isBasedOn"]
    assert based_on["alternateName"] == HOSTILE_TITLE  # a plain-text value: the text exactly
    for description in (croissant["description"], based_on["description"]):
        assert markdown_text(HOSTILE_TITLE) in description and HOSTILE_TITLE not in description
        assert "<img" not in description and "\n" not in description

    datapackage = json.loads(files["datapackage.json"])
    assert markdown_text(HOSTILE_TITLE) in datapackage["description"]
    assert "<img" not in datapackage["description"]
    assert HOSTILE_TITLE in datapackage["sources"][0]["title"]  # a title: plain text, kept exactly


def test_coverage_section_text_is_escaped(sample_tables: Callable[[], dict[str, list[Any]]]) -> None:
    from dataclasses import replace

    from dazhou_reforms.release.coverage import Coverage, compute_coverage
    from dazhou_reforms.release.coverage_text import coverage_markdown

    coverage = compute_coverage(sample_tables())
    hostile = "<b onmouseover=x>bold</b> | *a*\n- item"
    sections = tuple(
        replace(
            section,
            heading_en=HOSTILE_HEADING,
            sentences=tuple(
                replace(sentence, text=hostile)
                if sentence.kind == "body" and not sentence.cited
                else sentence
                for sentence in section.sentences
            ),
        )
        for section in coverage.sections
    )
    markdown = coverage_markdown(Coverage(sections))
    _, tokens = _html_of(markdown)
    assert _no_html_but_ours(tokens) == []
    assert set(_table_rows(tokens)) == {5}
    uncited = [line for line in markdown.splitlines() if line.startswith("- `")]
    assert len(uncited) == 2
    assert all(line.endswith("&lt;b onmouseover=x&gt;bold&lt;/b&gt; \\| \\*a\\* - item") for line in uncited)


def test_covered_characters_counts_each_character_of_each_source_once() -> None:
    from dazhou_reforms.release.metadata import covered_characters

    spans = [
        ("a", 10, 20),
        ("a", 15, 25),  # overlaps the first: 20..25 is new
        ("a", 12, 18),  # inside: nothing new
        ("a", 25, 30),  # touches: 5 new
        ("b", 10, 20),  # another source: counted apart
        ("a", 0, 3),
        ("b", 40, 40),  # empty
    ]
    assert covered_characters(spans) == 3 + 20 + 10
    assert covered_characters([]) == 0

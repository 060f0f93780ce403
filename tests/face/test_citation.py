"""``dz.citation()`` and ``dazhou-reforms cite``: BibTeX, APA and CITATION.cff from one source (the
release and its sources table); the repository's CITATION.cff is current and valid."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from click.testing import CliRunner

import dazhou_reforms as dz
from dazhou_reforms.cli.group import main
from dazhou_reforms.loaders import available_versions
from dazhou_reforms.release import cite

ROOT = Path(__file__).resolve().parents[2]
NEWEST = available_versions()[-1]
TITLE_EN = (
    "How Dazhou, Sichuan, plans reform in depth and carries it through to drive high-quality "
    "development on all fronts"
)


def released_date(version: str) -> str:
    return str(json.loads((ROOT / "build" / version / "croissant.json").read_text())["datePublished"])


def test_bibtex_of_the_dataset_and_the_article() -> None:
    date = released_date(NEWEST)
    assert (
        dz.citation()
        == dz.citation("bibtex")
        == (
            f"@misc{{dazhou-reforms-{NEWEST},\n"
            "  author = {{dazhou-reforms maintainers}},\n"
            "  title = {{Dazhou reforms: the reforms and figures of a 2024 article on reform in Dazhou, "
            "Sichuan}},\n"
            f"  year = {{{date[:4]}}},\n"
            f"  date = {{{date}}},\n"
            f"  version = {{{NEWEST}}},\n"
            f"  note = {{Dataset, version {NEWEST}; records licensed CC-BY-4.0; curated from "
            "dazhou-reform-article-2024-04-10},\n"
            "}\n"
            "\n"
            "@misc{dazhou-reform-article-2024-04-10,\n"
            "  author = {{地方改革创新研究院课题组} and {达州市委改革办}},\n"
            "  title = {{四川达州如何谋深做实改革 全方位推动高质量发展}},\n"
            "  year = {2024},\n"
            "  date = {2024-04-10},\n"
            "  language = {Chinese},\n"
            f"  note = {{English title: {TITLE_EN}. The captured copy states neither its publisher nor "
            "its URL.},\n"
            "}\n"
        )
    )


def test_apa() -> None:
    assert dz.citation("apa", version="1.0.0") == (
        "dazhou-reforms maintainers. (2026). Dazhou reforms: the reforms and figures of a 2024 article on "
        "reform in Dazhou, Sichuan (Version 1.0.0) [Data set].\n\n"
        "地方改革创新研究院课题组, & 达州市委改革办. (2024, April 10). "
        "四川达州如何谋深做实改革 全方位推动高质量发展 "
        f"[{TITLE_EN}].\n"
    )


def test_a_stated_publisher_and_url_are_cited() -> None:
    rows = {
        "sources": [
            {
                "id": "a-source",
                "title_zh": "标题",
                "title_en": "Title & more_",
                "published_at": "2024-01-02T00:00:00+08:00",
                "authors_zh": ["作者"],
                "authors_en": ["Author"],
                "publisher": "人民网",
                "url": "https://example.org/a",
            }
        ]
    }
    citation = cite.citation_of("9.9.9", None, rows)
    bibtex = cite.render(citation, "bibtex")
    assert "  publisher = {人民网},\n  url = {https://example.org/a},\n" in bibtex
    assert "note = {English title: Title \\& more\\_.}" in bibtex
    assert "year" not in bibtex.split("\n\n")[0]
    assert cite.render(citation, "apa").endswith(
        "(2024, January 2). 标题 [Title & more_]. 人民网. https://example.org/a\n"
    )
    cff = cite.render(citation, "cff")
    assert '    publisher:\n      name: "人民网"\n    url: "https://example.org/a"\n' in cff
    assert "date-released" not in cff
    with pytest.raises(ValueError, match="unknown citation format 'ris'"):
        cite.render(citation, "ris")  # type: ignore[arg-type]


def test_the_repository_citation_cff_is_current() -> None:
    """Regenerate with: dazhou-reforms cite --format cff > CITATION.cff"""
    committed = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert committed == dz.citation("cff")
    assert "type: dataset" in committed and "  - type: article" in committed


def test_the_cite_command() -> None:
    result = CliRunner().invoke(main, ["cite", "--format", "apa"])
    assert result.exit_code == 0 and result.output == dz.citation("apa")
    unknown = CliRunner().invoke(main, ["cite", "--version", "0.0.1"])
    assert unknown.exit_code == 2 and "unknown version '0.0.1'" in unknown.output


@pytest.mark.slow
def test_citation_cff_validates_with_cffconvert(tmp_path: Path) -> None:
    """cffconvert pins jsonschema<4, so it gets a virtual environment of its own."""
    env_dir = tmp_path / "cff-venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "cffconvert>=2,<3"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    if install.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cffconvert could not be installed: {install.stderr[-1000:]}")
        pytest.skip(
            f"cffconvert could not be installed (package index unreachable?): {install.stderr[-300:]}"
        )
    result = subprocess.run(
        [str(env_dir / "bin" / "cffconvert"), "--validate", "--infile", str(ROOT / "CITATION.cff")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in (result.stdout + result.stderr).lower()
    assert sys.executable  # the test run's own environment is untouched


def test_dz_citation_stays_the_function_after_every_module_is_imported() -> None:
    code = (
        "import dazhou_reforms.cite, dazhou_reforms.cli.cite, dazhou_reforms as dz; "
        "print(callable(dz.citation), dz.citation('apa').startswith('dazhou-reforms maintainers'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "True True\n"

"""The explorer page as written: self-contained, deterministic, its data and its script escaping.

What it does in a browser is tested in ``test_explorer_browser.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from dazhou_reforms.release.coverage import compute_coverage
from dazhou_reforms.release.explorer import explorer_data, render_explorer, script_json


@pytest.fixture
def sample_page(sample_tables: Callable[[], dict[str, list[Any]]]) -> Callable[..., str]:
    """``sample_page(**changes)``: the page of the sample tables, with the ``changes`` of tables."""

    def page(**changes: Any) -> str:
        tables = sample_tables()
        tables.update(changes)
        return render_explorer(tables, compute_coverage(tables), version="9.9.9")

    return page


def test_page_is_self_contained(sample_page: Callable[..., str]) -> None:
    page = sample_page()
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", page, re.IGNORECASE)
    assert not re.search(r"""\b(?:src|href)\s*=\s*["'](?!#|data:)""", page)
    assert '<link rel="stylesheet"' not in page and "@import" not in page and "url(" not in page
    assert page.count("<script") == 1 and "<script src" not in page
    assert "<title>dazhou-reforms explorer 9.9.9</title>" in page


def test_page_is_deterministic(sample_page: Callable[..., str]) -> None:
    assert sample_page() == sample_page()


def test_data_lists_every_citing_span_once(sample_tables: Callable[[], dict[str, list[Any]]]) -> None:
    tables = sample_tables()
    data = explorer_data(tables, compute_coverage(tables))
    assert data["spans"] == [
        [0, 36, 47, "reforms", "overall-strategy", -1],
        [0, 76, 94, "reforms", "one-license", -1],
        [0, 98, 102, "glossary", "one-license-term", -1],
        [0, 103, 107, "reforms", "one-license", 0],
        [0, 109, 119, "metrics", "investment-total", -1],
        [0, 120, 127, "metrics", "projects-count", -1],
        [0, 144, 148, "organizations", "civil-affairs-bureau", -1],
        [0, 148, 171, "reforms", "silver-canteen", -1],
    ]
    assert data["coverage"]["uncited"] == [[0, "lead", 48, 60], [0, "part-2", 172, 181]]
    reform = next(r for r in data["reforms"] if r["id"] == "one-license")
    assert reform["evidence"] == [[0, 76, 94]] and reform["recognitions"][0]["evidence"] == [[0, 103, 107]]
    assert "text_sha256" not in data["sources"][0] and "evidence" not in data["sections"][0]


def test_script_json_cannot_close_the_script() -> None:
    text = script_json({"note": "</script><script>alert(1)</script> & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"note": "</script><script>alert(1)</script> & \u2028"}

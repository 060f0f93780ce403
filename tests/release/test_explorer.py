"""The explorer page as written: self-contained, deterministic, its data and its script escaping.

What it does in a browser is tested in ``test_explorer_browser.py``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest

from dazhou_reforms.release import explorer
from dazhou_reforms.release.coverage import compute_coverage
from dazhou_reforms.release.explorer import explorer_data, render_explorer, script_json

SVG_NS = "http://www.w3.org/2000/svg"
HOSTILE = "A $& B $' C $` D $$ $1 {n} {name} <img src=x onerror=alert(1)> </script><!-- EXPLORER_SCRIPT_HASH"


class Elements(HTMLParser):
    """The text of every ``<script>`` and ``<style>`` element and the page's CSP, as a browser parses them."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.csp: list[str] = []
        self._open: tuple[str, dict[str, str | None]] | None = None
        self._text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag in {"script", "style"}:
            self._open, self._text = (tag, named), []
        if tag == "meta" and (named.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(named.get("content") or "")

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None and self._open[0] == tag:
            if tag == "script":
                self.scripts.append((self._open[1], "".join(self._text)))
            else:
                self.styles.append("".join(self._text))
            self._open = None

    def policy(self) -> dict[str, list[str]]:
        (csp,) = self.csp
        directives = [part.split() for part in csp.split(";") if part.strip()]
        return {name: values for name, *values in directives}


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


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
    # the one URL is the SVG namespace, a name (createElementNS), never fetched
    assert page.count(SVG_NS) == 1 and f'const SVG_NS = "{SVG_NS}";' in page
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", page.replace(SVG_NS, ""), re.IGNORECASE)
    assert not re.search(r"""\b(?:src|href)\s*=\s*["'](?!#|data:)""", page)
    assert '<link rel="stylesheet"' not in page and "@import" not in page and "url(" not in page
    assert page.count("<script") == 2 and "<script src" not in page
    assert page.count('<script type="application/json" id="explorer-data">') == 1
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


def test_csp_allows_only_the_pages_own_script_and_style_by_hash(sample_page: Callable[..., str]) -> None:
    page = sample_page()
    parsed = Elements(page)
    policy = parsed.policy()
    (script,) = [text for attrs, text in parsed.scripts if not attrs]
    (style,) = parsed.styles
    assert policy["script-src"] == [sha256_source(script)]
    assert policy["style-src"] == [sha256_source(style)]
    for directive in ("default-src", "object-src", "base-uri", "form-action", "trusted-types"):
        assert policy[directive] == ["'none'"], directive
    assert policy["require-trusted-types-for"] == ["'script'"]
    assert policy["img-src"] == ["data:"]
    assert set(policy) == {"default-src", "script-src", "style-src", "img-src", "object-src", "base-uri",
                           "form-action", "require-trusted-types-for", "trusted-types"}  # fmt: skip
    assert "unsafe" not in parsed.csp[0] and "*" not in parsed.csp[0]
    # the hashes are those of the template (no data in the script): the same for any records
    assert explorer.csp_hash(script) == sha256_source(script)
    assert Elements(sample_page(reforms=[])).policy() == policy


def test_data_is_a_json_block_never_executed(
    sample_page: Callable[..., str], sample_tables: Callable[[], dict[str, list[Any]]]
) -> None:
    tables = sample_tables()
    tables["reforms"] = [r.model_copy(update={"name_en": HOSTILE}) for r in tables["reforms"]]
    page = render_explorer(tables, compute_coverage(tables), version="9.9.9")
    parsed = Elements(page)
    blocks = [text for attrs, text in parsed.scripts if attrs]
    assert [attrs for attrs, _ in parsed.scripts if attrs] == [
        {"type": "application/json", "id": "explorer-data"}
    ]
    assert len(parsed.scripts) == 2 and page.count("</script>") == 2
    (block,) = blocks
    data = json.loads(block)
    assert data == json.loads(json.dumps(explorer_data(tables, compute_coverage(tables), "9.9.9")))
    assert {r["name_en"] for r in data["reforms"]} == {HOSTILE}
    # a placeholder's name inside a record stays text: the page is filled in one pass
    assert page.count("EXPLORER_SCRIPT_HASH") == 3 and "EXPLORER_STYLE_HASH" not in page
    assert "EXPLORER_DATA_JSON" not in page and "<!--EXPLORER_TITLE-->" not in page


def test_page_bytes_do_not_depend_on_anything_but_the_tables(sample_page: Callable[..., str]) -> None:
    first = sample_page().encode("utf-8")
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(sample_page().encode("utf-8")).hexdigest()
    assert sample_page(glossary=[]) != sample_page()


def _script() -> str:
    (script,) = [text for attrs, text in Elements(explorer.template()).scripts if not attrs]
    return script


def _arguments(script: str, start: int) -> list[str]:
    """The top-level arguments of the call whose ``(`` is at ``start`` (strings skipped, brackets counted)."""
    depth, quote, out, current = 0, "", [], ""
    for char in script[start:]:
        if quote:
            quote = "" if char == quote and not current.endswith("\\") else quote
        elif char in "\"'`":
            quote = char
        elif char in "([{":
            depth += 1
            if depth == 1:
                continue
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return [*out, current.strip()]
        elif char == "," and depth == 1:
            out, current = [*out, current.strip()], ""
            continue
        current += char
    raise AssertionError("unbalanced call")


def test_every_replace_in_the_script_inserts_values_literally() -> None:
    """A string replacement has patterns (``$&``, ``$'``, ``$` ``): only functions or fixed text."""
    script = _script()
    calls = [_arguments(script, match.end() - 1) for match in re.finditer(r"\.replace(?:All)?\(", script)]
    assert calls, "the audit found no call: the pattern is wrong"
    for arguments in calls:
        assert len(arguments) == 2, arguments
        replacement = arguments[1]
        function = re.match(r"^(?:\([\w\s,]*\)|\w+)\s*=>", replacement)
        fixed = re.fullmatch(r'"[^"$\\]*"', replacement)
        assert function or fixed, f"replacement {replacement!r} may be read as a pattern"


def test_the_script_never_parses_strings_as_markup() -> None:
    script = _script()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "createContextualFragment",
                 "eval(", "Function(", "setTimeout(\"", "srcdoc", "DOMParser"):  # fmt: skip
        assert sink not in script, sink
    # attributes named by the page's own code only: an "on…" key becomes a listener, never an attribute
    assert 'k.startsWith("on")) el.addEventListener' in script


@pytest.mark.parametrize(
    ("broken", "message"),
    [("\r", "contains a CR"), ("\0", "contains a CR, a NUL"), ("EXPLORER_DATA_JSON", "exactly once")],
)
def test_a_template_whose_script_cannot_be_hashed_is_refused(
    monkeypatch: pytest.MonkeyPatch,
    sample_tables: Callable[[], dict[str, list[Any]]],
    broken: str,
    message: str,
) -> None:
    """A CR or NUL is changed by the HTML parser (the browser would hash other text than ours)."""
    original = explorer.template()
    monkeypatch.setattr(
        explorer, "template", lambda: original.replace('"use strict";', '"use strict";' + broken)
    )
    tables = sample_tables()
    with pytest.raises(ValueError, match=message):
        render_explorer(tables, compute_coverage(tables))


def test_a_template_with_a_second_script_is_refused(
    monkeypatch: pytest.MonkeyPatch, sample_tables: Callable[[], dict[str, list[Any]]]
) -> None:
    original = explorer.template()
    monkeypatch.setattr(
        explorer, "template", lambda: original.replace("</body>", "<script>1</script></body>")
    )
    tables = sample_tables()
    with pytest.raises(ValueError, match="two script elements"):
        render_explorer(tables, compute_coverage(tables))


def test_withdrawn_records_keep_their_date_and_reason(
    sample_tables: Callable[[], dict[str, list[Any]]],
) -> None:
    from datetime import date

    tables = sample_tables()
    tables["reforms"] = [
        r.model_copy(update={"withdrawn": date(2026, 11, 30), "withdrawn_reason": "Found wrong."})
        if r.id == "silver-canteen"
        else r
        for r in tables["reforms"]
    ]
    data = explorer_data(tables, compute_coverage(tables))
    rows = {r["id"]: (r["withdrawn"], r["withdrawn_reason"]) for r in data["reforms"]}
    assert rows == {
        "one-license": (None, None),
        "overall-strategy": (None, None),
        "silver-canteen": ("2026-11-30", "Found wrong."),
    }
    json.dumps(data)  # JSON-compatible throughout
    assert set(data["sources"][0]) <= set(explorer.SOURCE_FIELDS)


def test_the_evidence_context_is_sent_only_where_the_page_cannot_compute_it(
    sample_tables: Callable[[], dict[str, list[Any]]], sample_text: str
) -> None:
    """A span's prefix and suffix (the release's, when it has them) go with the span only when they
    differ from the text's 32 code points either side, which the page computes itself."""
    tables = sample_tables()
    (strategy,) = [r for r in tables["reforms"] if r.id == "overall-strategy"]
    (canteen,) = [r for r in tables["reforms"] if r.id == "silver-canteen"]
    own, other = strategy.evidence[0], canteen.evidence[0]
    computed = own.model_copy(
        update={
            "prefix": sample_text[max(0, own.start - 32) : own.start],
            "suffix": sample_text[own.end : own.end + 32],
        }
    )
    given = other.model_copy(update={"prefix": "上文", "suffix": "下文"})
    tables["reforms"] = [
        r.model_copy(update={"evidence": (computed,)})
        if r is strategy
        else r.model_copy(update={"evidence": (given,)})
        if r is canteen
        else r
        for r in tables["reforms"]
    ]
    spans = explorer_data(tables, compute_coverage(tables))["spans"]
    assert [0, 36, 47, "reforms", "overall-strategy", -1] in spans
    assert [0, 148, 171, "reforms", "silver-canteen", -1, "上文", "下文"] in spans
    assert all(len(span) == 6 for span in spans if span[4] != "silver-canteen")

"""The explorer page, opened in a real headless Chromium (Debian's, driven by selenium + chromedriver).

The browser tests skip, with the reason, when chromium, chromedriver or selenium is missing, except
under ``CI=true``, where a missing browser fails the run. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dazhou_reforms.release.coverage import compute_coverage
from dazhou_reforms.release.explorer import render_explorer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
pytestmark = pytest.mark.browser

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _missing() -> str | None:
    if not Path(CHROMIUM).is_file():
        return f"chromium is not installed ({CHROMIUM}); run .ci/system-packages as root"
    if not Path(CHROMEDRIVER).is_file():
        return f"chromedriver is not installed ({CHROMEDRIVER}); run .ci/system-packages as root"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed; install the dev dependencies (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing:
        if CI:
            pytest.fail(f"CI=true but the browser tests cannot run: {missing}", pytrace=False)
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager must not look for drivers online
    profile = tempfile.mkdtemp(prefix="explorer-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}", "--window-size=1200,700"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def sample_url(
    tmp_path_factory: pytest.TempPathFactory, sample_tables: Callable[[], dict[str, list[Any]]]
) -> str:
    folder = tmp_path_factory.mktemp("explorer")
    # a note that tries to end the script element: it must show as text
    tables = sample_tables()
    tables["metrics"] = [
        m.model_copy(update={"note": "</script><b>not bold</b>"}) if m.id == "investment-total" else m
        for m in tables["metrics"]
    ]
    path = folder / "explorer.html"
    path.write_text(render_explorer(tables, compute_coverage(tables), version="9.9.9"), encoding="utf-8")
    return path.as_uri()


def open_page(driver: Any, url: str) -> None:
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get_log("browser")
    driver.get(url)
    assert driver.execute_script("return document.body.dataset.ready") == "true", (
        "the page script did not finish"
    )


def css(driver: Any, selector: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def all_css(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, selector))


IN_VIEW = """
const el = arguments[0], pane = document.getElementById('article-pane');
const r = el.getBoundingClientRect(), p = pane.getBoundingClientRect();
return r.top >= p.top && r.bottom <= p.bottom && r.bottom <= window.innerHeight && r.height > 0;
"""


def listed(driver: Any) -> list[str]:
    return [li.get_attribute("data-key") for li in all_css(driver, "#list li.rec")]


def marks_of(driver: Any, key: str) -> list[Any]:
    return [m for m in all_css(driver, "mark") if key in (m.get_attribute("data-keys") or "").split()]


def test_clicking_a_reform_highlights_and_scrolls_to_its_evidence(browser: Any, sample_url: str) -> None:
    open_page(browser, sample_url)
    browser.set_window_size(1200, 420)
    try:
        browser.execute_script(
            "const p = document.getElementById('article-pane'); p.scrollTop = p.scrollHeight;"
        )
        (first,) = marks_of(browser, "reforms/overall-strategy")
        assert first.text == "导语说明改革的总体情况"
        assert not browser.execute_script(IN_VIEW, first), "precondition: the span starts out of view"
        assert "active" not in first.get_attribute("class")

        css(browser, '[data-key="reforms/overall-strategy"] .rec-toggle').click()

        assert "active" in first.get_attribute("class")
        assert browser.execute_script(IN_VIEW, first)
        assert (
            css(browser, '[data-key="reforms/overall-strategy"] .rec-toggle').get_attribute("aria-expanded")
            == "true"
        )
        active = {m.text for m in all_css(browser, "mark.active")}
        assert active == {"导语说明改革的总体情况"}
        assert "selected" in css(browser, '[data-key="reforms/overall-strategy"]').get_attribute("class")
    finally:
        browser.set_window_size(1200, 700)


def test_reform_details_show_metrics_and_recognitions(browser: Any, sample_url: str) -> None:
    open_page(browser, sample_url)
    css(browser, '[data-key="reforms/one-license"] .rec-toggle').click()
    details = css(browser, "#rec-reforms--one-license-details")
    assert "Too many licences" in details.text and "One licence to operate" in details.text
    assert "Sample typical case" in details.text
    rows = [
        [cell.text for cell in row.find_elements("css selector", "th, td")]
        for row in all_css(browser, "#rec-reforms--one-license-details table.figures tbody tr")
    ]
    assert rows == [
        ["Total investment", "1491亿元", "149,100,000,000 Chinese yuan (renminbi)", "Achieved", "since 2021"]
    ]
    # the recognition's span and the reform's own span are both emphasized
    assert {m.text for m in all_css(browser, "mark.active")} == {
        "推行行业综合许可“一业一证一码”改革",
        "全域通用",
    }
    # selecting the metric in the table moves the emphasis to the metric's span
    css(browser, '#rec-reforms--one-license-details [data-select="metrics/investment-total"]').click()
    assert [m.text for m in all_css(browser, "mark.active")] == ["总投资达1491亿元"]
    button = css(browser, '#rec-reforms--one-license-details [data-select="metrics/investment-total"]')
    assert button.get_attribute("aria-pressed") == "true"
    # selecting the organization of another reform
    css(browser, '[data-key="reforms/silver-canteen"] .rec-toggle').click()
    css(
        browser, '#rec-reforms--silver-canteen-details [data-select="organizations/civil-affairs-bureau"]'
    ).click()
    assert [m.text for m in all_css(browser, "mark.active")] == ["市民政局"]


def test_a_note_cannot_inject_markup(browser: Any, sample_url: str) -> None:
    open_page(browser, sample_url)
    css(browser, '[data-key="reforms/one-license"] .rec-toggle').click()
    css(browser, "#q").send_keys("not bold")
    assert all_css(browser, "#list b") == []


def test_selecting_a_highlighted_span_lists_the_records_it_supports(browser: Any, sample_url: str) -> None:
    open_page(browser, sample_url)
    assert css(browser, "#passage").get_attribute("hidden") is not None
    (mark,) = [m for m in all_css(browser, "mark") if m.text == "全域通用"]
    mark.click()
    assert css(browser, "#passage").get_attribute("hidden") is None
    items = [li.text for li in all_css(browser, "#passage-list li")]
    assert items == ["Reform: One industry, one licence, one code · recognition: Sample typical case"]
    css(browser, '#passage-list [data-key="reforms/one-license"] button').click()
    assert (
        css(browser, '[data-key="reforms/one-license"] .rec-toggle').get_attribute("aria-expanded") == "true"
    )
    assert {m.text for m in all_css(browser, "mark.active")} == {
        "推行行业综合许可“一业一证一码”改革",
        "全域通用",
    }


def test_switching_languages_changes_every_label_and_field(browser: Any, sample_url: str) -> None:
    open_page(browser, sample_url)
    css(browser, '[data-key="reforms/one-license"] .rec-toggle').click()
    english = css(browser, "#list-pane").text
    assert "One industry, one licence, one code" in english and "3 of 3 reforms shown" in english
    css(browser, '[data-lang-choice="zh"]').click()
    assert browser.execute_script("return document.documentElement.lang") == "zh-Hans"
    assert css(browser, '[data-lang-choice="zh"]').get_attribute("aria-pressed") == "true"
    chinese = css(browser, "#list-pane").text
    expected = ["改革与记录", "显示 3 / 3 项改革", "行业综合许可“一业一证一码”改革", "许可事项多", "一业一证",
                "总投资", "样例典型案例", "已实现", "2021年起", "“银发食堂”微改革", "市民政局"]  # fmt: skip
    for text in expected:
        assert text in chinese, text
    for text in ("One industry", "Too many licences", "Total investment", "Achieved", "Reforms and records"):
        assert text not in chinese, text
    assert css(browser, "#f-kind option[value='micro_reform']").text == "微改革 (1)"
    assert css(browser, "#coverage-summary").text.startswith("覆盖率")
    assert browser.title == "达州改革数据浏览 9.9.9"
    # the selection survives the switch
    assert (
        css(browser, '[data-key="reforms/one-license"] .rec-toggle').get_attribute("aria-expanded") == "true"
    )
    css(browser, '[data-lang-choice="en"]').click()
    assert css(browser, "#list-pane").text == english


def test_filters_by_kind_domain_and_cap_topic(browser: Any, sample_url: str) -> None:
    from selenium.webdriver.support.ui import Select

    open_page(browser, sample_url)
    everything = listed(browser)
    assert everything == [
        "reforms/overall-strategy",
        "reforms/one-license",
        "reforms/silver-canteen",
        "metrics/projects-count",
        "organizations/civil-affairs-bureau",
        "glossary/one-license-term",
    ]
    Select(css(browser, "#f-kind")).select_by_value("micro_reform")
    assert listed(browser) == ["reforms/silver-canteen"]
    assert css(browser, "#count").text == "1 of 3 reforms shown"
    Select(css(browser, "#f-kind")).select_by_value("")
    Select(css(browser, "#f-domain")).select_by_value("business_environment")
    assert listed(browser) == ["reforms/one-license"]
    Select(css(browser, "#f-domain")).select_by_value("")
    Select(css(browser, "#f-cap")).select_by_value("20")
    assert listed(browser) == ["reforms/overall-strategy"]
    Select(css(browser, "#f-domain")).select_by_value("elderly_care")
    assert listed(browser) == [] and css(browser, "#list").text == "Nothing matches the search and filters."
    css(browser, "#reset").click()
    assert listed(browser) == everything


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("canteen", ["reforms/silver-canteen"]),
        ("银发", ["reforms/silver-canteen"]),
        ("SILVER-HAIR", ["reforms/silver-canteen"]),
        ("1491", ["reforms/one-license"]),  # through the reform's metric
        ("典型案例", ["reforms/one-license"]),  # through its recognition
        ("民政", ["organizations/civil-affairs-bureau"]),
        ("一证准营", ["reforms/one-license", "glossary/one-license-term"]),
        ("nothing like this", []),
    ],
)
def test_search_in_chinese_and_english(
    browser: Any, sample_url: str, query: str, expected: list[str]
) -> None:
    open_page(browser, sample_url)
    css(browser, "#q").send_keys(query)
    assert listed(browser) == expected


def test_keyboard_navigation(browser: Any, sample_url: str) -> None:
    from selenium.webdriver.common.keys import Keys

    open_page(browser, sample_url)
    toggle = css(browser, '[data-key="reforms/silver-canteen"] .rec-toggle')
    browser.execute_script("arguments[0].focus()", toggle)
    toggle.send_keys(Keys.ENTER)
    assert (
        css(browser, '[data-key="reforms/silver-canteen"] .rec-toggle').get_attribute("aria-expanded")
        == "true"
    )
    assert [m.text for m in all_css(browser, "mark.active")] == [
        "推出“银发食堂”微改革,每天为老人提供就餐服务"
    ]
    marks = all_css(browser, "mark")
    assert [m.get_attribute("tabindex") for m in marks].count("0") == 1  # one tab stop in the article
    browser.execute_script("arguments[0].focus()", marks[0])
    marks[0].send_keys(Keys.ARROW_RIGHT)
    assert browser.switch_to.active_element == marks[1]
    marks[1].send_keys(Keys.END)
    assert browser.switch_to.active_element == marks[-1]
    marks[-1].send_keys(Keys.ENTER)
    assert [li.text for li in all_css(browser, "#passage-list li")] == ["Reform: Silver-hair canteens"]
    marks[-1].send_keys(Keys.ESCAPE)
    assert css(browser, "#passage").get_attribute("hidden") is not None
    assert all_css(browser, "mark.active") == []


def test_deep_link_selects_a_record(browser: Any, sample_url: str) -> None:
    open_page(browser, sample_url + "#organizations/civil-affairs-bureau")
    assert (
        css(browser, '[data-key="organizations/civil-affairs-bureau"] .rec-toggle').get_attribute(
            "aria-expanded"
        )
        == "true"
    )
    assert [m.text for m in all_css(browser, "mark.active")] == ["市民政局"]


def test_coverage_panel_lists_uncited_sentences(browser: Any, sample_url: str) -> None:
    open_page(browser, sample_url)
    summary = css(browser, "#coverage-summary")
    assert summary.text == "Coverage: 71.4% of body sentences cited, 71.7% of characters"
    summary.click()
    body = css(browser, "#coverage-body").text
    assert "Part 1: the first part 3 / 3\n100.0%\n43 / 52\n82.7%" in body
    buttons = all_css(browser, "#coverage-body ol button")
    assert [b.text for b in buttons] == ["导语第二句没有记录引用。", "这一句也没有引用?"]
    buttons[1].click()
    uncited = css(browser, "#uncited-1")
    assert uncited.text == "这一句也没有引用?" and browser.execute_script(IN_VIEW, uncited)
    decoration = browser.execute_script("return getComputedStyle(arguments[0]).textDecorationLine", uncited)
    assert decoration == "underline"


CONTRAST = """
function rgb(s) { const m = s.match(/[0-9.]+/g).map(Number); return m.length > 3 ? m : [...m, 1]; }
function background(el) {
  for (; el; el = el.parentElement) {
    const c = rgb(getComputedStyle(el).backgroundColor);
    if (c[3] > 0) return c;
  }
  return [255, 255, 255, 1];
}
function lum(c) {
  const [r, g, b] = c.slice(0, 3).map((v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const el = arguments[0], a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
"""


def test_text_contrast_and_labels(browser: Any, sample_url: str) -> None:
    open_page(browser, sample_url)
    css(browser, '[data-key="reforms/one-license"] .rec-toggle').click()
    css(browser, '#rec-reforms--one-license-details [data-select="metrics/investment-total"]').click()
    selectors = ["article p", "mark", "mark.active", ".badge", "#count", ".sec-label", ".link", ".unit",
                 ".link[aria-pressed='true']", "#list-pane h2", ".lang button[aria-pressed='true']",
                 ".lang button[aria-pressed='false']", "label", "table.figures th"]  # fmt: skip
    for selector in selectors:
        ratio = browser.execute_script(CONTRAST, css(browser, selector))
        assert ratio >= 4.5, (selector, ratio)
    for control in all_css(browser, "input, select"):
        assert all_css(browser, f"label[for='{control.get_attribute('id')}']"), control.get_attribute("id")
    for button in all_css(browser, "button"):
        assert (button.get_attribute("textContent") or button.get_attribute("aria-label") or "").strip()
    assert browser.execute_script("return document.documentElement.lang") == "en"
    assert css(browser, "#article").get_attribute("lang") == "zh-Hans"


def test_phone_width(browser: Any, sample_url: str) -> None:
    """On a phone the list starts folded: the article gets the screen; the list opens and folds again."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    rect = "return arguments[0].getBoundingClientRect().toJSON()"
    try:
        open_page(browser, sample_url)
        assert browser.execute_script("return innerWidth") == 390
        toggle = css(browser, "#list-toggle")
        assert toggle.is_displayed() and toggle.text == "Show the records"
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not css(browser, "#list").is_displayed()
        article = browser.execute_script(rect, css(browser, "#article-pane"))
        assert article["width"] == 390 and article["height"] > 0.8 * 844, article
        toggle.click()
        assert toggle.text == "Hide the records" and toggle.get_attribute("aria-expanded") == "true"
        css(browser, '[data-key="reforms/silver-canteen"] .rec-toggle').click()
        overflow = browser.execute_script("return document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0
        for pane in ("#list-pane", "#article-pane"):
            box = browser.execute_script(rect, css(browser, pane))
            assert box["width"] == 390 and box["height"] > 200, (pane, box)
        (mark,) = marks_of(browser, "reforms/silver-canteen")
        assert browser.execute_script(IN_VIEW, mark)
        toggle.click()  # folded again: the article has the screen and the selection stays in view
        assert browser.execute_script(rect, css(browser, "#article-pane"))["height"] > 0.8 * 844
        assert browser.execute_script(IN_VIEW, mark)
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "explorer-sample-phone.png"))
        css(browser, '[data-lang-choice="zh"]').click()
        assert toggle.text == "显示记录列表"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def requests_made(driver: Any) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_the_page_makes_no_network_request(browser: Any, sample_url: str) -> None:
    open_page(browser, sample_url)
    css(browser, '[data-key="reforms/one-license"] .rec-toggle').click()
    css(browser, '[data-lang-choice="zh"]').click()
    css(browser, "#coverage-summary").click()
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert requests_made(browser) == [sample_url]
    errors = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "explorer-sample.png"))


@pytest.mark.slow
def test_real_record_set(browser: Any, tmp_path: Path) -> None:
    """The real article: every reform is listed, every citing record highlighted; screenshots for a look."""
    from dazhou_reforms.check.dataset import read_and_check

    dataset = read_and_check(ROOT / "raw")
    assert dataset.problems == [], "\n".join(p.to_text() for p in dataset.problems)
    path = tmp_path / "explorer.html"
    path.write_text(render_explorer(dataset.tables, compute_coverage(dataset.tables)), encoding="utf-8")
    open_page(browser, path.as_uri())
    reforms = [getattr(r, "id") for r in dataset.tables["reforms"]]  # noqa: B009
    assert sorted(k for k in listed(browser) if k.startswith("reforms/")) == sorted(
        f"reforms/{r}" for r in reforms
    )
    highlighted = {key for m in all_css(browser, "mark") for key in m.get_attribute("data-keys").split()}
    citing = {f"{table}/{r.id}" for table in ("reforms", "metrics", "organizations", "glossary")
              for r in dataset.tables[table]}  # fmt: skip
    assert highlighted == citing
    key = css(browser, "#list li.rec:nth-child(2)").get_attribute("data-key")
    css(browser, "#list li.rec:nth-child(2) .rec-toggle").click()
    assert browser.execute_script(IN_VIEW, marks_of(browser, key)[0])
    assert requests_made(browser) == [path.as_uri()]
    assert [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"] == []
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "explorer-desktop.png"))
    # printed: every reform by name, in either language
    if importlib.util.find_spec("pypdf"):
        import unicodedata

        text, _ = pdf_text(browser)
        for reform in dataset.tables["reforms"]:
            name = "".join(unicodedata.normalize("NFKC", getattr(reform, "name_en")).split())  # noqa: B009
            assert name in text, name
    css(browser, '[data-lang-choice="zh"]').click()
    browser.save_screenshot(str(ARTIFACTS / "explorer-desktop-zh.png"))
    if importlib.util.find_spec("pypdf"):
        text, _ = pdf_text(browser)
        for reform in dataset.tables["reforms"]:
            name = "".join(unicodedata.normalize("NFKC", getattr(reform, "name_zh")).split())  # noqa: B009
            assert name in text, name


# ---- hostile links and record text; the Content-Security-Policy ----------------------------------------

EVERYTHING = [
    "reforms/overall-strategy",
    "reforms/one-license",
    "reforms/silver-canteen",
    "metrics/projects-count",
    "organizations/civil-affairs-bureau",
    "glossary/one-license-term",
]
#: Names that ``String.replace`` with a string replacement would garble ($&, $', $`, $$, $1), that a
#: second substitution pass would change ({n}, {name}), and markup that must stay text.
NAME_EN = "A $& B $' C $` D $$ $1 {n} {name} <img src=x onerror=alert(1)>"
NAME_ZH = "甲$&乙$'丙$`丁{n}{name}<img src=x onerror=alert(2)>"


def severe(driver: Any) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def injected(driver: Any) -> list[str]:
    """Elements record text could have made: none of them is in the page's own markup."""
    return list(
        driver.execute_script(
            "const found = document.querySelectorAll('img, iframe, object, embed, b, [onerror], [onclick]');"
            "const scripts = document.scripts.length === 2 ? [] : ['scripts: ' + document.scripts.length];"
            "return [...found].map((e) => e.outerHTML).concat(scripts);"
        )
    )


def test_console_errors_are_seen(browser: Any, sample_url: str) -> None:
    """The check the tests below rely on: an uncaught error of the page is a SEVERE browser log entry."""
    open_page(browser, sample_url)
    browser.execute_script("setTimeout(() => { throw new URIError('probe'); }, 0)")
    browser.execute_script("return new Promise((resolve) => setTimeout(resolve, 50))")
    assert any("probe" in message for message in severe(browser))


@pytest.mark.parametrize(
    "fragment",
    [
        "%",
        "%E0%A4%A",
        "%ZZ",
        "%%25",
        "%E4%B8",  # a UTF-8 sequence cut short
        "%C0%AF",  # overlong
        "%ED%A0%80",  # a lone surrogate
        "reforms%2Fone-license%",
        "reforms/no-such-reform",
        "<img src=x onerror=alert(1)>",
        "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
        "x" * 5000,
    ],
)
def test_a_link_not_understood_shows_everything_and_says_so(
    browser: Any, sample_url: str, fragment: str
) -> None:
    open_page(browser, sample_url + "#" + fragment)
    assert listed(browser) == EVERYTHING
    assert all_css(browser, "mark.active") == [] and all_css(browser, "li.rec.selected") == []
    note = css(browser, "#link-note")
    assert note.is_displayed()
    assert note.text.startswith("The link “#") and note.text.endswith(
        "does not name a record or a source of this release; showing everything."
    )
    assert len(note.text) < 200
    assert injected(browser) == []
    assert severe(browser) == []


def test_the_note_follows_the_language_and_goes_with_a_selection(browser: Any, sample_url: str) -> None:
    open_page(browser, sample_url + "#%E0%A4%A")
    assert css(browser, "#link-note").text.startswith("The link “#%E0%A4%A”")
    css(browser, '[data-lang-choice="zh"]').click()
    assert css(browser, "#link-note").text == "链接“#%E0%A4%A”不对应本版本的任何记录或来源;显示全部内容。"
    css(browser, '[data-key="reforms/silver-canteen"] .rec-toggle').click()
    assert not css(browser, "#link-note").is_displayed()
    assert browser.execute_script("return location.hash") == "#reforms/silver-canteen"
    assert severe(browser) == []


@pytest.mark.parametrize(
    ("fragment", "selected"),
    [("", None), ("#", None), ("#list-pane", None), ("#reforms%2Fone-license", "reforms/one-license")],
)
def test_an_empty_link_a_page_anchor_or_an_encoded_key_needs_no_note(
    browser: Any, sample_url: str, fragment: str, selected: str | None
) -> None:
    open_page(browser, sample_url + fragment)
    assert not css(browser, "#link-note").is_displayed()
    assert [li.get_attribute("data-key") for li in all_css(browser, "li.rec.selected")] == (
        [selected] if selected else []
    )
    assert severe(browser) == []


@pytest.fixture(scope="session")
def hostile_url(
    tmp_path_factory: pytest.TempPathFactory, sample_tables: Callable[[], dict[str, list[Any]]]
) -> str:
    tables = sample_tables()
    tables["reforms"] = [
        r.model_copy(update={"name_en": NAME_EN, "name_zh": NAME_ZH}) if r.id == "one-license" else r
        for r in tables["reforms"]
    ]
    path = tmp_path_factory.mktemp("explorer-hostile") / "explorer.html"
    path.write_text(render_explorer(tables, compute_coverage(tables), version="9.9.9"), encoding="utf-8")
    return path.as_uri()


def test_record_names_are_announced_and_shown_literally(browser: Any, hostile_url: str) -> None:
    open_page(browser, hostile_url + "#reforms/one-license")
    announce = "return document.getElementById('announce').textContent"
    marks = len(all_css(browser, "mark.active"))
    assert marks == 2
    assert browser.execute_script(announce) == f"2 highlighted passage(s) for {NAME_EN}"
    name = css(browser, '[data-key="reforms/one-license"] .rec-toggle .name')
    assert name.get_attribute("textContent") == NAME_EN
    (mark,) = [m for m in all_css(browser, "mark") if m.text == "全域通用"]
    mark.click()
    assert [li.text for li in all_css(browser, "#passage-list li")] == [
        f"Reform: {NAME_EN} · recognition: Sample typical case"
    ]
    css(browser, '[data-lang-choice="zh"]').click()
    toggle = '[data-key="reforms/one-license"] .rec-toggle'
    css(browser, toggle).click()  # closes it
    css(browser, toggle).click()  # opens and selects it again: announced in Chinese
    assert browser.execute_script(announce) == f"{NAME_ZH}:已突出显示 2 段原文"
    assert css(browser, toggle + " .name").get_attribute("textContent") == NAME_ZH
    css(browser, "#q").send_keys("$&")
    assert listed(browser) == ["reforms/one-license"]
    assert injected(browser) == []
    assert severe(browser) == []


def _policy(csp: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in csp.split(";") if part.strip())}


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def test_csp_allows_the_inline_script_by_its_hash_only(browser: Any, sample_url: str) -> None:
    open_page(browser, sample_url)
    csp = browser.execute_script(
        "return document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content"
    )
    script = browser.execute_script("return [...document.scripts].filter((s) => !s.type)[0].textContent")
    style = browser.execute_script("return document.querySelector('style').textContent")
    policy = _policy(csp)
    assert policy["script-src"] == [_sha256(script)]
    assert policy["style-src"] == [_sha256(style)]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for directive in ("default-src", "object-src", "base-uri", "form-action"):
        assert policy[directive] == ["'none'"], directive
    # the data block is JSON the script reads, not code the browser runs
    (block,) = browser.execute_script(
        "return [...document.scripts].filter((s) => s.type).map((s) => s.type + ' ' + s.id)"
    )
    assert block == "application/json explorer-data"
    # Trusted Types: the page cannot turn a string into markup, even by mistake
    outcome = browser.execute_script(
        "try { document.getElementById('list').insertAdjacentHTML('beforeend', '<b>x</b>'); }"
        " catch (e) { return e.name; } return 'inserted';"
    )
    assert outcome == "TypeError" and injected(browser) == []


def test_a_script_or_style_changed_by_one_byte_is_refused(
    browser: Any, tmp_path: Path, sample_tables: Callable[[], dict[str, list[Any]]]
) -> None:
    """The policy is enforced: only the exact script and style the hashes name run and apply."""
    tables = sample_tables()
    page = render_explorer(tables, compute_coverage(tables), version="9.9.9")
    display = "return getComputedStyle(document.body).display"
    original = tmp_path / "original.html"
    original.write_text(page, encoding="utf-8")
    open_page(browser, original.as_uri())
    assert browser.execute_script(display) == "grid"

    script = tmp_path / "script.html"
    script.write_text(page.replace('"use strict";', '"use strict"; '), encoding="utf-8")
    browser.get(script.as_uri())
    assert browser.execute_script("return document.body.dataset.ready") is None
    assert any("Content Security Policy" in message for message in severe(browser))

    style = tmp_path / "style.html"
    style.write_text(page.replace(":root {", ":root  {"), encoding="utf-8")
    browser.get_log("browser")
    open_page(browser, style.as_uri())
    assert browser.execute_script(display) == "block"


# ---- two sources and a withdrawn record (the second source is made up, for the tests only) -------------

NOTICE_ID = "fictional-notice"
NOTICE_TITLE = "虚构的后续通知(测试用)"
NOTICE = (
    "\n\n".join(
        [
            NOTICE_TITLE,
            "发稿时间:2025-01-05 10:00:00",
            "  本文为测试虚构。行业综合许可“一业一证一码”改革已推广至全市各县。",
            "  另据报道,引进11个项目的说法在此重复出现。",
        ]
    )
    + "\n"
)
WITHDRAWN_REASON = "Made up for the tests: withdrawn to show how a withdrawn record looks."


def notice_evidence(quote: str) -> Any:
    from dazhou_reforms.schema.models import Evidence

    start = NOTICE.index(quote)
    assert NOTICE.count(quote) == 1, quote
    return Evidence(source_id=NOTICE_ID, start=start, end=start + len(quote), quote=quote)


def two_source_tables(sample_tables: Callable[[], dict[str, list[Any]]]) -> dict[str, list[Any]]:
    """The sample tables with a second, fictional source: one reform quotes both, a figure and a
    withdrawn reform quote the second only."""
    from datetime import date

    from dazhou_reforms.schema.models import Metric, Reform, Section, Source

    tables = sample_tables()
    (article,) = tables["sources"]
    notice = Source(
        id=NOTICE_ID,
        title_zh=NOTICE_TITLE,
        title_en="A fictional follow-up notice (test only)",
        published_at="2025-01-05T10:00:00+08:00",
        authors_zh=["虚构作者"],
        authors_en=["Fictional author"],
        language="zh-Hans",
        place_code="511700",
        text=NOTICE,
        text_sha256=hashlib.sha256(NOTICE.encode("utf-8")).hexdigest(),
        evidence=[notice_evidence(NOTICE_TITLE)],
    )
    body = Section(
        id="notice-body",
        source_id=NOTICE_ID,
        ordinal=0,
        heading_en="Notice body",
        start=NOTICE.index("本文为"),
        end=len(NOTICE),
        evidence=[notice_evidence("本文为测试虚构")],
    )
    reforms = [
        r.model_copy(
            update={
                "evidence": (*r.evidence, notice_evidence("行业综合许可“一业一证一码”改革已推广至全市各县"))
            }
        )
        if r.id == "one-license"
        else r
        for r in tables["reforms"]
    ]
    withdrawn = Reform(
        id="notice-withdrawn-example",
        name_zh="虚构的已撤回改革",
        name_en="A fictional withdrawn reform",
        kind="micro_reform",
        status="implemented",
        section="notice-body",
        domains=["governance"],
        cap_major_topic=20,
        place_code="511700",
        evidence=[notice_evidence("本文为测试虚构")],
        withdrawn=date(2026, 11, 30),
        withdrawn_reason=WITHDRAWN_REASON,
    )
    repeated = Metric(
        id="notice-projects-repeated",
        indicator_zh="通知重复提到的项目数",
        indicator_en="Projects the notice repeats",
        value=11.0,
        unit="count",
        value_as_stated="11个",
        qualifier="exact",
        status="achieved",
        value_standard=11.0,
        unit_standard="count",
        evidence=[notice_evidence("引进11个项目的说法")],
    )
    tables["sources"] = [article, notice]
    tables["sections"] = [*tables["sections"], body]
    tables["reforms"] = [*reforms, withdrawn]
    tables["metrics"] = [*tables["metrics"], repeated]
    return tables


@pytest.fixture(scope="session")
def two_url(
    tmp_path_factory: pytest.TempPathFactory, sample_tables: Callable[[], dict[str, list[Any]]]
) -> str:
    tables = two_source_tables(sample_tables)
    path = tmp_path_factory.mktemp("explorer-two") / "explorer.html"
    path.write_text(render_explorer(tables, compute_coverage(tables), version="9.9.9"), encoding="utf-8")
    return path.as_uri()


def article_text(driver: Any) -> str:
    return str(driver.execute_script("return document.getElementById('article').textContent"))


def test_the_source_switcher_and_following_a_record_to_its_second_source(browser: Any, two_url: str) -> None:
    from selenium.webdriver.support.ui import Select

    open_page(browser, two_url)
    select = Select(css(browser, "#source-select"))
    assert [o.text for o in select.options] == [
        "A fictional follow-up notice (test only) (2025-01-05)",
        "A sample article (2024-04-10)",
    ]
    # the source shown first is the one the most evidence quotes
    assert select.first_selected_option.get_attribute("value") == "1"
    assert "样例文章标题" in article_text(browser) and "虚构" not in article_text(browser)
    assert css(browser, "#source-count").text == "Source 2 of 2"
    css(browser, '[data-key="reforms/one-license"] .rec-toggle').click()
    follow = all_css(browser, "#rec-reforms--one-license-details [data-source-follow]")
    assert [b.text for b in follow] == ["A fictional follow-up notice (test only)", "A sample article"]
    assert [b.get_attribute("aria-current") for b in follow] == ["false", "true"]
    assert {m.text for m in all_css(browser, "mark.active")} == {
        "推行行业综合许可“一业一证一码”改革",
        "全域通用",
    }
    follow[0].click()
    assert NOTICE_TITLE in article_text(browser) and "样例文章标题" not in article_text(browser)
    assert select.first_selected_option.get_attribute("value") == "0"
    assert css(browser, "#source-count").text == "Source 1 of 2"
    assert (
        css(browser, "#coverage-summary").text
        == "Coverage: 66.7% of body sentences cited, 61.8% of characters"  # withdrawn records cite nothing
    )
    (active,) = all_css(browser, "mark.active")
    assert active.text == "行业综合许可“一业一证一码”改革已推广至全市各县"
    assert browser.execute_script(IN_VIEW, active)
    assert browser.execute_script("return location.hash") == "#reforms/one-license"
    follow = all_css(browser, "#rec-reforms--one-license-details [data-source-follow]")
    assert [b.get_attribute("aria-current") for b in follow] == ["true", "false"]
    # the evidence list names each quote's source; a quote of the other source switches back to it
    items = all_css(browser, "#rec-reforms--one-license-details li[data-span]")
    assert [i.find_element("css selector", ".badge").text for i in items] == [
        "A fictional follow-up notice (test only)",
        "A sample article",
        "A sample article",
    ]
    items[1].find_element("css selector", "button.link").click()
    assert select.first_selected_option.get_attribute("value") == "1"
    assert [m.text for m in all_css(browser, "mark.target")] == ["推行行业综合许可“一业一证一码”改革"]
    # the switcher: the selection stays, highlighted in whichever source is shown
    select.select_by_value("0")
    assert [m.text for m in all_css(browser, "mark.active")] == [
        "行业综合许可“一业一证一码”改革已推广至全市各县"
    ]
    assert severe(browser) == []


def test_a_source_deep_link_shows_it_and_an_unknown_one_says_so(browser: Any, two_url: str) -> None:
    open_page(browser, two_url + "#sources/" + NOTICE_ID)
    assert NOTICE_TITLE in article_text(browser)
    assert not css(browser, "#link-note").is_displayed()
    assert css(browser, "#source-line").text.startswith(
        "A fictional follow-up notice (test only) · published 2025-01-05"
    )
    css(browser, "#source-select").send_keys("A sample")  # the switcher writes the link of what it shows
    assert browser.execute_script("return location.hash") == "#sources/sample-article"
    # a link followed inside the open page
    browser.execute_script(f"location.hash = '#sources/{NOTICE_ID}'")
    assert NOTICE_TITLE in article_text(browser)
    browser.execute_script("location.hash = '#reforms/silver-canteen'")
    assert "样例文章标题" in article_text(browser)
    assert [m.text for m in all_css(browser, "mark.active")] == [
        "推出“银发食堂”微改革,每天为老人提供就餐服务"
    ]
    for link in ("#sources/nope", "#metrics/nope"):
        open_page(browser, two_url + link)
        note = css(browser, "#link-note")
        assert note.is_displayed()
        assert (
            note.text
            == f"The link “{link}” does not name a record or a source of this release; showing everything."
        )
        assert "样例文章标题" in article_text(browser)
        css(browser, '[data-lang-choice="zh"]').click()
        assert css(browser, "#link-note").text == f"链接“{link}”不对应本版本的任何记录或来源;显示全部内容。"
    assert severe(browser) == []


def test_withdrawn_records_are_hidden_by_default_and_struck_through(browser: Any, two_url: str) -> None:
    open_page(browser, two_url + "#sources/" + NOTICE_ID)
    key = "reforms/notice-withdrawn-example"
    assert key not in listed(browser)
    assert css(browser, "#count").text == "3 of 3 reforms shown"
    (mark,) = [m for m in all_css(browser, "mark") if m.text == "本文为测试虚构"]
    assert "dim" in mark.get_attribute("class").split()
    label = css(browser, "#show-withdrawn-label")
    assert label.text == "Show withdrawn records (1)"
    css(browser, "#show-withdrawn").click()
    assert key in listed(browser)
    assert css(browser, "#count").text == "3 of 3 reforms shown"  # never counted
    assert "dim" not in mark.get_attribute("class").split()
    li = css(browser, f'[data-key="{key}"]')
    assert "withdrawn" in li.get_attribute("class").split()
    name = css(browser, f'[data-key="{key}"] .name')
    assert "line-through" in browser.execute_script(
        "return getComputedStyle(arguments[0]).textDecorationLine", name
    )
    css(browser, f'[data-key="{key}"] .rec-toggle').click()
    assert css(browser, f"#rec-{key.replace('/', '--')}-details .withdrawn-note").text == (
        f"Withdrawn on 2026-11-30: {WITHDRAWN_REASON}"
    )
    css(browser, '[data-lang-choice="zh"]').click()
    assert css(browser, "#show-withdrawn-label").text == "显示已撤回的记录(1)"
    assert css(browser, f'[data-key="{key}"] .badge.gone').text == "已撤回"
    # a link to a withdrawn record shows it, whatever the toggle
    open_page(browser, two_url + "#" + key)
    assert key in listed(browser) and css(browser, "#show-withdrawn").is_selected()
    assert severe(browser) == []


def mark_classes(driver: Any) -> dict[str, set[str]]:
    return {m.text: set(m.get_attribute("class").split()) for m in all_css(driver, "#article mark")}


def test_spans_are_coloured_by_kind_and_dimmed_outside_the_filter(browser: Any, sample_url: str) -> None:
    from selenium.webdriver.support.ui import Select

    open_page(browser, sample_url)
    kinds = {
        text: {c for c in classes if c.startswith("k-")} for text, classes in mark_classes(browser).items()
    }
    assert kinds == {
        "导语说明改革的总体情况": {"k-reforms"},
        "推行行业综合许可“一业一证一码”改革": {"k-reforms"},
        "一证准营": {"k-glossary"},
        "全域通用": {"k-reforms"},
        "总投资达1491亿元": {"k-metrics"},
        "引进11个项目": {"k-metrics"},
        "市民政局": {"k-organizations"},
        "推出“银发食堂”微改革,每天为老人提供就餐服务": {"k-reforms"},
    }
    background = "return getComputedStyle(arguments[0]).backgroundColor"
    colours = {}
    for m in all_css(browser, "#article mark"):
        colours.setdefault(
            next(c for c in m.get_attribute("class").split() if c.startswith("k-")), set()
        ).add(browser.execute_script(background, m))
    assert all(len(c) == 1 for c in colours.values()) and len({c.pop() for c in colours.values()}) == 4
    legend = [li.text for li in all_css(browser, "#legend li")]
    assert legend == [
        "Reform",
        "Figure",
        "Organization",
        "Glossary term",
        "outside the current filter or search",
    ]
    for li in all_css(browser, "#legend li"):  # each swatch has the colour of its kind
        swatch = li.find_element("css selector", ".swatch")
        kind = swatch.get_attribute("class").split()[-1]
        if kind.startswith("k-"):
            mark = css(browser, f"#article mark.{kind}")
            assert browser.execute_script(background, swatch) == browser.execute_script(background, mark)
    assert not any("dim" in c for c in mark_classes(browser).values())
    Select(css(browser, "#f-kind")).select_by_value("micro_reform")
    dimmed = {text for text, classes in mark_classes(browser).items() if "dim" in classes}
    assert set(mark_classes(browser)) - dimmed == {"推出“银发食堂”微改革,每天为老人提供就餐服务"}
    css(browser, "#reset").click()
    css(browser, "#q").send_keys("1491")
    dimmed = {text for text, classes in mark_classes(browser).items() if "dim" in classes}
    assert dimmed == {
        "导语说明改革的总体情况",
        "一证准营",
        "引进11个项目",
        "市民政局",
        "推出“银发食堂”微改革,每天为老人提供就餐服务",
    }
    dim = css(browser, "#article mark.dim")
    assert browser.execute_script(CONTRAST, dim) >= 4.5
    assert browser.execute_script(background, dim) not in {
        browser.execute_script(background, m) for m in all_css(browser, "#article mark:not(.dim)")
    }


def downloaded(driver: Any, folder: Path, button: str) -> bytes:
    """Click ``button`` and return the bytes of the one file it downloads into ``folder``."""
    import time

    for old in folder.iterdir():
        old.unlink()
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    css(driver, button).click()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        files = [p for p in folder.iterdir() if not p.name.endswith(".crdownload")]
        if files:
            time.sleep(0.2)
            (file,) = files
            return file.read_bytes()
        time.sleep(0.05)
    raise AssertionError(f"nothing was downloaded by {button}")


CSV_HEADER = (
    "table,id,name_zh,name_en,kind,status,section,reform_id,value_as_stated,value_standard,unit_standard,"
    "qualifier,period_start,period_end,source_ids,withdrawn,withdrawn_reason"
)


def test_export_of_the_records_shown_as_csv_and_json(browser: Any, two_url: str, tmp_path: Path) -> None:
    import csv
    import io

    open_page(browser, two_url)
    css(browser, "#q").send_keys("canteen")
    data = downloaded(browser, tmp_path, "#export-csv")
    assert data.startswith("\ufeff".encode()) and data.endswith(b"\r\n")
    assert data.decode("utf-8-sig").split("\r\n") == [
        CSV_HEADER,
        "reforms,silver-canteen,“银发食堂”微改革,Silver-hair canteens,micro_reform,implemented,part-2,,,,,,,,"
        "sample-article,,",
        "",
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["dazhou-reforms-9.9.9-records.csv"]
    css(browser, "#reset").click()
    rows = list(csv.DictReader(io.StringIO(downloaded(browser, tmp_path, "#export-csv").decode("utf-8-sig"))))
    assert [(r["table"], r["id"]) for r in rows] == [
        ("reforms", "one-license"),
        ("reforms", "overall-strategy"),
        ("reforms", "silver-canteen"),
        ("metrics", "investment-total"),
        ("metrics", "notice-projects-repeated"),
        ("metrics", "projects-count"),
        ("organizations", "civil-affairs-bureau"),
        ("glossary", "one-license-term"),
    ]
    by_id = {r["id"]: r for r in rows}
    assert by_id["one-license"]["source_ids"] == "fictional-notice sample-article"
    assert by_id["one-license"]["name_en"] == "One industry, one licence, one code"  # commas quoted
    assert {k: v for k, v in by_id["investment-total"].items() if v} == {
        "table": "metrics", "id": "investment-total", "name_zh": "总投资", "name_en": "Total investment",
        "status": "achieved", "reform_id": "one-license", "value_as_stated": "1491亿元",
        "value_standard": "149100000000", "unit_standard": "CNY", "qualifier": "exact",
        "period_start": "2021", "source_ids": "sample-article",
    }  # fmt: skip
    # the withdrawn record goes with the toggle
    css(browser, "#show-withdrawn").click()
    rows = list(csv.DictReader(io.StringIO(downloaded(browser, tmp_path, "#export-csv").decode("utf-8-sig"))))
    (gone,) = [r for r in rows if r["withdrawn"]]
    assert (gone["id"], gone["withdrawn"], gone["withdrawn_reason"]) == (
        "notice-withdrawn-example",
        "2026-11-30",
        WITHDRAWN_REASON,
    )
    # JSON: the records shown in the release's own shape, evidence with its quote
    css(browser, "#show-withdrawn").click()
    css(browser, "#q").send_keys("licence")
    exported = json.loads(downloaded(browser, tmp_path, "#export-json"))
    assert exported["version"] == "9.9.9" and exported["filters"]["search"] == "licence"
    assert [r["id"] for r in exported["reforms"]] == ["one-license"]
    assert [r["id"] for r in exported["glossary"]] == ["one-license-term"]
    assert exported["metrics"] == [next(m for m in exported["metrics"] if m["id"] == "investment-total")]
    reform = exported["reforms"][0]
    assert reform["source_ids"] == ["fictional-notice", "sample-article"]
    assert reform["evidence"][0] == {
        "source_id": "sample-article", "start": 76, "end": 94, "quote": "推行行业综合许可“一业一证一码”改革"
    }  # fmt: skip
    assert reform["recognitions"][0]["evidence"] == [
        {"source_id": "sample-article", "start": 103, "end": 107, "quote": "全域通用"}
    ]
    assert severe(browser) == []


def test_copy_citation(browser: Any, two_url: str) -> None:
    open_page(browser, two_url + "#reforms/one-license")
    assert not css(browser, "#copy-panel").is_displayed()
    css(browser, "#rec-reforms--one-license-details .cite").click()
    assert css(browser, "#copy-panel").is_displayed()
    assert css(browser, "#copy-text").get_attribute("value") == (
        "dazhou-reforms 9.9.9 (dataset), record reforms/one-license (“One industry, one licence, one code”). "
        "Sources: 虚构作者:《虚构的后续通知(测试用)》(A fictional follow-up notice (test only)), 2025-01-05; "
        "样例课题组:《样例文章标题》(A sample article), 2024-04-10."
    )
    css(browser, "#cite-dataset").click()
    assert css(browser, "#copy-text").get_attribute("value") == (
        "dazhou-reforms 9.9.9 (dataset). Source: 样例课题组:《样例文章标题》(A sample article), 2024-04-10."
    )
    css(browser, "#copy-close").click()
    assert not css(browser, "#copy-panel").is_displayed()


def fragment(prefix: str, quote: str, suffix: str) -> str:
    """A text directive, each part percent-encoded as encodeURIComponent does, "-" escaped too."""
    from urllib.parse import quote as encode

    def part(text: str) -> str:
        return encode(text, safe="!~*'()").replace("-", "%2D")

    return "#:~:text=" + ",".join(
        [*([part(prefix) + "-"] if prefix else []), part(quote), *(["-" + part(suffix)] if suffix else [])]
    )


def copied_link(driver: Any, span: Any) -> str:
    span.find_element("css selector", ".copy-link").click()
    return str(css(driver, "#copy-text").get_attribute("value"))


def test_copy_link_gives_a_text_fragment_that_finds_the_span_on_a_reprint(
    browser: Any, sample_url: str, sample_tables: Callable[[], dict[str, list[Any]]], tmp_path: Path
) -> None:
    open_page(browser, sample_url + "#reforms/one-license")
    css(browser, '[data-select="metrics/investment-total"]').click()
    css(browser, '[data-key="metrics/projects-count"] .rec-toggle').click()
    (span,) = all_css(browser, "#rec-metrics--projects-count-details li[data-span]")
    # the context is cut to the quote's paragraph and, at its outer end, to a word boundary
    assert copied_link(browser, span) == fragment(
        "改革,实现“一证准营;全域通用”。总投资达1491亿元;", "引进11个项目", "!"
    )
    assert css(browser, "#copy-status").text.endswith(
        "The source records no web address: add the address of an online copy in front of this link."
    )
    spans = all_css(browser, "#rec-reforms--one-license-details li[data-span]")
    assert [copied_link(browser, s) for s in spans] == [
        fragment("", "推行行业综合许可“一业一证一码”改革", ",实现“一证准营;全域通用”。总投资达1491亿元;"),
        fragment(
            "推行行业综合许可“一业一证一码”改革,实现“一证准营;",
            "全域通用",
            "”。总投资达1491亿元;引进11个项目!",
        ),
    ]
    # a reprint: the same text in other markup, the passage far down; the link scrolls to it
    text = sample_tables()["sources"][0].text
    lines = "".join(f"<p>{line.strip()}</p>" for line in text.split("\n") if line.strip())
    reprint = tmp_path / "reprint.html"
    spacer = '<div style="height: 3000px">…</div>'
    reprint.write_text(f"<!doctype html><meta charset=utf-8>{spacer}{lines}{spacer}", encoding="utf-8")
    links = []
    for key in ("reforms/overall-strategy", "reforms/silver-canteen", "glossary/one-license-term",
                "organizations/civil-affairs-bureau", "metrics/projects-count"):  # fmt: skip
        open_page(browser, sample_url + "#" + key)
        links += [
            copied_link(browser, s)
            for s in all_css(browser, f"#{'rec-' + key.replace('/', '--')}-details li[data-span]")
        ]
    open_page(browser, sample_url + "#reforms/one-license")
    links += [
        copied_link(browser, s) for s in all_css(browser, "#rec-reforms--one-license-details li[data-span]")
    ]
    assert len(links) == 7
    for link in links:
        browser.get("about:blank")
        browser.get(reprint.as_uri() + link)
        browser.execute_script("return new Promise((resolve) => setTimeout(resolve, 300))")
        assert browser.execute_script("return scrollY") > 2000, link


def overview_counts_of(tables: dict[str, list[Any]]) -> dict[tuple[str, str], int]:
    """Reforms per (section, kind) and figures per section (a figure's reform's section, else the section
    its first quote is in), withdrawn records left out: what the picture must show."""
    counts: dict[tuple[str, str], int] = {}
    reforms = {r.id: r for r in tables["reforms"]}
    for r in tables["reforms"]:
        if r.withdrawn is None:
            counts[(r.section, r.kind)] = counts.get((r.section, r.kind), 0) + 1
    for m in tables["metrics"]:
        if m.withdrawn is not None:
            continue
        if m.reform_id:
            section = reforms[m.reform_id].section
        else:
            e = m.evidence[0]
            own = [s for s in tables["sections"] if s.source_id == e.source_id]
            (section,) = (
                [s.id for s in own if s.start <= e.start < s.end] if own else [f"source:{e.source_id}"]
            )
        counts[(section, "figures")] = counts.get((section, "figures"), 0) + 1
    return counts


def test_the_overview_picture_counts_what_the_data_counts(
    browser: Any, two_url: str, sample_tables: Callable[[], dict[str, list[Any]]]
) -> None:
    open_page(browser, two_url)
    css(browser, "#overview-summary").click()
    shown = {
        (r.find_element("xpath", "..").get_attribute("data-section"), r.get_attribute("data-kind")): int(
            r.get_attribute("data-count")
        )
        for r in all_css(browser, "#overview-body svg .ov-row rect")
    }
    expected = overview_counts_of(two_source_tables(sample_tables))
    assert (
        shown
        == expected
        == {
            ("lead", "strategy"): 1,
            ("part-1", "reform"): 1,
            ("part-2", "micro_reform"): 1,
            ("part-1", "figures"): 2,
            ("notice-body", "figures"): 1,
        }
    )
    rows = [g.get_attribute("data-section") for g in all_css(browser, "#overview-body svg .ov-row")]
    assert rows == ["notice-body", "title", "lead", "part-1", "part-2", "byline"]
    widths = {
        k: float(r.get_attribute("width"))
        for k, r in zip(shown, all_css(browser, "#overview-body svg .ov-row rect"), strict=True)
    }
    assert widths[("part-1", "figures")] == 2 * widths[("part-1", "reform")]
    text = css(browser, "#overview-body").text
    assert "Notice body" in text and "Withdrawn records are not counted." in text
    css(browser, '[data-lang-choice="zh"]').click()
    labels = [t.text for t in all_css(browser, "#overview-body svg .ov-row > text:first-of-type")]
    assert labels[:3] == ["无标题部分 0", "标题与发稿信息", "导语"]
    assert severe(browser) == []


def pdf_text(driver: Any) -> tuple[str, int]:
    import io
    import unicodedata

    from pypdf import PdfReader
    from selenium.webdriver.common.print_page_options import PrintOptions

    reader = PdfReader(io.BytesIO(base64.b64decode(driver.print_page(PrintOptions()))))
    text = "".join(page.extract_text() for page in reader.pages)
    return "".join(unicodedata.normalize("NFKC", text).split()), len(reader.pages)


def test_printing_gives_a_report_of_every_record_and_the_sources(
    browser: Any, two_url: str, sample_tables: Callable[[], dict[str, list[Any]]]
) -> None:
    pytest.importorskip("pypdf", reason="pypdf reads the printed PDF (pip install -e '.[dev]')")
    open_page(browser, two_url)
    text, pages = pdf_text(browser)
    tables = two_source_tables(sample_tables)
    squeeze = "".join
    for reform in tables["reforms"]:
        if reform.withdrawn is None:
            assert squeeze(reform.name_en.split()) in text, reform.id
    for record in (*tables["metrics"], *tables["organizations"], *tables["glossary"]):
        name = getattr(record, "indicator_en", None) or getattr(record, "name_en", None) or record.term_en
        assert squeeze(name.split()) in text, record.id
    assert "Withdrawn" not in text
    for needle in (
        "1491亿元",
        "149,100,000,000",
        "Toomanylicences",
        "推行行业综合许可",
        NOTICE_TITLE,
        "Source:Asamplearticle",
    ):
        assert needle in text, needle
    # a page per group of records and per source, at least
    groups = len(all_css(browser, "#list section.group"))
    assert pages >= groups + 2
    assert css(browser, "#print-report").get_attribute("textContent") == ""  # emptied after printing
    css(browser, "#show-withdrawn").click()
    text, _ = pdf_text(browser)
    assert "Afictionalwithdrawnreform" in text and squeeze(WITHDRAWN_REASON.split()) in text
    css(browser, '[data-lang-choice="zh"]').click()
    text, _ = pdf_text(browser)
    assert "行业综合许可“一业一证一码”改革" in text and "达州改革:记录与来源" in text


ENGLISH_WORDS = ("Reform", "Figure", "Source", "shown", "Withdrawn", "Supported", "Copy", "Evidence")


def test_every_label_is_in_both_languages(browser: Any, two_url: str) -> None:
    open_page(browser, two_url + "#reforms/one-license")
    english = {
        el.get_attribute("data-t"): el.get_attribute("textContent") for el in all_css(browser, "[data-t]")
    }
    css(browser, '[data-lang-choice="zh"]').click()
    chinese = {
        el.get_attribute("data-t"): el.get_attribute("textContent") for el in all_css(browser, "[data-t]")
    }
    assert english.keys() == chinese.keys() and all(english[k] != chinese[k] for k in english), english
    pane = css(browser, "#list-pane").text
    assert "导语" in pane and "Lead" not in pane and "Part 1" not in pane
    for selector in (
        "#legend",
        "#source-count",
        "#count",
        "#show-withdrawn-label",
        "#rec-reforms--one-license-details",
    ):
        text = css(browser, selector).text
        assert not any(word in text for word in ENGLISH_WORDS), (selector, text)
    assert css(browser, "#legend").get_attribute("aria-label") == "图例"


def test_a_long_list_is_rendered_as_it_is_scrolled(
    browser: Any, tmp_path: Path, sample_tables: Callable[[], dict[str, list[Any]]]
) -> None:
    tables = sample_tables()
    canteen = next(r for r in tables["reforms"] if r.id == "silver-canteen")
    bulk = [
        canteen.model_copy(update={"id": f"bulk-{i:04d}", "name_en": f"Bulk reform {i:04d}"})
        for i in range(600)
    ]
    tables["reforms"] = [*tables["reforms"], *bulk]
    path = tmp_path / "explorer.html"
    path.write_text(render_explorer(tables, compute_coverage(tables)), encoding="utf-8")
    open_page(browser, path.as_uri())
    first = len(listed(browser))
    assert first < 200 and css(browser, "#count").text == "603 of 603 reforms shown"
    assert css(browser, "#list-more").text == f"Showing {first} of 606 entries; scroll for more."
    for _ in range(20):
        browser.execute_script(
            "const p = document.getElementById('list-pane'); p.scrollTop = p.scrollHeight;"
        )
        browser.execute_script(
            "return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 30)))"
        )
        if len(listed(browser)) == 606:
            break
    assert len(listed(browser)) == 606 and all_css(browser, "#list-more") == []
    # a link to a record far down renders the list down to it
    browser.get("about:blank")
    open_page(browser, path.as_uri() + "#reforms/bulk-0300")
    assert "selected" in css(browser, '[data-key="reforms/bulk-0300"]').get_attribute("class")
    assert len(listed(browser)) < 606
    assert severe(browser) == []


def test_a_source_without_sections_is_one_body(
    browser: Any, tmp_path: Path, sample_tables: Callable[[], dict[str, list[Any]]]
) -> None:
    tables = two_source_tables(sample_tables)
    tables["sections"] = [s for s in tables["sections"] if s.source_id != NOTICE_ID]
    tables["reforms"] = [r for r in tables["reforms"] if r.withdrawn is None]
    path = tmp_path / "explorer.html"
    path.write_text(render_explorer(tables, compute_coverage(tables)), encoding="utf-8")
    open_page(browser, path.as_uri() + "#metrics/notice-projects-repeated")
    assert NOTICE_TITLE in article_text(browser) and "另据报道" in article_text(browser)
    assert [m.text for m in all_css(browser, "mark.active")] == ["引进11个项目的说法"]
    css(browser, "#overview-summary").click()
    shown = {
        (r.find_element("xpath", "..").get_attribute("data-section"), r.get_attribute("data-kind")): int(
            r.get_attribute("data-count")
        )
        for r in all_css(browser, "#overview-body svg .ov-row rect")
    }
    assert shown == overview_counts_of(tables)
    assert shown[(f"source:{NOTICE_ID}", "figures")] == 1
    (row,) = all_css(browser, f'#overview-body .ov-row[data-section="source:{NOTICE_ID}"]')
    assert row.find_element("css selector", "text").text == "Whole text (no sections)"
    assert severe(browser) == []


def test_copy_link_uses_the_evidence_context_of_the_release(
    browser: Any, tmp_path: Path, sample_tables: Callable[[], dict[str, list[Any]]]
) -> None:
    """Where the release's evidence has its own prefix and suffix, the link is made of them."""
    tables = sample_tables()
    tables["metrics"] = [
        m.model_copy(
            update={
                "evidence": (
                    m.evidence[0].model_copy(update={"prefix": "。总投资达1491亿元;", "suffix": "!"}),
                )
            }
        )
        if m.id == "projects-count"
        else m
        for m in tables["metrics"]
    ]
    path = tmp_path / "explorer.html"
    path.write_text(render_explorer(tables, compute_coverage(tables)), encoding="utf-8")
    open_page(browser, path.as_uri() + "#metrics/projects-count")
    (span,) = all_css(browser, "#rec-metrics--projects-count-details li[data-span]")
    assert copied_link(browser, span) == fragment("。总投资达1491亿元;", "引进11个项目", "!")


def test_the_list_can_keep_to_the_source_shown(browser: Any, two_url: str) -> None:
    from selenium.webdriver.support.ui import Select

    open_page(browser, two_url)
    everything = listed(browser)
    assert "metrics/notice-projects-repeated" in everything
    css(browser, "#only-source").click()
    assert listed(browser) == [k for k in everything if k != "metrics/notice-projects-repeated"]
    Select(css(browser, "#source-select")).select_by_value("0")
    assert listed(browser) == ["reforms/one-license", "metrics/notice-projects-repeated"]
    assert css(browser, "#count").text == "1 of 3 reforms shown"
    dimmed = {text for text, classes in mark_classes(browser).items() if "dim" in classes}
    assert dimmed == {"本文为测试虚构"}  # the withdrawn record's span
    css(browser, '[data-lang-choice="zh"]').click()
    assert css(browser, 'label[for="only-source"]').text == "只显示引用当前来源的记录"
    css(browser, "#reset").click()
    assert listed(browser) == everything and not css(browser, "#only-source").is_selected()


def test_one_source_needs_no_source_filter(browser: Any, sample_url: str) -> None:
    open_page(browser, sample_url)
    assert not css(browser, "#only-source").is_displayed()
    assert not css(browser, "#show-withdrawn").is_displayed()  # nothing is withdrawn
    assert css(browser, "#source-count").text == "1 source"


def test_a_source_with_a_web_address_gives_whole_links(
    browser: Any, tmp_path: Path, sample_tables: Callable[[], dict[str, list[Any]]]
) -> None:
    from selenium.webdriver.common.keys import Keys

    tables = sample_tables()
    (article,) = tables["sources"]
    url = "https://news.example.org/2024/04/10/article.html"
    tables["sources"] = [article.model_copy(update={"url": url + "#top", "publisher": "Example News"})]
    path = tmp_path / "explorer.html"
    path.write_text(render_explorer(tables, compute_coverage(tables)), encoding="utf-8")
    open_page(browser, path.as_uri() + "#metrics/projects-count")
    (span,) = all_css(browser, "#rec-metrics--projects-count-details li[data-span]")
    link = copied_link(browser, span)
    assert link == url + fragment("改革,实现“一证准营;全域通用”。总投资达1491亿元;", "引进11个项目", "!")
    assert css(browser, "#copy-status").text in {"Copied to the clipboard:", "Copy this text:"}  # no note
    css(browser, "#rec-metrics--projects-count-details .cite").click()
    assert (
        css(browser, "#copy-text")
        .get_attribute("value")
        .endswith(f"样例课题组:《样例文章标题》(A sample article), Example News, 2024-04-10, {url}#top.")
    )
    css(browser, "#copy-text").send_keys(Keys.ESCAPE)
    assert not css(browser, "#copy-panel").is_displayed()
    assert "selected" in css(browser, '[data-key="metrics/projects-count"]').get_attribute("class")

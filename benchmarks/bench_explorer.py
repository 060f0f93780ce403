"""The explorer at scale: file size, render time and time to interactive in headless Chromium.

Builds the explorer page from generated tables (the shape ``render_explorer`` consumes: records as
models, their coverage) at three sizes and opens each in headless Chromium ``--runs`` times (≥ 5):

  1x    1 source,    50 reforms,    50 metrics   (about the size of the real article today)
  10x   10 sources,  500 reforms,   500 metrics
  100x  100 sources, 5,000 reforms, 5,000 metrics

Every source is a synthetic text of about 4,000 characters (clearly made up: "合成来源…"), cut into
four sections; reforms and metrics quote sentences of it, every tenth reform also a sentence of the
next source (a record several sources support).

Time to interactive (TTI), measured in the page with ``performance`` marks and read back through
selenium, from navigation start (``performance.timeOrigin``):

- ``ready``: the page script has finished: the data is parsed, the article of the selected source
  and the first rows of the list are in the document, every handler is attached;
- ``interactive``: the first frame after ``ready`` has been rendered and the main thread has run a
  task after it (a click waiting in the queue would run now);
- ``click``: then, the time a click on the first record takes to be handled (it expands the record,
  highlights its spans in the article and scrolls to them).

TTI = ``interactive`` + ``click`` (the page answered a first click). Target (issue 13): < 1.5 s at 100x.
Also printed: the page's size in bytes and the time to render it (tables -> HTML) in Python, and
whether two renders give the same bytes.

    python benchmarks/bench_explorer.py [--runs 5] [--sizes 1,10,100] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import sys
import tempfile
import time
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from dazhou_reforms.release.coverage import compute_coverage
from dazhou_reforms.release.explorer import render_explorer
from dazhou_reforms.schema.models import (
    Evidence,
    GlossaryTerm,
    Metric,
    Organization,
    Reform,
    Section,
    Source,
    VocabularyEntry,
)

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HEADINGS = ("一、", "二、", "三、")
PHRASES = (
    "推进营商环境改革",
    "完善基层治理机制",
    "深化农村土地制度改革",
    "优化政务服务流程",
    "建设银发食堂",
    "发展高新技术企业",
    "盘活闲置土地资源",
    "推动县县单设科技局",
)
KINDS = ("reform", "micro_reform", "strategy")
DOMAINS = ("governance", "business_environment", "elderly_care", "social_welfare")


def vocabularies() -> list[VocabularyEntry]:
    entries = []
    for path in sorted((ROOT / "raw" / "vocabularies").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in data["entries"]:
            fields = {name: entry[name] for name in ("label_en", "label_zh", "definition_en")}
            entries.append(VocabularyEntry(vocabulary=path.stem, code=str(entry["code"]), **fields))
    return entries


def source_text(k: int) -> tuple[str, list[tuple[int, int]], list[int]]:
    """Source k's text (~4,000 characters), its sentences' spans and the starts of its parts."""
    title = f"合成来源{k:03d}:虚构的改革报道(基准测试用)"
    lines = [title, f"发稿时间:2025-{k % 12 + 1:02d}-01 09:00:00"]
    sentences: list[tuple[int, int]] = []
    parts: list[int] = []
    at = len(title) + 2 + len(lines[1]) + 2
    i = 0
    for part in range(4):
        if part:
            heading = f"  {HEADINGS[part - 1]}第{part}部分标题(虚构)"
            parts.append(at + 2)
            lines.append(heading)
            at += len(heading) + 2
        else:
            parts.append(at)
        paragraph = "  "
        for _ in range(22):
            count = (k * 7 + i * 13) % 900 + 10
            sentence = f"第{k}号来源第{i}句:{PHRASES[(k + i) % len(PHRASES)]},完成{count}个项目。"
            sentences.append((at + len(paragraph), at + len(paragraph) + len(sentence) - 1))
            paragraph += sentence
            i += 1
        lines.append(paragraph)
        at += len(paragraph) + 2
    text = "\n\n".join(lines) + "\n"
    return text, sentences, parts


def evidence(source_id: str, text: str, span: tuple[int, int]) -> Evidence:
    return Evidence(source_id=source_id, start=span[0], end=span[1], quote=text[span[0] : span[1]])


def tables_of(scale: int) -> dict[str, list[BaseModel]]:
    """Generated tables: ``scale`` sources, 50 reforms and 50 metrics per source."""
    texts = {}
    sources, sections, reforms, metrics, organizations, glossary = [], [], [], [], [], []
    for k in range(scale):
        sid = f"synthetic-{k:03d}"
        text, sentences, parts = source_text(k)
        texts[sid] = (text, sentences)
        title = text.split("\n", 1)[0]
        sources.append(
            Source(
                id=sid,
                title_zh=title,
                title_en=f"Synthetic source {k:03d} (benchmark)",
                published_at=f"2025-{k % 12 + 1:02d}-01T09:00:00+08:00",
                authors_zh=["基准测试"],
                authors_en=["Benchmark"],
                language="zh-Hans",
                place_code="511700",
                text=text,
                text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                evidence=[evidence(sid, text, (0, len(title)))],
            )
        )
        bounds = [*parts, len(text)]
        for p in range(4):
            sections.append(
                Section(
                    id=f"{sid}-part-{p}",
                    source_id=sid,
                    ordinal=p,
                    heading_en=f"Part {p} of synthetic source {k:03d}",
                    start=bounds[p],
                    end=bounds[p + 1],
                    evidence=[evidence(sid, text, (bounds[p], bounds[p] + 2))],
                )
            )
        organizations.append(
            Organization(
                id=f"{sid}-bureau",
                name_zh=f"合成来源{k}的局",
                name_en=f"Bureau of synthetic source {k}",
                kind="government_department",
                place_code="511700",
                evidence=[evidence(sid, text, sentences[0])],
            )
        )
        glossary.append(
            GlossaryTerm(
                id=f"{sid}-term",
                term_zh=text[sentences[1][0] : sentences[1][0] + 4],
                term_en=f"term {k}",
                explanation_en="A made-up term of the benchmark.",
                evidence=[evidence(sid, text, (sentences[1][0], sentences[1][0] + 4))],
            )
        )
    for k in range(scale):
        sid = f"synthetic-{k:03d}"
        text, sentences = texts[sid]
        other = f"synthetic-{(k + 1) % scale:03d}"
        for n in range(50):
            rid = f"{sid}-reform-{n:02d}"
            span = sentences[n % len(sentences)]
            own = [evidence(sid, text, span)]
            if n % 10 == 0 and scale > 1:
                own.append(evidence(other, texts[other][0], texts[other][1][n % 88]))
            reforms.append(
                Reform(
                    id=rid,
                    name_zh=f"合成改革{k}-{n}",
                    name_en=f"Synthetic reform {k}-{n}",
                    kind=KINDS[n % 3],
                    status="implemented",
                    section=f"{sid}-part-{n * 4 // 50}",
                    problem_zh="虚构的问题",
                    problem_en="A made-up problem",
                    measures_zh="虚构的举措",
                    measures_en="Made-up measures",
                    outcomes_zh="虚构的成效",
                    outcomes_en="Made-up outcomes",
                    domains=[DOMAINS[n % 4]],
                    cap_major_topic=20,
                    place_code="511700",
                    evidence=own,
                    **(
                        {"withdrawn": date(2026, 11, 30), "withdrawn_reason": "A benchmark record."}
                        if n == 49
                        else {}
                    ),
                )
            )
            end = sentences[(n + 3) % len(sentences)][1]
            metrics.append(
                Metric(
                    id=f"{sid}-metric-{n:02d}",
                    reform_id=rid if n % 2 else None,
                    indicator_zh=f"合成指标{k}-{n}",
                    indicator_en=f"Synthetic indicator {k}-{n}",
                    value=float(n + 10),
                    unit="count",
                    value_as_stated=f"{n + 10}个",
                    qualifier="exact",
                    status="achieved",
                    value_standard=float(n + 10),
                    unit_standard="count",
                    evidence=[evidence(sid, text, (end - 8, end))],
                )
            )
    return {
        "sources": sources,
        "sections": sections,
        "organizations": organizations,
        "reforms": reforms,
        "metrics": metrics,
        "glossary": glossary,
        "vocabularies": vocabularies(),
    }


MEASURE = """
const done = arguments[arguments.length - 1];
const wait = () => {
  if (document.body.dataset.idle !== "true") { setTimeout(wait, 5); return; }
  const mark = (name) => performance.getEntriesByName(name)[0].startTime;
  const toggle = document.querySelector("#list .rec-toggle");
  const t0 = performance.now();
  toggle.click();
  const handled = performance.now() - t0;
  requestAnimationFrame(() => setTimeout(() => done({
    ready: mark("explorer-ready"), interactive: mark("explorer-idle"), click: handled,
    painted: performance.now() - t0, rows: document.querySelectorAll("#list li.rec").length,
    marks: document.querySelectorAll("#article mark").length,
    active: document.querySelectorAll("#article mark.active").length,
  }), 0));
};
wait();
"""


def browser() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="bench-explorer-")
    flags = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--window-size=1200,800",
             "--disable-background-networking", "--disable-component-update")  # fmt: skip
    for flag in (*flags, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_script_timeout(60)
    driver.set_page_load_timeout(120)
    return driver


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument(
        "--keep", type=Path, help="write the pages into this folder (default: a temporary one)"
    )
    args = parser.parse_args()
    runs = max(args.runs, 5)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-explorer-pages-"))
    folder.mkdir(parents=True, exist_ok=True)
    driver = browser()
    print(f"{'size':>5} {'sources':>7} {'reforms':>7} {'metrics':>7} {'bytes':>11} {'render s':>8} "
          f"{'ready ms':>8} {'inter. ms':>9} {'click ms':>8} {'TTI ms':>7} "
          f"{'rows':>5} {'marks':>5}")  # fmt: skip
    try:
        for scale in (int(s) for s in args.sizes.split(",")):
            tables = tables_of(scale)
            start = time.perf_counter()
            page = render_explorer(tables, compute_coverage(tables), version="0.0.0-bench")
            rendered = time.perf_counter() - start
            again = render_explorer(tables, compute_coverage(tables), version="0.0.0-bench")
            if again != page:
                sys.exit("the same tables gave two different pages")
            path = folder / f"explorer-{scale}x.html"
            path.write_text(page, encoding="utf-8")
            driver.get(path.as_uri())  # a first load, not measured: the browser's own warm-up
            driver.execute_async_script(MEASURE)
            results = []
            for _ in range(runs):
                driver.get("about:blank")
                driver.get(path.as_uri())
                results.append(driver.execute_async_script(MEASURE))
            if any(r["active"] == 0 for r in results):
                sys.exit("a click on the first record highlighted nothing")

            def median(name: str, values: list[dict[str, float]] = results) -> float:
                return statistics.median(r[name] for r in values)

            tti = statistics.median(r["interactive"] + r["click"] for r in results)
            print(f"{str(scale) + 'x':>5} {len(tables['sources']):>7} {len(tables['reforms']):>7} "
                  f"{len(tables['metrics']):>7} {len(page.encode('utf-8')):>11,} {rendered:>8.2f} "
                  f"{median('ready'):>8.0f} {median('interactive'):>9.0f} {median('click'):>8.1f} "
                  f"{tti:>7.0f} {results[0]['rows']:>5} {results[0]['marks']:>5}")  # fmt: skip
    finally:
        driver.quit()
    print(f"median of {runs} runs each; pages in {folder}")


if __name__ == "__main__":
    main()

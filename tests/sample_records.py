"""A tiny, complete record set over a made-up article, and a writer of release folders.

Used by the coverage, explorer and release-command tests: every figure they assert can be
worked out by hand from :data:`TEXT`. The vocabularies are the real ones (raw/vocabularies/).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel

from dazhou_reforms.schema.models import (
    Evidence,
    GlossaryTerm,
    Metric,
    Organization,
    Recognition,
    Reform,
    Section,
    Source,
    VocabularyEntry,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ID = "sample-article"

TITLE = "样例文章标题"
PUBLISHED = "发稿时间:2024-04-10 09:19:13"
LEAD = "  导语说明改革的总体情况。导语第二句没有记录引用。"
HEADING_1 = "一、第一部分标题"
PART_1 = "  推行行业综合许可“一业一证一码”改革,实现“一证准营;全域通用”。总投资达1491亿元;引进11个项目!"
HEADING_2 = "二、第二部分标题"
PART_2 = "  市民政局推出“银发食堂”微改革,每天为老人提供就餐服务。这一句也没有引用?"
BYLINE = "(样例课题组)"
TEXT = (
    "\n\n".join([TITLE, PUBLISHED, LEAD, "  " + HEADING_1, PART_1, "  " + HEADING_2, PART_2, "  " + BYLINE])
    + "\n"
)


def evidence(quote: str) -> Evidence:
    start = TEXT.index(quote)
    assert TEXT.count(quote) == 1, quote
    return Evidence(source_id=SOURCE_ID, start=start, end=start + len(quote), quote=quote)


def _section(
    section_id: str, ordinal: int, first: str, until: str | None, heading_en: str, anchor: str
) -> Section:
    start = TEXT.index(first)
    end = TEXT.index(until) if until is not None else len(TEXT)
    heading_zh = anchor if anchor in (HEADING_1, HEADING_2) else None
    return Section(
        id=section_id,
        source_id=SOURCE_ID,
        ordinal=ordinal,
        heading_zh=heading_zh,
        heading_en=heading_en,
        start=start,
        end=end,
        evidence=[evidence(anchor)],
    )


def vocabulary_entries() -> list[VocabularyEntry]:
    entries = []
    for path in sorted((ROOT / "raw" / "vocabularies").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in data["entries"]:
            fields = {name: entry[name] for name in ("label_en", "label_zh", "definition_en")}
            entries.append(VocabularyEntry(vocabulary=path.stem, code=str(entry["code"]), **fields))
    return entries


def sample_tables() -> dict[str, list[BaseModel]]:
    """table -> records of the sample article, in TABLES order."""
    source = Source(
        id=SOURCE_ID,
        title_zh=TITLE,
        title_en="A sample article",
        published_at="2024-04-10T09:19:13+08:00",
        authors_zh=["样例课题组"],
        authors_en=["Sample research group"],
        language="zh-Hans",
        place_code="511700",
        text=TEXT,
        text_sha256=hashlib.sha256(TEXT.encode("utf-8")).hexdigest(),
        evidence=[evidence(TITLE), evidence(PUBLISHED), evidence("样例课题组")],
    )
    sections = [
        _section("title", 0, TITLE, "导语说明", "Title and publication line", TITLE),
        _section("lead", 1, "导语说明", HEADING_1, "Lead", "导语说明"),
        _section("part-1", 2, HEADING_1, HEADING_2, "Part 1: the first part", HEADING_1),
        _section("part-2", 3, HEADING_2, BYLINE, "Part 2: the second part", HEADING_2),
        _section("byline", 4, BYLINE, None, "Authors' line", BYLINE),
    ]
    bureau = Organization(
        id="civil-affairs-bureau",
        name_zh="市民政局",
        name_en="Municipal Civil Affairs Bureau",
        kind="government_department",
        place_code="511700",
        evidence=[evidence("市民政局")],
    )
    reforms = [
        Reform(
            id="overall-strategy",
            name_zh="改革总体情况",
            name_en="Reform overall",
            kind="strategy",
            status="ongoing",
            section="lead",
            domains=["governance"],
            cap_major_topic=20,
            place_code="511700",
            evidence=[evidence("导语说明改革的总体情况")],
        ),
        Reform(
            id="one-license",
            name_zh="行业综合许可“一业一证一码”改革",
            name_en="One industry, one licence, one code",
            kind="reform",
            status="implemented",
            section="part-1",
            parent_id="overall-strategy",
            problem_zh="许可事项多",
            problem_en="Too many licences",
            measures_zh="一业一证",
            measures_en="One licence per industry",
            outcomes_zh="一证准营",
            outcomes_en="One licence to operate",
            domains=["business_environment"],
            cap_major_topic=15,
            place_code="511700",
            recognitions=[
                Recognition(
                    kind="typical_case",
                    title_zh="样例典型案例",
                    title_en="Sample typical case",
                    year=2023,
                    evidence=[evidence("全域通用")],
                )
            ],
            evidence=[evidence("推行行业综合许可“一业一证一码”改革")],
        ),
        Reform(
            id="silver-canteen",
            name_zh="“银发食堂”微改革",
            name_en="Silver-hair canteens",
            kind="micro_reform",
            status="implemented",
            section="part-2",
            domains=["elderly_care", "social_welfare"],
            cap_major_topic=13,
            organization_ids=["civil-affairs-bureau"],
            place_code="511700",
            evidence=[evidence("推出“银发食堂”微改革,每天为老人提供就餐服务")],
        ),
    ]
    metrics = [
        Metric(
            id="investment-total",
            reform_id="one-license",
            indicator_zh="总投资",
            indicator_en="Total investment",
            value=149100000000.0,
            unit="CNY",
            value_as_stated="1491亿元",
            qualifier="exact",
            status="achieved",
            period_start=2021,
            value_standard=149100000000.0,
            unit_standard="CNY",
            evidence=[evidence("总投资达1491亿元")],
        ),
        Metric(
            id="projects-count",
            indicator_zh="引进项目数",
            indicator_en="Projects brought in",
            value=11.0,
            unit="count",
            value_as_stated="11个",
            qualifier="exact",
            status="achieved",
            value_standard=11.0,
            unit_standard="count",
            evidence=[evidence("引进11个项目")],
        ),
    ]
    glossary = [
        GlossaryTerm(
            id="one-license-term",
            term_zh="一证准营",
            term_en="“one licence to operate”",
            explanation_en="A single licence lets a business operate.",
            evidence=[evidence("一证准营")],
        )
    ]
    return {
        "sources": [source],
        "sections": sections,
        "organizations": [bureau],
        "reforms": reforms,
        "metrics": metrics,
        "glossary": glossary,
        "vocabularies": vocabulary_entries(),
    }


def jsonl(records: Sequence[BaseModel]) -> bytes:
    """Canonical JSONL per the release contract, rows sorted by id (vocabularies: as given)."""
    ordered = (
        sorted(records, key=lambda r: getattr(r, "id", ""))
        if records and hasattr(records[0], "id")
        else records
    )
    lines = [
        json.dumps(r.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        + "\n"
        for r in ordered
    ]
    return "".join(lines).encode("utf-8")


def write_release(
    folder: Path, tables: Mapping[str, Sequence[BaseModel]], extra: Mapping[str, bytes] = {}
) -> Path:
    """``folder`` with ``<table>.jsonl`` for every table, ``extra`` files and ``SHA256SUMS`` of them all."""
    folder.mkdir(parents=True)
    files = {f"{table}.jsonl": jsonl(records) for table, records in tables.items()} | dict(extra)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items()))
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return folder

"""A synthetic raw/ tree of many sources, for the scale benchmark (benchmarks/bench_scale.py).

Everything here is fictional and never goes into a release: each source text says so in its first
line and is made of Chinese characters drawn at random (seeded: the same arguments always give the
same bytes) into sentences of about 35 characters, each unique in its text, so that every record can
quote its own sentence. A source of the default density holds a title line, a notice line, four
headed parts, 50 reform sentences, 50 metric sentences, 2 organization lines and 5 glossary lines:
about 4,000 characters.

Records, per source (the totals are spread round-robin over the sources):

- 5 sections (a title section and four parts ``一、`` … ``四、``), each quoting its heading;
- reforms quoting one sentence each, in the section that holds it; every fifth reform is the parent
  of the next four, every third names an organization of its source, every tenth has a recognition;
- metrics quoting a sentence that holds their ``value_as_stated`` (``1234亿元``, ``56家``,
  ``约78万吨``, ``12个工作日``, ``300亩``, …); ``value``, ``unit`` and ``qualifier`` are computed
  with :func:`dazhou_reforms.schema.units.parse_stated`, as the check does;
- 2 organizations and 5 glossary terms, each quoting its own line.

Every evidence names its ``source_id`` explicitly, as raw/ does, and so does every section (the
reader checks that it is its first evidence's). The vocabularies are copied from the repository's
raw/vocabularies/.

    python benchmarks/scale_tree.py OUT --sources 100 --reforms 5000 --metrics 5000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import get_args

from dazhou_reforms.schema.units import parse_stated
from dazhou_reforms.schema.vocabularies import (
    CapMajorTopic,
    Domain,
    MetricStatus,
    OrganizationKind,
    RecognitionKind,
    ReformKind,
    ReformStatus,
)

ROOT = Path(__file__).resolve().parents[1]
VOCABULARIES = ROOT / "raw" / "vocabularies"

#: Characters the sentences are drawn from: common characters of policy prose, none of them a
#: numeral, a unit word, a qualifier or punctuation, so that a sentence states no quantity by chance.
POOL = (
    "改革创新发展推进建设服务管理机制企业产业项目城市乡村民生治理开放合作协同体系平台政策制度"
    "资源要素市场环境数据信息科技人才教育医疗交通生态文化社会经济区域园区工程规划实施落实完善"
    "优化提升加强深化探索打造构建形成健全统筹协调保障支撑引领带动示范样板经验模式路径成效水平"
    "质量效率能力基础格局动能活力标准流程审批监督考核评价激励责任目标任务重点难点堵点痛点热点"
    "群众基层部门单位主体载体渠道窗口清单事项领域环节链条集群基地中心网络系统办法措施举措方案"
)
HEADINGS = ("一、", "二、", "三、", "四、")
PLACE_CODE = "511700"
START_DATE = date(2031, 1, 1)  # after the real article: the sources are fictional


@dataclass(frozen=True)
class Counts:
    """How many records of each table a generated tree holds."""

    sources: int
    sections: int
    organizations: int
    reforms: int
    metrics: int
    glossary: int

    @property
    def records(self) -> int:
        return self.sources + self.sections + self.organizations + self.reforms + self.metrics + self.glossary


@dataclass
class _Source:
    """One source being written: its lines, and the sentences its records quote."""

    index: int
    lines: list[str] = field(default_factory=list)
    reform_quotes: list[tuple[str, str]] = field(default_factory=list)  # (quote, section id)
    metric_quotes: list[tuple[str, str]] = field(default_factory=list)  # (quote, value_as_stated)
    organization_quotes: list[str] = field(default_factory=list)
    glossary_quotes: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"fictional-source-{self.index:03d}"


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {_toml_value(item)}" for key, item in value.items()) + " }"
    raise TypeError(f"no TOML for {value!r}")


def _toml(record: dict[str, object]) -> str:
    """A record as raw/ writes it: plain keys first, ``recognitions`` and ``evidence`` last."""
    lines = [f"{key} = {_toml_value(value)}" for key, value in record.items() if key != "evidence"]
    evidence = record["evidence"]
    assert isinstance(evidence, list)
    lines.append("")
    lines.append("evidence = [")
    lines.extend(f"  {_toml_value(span)}," for span in evidence)
    lines.append("]")
    return "\n".join(lines) + "\n"


class _Writer:
    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.random = random.Random(seed)
        self.used: set[str] = set()

    def words(self, low: int, high: int) -> str:
        """A run of random pool characters, never one written before (so every sentence is unique)."""
        while True:
            run = "".join(self.random.choices(POOL, k=self.random.randint(low, high)))
            if run not in self.used:
                self.used.add(run)
                return run

    def write(self, table: str, record: dict[str, object]) -> None:
        (self.root / table / f"{record['id']}.toml").write_text(_toml(record), encoding="utf-8")


def _stated(writer: _Writer, number: int) -> str:
    """A stated quantity, one of several forms the check reads (metric ``number`` takes the next)."""
    rng = writer.random
    forms = (
        lambda: f"{rng.randint(1, 9999)}亿元",
        lambda: f"{rng.randint(1, 999)}.{rng.randint(1, 9)}亿元",
        lambda: f"{rng.randint(2, 999)}家",
        lambda: f"{rng.randint(2, 999)}个",
        lambda: f"约{rng.randint(2, 999)}万吨",
        lambda: f"{rng.randint(2, 60)}个工作日",
        lambda: f"{rng.randint(2, 9999)}亩",
        lambda: f"{rng.randint(2, 999)}项以上",
    )
    return forms[number % len(forms)]()


def _spread(total: int, parts: int) -> list[int]:
    """``total`` spread over ``parts`` as evenly as possible, the first parts taking the remainder."""
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def _source_text(writer: _Writer, source: _Source, reforms: int, metrics: int, first_metric: int) -> str:
    """The text of one source, recording which sentence each of its records quotes."""
    title = f"虚构样例来源第{source.index}号 {writer.words(10, 14)}"
    source.lines += [title, "", "本文为规模基准自动生成的虚构文本,不是真实报道。", ""]
    sentences_per_part = _spread(reforms + metrics, len(HEADINGS))
    kinds = ["reform"] * reforms + ["metric"] * metrics
    writer.random.shuffle(kinds)
    kinds_left = iter(kinds)
    for part, heading in enumerate(HEADINGS):
        section_id = f"{source.id}-part-{part + 1}"
        source.lines += [f"{heading}{writer.words(8, 12)}", ""]
        paragraph: list[str] = []
        if part == 0:
            for _ in range(2):
                name = writer.words(4, 6) + "局"
                source.organization_quotes.append(name)
                paragraph.append(f"{name}牵头{writer.words(6, 9)}。")
        if part == 1:
            for _ in range(5):
                term = "“" + writer.words(4, 6) + "”"
                source.glossary_quotes.append(term)
                paragraph.append(f"提出{term}{writer.words(6, 9)}。")
        for _ in range(sentences_per_part[part]):
            if next(kinds_left) == "reform":
                quote = writer.words(32, 44)
                source.reform_quotes.append((quote, section_id))
            else:
                stated = _stated(writer, first_metric + len(source.metric_quotes))
                quote = f"{writer.words(14, 22)}{stated}{writer.words(8, 14)}"
                source.metric_quotes.append((quote, stated))
            paragraph.append(quote + "。")
        source.lines.append("  " + "".join(paragraph))
        source.lines.append("")
    source.lines.append(f"虚构课题组第{source.index}号")
    return "\n".join(source.lines) + "\n"


def _write_source(
    writer: _Writer, index: int, reforms: int, metrics: int, reform_start: int, metric_start: int
) -> tuple[int, int, int]:
    """One source, its sections and the records quoting it; the counts of sections, organizations
    and glossary terms written."""
    source = _Source(index)
    text = _source_text(writer, source, reforms, metrics, metric_start)
    for quote in [q for q, _ in source.reform_quotes] + [q for q, _ in source.metric_quotes]:
        assert text.count(quote) == 1, quote
    (writer.root / "sources" / f"{source.id}.txt").write_text(text, encoding="utf-8", newline="\n")
    sid = source.id
    title, byline = source.lines[0], source.lines[-1]

    def span(quote: str) -> dict[str, object]:
        return {"source_id": sid, "quote": quote}

    published = START_DATE + timedelta(days=index)
    writer.write(
        "sources",
        {
            "id": sid,
            "title_zh": title,
            "title_en": f"Fictional sample source {index} (generated for the scale benchmark)",
            "published_at": f"{published.isoformat()}T09:00:00+08:00",
            "authors_zh": [byline],
            "authors_en": [f"Fictional research group {index}"],
            "language": "zh-Hans",
            "place_code": PLACE_CODE,
            "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "evidence": [span(title), span(byline)],
        },
    )
    writer.write(
        "sections",
        {
            "id": f"{sid}-title",
            "source_id": sid,
            "ordinal": 0,
            "heading_zh": title,
            "heading_en": "Title",
            "evidence": [span(title)],
        },
    )
    headings = [line for line in source.lines if line.startswith(HEADINGS)]
    for part, heading in enumerate(headings):
        writer.write(
            "sections",
            {
                "id": f"{sid}-part-{part + 1}",
                "source_id": sid,
                "ordinal": part + 1,
                "heading_zh": heading,
                "heading_en": f"Part {part + 1} of fictional source {index}",
                "evidence": [span(heading)],
            },
        )
    organizations = []
    for number, quote in enumerate(source.organization_quotes, start=1):
        organization_id = f"{sid}-organization-{number}"
        organizations.append(organization_id)
        kinds = get_args(OrganizationKind)
        writer.write(
            "organizations",
            {
                "id": organization_id,
                "name_zh": quote,
                "name_en": f"Fictional bureau {number} of source {index}",
                "kind": kinds[(index + number) % len(kinds)],
                "place_code": PLACE_CODE,
                "evidence": [span(quote)],
            },
        )
    for number, quote in enumerate(source.glossary_quotes, start=1):
        writer.write(
            "glossary",
            {
                "id": f"{sid}-term-{number}",
                "term_zh": quote,
                "term_en": f"“fictional term {number} of source {index}”",
                "explanation_en": "A made-up slogan of a fictional source, made for the scale benchmark.",
                "evidence": [span(quote)],
            },
        )
    reform_ids = []
    parent = None
    for offset, (quote, section_id) in enumerate(source.reform_quotes):
        number = reform_start + offset
        reform_id = f"fictional-reform-{number:05d}"
        reform_ids.append(reform_id)
        record: dict[str, object] = {
            "id": reform_id,
            "name_zh": quote[:16],
            "name_en": f"Fictional reform {number}",
            "kind": _pick(ReformKind, number),
            "status": _pick(ReformStatus, number),
            "section": section_id,
        }
        if offset % 5 == 0:
            parent = reform_id
        elif parent is not None:
            record["parent_id"] = parent
        record["measures_zh"] = quote + "。"
        record["measures_en"] = f"The measures of fictional reform {number}, as its source states them."
        record["domains"] = sorted({_pick(Domain, number), _pick(Domain, number // 3)})
        record["cap_major_topic"] = _pick(CapMajorTopic, number)
        if offset % 3 == 0 and organizations:
            record["organization_ids"] = [organizations[offset % len(organizations)]]
        record["place_code"] = PLACE_CODE
        if offset % 10 == 0:
            record["recognitions"] = [
                {
                    "kind": _pick(RecognitionKind, number),
                    "title_zh": quote[:10],
                    "title_en": f"Fictional recognition of reform {number}",
                    "evidence": [span(quote)],
                }
            ]
        record["evidence"] = [span(quote)]
        writer.write("reforms", record)
    for offset, (quote, stated) in enumerate(source.metric_quotes):
        number = metric_start + offset
        figure = parse_stated(stated)
        assert figure.unit is not None, stated
        record = {
            "id": f"fictional-metric-{number:05d}",
            "indicator_zh": quote[:12],
            "indicator_en": f"Fictional indicator {number}",
            "value": figure.as_float,
            "unit": figure.unit,
            "value_as_stated": stated,
            "qualifier": figure.qualifier,
            "status": _pick(MetricStatus, number),
        }
        if reform_ids:
            record = {"id": record.pop("id"), "reform_id": reform_ids[offset % len(reform_ids)], **record}
        if offset % 4 == 0:
            record["period_start"] = 2021
            record["period_end"] = 2030
        record["place_code"] = PLACE_CODE
        record["evidence"] = [span(quote)]
        writer.write("metrics", record)
    return 1 + len(headings), len(organizations), len(source.glossary_quotes)


def _pick(literal: object, number: int) -> object:
    values: Sequence[object] = get_args(literal)
    return values[number % len(values)]


def write_tree(
    root: Path, sources: int, reforms: int, metrics: int, seed: int = 13, vocabularies: Path = VOCABULARIES
) -> Counts:
    """Write a raw/ tree of ``sources`` fictional sources with ``reforms`` reforms and ``metrics``
    metrics (spread over the sources) into ``root`` (created; must not exist)."""
    if sources < 1:
        raise ValueError("at least one source")
    root.mkdir(parents=True)
    for table in ("sources", "sections", "organizations", "reforms", "metrics", "glossary"):
        (root / table).mkdir()
    shutil.copytree(vocabularies, root / "vocabularies")
    writer = _Writer(root, seed)
    sections = organizations = glossary = 0
    reform_start = metric_start = 1
    for index, (some_reforms, some_metrics) in enumerate(
        zip(_spread(reforms, sources), _spread(metrics, sources), strict=True), start=1
    ):
        counts = _write_source(writer, index, some_reforms, some_metrics, reform_start, metric_start)
        sections, organizations, glossary = (
            sections + counts[0],
            organizations + counts[1],
            glossary + counts[2],
        )
        reform_start += some_reforms
        metric_start += some_metrics
    return Counts(sources, sections, organizations, reforms, metrics, glossary)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--reforms", type=int, default=5000)
    parser.add_argument("--metrics", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=13)
    options = parser.parse_args()
    counts = write_tree(options.out, options.sources, options.reforms, options.metrics, options.seed)
    print(counts)


if __name__ == "__main__":
    main()

"""The curated record set itself: it passes every check, and nothing in the article is missed."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel

from dazhou_reforms.check.dataset import read_and_check
from dazhou_reforms.read.toml_tree import RawDataset
from dazhou_reforms.schema.models import GlossaryTerm, Metric, Reform, Source

RAW = Path(__file__).resolve().parents[2] / "raw"

#: Numbers in the article that are not figures of Dazhou's reforms, with the reason.
NOT_FIGURES = {
    "2024-04-10 09:19:13": "publication time (sources.published_at)",
    "二十届": "the 20th Central Committee: part of a body's name",
    "第四次": "the fourth meeting of that commission: an event, not a figure",
    "一、": "part heading number",
    "二、": "part heading number",
    "三、": "part heading number",
    "“1+2+3”": "the name of the supervision system (glossary term), not a figure",
    "一项固定工作": "“a standing task”: the article's wording, not a count",
    "一大批": "“a great many”: no figure stated",
    "又一个": "“another”: no figure stated",
}
#: Years are periods of figures and recognitions, not figures themselves.
YEAR = re.compile(r"(?:19|20)[0-9]{2}(?=年)")
#: A stated quantity: ASCII digits, or a Chinese numeral followed by a classifier, or a rank word.
NUMBER = re.compile(
    r"[0-9]+(?:\.[0-9]+)?(?:[十百千万亿]+)?"
    r"|第[一二三四五六七八九十]+"
    r"|[一二两三四五六七八九十百千万亿]+(?=[个大类级项家佳缺])"
    r"|率先|首推|首批"
)


@cache
def dataset() -> RawDataset:
    return read_and_check(RAW)


def article() -> str:
    (source,) = (s for s in dataset().tables["sources"] if isinstance(s, Source))
    return source.text


def test_record_set_passes_every_check() -> None:
    problems = dataset().problems
    assert problems == [], "\n".join(p.to_text() for p in problems)


def test_every_table_is_populated() -> None:
    counts = {table: len(records) for table, records in dataset().tables.items()}
    assert all(counts.values()), counts


def _stated_spans() -> list[tuple[int, int]]:
    """Where each metric's value_as_stated stands in the article."""
    spans = []
    for metric in dataset().tables["metrics"]:
        assert isinstance(metric, Metric)
        if metric.withdrawn is not None:  # a withdrawn metric no longer accounts for a number
            continue
        for span in metric.evidence:
            offset = span.quote.find(metric.value_as_stated)
            while offset != -1:
                spans.append((span.start + offset, span.start + offset + len(metric.value_as_stated)))
                offset = span.quote.find(metric.value_as_stated, offset + 1)
    return spans


def _glossary_spans() -> list[tuple[int, int]]:
    return [
        (span.start, span.end)
        for term in dataset().tables["glossary"]
        if isinstance(term, GlossaryTerm)
        for span in term.evidence
    ]


def test_every_number_in_the_article_is_a_metric_or_a_named_term() -> None:
    """Scan the article for every stated quantity; each is a metric's value_as_stated, part of a
    glossary term (一区一枢纽一中心, 六缺, …), a year, or listed in NOT_FIGURES with a reason."""
    text = article()
    stated, terms = _stated_spans(), _glossary_spans()
    skipped = [
        (m.start(), m.end()) for phrase in NOT_FIGURES for m in re.finditer(re.escape(phrase), text)
    ] + [(m.start(), m.end()) for m in YEAR.finditer(text)]

    def covered(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
        return any(s <= start and end <= e for s, e in spans)

    missed = []
    for match in NUMBER.finditer(text):
        start, end = match.span()
        if covered(start, end, skipped) or covered(start, end, stated):
            continue
        if covered(start, end, terms) and not match.group().isascii():
            continue
        missed.append(f"{match.group()!r} at {start}: …{text[max(0, start - 12) : end + 12]}…")
    assert missed == [], "numbers with no metric:\n" + "\n".join(missed)


def test_every_paragraph_is_cited() -> None:
    """Each paragraph of the body is supported by at least one reform's evidence."""
    text = article()
    spans = [
        (span.start, span.end)
        for reform in dataset().tables["reforms"]
        if isinstance(reform, Reform)
        for span in reform.evidence
    ]
    start = text.index("二十届")
    end = text.index("(地方改革创新研究院课题组")
    offset = start
    uncited = []
    for paragraph in text[start:end].split("\n\n"):
        body = paragraph.strip()
        begin = text.index(body, offset)
        offset = begin + len(body)
        if (
            body
            and not re.fullmatch(r"[一二三]、.*", body)
            and not any(s < offset and e > begin for s, e in spans)
        ):
            uncited.append(body[:30])
    assert uncited == []


REQUIRED = [
    "一区一枢纽一中心",
    "川渝万达开",
    "突破点",
    "三个全覆盖",
    "四个十佳",
    "改革体验员",
    "改革督察",
    "双园驱动",
    "扩区调位",
    "东部经开区",
    "集成授权改革试点",
    "国有企业整合重组",
    "三级架构",
    "招商引资项目事前评估评价机制",
    "拿地即开工",
    "重大产业投资引导基金",
    "减行政事务",
    "容错纠错",
    "县县单设科技局",
    "万达开技术创新中心",
    "1+2+3",
    "一业一证一码",
    "农贸市场",
    "闲置办公用房",
    "停车",
    "多部门上门鉴定",
    "银发食堂",
    "流动商贩",
    "定制公交",
    "零跑腿、一站结",
    "公交卡",
    "钾盐",
    "森林钱库",
    "清洁能源",
    "天然气",
]


def test_the_reforms_the_issue_names_are_all_there() -> None:
    names = [r.name_zh for r in dataset().tables["reforms"] if isinstance(r, Reform)]
    missing = [term for term in REQUIRED if not any(term in name for name in names)]
    assert missing == []


def test_recognitions_name_year_and_body_where_the_article_does() -> None:
    recognitions = {
        r.title_zh: r
        for reform in dataset().tables["reforms"]
        if isinstance(reform, Reform)
        for r in reform.recognitions
    }
    audit = recognitions["2022年度全面深化改革典型案例"]
    assert (audit.year, audit.awarding_organization_id) == (2022, "sichuan-deepening-reform-commission")
    china_reform = recognitions["中国改革2023年度地方全面深化改革典型案例"]
    assert china_reform.year == 2023
    assert china_reform.awarding_body_zh is None  # the article does not name it


def test_target_figures_are_not_reported_as_achieved() -> None:
    """The article is dated 2024-04-10: “2024年再增加…” is a target."""
    for metric in dataset().tables["metrics"]:
        assert isinstance(metric, Metric)
        if any("2024年再增加" in span.quote for span in metric.evidence) and metric.value_as_stated == "3个":
            assert metric.status == "target"
            break
    else:
        raise AssertionError("the 2024 target of 3 more projects in production is missing")


def test_no_live_metric_counts_the_parts_of_a_quoted_label() -> None:
    """raw/README.md: a numeral inside a label the article quotes (“六缺”, “五个一”) belongs to the
    term; a count metric states a numeral outside quotation marks."""
    text = article()
    inside = []
    for metric in dataset().tables["metrics"]:
        assert isinstance(metric, Metric)
        if metric.withdrawn is not None or metric.unit != "count":
            continue
        for span in metric.evidence:
            at = span.start + span.quote.find(metric.value_as_stated)
            if span.quote.find(metric.value_as_stated) != -1 and text[:at].count("“") > text[:at].count("”"):
                inside.append(metric.id)
    assert inside == []


def test_withdrawn_metrics_are_the_label_numerals() -> None:
    withdrawn = sorted(
        m.id for m in dataset().tables["metrics"] if isinstance(m, Metric) and m.withdrawn is not None
    )
    assert withdrawn == [
        "count-five-ones",
        "count-four-top-tens-categories",
        "count-six-shortfalls",
        "count-soe-structure-tiers",
        "count-three-distinctions",
        "count-three-full-coverages",
        "top-ten-winners-per-list",
    ]


#: British spellings (and their American forms) the English text of raw/ must not use; ids keep theirs.
BRITISH = re.compile(
    r"\b(?:\w*(?:enrolment|flavour|colour|labour|honour|favour|neighbour|behaviour|centre|metre|litre"
    r"|programme|licence|defence|tonne|organis|recognis|realis|prioritis|optimis|modernisation"
    r"|travell|modell|cancell|labell|catalogue|analyse|judgement|whilst|amongst)\w*)\b",
    re.IGNORECASE,
)
#: Fields that hold codes or ids, not English text.
CODE_FIELDS = {"id", "reform_id", "parent_id", "section", "source_id", "unit", "unit_standard", "code"}


def _english(value: object, name: str = "") -> list[str]:
    """The English texts of a record (or a value of one): ``*_en`` fields, notes, reasons, scopes."""
    if isinstance(value, BaseModel):
        return [text for field in type(value).model_fields for text in _english(getattr(value, field), field)]
    if isinstance(value, tuple):
        return [text for item in value for text in _english(item, name)]
    english = name.endswith(("_en", "_en_variants")) or name in {"note", "scope", "withdrawn_reason"}
    return [value] if isinstance(value, str) and english and name not in CODE_FIELDS else []


def test_english_text_is_spelled_the_american_way() -> None:
    found = sorted(
        {
            f"{getattr(record, 'id', table)}: {match.group()}"
            for table, records in dataset().tables.items()
            for record in records
            for text in _english(record)
            for match in BRITISH.finditer(text)
        }
    )
    assert found == []

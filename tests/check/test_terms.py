"""The check ``term-inconsistent``: which texts pair up, how renderings are matched, what is left out.

Its failure fixture (exact report) is ``tests/fixtures/problems/term-inconsistent/``.
"""

from __future__ import annotations

from datetime import date

from dazhou_reforms.check.reporter import Reporter
from dazhou_reforms.check.terms import check_terms, plain, text_pairs
from dazhou_reforms.schema.models import (
    TABLES,
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

QUOTE = Evidence(source_id="s", start=0, end=6, quote="一业一证一码")


def test_every_chinese_text_field_is_paired_with_its_english_one() -> None:
    assert {model.__name__: text_pairs(model) for model in (*TABLES.values(), Recognition)} == {
        Source.__name__: (("title_zh", "title_en"), ("authors_zh", "authors_en")),
        Section.__name__: (("heading_zh", "heading_en"),),
        Organization.__name__: (("name_zh", "name_en"),),
        Reform.__name__: (
            ("name_zh", "name_en"),
            ("problem_zh", "problem_en"),
            ("measures_zh", "measures_en"),
            ("outcomes_zh", "outcomes_en"),
        ),
        Metric.__name__: (("indicator_zh", "indicator_en"), ("scope_zh", "scope")),
        GlossaryTerm.__name__: (("term_zh", "term_en"),),
        VocabularyEntry.__name__: (("label_zh", "label_en"),),
        Recognition.__name__: (("title_zh", "title_en"), ("awarding_body_zh", "awarding_body_en")),
    }


def test_renderings_are_compared_without_case_quotation_marks_or_extra_space() -> None:
    assert plain("The “Dual-park  drive”\u3000strategy") == "the dual-park drive strategy"
    assert plain("farmers' markets") == "farmers' markets"


def _term(**changes: object) -> GlossaryTerm:
    values: dict[str, object] = {
        "id": "term",
        "term_zh": "一业一证一码",
        "term_en": "“one industry, one license, one code”",
        "explanation_en": "One license a trade.",
        "evidence": (QUOTE,),
    }
    return GlossaryTerm.model_validate({**values, **changes})


def _reform(title_en: str, **changes: object) -> Reform:
    recognition = Recognition(
        kind="typical_case", title_zh="“一业一证一码”案例", title_en=title_en, evidence=(QUOTE,)
    )
    values: dict[str, object] = {
        "id": "reform",
        "name_zh": "“一业一证一码”改革",
        "name_en": "The “One Industry, One License, One Code” reform",
        "kind": "reform",
        "status": "implemented",
        "section": "part-2",
        "domains": ("business_environment",),
        "cap_major_topic": 15,
        "place_code": "511700",
        "recognitions": (recognition,),
        "evidence": (QUOTE,),
    }
    return Reform.model_validate({**values, **changes})


def _problems(*records: object, glossary: list[GlossaryTerm]) -> list[tuple[str | None, str | None]]:
    report = Reporter({})
    check_terms({"reforms": [r for r in records if isinstance(r, Reform)]}, report, glossary)
    return [(problem.record_id, problem.path) for problem in report.problems]


def test_a_nested_english_text_without_the_rendering_is_reported_at_its_path() -> None:
    reform = _reform("Case of “one sector, one permit, one code”")
    assert _problems(reform, glossary=[_term()]) == [("reform", "recognitions[0].title_en")]


def test_a_declared_variant_is_accepted() -> None:
    reform = _reform("Case of “one sector, one permit, one code”")
    glossary = [_term(term_en_variants=["one sector, one permit, one code"])]
    assert _problems(reform, glossary=glossary) == []


def test_withdrawn_records_and_withdrawn_terms_are_left_out() -> None:
    withdrawn = {"withdrawn": date(2026, 11, 30), "withdrawn_reason": "Found wrong."}
    reform = _reform("Case of “one sector, one permit, one code”")
    assert _problems(_reform("Case", **withdrawn), glossary=[_term()]) == []
    assert _problems(reform, glossary=[_term(**withdrawn)]) == []


def test_the_glossary_of_the_tables_is_used_when_none_is_given() -> None:
    report = Reporter({})
    check_terms({"reforms": [_reform("Case")], "glossary": [_term()]}, report)
    assert [problem.path for problem in report.problems] == ["recognitions[0].title_en"]

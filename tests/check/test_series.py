"""Series: statements of one series and period that differ are information, never errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from dazhou_reforms.check.dataset import check_dataset
from dazhou_reforms.check.series import number_text, period_text
from dazhou_reforms.problems.codes import is_error
from dazhou_reforms.schema.models import Metric


def with_series(metrics: list[BaseModel], **changes: dict[str, Any]) -> list[BaseModel]:
    out = []
    for metric in metrics:
        assert isinstance(metric, Metric)
        out.append(metric.model_copy(update=changes.get(metric.id, {})))
    return out


def problems(sample_tables: Callable[[], dict[str, list[BaseModel]]], **changes: dict[str, Any]) -> list[str]:
    tables = sample_tables()
    tables["metrics"] = with_series(tables["metrics"], **changes)
    return [p.to_text() for p in check_dataset(tables)]


def test_different_figures_of_one_series_and_period_are_information(
    sample_tables: Callable[[], dict[str, list[BaseModel]]],
) -> None:
    same = {"series_id": "sample-series", "period_start": 2021, "period_end": None}
    found = problems(sample_tables, **{"investment-total": same, "projects-count": same})
    assert found == [
        '<input>: series-conflict: series "sample-series" (from 2021): '
        'this metric states "11个" (sample-article), '
        'metric investment-total states "1491亿元" (sample-article) (record projects-count, field value)\n'
        "  expected: 149100000000 CNY (as metric investment-total)\n"
        "  found:    11 count\n"
        "  hint:     both statements stay, each with its own source; "
        "explain the difference in `note` if known"
    ]


def test_other_periods_or_equal_figures_are_no_conflict(
    sample_tables: Callable[[], dict[str, list[BaseModel]]],
) -> None:
    series = {"series_id": "sample-series"}
    assert problems(sample_tables, **{"investment-total": series, "projects-count": series}) == []
    assert problems(sample_tables, **{"investment-total": series}) == []


def test_series_conflict_is_not_an_error(sample_tables: Callable[[], dict[str, list[BaseModel]]]) -> None:
    tables = sample_tables()
    same = {"series_id": "s", "period_start": 2021}
    tables["metrics"] = with_series(tables["metrics"], **{"investment-total": same, "projects-count": same})
    (problem,) = check_dataset(tables)
    assert not is_error(problem)


def test_periods_and_numbers_as_text() -> None:
    assert [number_text(v) for v in (149100000000.0, 0.5, 12.0)] == ["149100000000", "0.5", "12"]
    base = dict(indicator_zh="x", indicator_en="x", value=1.0, unit="count", value_as_stated="1个")
    base |= dict(qualifier="exact", status="achieved", value_standard=1.0, unit_standard="count")
    evidence = [{"source_id": "s", "start": 0, "end": 1, "quote": "1"}]
    texts = []
    for start, end in ((2021, 2023), (2023, 2023), (None, 2023), (None, None)):
        metric = Metric.model_validate(
            {"id": "m", **base, "period_start": start, "period_end": end, "evidence": evidence}, strict=False
        )
        texts.append(period_text(metric))
    assert texts == ["2021-2023", "2023", "until 2023", "no period stated"]

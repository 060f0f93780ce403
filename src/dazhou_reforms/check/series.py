"""Series: metrics that state the same indicator (``series_id``), from any source, for any period.

A metric is one statement of one source. Statements of one series for the same period that
disagree (another value or unit) are reported as information (``series-conflict``): both are
kept as stated, each with its own evidence, never merged or reconciled, and the check never fails
a build. ``validate`` checks the metrics it holds together (all of them up to its first batch,
1,000 records; past that, a batch at a time).
"""

from __future__ import annotations

from dazhou_reforms.check.reporter import Reporter, Tables
from dazhou_reforms.problems import codes
from dazhou_reforms.problems.problem import shorten
from dazhou_reforms.schema.models import Metric


def period_text(metric: Metric) -> str:
    """``2023``, ``2021-2023``, ``from 2021``, ``until 2023`` or ``no period stated``."""
    start, end = metric.period_start, metric.period_end
    if start is not None and end is not None:
        return str(start) if start == end else f"{start}-{end}"
    if start is not None:
        return f"from {start}"
    return f"until {end}" if end is not None else "no period stated"


def number_text(value: float) -> str:
    """``149100000000`` for a whole number, else Python's shortest round-trip form (``0.5``)."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)


def _sources(metric: Metric) -> str:
    return ", ".join(sorted({span.source_id for span in metric.evidence}))


def check_series(tables: Tables, report: Reporter) -> None:
    """``series-conflict`` for each metric whose figure differs from the first (by id) of its series
    and period."""
    groups: dict[tuple[str, int | None, int | None], list[Metric]] = {}
    for metric in tables.get("metrics", ()):
        if isinstance(metric, Metric) and metric.series_id is not None:
            key = (metric.series_id, metric.period_start, metric.period_end)
            groups.setdefault(key, []).append(metric)
    for (series, _, _), metrics in sorted(groups.items(), key=lambda item: str(item[0])):
        if len(metrics) < 2:
            continue
        first, *others = sorted(metrics, key=lambda m: m.id)
        for metric in others:
            if (metric.value, metric.unit) == (first.value, first.unit):
                continue
            report.add(
                "metrics",
                metric.id,
                codes.SERIES_CONFLICT,
                f"series {shorten(series)} ({period_text(metric)}): this metric states "
                f"{shorten(metric.value_as_stated)} ({_sources(metric)}), metric {first.id} states "
                f"{shorten(first.value_as_stated)} ({_sources(first)})",
                path="value",
                expected=f"{number_text(first.value)} {first.unit} (as metric {first.id})",
                found=f"{number_text(metric.value)} {metric.unit}",
            )

"""A metric's figures against the text it states them in: value, unit, qualifier, standard value.

``value_as_stated`` is the source's own words (``1491亿元``); it determines ``value``, ``unit`` and
``qualifier``, and they determine ``value_standard`` and ``unit_standard``.
"""

from __future__ import annotations

from functools import lru_cache

from dazhou_reforms.check.reporter import Reporter
from dazhou_reforms.problems import codes
from dazhou_reforms.problems.codes import Code
from dazhou_reforms.problems.problem import shorten
from dazhou_reforms.schema.models import Metric
from dazhou_reforms.schema.units import StatedQuantityError, parse_stated, standard_for
from dazhou_reforms.schema.vocabularies import Qualifier, Unit

#: A problem of a metric's figures: code, message, path, value, expected, found, hint.
FigureProblem = tuple[Code, str, str, object, str | None, str | None, str | None]


@lru_cache(maxsize=4096)
def _figure_problems(
    value_as_stated: str,
    value: float,
    unit: Unit,
    qualifier: Qualifier,
    value_standard: float,
    unit_standard: Unit,
    has_note: bool,
) -> tuple[FigureProblem, ...]:
    """What is wrong with a metric's figures (empty: they agree); pure, so cached: the same stated
    text with the same figures is checked once (a large file repeats them)."""
    try:
        stated = parse_stated(value_as_stated)
    except StatedQuantityError as error:
        return (
            (
                codes.STATED_UNREADABLE,
                f"cannot read value_as_stated: {error}",
                "value_as_stated",
                value_as_stated,
                None,
                shorten(value_as_stated),
                codes.STATED_UNREADABLE.hint,
            ),
        )
    standard_value, standard_unit = standard_for(value, unit, stated)
    problems: list[FigureProblem] = []
    if value != stated.as_float:
        problems.append(
            (
                codes.VALUE_MISMATCH,
                "value disagrees with value_as_stated",
                "value",
                None,
                f"{float(stated.value)!r} (from {value_as_stated})",
                repr(value),
                "multiply out 万 (1e4) and 亿 (1e8); keep the unit of the stated text",
            )
        )
    if stated.unit is not None and stated.unit != unit:
        problems.append(
            (
                codes.UNIT_MISMATCH,
                "unit disagrees with value_as_stated",
                "unit",
                None,
                f'"{stated.unit}" (from {value_as_stated})',
                f'"{unit}"',
                codes.UNIT_MISMATCH.hint,
            )
        )
    if stated.unit is None and not has_note:
        problems.append(
            (
                codes.UNIT_NOT_STATED,
                "the stated text has no unit, and no note says where the unit comes from",
                "note",
                value_as_stated,
                "a note explaining the unit",
                "no note",
                f'add note = "…" explaining why the unit is {unit}',
            )
        )
    if stated.qualifier != qualifier:
        problems.append(
            (
                codes.QUALIFIER_MISMATCH,
                "qualifier disagrees with value_as_stated",
                "qualifier",
                None,
                f'"{stated.qualifier}" (from {value_as_stated})',
                f'"{qualifier}"',
                None,
            )
        )
    if unit_standard != standard_unit or value_standard != standard_value:
        problems.append(
            (
                codes.VALUE_MISMATCH,
                "value_standard/unit_standard do not follow from value and unit",
                "value_standard",
                None,
                f"{standard_value!r} {standard_unit}",
                f"{value_standard!r} {unit_standard}",
                None,
            )
        )
    return tuple(problems)


def check_metric(metric: Metric, report: Reporter) -> None:
    """The stated text determines value, unit and qualifier; the standard value follows from them."""
    add = report.add
    for span in metric.evidence:
        if metric.value_as_stated in span.quote:
            break
    else:
        add(
            "metrics",
            metric.id,
            codes.STATED_NOT_IN_EVIDENCE,
            "value_as_stated does not occur in any evidence quote",
            path="value_as_stated",
            value=metric.value_as_stated,
            expected="a verbatim part of an evidence quote",
            found=shorten(metric.value_as_stated),
        )
    if (
        metric.period_start is not None
        and metric.period_end is not None
        and metric.period_start > metric.period_end
    ):
        add(
            "metrics",
            metric.id,
            codes.PERIOD_ORDER,
            "period_start is after period_end",
            path="period_start",
            expected=f"<= {metric.period_end}",
            found=str(metric.period_start),
        )
    figures = (
        metric.value_as_stated,
        metric.value,
        metric.unit,
        metric.qualifier,
        metric.value_standard,
        metric.unit_standard,
        metric.note is not None,
    )
    # the cache answers "do they agree?"; a problem is worded afresh (0.0 and -0.0 share a key)
    problems = _figure_problems(*figures) and _figure_problems.__wrapped__(*figures)
    for code, message, path, value, expected, found, hint in problems:
        add(
            "metrics",
            metric.id,
            code,
            message,
            path=path,
            value=value,
            expected=expected,
            found=found,
            hint=hint,
        )

"""The checks of a whole dataset: every problem is collected, each worded for its own record.

Each check failing on a fixture built to break it is in ``tests/problems/test_fixtures.py``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from dazhou_reforms.check.dataset import read_and_check

FIXTURES = Path(__file__).parents[1] / "fixtures" / "problems"


def test_all_problems_are_collected_not_just_the_first(make_tree: Callable[..., Path]) -> None:
    raw = make_tree(FIXTURES / "quote-not-found-raw-tree")
    shutil.copy(FIXTURES / "unit-mismatch" / "metrics" / "investment-total.toml", raw / "metrics")
    codes = sorted(p.code for p in read_and_check(raw).problems)
    assert codes == ["quote-not-found", "unit-mismatch"]


def test_figure_problems_are_worded_for_each_record_though_their_verdict_is_cached() -> None:
    """0.0 and -0.0 are one key of the figures' cache; each record's problem still shows its own."""
    from dazhou_reforms.check.figures import check_metric
    from dazhou_reforms.check.reporter import Reporter
    from dazhou_reforms.loaders import load_metrics

    metric = next(m for m in load_metrics() if m.unit == "count")
    found = []
    for zero in (0.0, -0.0, 0.0):
        reporter = Reporter({})
        check_metric(metric.model_copy(update={"value": zero, "id": "m"}), reporter)
        found.append([p.found for p in reporter.problems if p.path == "value"])
    assert found == [["0.0"], ["-0.0"], ["0.0"]]
    reporter = Reporter({})
    check_metric(metric, reporter)
    assert reporter.problems == []

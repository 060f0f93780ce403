"""Each check fails on a fixture built to break it, with the exact report asserted.

A fixture is ``tests/fixtures/checks/<failure>/``: files laid over a small valid tree (the real
source, sections and vocabularies plus ``_base/``), and ``expected.txt``, the exact report.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dazhou_reforms.check.dataset import read_and_check
from dazhou_reforms.problems.problem import sort_key
from raw_trees import make_tree

FIXTURES = Path(__file__).parent / "fixtures" / "checks"
FAILURES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_"))


def report(raw: Path) -> str:
    dataset = read_and_check(raw)
    return "\n".join(problem.to_text() for problem in sorted(dataset.problems, key=sort_key))


def test_base_tree_is_valid(tmp_path: Path) -> None:
    assert report(make_tree(tmp_path)) == ""


@pytest.mark.parametrize("failure", FAILURES)
def test_check_fails_on_fixture(failure: str, tmp_path: Path) -> None:
    raw = make_tree(tmp_path, FIXTURES / failure)
    expected = (FIXTURES / failure / "expected.txt").read_text(encoding="utf-8").rstrip("\n")
    assert report(raw) == expected


def test_every_fixture_names_its_failure_code() -> None:
    """The fixture's name is the code it provokes (or says which case of it)."""
    for failure in FAILURES:
        expected = (FIXTURES / failure / "expected.txt").read_text(encoding="utf-8")
        codes = {line.split(": ")[1] for line in expected.splitlines() if not line.startswith(" ")}
        assert codes, failure
        assert any(code in failure or failure.startswith(code) for code in codes) or failure in {
            "cap-topic-11",
            "standard-value-mismatch",
            "unresolved-organization",
            "blank-string",
        }, (failure, codes)


def test_all_problems_are_collected_not_just_the_first(tmp_path: Path) -> None:
    raw = make_tree(tmp_path)
    shutil.copytree(
        FIXTURES / "quote-not-found", raw, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.txt")
    )
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

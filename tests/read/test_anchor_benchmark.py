"""A small run of ``benchmarks/bench_reanchor.py``: tracked random edits of the article, and not one
span anchored at a wrong place."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_reanchor", ROOT / "benchmarks" / "bench_reanchor.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_reanchor", module)
    spec.loader.exec_module(module)
    return module


def test_no_span_is_anchored_wrongly_and_surviving_ones_are_found() -> None:
    module = bench()
    text, spans = module.article_spans(ROOT / "raw")
    assert len(spans) > 100
    tallies = module.run(text, spans, texts_per_edit=1, seed=7)
    assert set(tallies) == set(module.EDITS)
    outcomes = sum(
        (tally.outcomes for tally in tallies.values()), start=type(tallies["white space"].outcomes)()
    )
    assert outcomes["WRONG (surviving)"] == outcomes["WRONG (lost)"] == 0
    surviving = outcomes["correct"] + outcomes["ambiguous (surviving)"] + outcomes["orphaned (surviving)"]
    assert outcomes["correct"] >= 0.995 * surviving
    lost = tallies["deleted sentence holding a span"].outcomes
    assert lost["orphaned (lost)"] + lost["ambiguous (lost)"] > 0  # the edit did take spans away


def test_the_truth_of_an_edit_is_tracked_character_by_character() -> None:
    module = bench()
    span = module.Span(2, 4, "革发")
    chars = [(char, index) for index, char in enumerate("改革发展")]
    moved = module.inserted("新") + chars
    where = {origin: index for index, (_, origin) in enumerate(moved) if origin >= 0}
    assert module.truth(moved, where, span) == (3, 5)
    split = chars[:3] + module.inserted("插") + chars[3:]
    split_where = {origin: index for index, (_, origin) in enumerate(split) if origin >= 0}
    assert module.truth(split, split_where, module.Span(1, 4, "革发展")) is None  # text inserted inside
    spaced = chars[:3] + module.inserted(" ") + chars[3:]
    spaced_where = {origin: index for index, (_, origin) in enumerate(spaced) if origin >= 0}
    assert module.truth(spaced, spaced_where, module.Span(1, 4, "革发展")) == (1, 5)
    gone = chars[:2] + chars[3:]
    assert module.truth(gone, {o: i for i, (_, o) in enumerate(gone)}, span) is None

"""One round: every problem of a tree in one run, references included, and hints that name the
nearest id or code in the syntax of the record's file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from dazhou_reforms.check.dataset import read_and_check
from dazhou_reforms.check.references import NEAREST_AMONG, nearest_id, reference_hint
from dazhou_reforms.read.model_errors import near_code
from dazhou_reforms.validate.engine import Options, validate_paths

FIXTURES = Path(__file__).parents[1] / "fixtures" / "problems"
REFORM = "one-industry-one-license-one-code"


def found(raw: Path) -> list[tuple[str, str, str | None, str | None]]:
    return sorted((Path(p.file or "").name, p.code, p.path, p.hint) for p in read_and_check(raw).problems)


def test_schema_and_reference_problems_of_other_records_come_in_one_run(
    make_tree: Callable[..., Path],
) -> None:
    raw = make_tree()
    reform = raw / "reforms" / f"{REFORM}.toml"
    reform.write_text(
        reform.read_text(encoding="utf-8").replace('kind = "reform"', 'kind = "micro-reform"'),
        encoding="utf-8",
    )
    metric = raw / "metrics" / "investment-total.toml"
    metric.write_text(
        metric.read_text(encoding="utf-8").replace(
            f'reform_id = "{REFORM}"', 'reform_id = "one-industry-one-licence-one-code"'
        ),
        encoding="utf-8",
    )
    assert found(raw) == [
        ("investment-total.toml", "unresolved-reference", "reform_id", f"did you mean {REFORM}?"),
        (f"{REFORM}.toml", "invalid-code", "kind", 'did you mean "micro_reform"?'),
    ]


def test_an_unreadable_record_file_is_one_problem_not_a_cascade(make_tree: Callable[..., Path]) -> None:
    """The metric names the reform whose file is broken: the reform's file is the one problem."""
    raw = make_tree()
    reform = raw / "reforms" / f"{REFORM}.toml"
    reform.write_text(reform.read_text(encoding="utf-8") + "x = = 1\n", encoding="utf-8")
    assert [(name, code) for name, code, _, _ in found(raw)] == [(f"{REFORM}.toml", "toml-syntax")]


def test_a_record_without_an_id_is_counted_by_its_file_name(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    reform = raw / "reforms" / f"{REFORM}.toml"
    reform.write_text(reform.read_text(encoding="utf-8").replace(f'id = "{REFORM}"\n', ""), encoding="utf-8")
    assert [(name, code, path) for name, code, path, _ in found(raw)] == [
        (f"{REFORM}.toml", "missing-field", "id")
    ]


def test_jsonl_records_get_json_hints(tmp_path: Path) -> None:
    """The same mistakes in JSON Lines: the hints speak JSON (no raw/ TOML file to add)."""
    source = (FIXTURES / "unresolved-reference-jsonl" / "metrics.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in source.splitlines()]
    del rows[0]["indicator_en"]
    rows[1]["reform_id"] = "zzz-not-an-id-at-all"
    path = tmp_path / "metrics.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    outcome = validate_paths([path], Options(release=FIXTURES / "_release", max_errors=0))
    assert [(p.line, p.code, p.hint) for p in outcome.problems] == [
        (1, "missing-field", 'add `"indicator_en": ...` to the record'),
        (
            2,
            "unresolved-reference",
            "correct the id, or add a record with id zzz-not-an-id-at-all to table `reforms`",
        ),
    ]


def test_reference_hints() -> None:
    assert reference_hint("x-y", "reforms", None, toml=True) == "add raw/reforms/x-y.toml or correct the id"
    assert reference_hint("x-y", "reforms", "x-z", toml=False) == "did you mean x-z?"
    ids = {"idle-land-parking-charging", "forest-money-bank"}
    assert nearest_id("idle-land-parking-chargin", ids) == "idle-land-parking-charging"
    assert nearest_id("completely-different", ids) is None
    many = {f"id-{n}" for n in range(NEAREST_AMONG + 1)}
    assert nearest_id("id-1x", many) is None  # too many to compare: no suggestion, no slow report


def test_near_code() -> None:
    kinds = ["strategy", "mechanism", "reform", "pilot", "micro_reform"]
    assert near_code("micro-reform", kinds) == "micro_reform"
    assert near_code("Micro Reform", kinds) == "micro_reform"
    assert near_code("mechanisms", kinds) == "mechanism"
    assert near_code("zzzz", kinds) is None
    assert near_code(3, kinds) is None

"""A hostile value anywhere in a raw TOML record is a problem of that record, never an exception.

TOML has more types than JSON (dates, times, inline tables, arrays of tables, integers of thousands
of digits, ``nan`` and ``inf``): every one of them goes into every field of a record of every table
(the evidence entries' fields too, and fields the record leaves out), and the reader and the
checks must turn each into problems, with no ``internal-error`` and a report that renders.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dazhou_reforms.check.dataset import check_dataset, read_and_check
from dazhou_reforms.problems.problem import Problem
from dazhou_reforms.read.model_errors import model_in
from dazhou_reforms.read.toml_tree import RawReader, read_raw
from dazhou_reforms.schema.models import TABLES

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "problems"
SOURCE = ROOT / "raw" / "sources" / "dazhou-reform-article-2024-04-10"

#: Every kind of TOML value, written as TOML.
VALUES = {
    "inline table": "{ x = 1 }",
    "empty table": "{}",
    "array": "[1]",
    "empty array": "[]",
    "array of tables": "[{ x = 1 }]",
    "nested array": "[[1], ['a']]",
    "boolean": "true",
    "float": "1.5",
    "nan": "nan",
    "inf": "inf",
    "-inf": "-inf",
    "zero": "0",
    "negative": "-1",
    "integer beyond int64": "9223372036854775808",
    "integer of 4,000 digits": "9" * 4000,
    "float beyond a double": "1e999",
    "offset date-time": "1979-05-27T07:32:00Z",
    "local date-time": "1979-05-27T07:32:00",
    "local date": "1979-05-27",
    "local time": "07:32:00",
    "string": '"text"',
    "empty string": '""',
    "number as text of 400 digits": '"' + "9" * 400 + '亩"',
    "control characters": '"\\u001b[31m\\u0000"',
}

#: A record of each table (the vocabularies: a file of entries).
SAMPLES = {
    "sources": SOURCE.with_suffix(".toml"),
    "sections": ROOT / "raw" / "sections" / "lead.toml",
    "organizations": FIXTURES / "_base" / "organizations" / "sichuan-deepening-reform-commission.toml",
    "reforms": ROOT / "raw" / "reforms" / "forest-money-bank.toml",
    "metrics": FIXTURES / "_base" / "metrics" / "investment-total.toml",
    "glossary": ROOT / "raw" / "glossary" / "forest-money-bank-term.toml",
    "vocabularies": ROOT / "raw" / "vocabularies" / "qualifier.toml",
}


class Literal:
    """TOML text written as it is."""

    def __init__(self, text: str) -> None:
        self.text = text


def toml_value(value: Any) -> str:
    if isinstance(value, Literal):
        return value.text
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(value)


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def toml_text(data: dict[str, Any]) -> str:
    return "".join(f"{toml_key(key)} = {toml_value(value)}\n" for key, value in data.items())


def field_paths(
    data: dict[str, Any], model: type[Any] | None, at: tuple[Any, ...] = ()
) -> Iterator[tuple[Any, ...]]:
    """Every field of ``data`` and of the records nested in it, and every field its model has that
    ``data`` leaves out (its hostile value is then added), and one unknown field."""
    names = list(data) + [name for name in (model.model_fields if model else ()) if name not in data]
    for name in [*names, "no_such_field"]:
        yield (*at, name)
        value = data.get(name)
        inner = (
            model_in(model.model_fields[name].annotation) if model and name in model.model_fields else None
        )
        if isinstance(value, list):
            for index, item in enumerate(value[:1]):
                yield (*at, name, index)
                if isinstance(item, dict):
                    yield from field_paths(item, inner, (*at, name, index))


def with_value(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    node: Any = changed
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return changed


def cases() -> Iterator[tuple[str, dict[str, Any], tuple[Any, ...]]]:
    for table, sample in SAMPLES.items():
        data = tomllib.loads(sample.read_text(encoding="utf-8"))
        model = TABLES[table] if table != "vocabularies" else None
        if table == "vocabularies":
            yield from (
                (table, data, path) for path in field_paths(data["entries"][0], TABLES[table], ("entries", 0))
            )
            yield from ((table, data, path) for path in (("entries",), ("no_such_field",)))
        else:
            yield from ((table, data, path) for path in field_paths(data, model))


def assert_reportable(problems: list[Problem]) -> None:
    """No internal error; every problem renders as text and as JSON (a record id is text or none)."""
    assert not [p for p in problems if p.code == "internal-error"], problems
    for problem in problems:
        assert problem.record_id is None or isinstance(problem.record_id, str), problem
        json.dumps(problem.to_dict())
        problem.to_text()


@pytest.mark.slow  # some 700 records a table
@pytest.mark.parametrize("table", list(SAMPLES))
def test_every_toml_value_in_every_field_is_a_problem_not_an_exception(table: str, tmp_path: Path) -> None:
    texts = {SOURCE.name: SOURCE.with_suffix(".txt").read_text(encoding="utf-8")}
    folder = tmp_path / "raw" / table
    folder.mkdir(parents=True)
    sample = SAMPLES[table]
    shutil.copy(SOURCE.with_suffix(".txt"), folder / f"{sample.stem}.txt")
    tried = 0
    for _, data, path in (case for case in cases() if case[0] == table):
        for name, value in VALUES.items():
            file = folder / sample.name
            file.write_text(toml_text(with_value(data, path, Literal(value))), encoding="utf-8")
            reader = RawReader(texts)
            if table == "vocabularies":
                reader.vocabulary_dir(folder, folder.parent)
            else:
                reader.record_file(table, file, folder.parent)
            dataset = reader.finish()
            problems = dataset.problems + check_dataset(
                dataset.tables, dataset.origins, dataset.vocabulary_files or None, dataset.invalid_ids
            )
            assert_reportable(problems)
            if path[-1] == "no_such_field" and table != "vocabularies":
                assert problems, (path, name)  # an unknown field is never accepted
            tried += 1
    assert tried >= 6 * len(VALUES)  # every field of the sample, and those it leaves out


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("source_id", ["{ x = 1 }", "[1]", "1979-05-27", "true", "12"])
def test_an_evidence_source_id_of_the_wrong_type_is_wrong_type_and_the_tree_is_still_checked(
    make_tree: Callable[..., Path], source_id: str
) -> None:
    raw = make_tree(FIXTURES / "unit-mismatch")
    reform = next((raw / "reforms").glob("*.toml"))
    text = reform.read_text(encoding="utf-8")
    quote = re.search(r'evidence = \[\{ source_id = "[^"]*", quote = ("[^"]*") \}\]', text)
    assert quote is not None
    _rewrite(reform, quote.group(0), f"evidence = [{{ quote = {quote.group(1)}, source_id = {source_id} }}]")
    problems = read_and_check(raw).problems
    assert sorted((p.code, p.file, p.path) for p in problems) == [
        ("unit-mismatch", "raw/metrics/investment-total.toml", "unit"),
        ("wrong-type", f"raw/reforms/{reform.name}", "evidence[0].source_id"),
    ]
    [wrong] = [p for p in problems if p.code == "wrong-type"]
    assert wrong.record_id == reform.stem and wrong.line is not None


def test_a_section_whose_first_evidence_has_a_wrong_source_id_reports_that_alone(
    make_tree: Callable[..., Path],
) -> None:
    raw = make_tree()
    article = "dazhou-reform-article-2024-04-10"
    lead = raw / "sections" / "lead.toml"
    _rewrite(lead, f'{{ source_id = "{article}", quote = "', '{ source_id = [1], quote = "')
    problems = read_and_check(raw).problems
    assert [(p.code, p.file, p.path) for p in problems] == [
        ("wrong-type", "raw/sections/lead.toml", "evidence[0].source_id")
    ]


@pytest.mark.parametrize(
    "value, unit, stated",
    [
        ("9" * 400, "mu", "469万亩"),  # no float holds it
        ("nan", "mu", "469万亩"),
        ("inf", "mu", "469万亩"),
        ("4690000.0", "mu", "9" * 400 + "亩"),  # the stated text reads as no float either
    ],
)
def test_a_metric_figure_beyond_a_float_is_a_problem_of_the_metric(
    make_tree: Callable[..., Path], value: str, unit: str, stated: str
) -> None:
    raw = make_tree()
    metric = raw / "metrics" / "investment-total.toml"
    _rewrite(metric, "value = 149100000000", f"value = {value}")
    _rewrite(metric, 'unit = "CNY"', f'unit = "{unit}"')
    _rewrite(metric, 'value_as_stated = "1491亿元"', f'value_as_stated = "{stated}"')
    problems = read_and_check(raw).problems
    assert_reportable(problems)
    assert problems
    assert {p.file for p in problems} == {"raw/metrics/investment-total.toml"}


@pytest.mark.parametrize(
    "entries, path",
    [
        ("entries = 5", "entries"),
        ('entries = [1, "a", [2]]', "entries[0]"),
        ("entries = [{}, 2]", "entries[1]"),
    ],
)
def test_vocabulary_entries_of_the_wrong_type_are_wrong_type(
    make_tree: Callable[..., Path], entries: str, path: str
) -> None:
    raw = make_tree()
    (raw / "vocabularies" / "qualifier.toml").write_text(entries + "\n", encoding="utf-8")
    problems = read_raw(raw).problems
    assert_reportable(problems)
    assert ("wrong-type", "raw/vocabularies/qualifier.toml", path) in [
        (p.code, p.file, p.path) for p in problems
    ]


def test_a_source_whose_id_is_a_date_names_no_record_in_its_problems(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    source = next((raw / "sources").glob("*.toml"))
    _rewrite(source, '\nid = "dazhou-reform-article-2024-04-10"', "\nid = 2024-04-10\ntext = 1")
    problems = read_raw(raw).problems
    assert_reportable(problems)
    assert ("unknown-field", "text") in [(p.code, p.path) for p in problems]

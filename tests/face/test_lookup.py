"""Lookups by id and search by name over every table; the models at the top level, imported lazily;
``python -m dazhou_reforms`` is the command line."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

import dazhou_reforms as dz
from dazhou_reforms import __version__
from dazhou_reforms.schema import models


def test_get_each_kind_of_record() -> None:
    assert dz.get_metric("forest-money-bank-area").value_as_stated == "469万亩"
    assert isinstance(dz.get_metric("forest-money-bank-area"), dz.Metric)
    assert dz.get_organization("dazhou-reform-office").name_zh == "达州市委改革办"
    assert dz.get_source("dazhou-reform-article-2024-04-10").title_zh.startswith("四川达州")
    assert dz.get_section("lead").heading_en == "Lead"
    assert dz.get_term("forest-money-bank-term").id == "forest-money-bank-term"
    assert dz.get_reform("forest-money-bank").name_zh == dz.search("forest-money-bank")[0].name_zh  # type: ignore[attr-defined]


def test_an_unknown_id_names_close_ones() -> None:
    with pytest.raises(KeyError) as raised:
        dz.get_metric("forest-money-bank-are")
    assert raised.value.args[0] == (
        "no metrics record with id 'forest-money-bank-are'; did you mean forest-money-bank-area?"
    )
    with pytest.raises(KeyError, match="no sections record with id 'nowhere'"):
        dz.get_section("nowhere")


def test_search_orders_exact_id_then_exact_name_then_substring() -> None:
    assert [(r.table, r.id) for r in dz.search("森林")] == [
        ("reforms", "forest-money-bank"),
        ("metrics", "forest-money-bank-area"),
        ("glossary", "forest-money-bank-term"),
    ]
    # exact id first, whatever its table
    assert dz.search("forest-money-bank-area")[0].id == "forest-money-bank-area"
    # an exact name (case and spaces do not matter) before names that contain the text
    lead = dz.search("  LEAD ")
    assert (lead[0].table, lead[0].id) == ("sections", "lead")
    assert [r.id for r in lead[1:]] == sorted(r.id for r in lead[1:] if r.table == "metrics") + [
        r.id for r in lead[1:] if r.table == "glossary"
    ]
    assert [(r.table, r.id) for r in dz.search("达州市委改革办")] == [
        ("organizations", "dazhou-reform-office")
    ]
    assert dz.search("no such thing anywhere") == []
    assert all(isinstance(r, models.Record) for r in dz.search("改革"))


def test_search_is_deterministic_and_can_be_limited_to_tables() -> None:
    assert dz.search("改革") == dz.search("改革")
    only = dz.search("改革", tables=["glossary"])
    assert only and {r.table for r in only} == {"glossary"}
    with pytest.raises(ValueError, match="search needs some text"):
        dz.search("  ")
    with pytest.raises(KeyError, match="no searchable table 'vocabularies'"):
        dz.search("x", tables=["vocabularies"])


def test_models_are_exported_at_the_top_level() -> None:
    for name in ("Reform", "Metric", "Organization", "Source", "Section", "GlossaryTerm", "Evidence"):
        assert getattr(dz, name) is getattr(models, name)
        assert name in dz.__all__ and name in dir(dz)
    with pytest.raises(AttributeError, match="has no attribute 'Nothing'"):
        dz.Nothing  # type: ignore[attr-defined]  # noqa: B018


def test_import_stays_light_and_names_load_on_first_use() -> None:
    code = (
        "import sys, dazhou_reforms as dz; "
        "heavy = ('pyarrow', 'pandas', 'polars', 'datasets', 'pydantic', 'dazhou_reforms.schema.models', "
        "'dazhou_reforms.loaders', 'dazhou_reforms.lookup', 'dazhou_reforms.frames'); "
        "print(sorted(m for m in heavy if m in sys.modules)); dz.Reform; "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["[]", "['dazhou_reforms.schema.models', 'pydantic']"]


def test_python_dash_m_is_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dazhou_reforms", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout == f"dazhou-reforms, version {__version__}\n"
    listed = subprocess.run(
        [sys.executable, "-m", "dazhou_reforms", "--help"], capture_output=True, text=True
    )
    assert listed.returncode == 0
    for command in ("build", "check", "cite", "diff", "info", "new", "schema", "validate"):
        assert f"  {command} " in listed.stdout


def test_withdrawn_records_resolve_by_id_but_are_not_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    from dazhou_reforms import loaders

    glossary = dz.load_glossary()
    gone = glossary[0].model_copy(update={"withdrawn": "2026-11-30", "withdrawn_reason": "a duplicate"})
    marked = [gone, *glossary[1:]]

    def load(version: str | None = None, include_withdrawn: bool = False) -> list[Any]:
        # as the loaders do: withdrawn records only when asked for
        return [record for record in marked if include_withdrawn or models.is_live(record)]

    monkeypatch.setitem(loaders.LOADERS, "glossary", load)
    assert dz.get_term(gone.id) is gone
    assert gone.id not in [r.id for r in dz.search(gone.id)]
    assert [r.id for r in dz.search(gone.id, include_withdrawn=True)] == [gone.id]

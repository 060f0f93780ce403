"""The registry of problem codes: each code defined once, every problem made from it, none unused."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.codes import CODES, Code, define, markdown_table

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "dazhou_reforms"
#: The registry's own constants, by the name modules use (codes.DUPLICATE_ID).
CONSTANTS = {name: value for name, value in vars(codes).items() if isinstance(value, Code)}


def package_trees() -> dict[str, ast.Module]:
    return {
        path.relative_to(PACKAGE).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_every_code_has_a_kind_a_meaning_and_one_constant() -> None:
    assert len(CODES) > 40
    for name, code in CODES.items():
        assert code.name == name
        assert code.kind in codes.KINDS, name
        assert code.meaning and "\n" not in code.meaning and len(code.meaning) < 110, name
        assert code.hint is None or (code.hint and "\n" not in code.hint), name
    assert sorted(code.name for code in CONSTANTS.values()) == sorted(CODES)
    assert {name: code.name.upper().replace("-", "_") for name, code in CONSTANTS.items()} == {
        name: name for name in CONSTANTS
    }


def test_a_code_cannot_be_defined_twice() -> None:
    with pytest.raises(ValueError, match="defined twice"):
        define("duplicate-id", "check", "again")
    assert CODES["duplicate-id"] is codes.DUPLICATE_ID


def test_a_problem_takes_the_default_hint_of_its_code_unless_told_otherwise() -> None:
    assert codes.DUPLICATE_ID.problem("m").hint == codes.DUPLICATE_ID.hint
    assert codes.DUPLICATE_ID.problem("m", hint="own").hint == "own"
    assert codes.DUPLICATE_ID.problem("m", hint=None).hint is None
    assert codes.JSON_SYNTAX.problem("m").hint is None


def test_problems_are_made_only_from_registered_codes() -> None:
    """No module builds a Problem from a bare string, nor changes a problem's code afterwards: only
    codes.<CODE>.problem() makes one (and a JsonError carries a Code)."""
    offenders = []
    for module, tree in package_trees().items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if called == "Problem" and module != "problems/codes.py":
                offenders.append(f"{module}:{node.lineno} Problem(...)")
            if called == "replace" and any(keyword.arg == "code" for keyword in node.keywords):
                offenders.append(f"{module}:{node.lineno} replace(..., code=...)")
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and first.value in CODES and called not in {"get", "define"}:
                offenders.append(f"{module}:{node.lineno} {called}({first.value!r}, ...)")
    assert offenders == []


def test_every_registered_code_is_raised_somewhere() -> None:
    """Each constant of the registry is used as a code by a module other than the registry: its
    ``.problem(...)`` called, or the Code itself passed on (to a JsonError, a Reporter, a table of
    codes); reading only its ``.name`` or ``.hint`` (to compare or reuse) does not count."""
    raised: set[str] = set()
    read_only = {"name", "hint", "kind", "meaning"}
    for module, tree in package_trees().items():
        if module == "problems/codes.py":
            continue
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "codes"
            ):
                parent = parents.get(node)
                if isinstance(parent, ast.Attribute) and parent.attr in read_only:
                    continue
                raised.add(node.attr)
    assert sorted(set(CONSTANTS) - raised) == []
    assert sorted(raised - set(CONSTANTS) - {"KINDS", "CODES"}) == []


def test_the_docs_table_of_codes_is_the_registry() -> None:
    """docs/error-codes.md is generated (python scripts/docs.py); the README links to it."""
    page = (ROOT / "docs" / "error-codes.md").read_text(encoding="utf-8")
    table = markdown_table()
    assert table in page
    assert "(docs/error-codes.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert [line.split("`")[1] for line in table.splitlines()[2:]] == list(CODES)

"""The package's layout: stages import one way only, no private name crosses a module, modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "dazhou_reforms"
#: The stages, lowest first: a module may import from its own stage and from lower ones only.
#: The public face (loaders, hf) reads releases and the schema; the CLI sits on top of everything.
RANKS = {
    "_version": 0,
    "schema": 1,
    "problems": 2,
    "read": 3,
    "check": 4,
    "release": 5,
    "validate": 6,
    "extras": 7,
    "loaders": 7,
    "frames": 8,
    "lookup": 8,
    "cite": 8,
    "hf": 8,
    "cli": 9,
    "__main__": 10,
    "__init__": 10,
}
FACE = {
    "__init__.py",
    "__main__.py",
    "_version.py",
    "extras.py",
    "loaders.py",
    "frames.py",
    "lookup.py",
    "cite.py",
    "hf.py",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def stage_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports_of(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every import in the file, at any depth (lazy imports included)."""
    found = []
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, ``level - 1`` packages up
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], base])
            found.append((node.lineno, base.strip("."), [alias.name for alias in node.names]))
    return found


def test_the_top_level_holds_only_the_public_face_and_the_stages() -> None:
    modules = {path.name for path in PACKAGE.glob("*.py")}
    assert modules == FACE
    stages = {path.name for path in PACKAGE.iterdir() if path.is_dir() and (path / "__init__.py").is_file()}
    assert stages == {"schema", "problems", "read", "check", "validate", "release", "cli"}


def test_imports_go_from_higher_stages_to_lower_ones_only() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = stage_of(module_name(path))
        for line, imported, names in imports_of(path):
            if not imported.startswith("dazhou_reforms"):
                continue
            targets = [imported] if imported != "dazhou_reforms" else [f"dazhou_reforms.{n}" for n in names]
            for target in targets:
                there = stage_of(target)
                if RANKS[there] > RANKS[here]:
                    upward.append(f"{path.relative_to(PACKAGE)}:{line} ({here}) imports {target} ({there})")
    assert upward == []


def test_the_import_graph_is_what_the_test_reads() -> None:
    """The rule above is checked on the real graph: every stage imports, and is imported."""
    importing: set[str] = set()
    imported: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for _, target, _ in imports_of(path):
            if target.startswith("dazhou_reforms."):
                importing.add(stage_of(module_name(path)))
                imported.add(stage_of(target))
    assert {"read", "check", "release", "validate", "cli"} <= importing
    assert {"schema", "problems", "read", "check", "release", "validate"} <= imported


def test_no_private_name_is_imported_from_another_module() -> None:
    """``from x import _name`` and ``module._name`` across modules: in the package, tests and benchmarks."""
    found = []
    files = [*PACKAGE.rglob("*.py"), *(ROOT / "tests").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dazhou_reforms"):
                for alias in node.names:
                    private = alias.name.startswith("_") and not alias.name.startswith("__")
                    if private:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {alias.name}")
                    modules.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                modules |= {alias.asname or alias.name for alias in node.names if "dazhou" in alias.name}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} uses {node.value.id}.{node.attr}")
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and "dazhou_reforms." in node.value
            ):
                last = node.value.rsplit(".", 1)[-1]
                if last.startswith("_") and not last.startswith("__"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} names {node.value}")
    assert found == []


def test_no_module_is_over_500_lines() -> None:
    long = {
        path.relative_to(PACKAGE).as_posix(): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}

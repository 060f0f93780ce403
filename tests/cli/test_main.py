"""The command group: every subcommand is listed and loads lazily; ``python -m`` runs it."""

from __future__ import annotations

import ast
import subprocess
import sys

from click.testing import CliRunner

from dazhou_reforms import __version__
from dazhou_reforms.cli import main
from dazhou_reforms.cli.group import LAZY_COMMANDS


def test_every_command_is_listed_and_loads() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in [*LAZY_COMMANDS, "check"]:
        assert f"  {name} " in result.output, name
        assert CliRunner().invoke(main, [name, "--help"]).exit_code == 0, name


def imported_after(args: list[str]) -> list[str]:
    code = (
        "import sys; from dazhou_reforms.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pyarrow', 'dazhou_reforms.cli.'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return list(ast.literal_eval(result.stdout.splitlines()[-1]))


def test_a_command_imports_only_its_own_module_and_never_pyarrow() -> None:
    assert not any(name.startswith("pyarrow") for name in imported_after(["--help"]))
    modules = imported_after(["validate", "--help"])
    assert [m for m in modules if m.startswith("dazhou_reforms.cli.")] == [
        "dazhou_reforms.cli.group",
        "dazhou_reforms.cli.validate",
    ]
    assert not any(name.startswith("pyarrow") for name in modules)


def test_python_dash_m_runs_the_command_line() -> None:
    for module in ("dazhou_reforms", "dazhou_reforms.cli"):
        result = subprocess.run(
            [sys.executable, "-m", module, "--version"], capture_output=True, text=True, check=True
        )
        assert result.stdout == f"dazhou-reforms, version {__version__}\n"

"""The command group: every subcommand is listed and loads lazily; ``python -m`` runs it."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from dazhou_reforms import __version__
from dazhou_reforms.cli.main import LAZY_COMMANDS, main


def test_every_command_is_listed_and_loads() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in [*LAZY_COMMANDS, "check"]:
        assert f"  {name} " in result.output, name
        assert CliRunner().invoke(main, [name, "--help"]).exit_code == 0, name


def test_help_does_not_import_the_commands_or_pyarrow() -> None:
    code = (
        "import sys; from dazhou_reforms.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pyarrow', 'dazhou_reforms.cli.'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "['dazhou_reforms.cli.main', 'dazhou_reforms.cli.options']"


def test_python_dash_m_runs_the_command_line() -> None:
    for module in ("dazhou_reforms", "dazhou_reforms.cli"):
        result = subprocess.run(
            [sys.executable, "-m", module, "--version"], capture_output=True, text=True, check=True
        )
        assert result.stdout == f"dazhou-reforms, version {__version__}\n"

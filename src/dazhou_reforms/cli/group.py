"""The ``dazhou-reforms`` command line.

Subcommands live in their own modules and are imported only when run, so that ``--help`` and
``validate`` stay fast and never import pyarrow.
"""

from __future__ import annotations

import importlib
import importlib.util

import click

from dazhou_reforms._version import __version__

#: command name -> "module:attribute" of its click command.
LAZY_COMMANDS: dict[str, str] = {
    "build": "dazhou_reforms.cli.build:build",
    "schema": "dazhou_reforms.cli.schema:schema",
    "check": "dazhou_reforms.cli.check:check",
    "validate": "dazhou_reforms.cli.validate:validate",
    "new": "dazhou_reforms.cli.new:new",
    "info": "dazhou_reforms.cli.info:info",
    "diff": "dazhou_reforms.cli.diff:diff",
    "reanchor": "dazhou_reforms.cli.reanchor:reanchor",
    "cite": "dazhou_reforms.cli.cite:cite",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        available = [name for name, target in LAZY_COMMANDS.items() if _module_exists(target)]
        return sorted({*super().list_commands(ctx), *available})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = LAZY_COMMANDS.get(cmd_name)
        if target is None or not _module_exists(target):
            return super().get_command(ctx, cmd_name)
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command


def _module_exists(target: str) -> bool:
    return importlib.util.find_spec(target.split(":")[0]) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dazhou-reforms")
def main() -> None:
    """Build, validate and explore the dazhou-reforms dataset."""


if __name__ == "__main__":  # pragma: no cover
    main()

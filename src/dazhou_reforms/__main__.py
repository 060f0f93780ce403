"""``python -m dazhou_reforms``: the ``dazhou-reforms`` command."""

from dazhou_reforms.cli.group import main

main()

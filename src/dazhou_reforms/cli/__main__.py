"""``python -m dazhou_reforms.cli``: the ``dazhou-reforms`` command."""

from dazhou_reforms.cli.main import main

main()

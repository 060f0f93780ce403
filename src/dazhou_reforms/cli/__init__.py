"""The ``dazhou-reforms`` command line: :func:`main` is the click group (``dazhou_reforms.cli:main``)."""

from dazhou_reforms.cli.group import main

__all__ = ["main"]

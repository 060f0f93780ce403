"""Optional features and the extra that installs each: a missing one is an ``ImportError`` that says
which ``pip install`` line brings it (never a bare ``ModuleNotFoundError``)."""

from __future__ import annotations

import importlib
from types import ModuleType

#: extra -> the modules it installs (the distribution names are in pyproject.toml).
EXTRAS: dict[str, tuple[str, ...]] = {
    "pandas": ("pandas",),
    "polars": ("polars",),
    "duckdb": ("duckdb",),
    "hf": ("datasets",),
    "contrib": ("tomlkit",),
}


class MissingExtraError(ImportError):
    """An optional feature is used without the extra that installs it."""


def install_line(extra: str) -> str:
    """The command that installs ``extra``, e.g. ``pip install "dazhou-reforms[pandas]"``."""
    return f'pip install "dazhou-reforms[{extra}]"'


def require(module: str, extra: str, feature: str) -> ModuleType:
    """``import module``, or a :class:`MissingExtraError` naming ``feature`` and the install line."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name is None or error.name.split(".")[0] != module.split(".")[0]:
            raise
        raise MissingExtraError(
            f"{feature} needs {module}, which is not installed: {install_line(extra)} "
            f"(or {install_line('all')} for every optional feature)",
            name=module,
        ) from None

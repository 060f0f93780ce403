"""dazhou-reforms: the reforms and figures of one 2024 article on reform in Dazhou, Sichuan.

``import dazhou_reforms`` is light: the loaders (and pydantic, pyarrow) are imported on first use.
"""

from __future__ import annotations

from dazhou_reforms._version import __version__

TYPE_CHECKING = False  # not imported from typing: `import dazhou_reforms` stays as light as can be
if TYPE_CHECKING:
    from typing import Any

    from dazhou_reforms.loaders import (
        available_versions,
        evidence_text,
        get_reform,
        load_glossary,
        load_metrics,
        load_organizations,
        load_reforms,
        load_sections,
        load_series,
        load_sources,
        load_table,
        metrics_for,
        records_quoting,
        sources_of,
    )

__all__ = [
    "__version__",
    "available_versions",
    "evidence_text",
    "get_reform",
    "load_glossary",
    "load_metrics",
    "load_organizations",
    "load_reforms",
    "load_sections",
    "load_series",
    "load_sources",
    "load_table",
    "metrics_for",
    "records_quoting",
    "sources_of",
]

_LAZY = set(__all__) - {"__version__"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from dazhou_reforms import loaders

        return getattr(loaders, name)
    raise AttributeError(f"module 'dazhou_reforms' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY)
